import type { Kysely } from 'kysely';

// The request id of the HTTP request behind an audit record (the client's X-Request-Id when it
// sent a safe one, else Gatehouse's own), so a record can be matched to its log lines. Nullable:
// older records, and records written outside a request (the CLI, background jobs), have none.

/** Adds audit_records.request_id. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('audit_records').addColumn('request_id', 'text').execute();
}

/** Drops what `up` added. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('audit_records').dropColumn('request_id').execute();
}
