import type { Kysely } from 'kysely';

// Held calls: a call whose grant requires approval waits here, bound to its exact
// validated input, until an admin approves (then it runs once), rejects, or it expires.
// Dialect-neutral like the others; `state` is validated by the repository.

/** Creates approvals and its indexes. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('approvals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('agent_name', 'text', (c) => c.notNull())
    .addColumn('surface', 'text', (c) => c.notNull())
    .addColumn('action_id', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    // JSON: the validated input exactly as it will be sent; never changed after creation.
    .addColumn('input', 'text', (c) => c.notNull())
    // SHA-256 of `input`, checked again before the call runs.
    .addColumn('input_hash', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('audit_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('decided_at', 'bigint')
    .addColumn('decided_by', 'text')
    .addColumn('note', 'text')
    .addColumn('result_status', 'integer')
    // JSON: Apollo's answer (unredacted; redacted when the agent fetches it) or the error.
    .addColumn('result_body', 'text')
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('approvals_state_expires_idx')
    .on('approvals')
    .columns(['state', 'expires_at'])
    .execute();
  await db.schema
    .createIndex('approvals_created_at_idx')
    .on('approvals')
    .column('created_at')
    .execute();
}

/** Drops what `up` created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('approvals').ifExists().execute();
}
