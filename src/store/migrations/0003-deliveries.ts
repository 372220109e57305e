import type { Kysely } from 'kysely';

// Asynchronous enrichment deliveries: one row per call that asked Apollo for something it
// sends later by webhook (phone reveal, waterfall). Dialect-neutral like 0001/0002: text, bigint
// epoch ms, double precision credits, JSON as text. `state` and `via` are validated by the
// repository, not by a CHECK (SQLite cannot alter a CHECK without rebuilding the table).

/** Creates deliveries and its indexes. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('deliveries')
    // SHA-256 (hex) of the secret in the webhook URL Apollo was given; the secret itself is never
    // stored, so a database reader cannot forge a delivery.
    .addColumn('receiver_hash', 'text', (c) => c.primaryKey())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('agent_name', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('action_id', 'text', (c) => c.notNull())
    .addColumn('call_audit_id', 'text', (c) => c.notNull())
    // The record completed when the data arrives (opened with the call's answer).
    .addColumn('audit_id', 'text', (c) => c.notNull())
    .addColumn('surface', 'text', (c) => c.notNull())
    .addColumn('what', 'text', (c) => c.notNull())
    // Apollo's request_id, canonical signed int64 in decimal.
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('via', 'text')
    .addColumn('payload', 'text')
    .addColumn('credits', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('detail', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('settled_at', 'bigint')
    .addColumn('next_poll_at', 'bigint')
    .addColumn('polls', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // An agent fetches its result by Apollo's request id.
  await db.schema
    .createIndex('deliveries_agent_request_idx')
    .on('deliveries')
    .columns(['agent_id', 'request_id'])
    .execute();
  // The poller reads pending rows that are due.
  await db.schema
    .createIndex('deliveries_state_poll_idx')
    .on('deliveries')
    .columns(['state', 'next_poll_at'])
    .execute();
  await db.schema
    .createIndex('deliveries_created_at_idx')
    .on('deliveries')
    .column('created_at')
    .execute();
}

/** Drops what `up` created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('deliveries').ifExists().execute();
}
