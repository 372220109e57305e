// The SQLite database and its -wal and -shm files are owner-only (0600) on disk, whether Gatehouse
// creates them, whatever the umask, or finds them already there with wider modes.
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { openDatabase } from './dialect.js';

const modeOf = (file: string) => statSync(file).mode & 0o777;
const filesOf = (path: string) => [path, `${path}-wal`, `${path}-shm`];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-sqlite-files-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function write(handle: ReturnType<typeof openDatabase>): Promise<void> {
  await sql`create table if not exists t (n integer)`.execute(handle.db);
  await sql`insert into t values (1)`.execute(handle.db);
}

describe.skipIf(process.platform === 'win32')('SQLite file modes', () => {
  it('creates the database, -wal and -shm files 0600', async () => {
    const path = join(dir, 'g.db');
    const handle = openDatabase(path);
    try {
      await write(handle);
      for (const file of filesOf(path)) {
        expect(existsSync(file), file).toBe(true);
        expect(modeOf(file).toString(8), file).toBe('600');
      }
    } finally {
      await handle.close();
    }
  });

  it('keeps them 0600 under a umask that would leave them world-writable', async () => {
    const path = join(dir, 'open.db');
    const previous = process.umask(0);
    try {
      const handle = openDatabase(path);
      try {
        await write(handle);
        for (const file of filesOf(path)) expect(modeOf(file).toString(8), file).toBe('600');
      } finally {
        await handle.close();
      }
    } finally {
      process.umask(previous);
    }
  });

  it('tightens an existing 0644 database and its -wal and -shm files', async () => {
    const path = join(dir, 'old.db');
    // An older Gatehouse's files, left open so the -wal and -shm files stay on disk.
    const old = new SqliteDatabase(path);
    old.pragma('journal_mode = WAL');
    old.exec('create table t (n integer); insert into t values (1)');
    for (const file of filesOf(path)) chmodSync(file, 0o644);
    try {
      const handle = openDatabase(path);
      try {
        await write(handle);
        for (const file of filesOf(path)) expect(modeOf(file).toString(8), file).toBe('600');
        const rows = await sql<{ n: number }>`select n from t`.execute(handle.db);
        expect(rows.rows).toHaveLength(2);
      } finally {
        await handle.close();
      }
    } finally {
      old.close();
    }
  });

  it('never widens a file that is narrower than 0600', async () => {
    const path = join(dir, 'narrow.db');
    const seed = new SqliteDatabase(path);
    seed.exec('create table t (n integer)');
    seed.close();
    chmodSync(path, 0o400);
    const handle = openDatabase(path);
    try {
      expect(modeOf(path).toString(8)).toBe('400');
    } finally {
      await handle.close();
    }
  });
});
