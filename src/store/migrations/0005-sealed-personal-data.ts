import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// End-user data sealed at rest: the enrichment cache's bodies, the deliveries' payloads and the
// held approvals' inputs, targets, reasons and results become vault values (`gh1.…`, AES-256-GCM under the
// data key), and the cache's identity keys become HMACs. Sealing needs the data key, which a
// migration does not have, so this one only adds the bookkeeping:
//
// - `key_id`: the vault key that sealed the row's values, so `gatehouse secrets rotate` finds
//   every row still sealed under an older key. NULL marks a row written before this migration,
//   whose values are still plaintext; the store seals those when it opens, before it serves
//   anything (see personal-data.ts), and reads them as plaintext until then.
// - a partial index on the rows still NULL, so that check costs nothing on every start once the
//   old rows are sealed (SQLite and Postgres both index `WHERE key_id IS NULL`).

const tables = [
  ['enrichment_cache', 'key'],
  ['deliveries', 'receiver_hash'],
  ['approvals', 'id'],
] as const;

/** Adds key_id and the unsealed-rows index to each table that holds end-user data. */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [table, key] of tables) {
    await db.schema.alterTable(table).addColumn('key_id', 'text').execute();
    await db.schema
      .createIndex(`${table}_unsealed_idx`)
      .on(table)
      .column(key)
      .where(sql<boolean>`key_id is null`)
      .execute();
  }
}

/** Drops what `up` added (sealed values stay sealed: restore a backup to go back). */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [table] of tables) {
    await db.schema.dropIndex(`${table}_unsealed_idx`).ifExists().execute();
    await db.schema.alterTable(table).dropColumn('key_id').execute();
  }
}
