import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Postgres: one row whose number moves in the same transaction as every write to the rows each
// call reads (agents, grants, retired tokens, the connection), so a replica can keep those rows in
// memory and ask one small question per call ("has anything changed?") instead of three reads.
// A statement trigger bumps it BEFORE the statement runs: every writer takes the row's lock first,
// so two writers cannot deadlock on it, and the bump commits or rolls back with the write. (A
// sequence would not do: nextval moves before the write commits, so a reader could see the new
// number beside the old rows.) SQLite gets the table too, unused: it has data_version and one
// connection per process (store/change-version.ts).

/** The tables whose writes move the version; the same list as versionedTables. */
const tables = ['agents', 'grants', 'retired_tokens', 'connection'] as const;

/** Creates change_version, its one row and, on Postgres, the triggers. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('change_version')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .execute();
  await sql`insert into change_version (id, version) values (1, 0)`.execute(db);
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  // search_path is fixed at creation, so the trigger finds this schema's row whoever writes.
  await sql`
    create function gatehouse_bump_change_version() returns trigger
    language plpgsql set search_path from current as $$
    begin
      update change_version set version = version + 1 where id = 1;
      return null;
    end $$`.execute(db);
  for (const table of tables) {
    await sql`
      create trigger ${sql.id(`${table}_change_version`)}
      before insert or update or delete or truncate on ${sql.table(table)}
      for each statement execute function gatehouse_bump_change_version()`.execute(db);
  }
}

/** Drops the triggers, the function and the table. */
export async function down(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    for (const table of tables) {
      await sql`drop trigger if exists ${sql.id(`${table}_change_version`)} on ${sql.table(table)}`.execute(
        db,
      );
    }
    await sql`drop function if exists gatehouse_bump_change_version()`.execute(db);
  }
  await db.schema.dropTable('change_version').ifExists().execute();
}
