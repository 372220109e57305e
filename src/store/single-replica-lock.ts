// The promise GATEHOUSE_SINGLE_REPLICA makes, kept: a replica on Postgres without Redis counts
// Apollo's windows and the credit budgets in its own memory, which is safe only while it is the
// only one. It holds a session-level advisory lock named after the database schema for as long as
// it runs; a second replica started the same way finds the lock taken and refuses to start. The
// lock goes with the connection, so a replica that dies (even SIGKILL) frees it at once.
import Database from 'better-sqlite3';
import pg from 'pg';

import { restrictSqliteFiles } from './dialect.js';

import type { Logger } from '../ports/index.js';

/** The held lock; `release` ends it (idempotent). */
export interface SingleReplicaLock {
  release(): Promise<void>;
}

/** Why the lock could not be held: another replica holds it, or Postgres did not answer. */
export class SingleReplicaRefused extends Error {
  override readonly name = 'SingleReplicaRefused';
}

/**
 * Takes the lock for the database `url` names (its schema, from `search_path`), or throws
 * {@link SingleReplicaRefused} with the operator's fix.
 */
export async function holdSingleReplicaLock(
  url: string,
  logger: Logger,
  connectTimeoutMs = 3_000,
): Promise<SingleReplicaLock> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: connectTimeoutMs,
  });
  let released = false;
  client.on('error', (e) => {
    if (released) return;
    // The lock went with the connection: another single replica could now start beside this one.
    logger.error(
      { err: e },
      'lost the connection holding the single-replica lock: this replica no longer guards against a second one on this database',
    );
  });
  try {
    await client.connect();
    const { rows } = await client.query<{ held: boolean; schema: string }>(
      "select pg_try_advisory_lock(hashtextextended('gatehouse:single-replica:' || current_schema(), 0)) as held, current_schema() as schema",
    );
    if (!rows[0]?.held) {
      throw new SingleReplicaRefused(
        `Another Gatehouse replica already runs on this database (schema ${rows[0]?.schema ?? '?'}) with GATEHOUSE_SINGLE_REPLICA=true and no Redis. ` +
          "Two replicas counting Apollo's windows and the credit budgets apart would overrun them: set GATEHOUSE_REDIS_URL on every replica to run several, or stop the other one.",
      );
    }
  } catch (e) {
    released = true;
    await client.end().catch(() => undefined);
    if (e instanceof SingleReplicaRefused) throw e;
    throw new SingleReplicaRefused(
      `Could not take the single-replica lock on Postgres: ${(e as Error).message}`,
      { cause: e },
    );
  }
  return {
    async release() {
      if (released) return;
      released = true;
      await client.end().catch(() => undefined);
    },
  };
}

/**
 * The same promise for a SQLite file without Redis: two `gatehouse start` on one file would each
 * count Apollo's windows and the credit budgets alone. The server holds an exclusive transaction
 * on a small lock database beside the file (`<file>-server.lock`) for as long as it runs; a second
 * server finds it locked and refuses to start. The operating system drops the lock with the
 * process, so a server that dies (even SIGKILL) frees it at once. `:memory:` is never shared.
 */
export function holdSqliteServerLock(path: string): SingleReplicaLock | null {
  if (path === ':memory:' || path === '') return null;
  const lockPath = `${path}-server.lock`;
  restrictSqliteFiles(lockPath);
  const db = new Database(lockPath, { timeout: 0 });
  try {
    db.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code === 'SQLITE_BUSY') {
      throw new SingleReplicaRefused(
        `Another Gatehouse server already runs on ${path} without Redis. Two servers counting Apollo's windows and the credit budgets apart would overrun them: ` +
          'stop the other one, or set GATEHOUSE_REDIS_URL on both so they share the counts.',
      );
    }
    throw new SingleReplicaRefused(
      `Could not take the server lock ${lockPath}: ${(e as Error).message}`,
      { cause: e },
    );
  }
  let released = false;
  return {
    release() {
      if (!released) {
        released = true;
        db.close();
      }
      return Promise.resolve();
    },
  };
}
