// WAL checkpoints off the request path. SQLite's automatic checkpoint runs inside the commit that
// crosses the threshold (1000 pages), on the thread that committed: for a server that thread is
// the event loop, and a checkpoint copies pages into the database file and syncs it, which stalls
// every call in flight for milliseconds (a p99 figure). The server instead turns the automatic
// checkpoint off and a worker thread, with its own connection to the same file, checkpoints every
// `intervalMs` (PASSIVE: it never waits for, nor blocks, the server's writes or reads). Durability
// is unchanged: a commit is in the WAL when it returns, whoever copies it on later.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

import type SqliteDatabase from 'better-sqlite3';

/** How often the worker checkpoints, in ms. */
export const checkpointIntervalMs = 500;

// Plain JavaScript evaluated in the worker (the same source runs from src/ under tsx and dist/).
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { timeout: 1000 });
db.pragma('busy_timeout = 1000');
const checkpoint = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or closing: next time */ }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

/** Starts checkpointing `path` in a worker; the returned function stops it (once checkpointed). */
export function checkpointInBackground(
  sqlite: SqliteDatabase.Database,
  path: string,
  intervalMs = checkpointIntervalMs,
): () => Promise<void> {
  sqlite.pragma('wal_autocheckpoint = 0');
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(workerSource, { eval: true, workerData: { driver, path, intervalMs } });
  worker.unref();
  // A worker that fails (the file went away) must not take the server down; SQLite then checkpoints
  // on the server's own connection again.
  worker.on('error', () => {
    if (sqlite.open) sqlite.pragma('wal_autocheckpoint = 1000');
  });
  let stopped: Promise<void> | undefined;
  return () =>
    (stopped ??= new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      // Referenced again while it stops: otherwise a process with nothing else to do would exit
      // before the worker's exit arrives, and whoever awaits the store's close would never return.
      worker.ref();
      worker.postMessage('stop');
      setTimeout(() => void worker.terminate(), 2000).unref();
    }));
}
