import { chmodSync, closeSync, fchmodSync, openSync, statSync } from 'node:fs';

import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { LogConfig, SqliteDatabase as KyselySqliteDatabase } from 'kysely';
import pg from 'pg';

import type { Database } from './db.js';

/** The two databases Gatehouse runs on. */
export type DialectName = 'sqlite' | 'postgres';

/** Options for {@link openDatabase}; every field has a sensible default. */
export interface OpenDatabaseOptions {
  /** Postgres only: the schema to work in (sets `search_path`); it must already exist. */
  schema?: string;
  /** Postgres only: maximum pooled connections (default 10). */
  poolSize?: number;
  /** SQLite only: how long a writer waits for another process's lock, in ms (default 5000). */
  busyTimeoutMs?: number;
  /** Kysely log configuration (query/error events), e.g. for debug logging or query counting. */
  log?: LogConfig;
  /**
   * Postgres only: called when an idle pooled connection fails (server restart, network). The
   * pool replaces the connection; without a listener Node would crash on the `error` event.
   */
  onPoolError?: (error: Error) => void;
}

/** An open database: the Kysely instance, which dialect it speaks, and how to close it. */
export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  /** Closes the pool or the SQLite file; safe to call twice. */
  close(): Promise<void>;
}

const schemaPattern = /^[a-z_][a-z0-9_]{0,62}$/;

/** True for `postgres://` and `postgresql://` URLs; anything else is a SQLite path. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(url);
}

/**
 * Opens the database named by `url`: a `postgres://` or `postgresql://` URL gives a pg pool,
 * anything else is a SQLite file path (or `:memory:`). Throws if the SQLite file cannot be opened;
 * the Postgres pool connects lazily, so the first query reports an unreachable server.
 */
export function openDatabase(url: string, options: OpenDatabaseOptions = {}): DatabaseHandle {
  return isPostgresUrl(url) ? openPostgres(url, options) : openSqlite(url, options);
}

/** The SQLite files' mode: owner read/write only, like the vault key file. */
export const sqliteFileMode = 0o600;

/**
 * Makes the SQLite database and its -wal and -shm files owner-only before SQLite opens them: they
 * hold the sealed Apollo credential, token hashes and the audit trail. A new database file is
 * created 0600 here (exactly, whatever the umask) because SQLite creates -wal and -shm with the
 * main file's mode; files that already exist lose any group and other bits (never gaining one).
 * Tightening an existing file is best effort: a file system without Unix modes keeps its own.
 */
export function restrictSqliteFiles(path: string): void {
  if (path === ':memory:' || path === '' || process.platform === 'win32') return;
  let fd: number | undefined;
  try {
    fd = openSync(path, 'wx', sqliteFileMode);
    fchmodSync(fd, sqliteFileMode);
  } catch {
    // It exists (tightened below), or SQLite reports why it cannot be created when it opens it.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      const mode = statSync(file).mode & 0o777;
      if ((mode & ~sqliteFileMode) !== 0) chmodSync(file, mode & sqliteFileMode);
    } catch {
      // Absent (SQLite creates it with the main file's mode) or not ours to change.
    }
  }
}

function openSqlite(path: string, options: OpenDatabaseOptions): DatabaseHandle {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  restrictSqliteFiles(path);
  const sqlite = new SqliteDatabase(path, { timeout: busyTimeoutMs });
  // WAL lets readers run beside the single writer; NORMAL is durable across application crashes
  // and only risks the last transactions on power loss, the usual pairing with WAL.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
    ...(options.log ? { log: options.log } : {}),
  });
  return { db, dialect: 'sqlite', close: closeOnce(db) };
}

/** How many distinct prepared statements a SQLite handle keeps (the app issues a few dozen). */
export const statementCacheSize = 256;

/**
 * Kysely's SQLite driver prepares every query afresh; preparing costs more than running the small
 * statements the request path issues. This keeps prepared statements by SQL text (bounded, oldest
 * dropped first). A statement still being iterated (a streamed export) is busy, so a second use of
 * the same SQL meanwhile gets a fresh statement rather than the busy one.
 */
export function withStatementCache(
  sqlite: SqliteDatabase.Database,
  size = statementCacheSize,
): KyselySqliteDatabase {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sqlText: string) {
      const cached = cache.get(sqlText);
      if (cached && !cached.busy) return cached;
      const statement = sqlite.prepare(sqlText);
      if (!cached) {
        if (cache.size >= size) cache.delete(cache.keys().next().value!);
        cache.set(sqlText, statement);
      }
      return statement;
    },
  };
}

function openPostgres(url: string, options: OpenDatabaseOptions): DatabaseHandle {
  if (options.schema !== undefined && !schemaPattern.test(options.schema)) {
    throw new Error(`invalid Postgres schema name ${JSON.stringify(options.schema)}`);
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    types: numberTypes(),
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  pool.on('error', options.onPoolError ?? (() => {}));
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    ...(options.log ? { log: options.log } : {}),
  });
  return { db, dialect: 'postgres', close: closeOnce(db) };
}

const int8Oid = 20;
const numericOid = 1700;

/**
 * pg returns int8 and numeric as strings, because they can exceed 2^53. Ours hold epoch
 * milliseconds, counts and aggregates of small numbers, far below that, and SQLite returns them as
 * numbers, so both dialects answer with JS numbers. The parsers belong to this pool only: no
 * global `pg.types.setTypeParser`, so other pg users in the process are unaffected.
 */
function numberTypes(): pg.CustomTypesConfig {
  const types = new pg.TypeOverrides();
  types.setTypeParser(int8Oid, 'text', (value: string) => Number(value));
  types.setTypeParser(numericOid, 'text', (value: string) => Number(value));
  return types;
}

function closeOnce(db: Kysely<Database>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= db.destroy());
}
