import { chmodSync, closeSync, fchmodSync, openSync, statSync } from 'node:fs';

import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type {
  LogConfig,
  PostgresPool,
  PostgresPoolClient,
  PostgresQueryResult,
  SqliteDatabase as KyselySqliteDatabase,
} from 'kysely';
import pg from 'pg';

import { GatewayFault, gatewayError } from '../core/errors.js';

import { createChangeCounter } from './change-version.js';
import { checkpointInBackground } from './sqlite-checkpointer.js';
import type { Database } from './db.js';

/** The two databases Gatehouse runs on. */
export type DialectName = 'sqlite' | 'postgres';

/** Options for {@link openDatabase}; every field has a sensible default. */
export interface OpenDatabaseOptions {
  /** Postgres only: the schema to work in (sets `search_path`); it must already exist. */
  schema?: string;
  /** Postgres only: maximum pooled connections (default 10). */
  poolSize?: number;
  /**
   * Postgres only: how long a query waits for a connection, pooled or new, before the store is
   * reported unavailable, in ms (default 3000; 0 waits for ever).
   */
  connectTimeoutMs?: number;
  /** Postgres only: the server cancels a statement running longer than this, in ms (default 5000; 0: none). */
  statementTimeoutMs?: number;
  /**
   * Postgres only: the client stops waiting for an answer after this, in ms (default: the statement
   * timeout plus one second; 0: none). It covers what the server's timeout cannot: a connection
   * that stopped answering (a frozen server, a half-open socket), whose client is then discarded.
   */
  queryTimeoutMs?: number;
  /**
   * SQLite only: checkpoint the WAL from a worker thread instead of inside the commits on this
   * thread (a server's; see sqlite-checkpointer.ts). Default false.
   */
  backgroundCheckpoints?: boolean;
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
  /**
   * Changes whenever the agents, grants, retired tokens or the connection may have changed. SQLite:
   * this process's writes joined to data_version (any other process's commit), answered at once;
   * see change-version.ts. Postgres: the change_version row that a trigger moves in the same
   * transaction as every write to those tables, by any replica (migration 0013): one small read.
   */
  readonly changeVersion?: () => string | Promise<string>;
  /**
   * SQLite only: the better-sqlite3 connection under Kysely, for the audit trail's precompiled
   * writes. Use it only inside `db.connection().execute(...)`, which holds Kysely's one connection,
   * so a statement can never land inside another caller's open transaction.
   */
  readonly sqlite?: SqliteDatabase.Database;
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
  const changes = createChangeCounter();
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
    plugins: [changes.plugin],
    ...(options.log ? { log: options.log } : {}),
  });
  // data_version asks SQLite (a look at the WAL index): read once per turn of the event loop,
  // since the three lookups of a call ask within one turn. This process's own writes are counted
  // on every ask.
  const dataVersion = sqlite.prepare('pragma data_version').pluck();
  let seen: string | undefined;
  const changeVersion = () => {
    if (seen === undefined) {
      seen = sqlite.open ? String(dataVersion.get()) : 'closed';
      setImmediate(() => (seen = undefined));
    }
    return `${seen}:${changes.count()}`;
  };
  const stopCheckpoints =
    options.backgroundCheckpoints && path !== ':memory:' && path !== ''
      ? checkpointInBackground(sqlite, path)
      : null;
  const close = closeOnce(db);
  return {
    db,
    dialect: 'sqlite',
    changeVersion,
    sqlite,
    close: async () => {
      await stopCheckpoints?.();
      await close();
    },
  };
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
  const connectTimeoutMs = options.connectTimeoutMs ?? defaultPostgresTimeouts.connectMs;
  const statementTimeoutMs = options.statementTimeoutMs ?? defaultPostgresTimeouts.statementMs;
  const queryTimeoutMs =
    options.queryTimeoutMs ?? (statementTimeoutMs > 0 ? statementTimeoutMs + 1000 : 0);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    types: numberTypes(),
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    ...(connectTimeoutMs > 0 ? { connectionTimeoutMillis: connectTimeoutMs } : {}),
    ...(statementTimeoutMs > 0 ? { statement_timeout: statementTimeoutMs } : {}),
    ...(queryTimeoutMs > 0 ? { query_timeout: queryTimeoutMs } : {}),
    // A transaction left open by a client that went away must not hold its locks for ever.
    ...(statementTimeoutMs > 0
      ? { idle_in_transaction_session_timeout: Math.max(statementTimeoutMs * 2, 10_000) }
      : {}),
    // TCP keepalive notices a peer that vanished without closing (a host gone, a cut link).
    keepAlive: true,
  });
  const onPoolError = options.onPoolError ?? (() => {});
  pool.on('error', onPoolError);
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: guardedPool(pool, connectTimeoutMs, onPoolError) }),
    ...(options.log ? { log: options.log } : {}),
  });
  // Read on every ask: another replica's commit must be seen by the next call here.
  let missing = 0;
  const changeVersion = async () => {
    const row = await db
      .selectFrom('change_version')
      .select('version')
      .where('id', '=', 1)
      .executeTakeFirst();
    // Without its row (deleted by hand) nothing may be kept: every ask is a new version.
    return row ? `pg:${row.version}` : `pg:none:${(missing += 1)}`;
  };
  return { db, dialect: 'postgres', changeVersion, close: closeOnce(db) };
}

