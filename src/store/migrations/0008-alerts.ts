import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// Anomaly alerts kept in the database, so they survive a restart and every replica sees the same
// ones. Dialect-neutral like the others: text, bigint epoch ms, JSON as text, kinds validated by
// the code rather than by a CHECK.
//
// - `alerts`: one row per alert. `dedupe_key` (kind, agent, quiet window) is unique, so the same
//   audit records never raise the same alert twice, whichever replica evaluates them. An admin
//   acknowledges an alert once: when, who, and an optional note.
// - `alert_evaluation`: a lease (holder, expiry) so one replica at a time reads the shared audit
//   table, and the watermark up to which it has read. `epoch` changes whenever the lease changes
//   hands, so a holder can tell that someone else evaluated in between.
// - `alert_known_ips`: the addresses each agent's token has been used from, shared by replicas, so
//   "a token used from a new address" means new to all of them. Seeded with the last address each
//   agent was seen from, so upgrading raises nothing for it.
// - An index on audit_records.completed_at: the evaluator reads completions (credits spent) since
//   its watermark.

/** Creates alerts, alert_evaluation, alert_known_ips and the audit completion index. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('agent_name', 'text', (c) => c.notNull())
    .addColumn('time', 'bigint', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    // JSON array of the audit record ids that triggered the alert.
    .addColumn('audit_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('acknowledged_at', 'bigint')
    .addColumn('acknowledged_by', 'text')
    .addColumn('acknowledged_note', 'text')
    .execute();
  await db.schema.createIndex('alerts_time_idx').on('alerts').columns(['time', 'id']).execute();

  await db.schema
    .createTable('alert_evaluation')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'bigint', (c) => c.notNull())
    .addColumn('epoch', 'integer', (c) => c.notNull())
    // Null until the first evaluation: audit records up to here have been evaluated.
    .addColumn('watermark', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('alert_known_ips')
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('alert_known_ips_pkey', ['agent_id', 'ip'])
    .execute();
  await sql`insert into alert_known_ips (agent_id, ip, first_seen_at)
    select id, last_used_ip, coalesce(last_used_at, created_at) from agents
    where last_used_ip is not null`.execute(db);

  await db.schema
    .createIndex('audit_records_completed_at_idx')
    .on('audit_records')
    .column('completed_at')
    .execute();
}

/** Drops what `up` created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('audit_records_completed_at_idx').ifExists().execute();
  await db.schema.dropTable('alert_known_ips').ifExists().execute();
  await db.schema.dropTable('alert_evaluation').ifExists().execute();
  await db.schema.dropTable('alerts').ifExists().execute();
}
