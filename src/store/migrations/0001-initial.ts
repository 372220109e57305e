import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// Dialect-neutral on purpose: only types and clauses that SQLite and Postgres both accept
// (text, integer, bigint, double precision, CHECK, expression and partial-free indexes).
// Enumerations (surface, decision, level, kind) are validated by the repositories rather than by
// CHECK constraints: SQLite cannot alter a CHECK without rebuilding the table, and the audit table
// is the one that grows large.

/** Creates agents, grants, audit_records, connection and settings. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('agents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('token_prefix', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('token_created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('last_used_at', 'bigint')
    .addColumn('last_used_ip', 'text')
    .addColumn('credit_budget_day', 'double precision')
    .addColumn('credit_budget_month', 'double precision')
    .addColumn('requests_per_minute', 'integer')
    .addColumn('redacted_fields', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  // Names are ASCII by validation, so lower() folds case identically on both dialects (SQLite's
  // lower() only folds ASCII).
  await db.schema
    .createIndex('agents_name_lower_key')
    .on('agents')
    .unique()
    .expression(sql`lower(name)`)
    .execute();

  await db.schema
    .createTable('grants')
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('requires_approval', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('grants_pkey', ['agent_id', 'target'])
    .addForeignKeyConstraint('grants_agent_id_fkey', ['agent_id'], 'agents', ['id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .addCheckConstraint('grants_requires_approval_bool', sql`requires_approval in (0, 1)`)
    .execute();

  // No foreign key to agents: the audit trail must accept unknown tokens (agent_id null) and must
  // outlive any change to the agents table; and it saves a lookup on every call.
  await db.schema
    .createTable('audit_records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('time', 'bigint', (c) => c.notNull())
    .addColumn('agent_id', 'text')
    .addColumn('agent_name', 'text')
    .addColumn('surface', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('params', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('rule', 'text')
    .addColumn('reason', 'text')
    .addColumn('upstream_status', 'integer')
    .addColumn('credits', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('duration_ms', 'double precision')
    .addColumn('sentence', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('completed_at', 'bigint')
    .addColumn('error_code', 'text')
    .execute();
  // Pages are read newest-first by id (ids are time-ordered), so filtered indexes end in id.
  await db.schema
    .createIndex('audit_records_time_idx')
    .on('audit_records')
    .column('time')
    .execute();
  await db.schema
    .createIndex('audit_records_agent_idx')
    .on('audit_records')
    .columns(['agent_id', 'id'])
    .execute();
  await db.schema
    .createIndex('audit_records_action_idx')
    .on('audit_records')
    .columns(['action', 'id'])
    .execute();
  await db.schema
    .createIndex('audit_records_decision_idx')
    .on('audit_records')
    .columns(['decision', 'id'])
    .execute();

  await db.schema
    .createTable('connection')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('sealed_credential', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

/** Drops everything `up` created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['settings', 'connection', 'audit_records', 'grants', 'agents']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
