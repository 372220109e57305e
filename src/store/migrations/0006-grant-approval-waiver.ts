import type { Kysely } from 'kysely';

// Outbound actions (sending mail, starting a sequence) are held for an admin's approval by default,
// even under `full`. A grant may waive that hold explicitly (`gatehouse grant … --no-approval`):
// `no_approval` records the waiver. Existing grants keep the default (0): nothing runs unheld that
// was not granted so on purpose.

/** Adds grants.no_approval. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('grants')
    .addColumn('no_approval', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

/** Drops grants.no_approval. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('grants').dropColumn('no_approval').execute();
}