/** The Postgres timeouts when none are configured, in ms. */
export const defaultPostgresTimeouts = Object.freeze({ connectMs: 3000, statementMs: 5000 });

/** SQLSTATE classes and codes that mean the database cannot serve now, not that a query is wrong. */
const unavailableSqlStates = /^(08|53|57P)|^57014$|^55P03$/;
/** Node and pg errors of a connection that failed, closed or stopped answering. */
const unavailableErrnos = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const unavailableMessages =
  /timeout|terminated|Connection ended|not queryable|connection error|closed the connection/i;

/**
 * True when a driver error says the database is unreachable, overloaded or too slow (refused,
 * reset, timed out, shutting down, statement cancelled by its timeout), as opposed to a query the
 * database refused (a constraint, a syntax error), which stays the caller's to handle.
 */
export function isUnavailableError(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (/^[0-9A-Z]{5}$/.test(code)) return unavailableSqlStates.test(code);
  if (unavailableErrnos.has(code)) return true;
  return typeof e?.message === 'string' && unavailableMessages.test(e.message);
}

/** The fault every query of the store throws while the database is unavailable. */
export function storeUnavailable(cause: unknown, retryAfterSeconds: number): GatewayFault {
  return new GatewayFault(gatewayError.storeUnavailable({ retryAfterSeconds, cause }));
}

/**
 * The pool as Kysely sees it, with outages turned into one fault (STORE_UNAVAILABLE, answered as
 * a 503 with Retry-After instead of a 500) and a connection that timed out or broke discarded on
 * release instead of handed to the next query. pg would otherwise keep a client whose unanswered
 * query still occupies it, and every later query on it would wait behind that one.
 */
function guardedPool(
  pool: pg.Pool,
  connectTimeoutMs: number,
  onPoolError: (error: Error) => void,
): PostgresPool {
  const retryAfterSeconds = Math.max(1, Math.ceil(connectTimeoutMs / 1000));
  const guarded = new WeakMap<pg.PoolClient, { client: PostgresPoolClient; broken: boolean }>();
  return {
    async connect() {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw storeUnavailable(error, retryAfterSeconds);
      }
      const known = guarded.get(client);
      if (known) {
        known.broken = false;
        return known.client;
      }
      const entry = {
        broken: false,
        client: {
          async query<R>(sql: string, parameters: ReadonlyArray<unknown>) {
            try {
              return (await client.query(sql, [
                ...parameters,
              ])) as unknown as PostgresQueryResult<R>;
            } catch (error) {
              if (!isUnavailableError(error)) throw error;
              entry.broken = true;
              throw storeUnavailable(error, retryAfterSeconds);
            }
          },
          release() {
            client.release(entry.broken ? true : undefined);
          },
        } as PostgresPoolClient,
      };
      // pg emits `error` on a client whose connection breaks; the pool listens only while the
      // client is idle, so a connection lost during a query would otherwise crash the process.
      client.on('error', (error: Error) => {
        entry.broken = true;
        onPoolError(error);
      });
      guarded.set(client, entry);
      return entry.client;
    },
    end: () => pool.end(),
  };
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
