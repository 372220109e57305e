// The server's WAL checkpoints run in a worker thread: its own commits never checkpoint, and the
// worker copies the WAL into the database file soon after.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';

import { openDatabase, type DatabaseHandle } from './dialect.js';

const dirs: string[] = [];
const handles: DatabaseHandle[] = [];
afterEach(async () => {
  for (const h of handles.splice(0)) await h.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('background checkpoints (SQLite)', () => {
  it('turn the automatic checkpoint off and copy the WAL into the file from a worker', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-checkpoint-'));
    dirs.push(dir);
    const path = join(dir, 'g.db');
    const handle = openDatabase(path, { backgroundCheckpoints: true });
    handles.push(handle);
    const auto = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(
      handle.db,
    );
    expect(auto.rows[0]?.wal_autocheckpoint).toBe(0);
    await sql`create table t (id integer primary key, v text)`.execute(handle.db);
    const before = statSync(path).size;
    for (let i = 0; i < 300; i++) {
      await sql`insert into t (v) values (${'x'.repeat(2000)})`.execute(handle.db);
    }
    const deadline = Date.now() + 5000;
    while (statSync(path).size < before + 300 * 2000 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(statSync(path).size).toBeGreaterThanOrEqual(before + 300 * 2000);
  });

  it('lets a process with nothing else to do finish closing the store (no hang, no exit 13)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-checkpoint-'));
    dirs.push(dir);
    // Closing awaits the worker's exit; an unreferenced worker let Node exit first, leaving the
    // await unsettled (exit code 13) for anyone embedding the server (a benchmark, a script).
    const script = `
      import { openDatabase } from ${JSON.stringify(new URL('./dialect.ts', import.meta.url).pathname)};
      const handle = openDatabase(${JSON.stringify(join(dir, 'g.db'))}, { backgroundCheckpoints: true });
      await handle.close();
      console.log('closed');
    `;
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('closed');
    expect(run.status).toBe(0);
  });
});
