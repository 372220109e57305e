import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// Dialect-neutral like 0001: text, integer 0/1 with CHECK for booleans, bigint epoch ms, double
// precision credits, JSON as text. `kind` is validated by the repository, not by a CHECK.
//
// One row per identity key: an answer is stored under each key it can be found by (Apollo id,
// email, LinkedIn URL …), so a lookup is one primary-key probe per key. The body repeats per key;
// a person is a few kilobytes, and the cache keeps them for days, not forever.

/** Creates enrichment_cache and its expiry index. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('enrichment_cache')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('reveal_personal_emails', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reveal_phone_number', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('credits', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint(
      'enrichment_cache_reveal_personal_emails_bool',
      sql`reveal_personal_emails in (0, 1)`,
    )
    .addCheckConstraint(
      'enrichment_cache_reveal_phone_number_bool',
      sql`reveal_phone_number in (0, 1)`,
    )
    .execute();
  // Pruning deletes by expiry; lookups go by primary key and test expiry on the row.
  await db.schema
    .createIndex('enrichment_cache_expires_at_idx')
    .on('enrichment_cache')
    .column('expires_at')
    .execute();
}

/** Drops what `up` created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('enrichment_cache').ifExists().execute();
}
