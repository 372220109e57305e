// A Postgres replica without Redis would count Apollo's windows and the credit budgets alone, so
// several of them would overrun both. `gatehouse start` refuses such a start with the fix; with
// GATEHOUSE_SINGLE_REPLICA=true it starts and holds a lock, so a second replica started the same
// way is refused, and the lock goes with a replica killed outright.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runCliWith } from '../helpers/cli.js';
import { describeWithPostgres, postgresSchema } from '../helpers/postgres-required.js';

let db: Awaited<ReturnType<typeof postgresSchema>>;
const children: ChildProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-replica-safety-'));

const killAll = async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(
    children.map((c) =>
      c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : null,
    ),
  );
};
afterAll(async () => {
  await killAll();
  rmSync(dir, { recursive: true, force: true });
});

const baseEnv = (database = db.url): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('GATEHOUSE_')) env[k] = v;
  }
  return {
    ...env,
    GATEHOUSE_DB: database,
    GATEHOUSE_SECRET_KEY: randomBytes(32).toString('base64'),
    GATEHOUSE_PORT: '0',
    GATEHOUSE_HOST: '127.0.0.1',
    GATEHOUSE_LOG_LEVEL: 'silent',
  };
};

/** A replica process: resolves with its URL once listening, or with its exit and stderr. */
function replica(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/child-gateway.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise<{ url: string; child: ChildProcess } | { code: number | null; err: string }>(
    (resolve) => {
      let out = '';
      let err = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += String(d);
        const m = /LISTENING (\S+)/.exec(out);
        if (m) resolve({ url: m[1]!, child });
      });
      child.stderr!.on('data', (d: Buffer) => (err += String(d)));
      child.once('exit', (code) => resolve({ code, err }));
    },
  );
}

describeWithPostgres('replicas on Postgres without Redis', () => {
  beforeAll(async () => {
    db = await postgresSchema();
  });
  afterAll(async () => {
    await killAll();
    await db?.drop();
  });

  it('refuses `gatehouse start` on Postgres without GATEHOUSE_REDIS_URL, naming both fixes', async () => {
    const run = await runCliWith(baseEnv(), ['start']);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/GATEHOUSE_DB is Postgres but GATEHOUSE_REDIS_URL is not set/);
    expect(run.err).toMatch(/GATEHOUSE_SINGLE_REPLICA=true/);
    expect(run.out).toBe('');
  });

  it('starts one replica with GATEHOUSE_SINGLE_REPLICA=true and refuses a second', async () => {
    const env = { ...baseEnv(), GATEHOUSE_SINGLE_REPLICA: 'true' };
    const first = await replica(env);
    if (!('url' in first)) throw new Error(`the first replica did not start: ${first.err}`);
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);

    const second = await replica(env);
    expect('url' in second).toBe(false);
    if ('url' in second) return;
    expect(second.code).not.toBe(0);
    expect(second.err).toMatch(/Another Gatehouse replica already runs on this database/);

    // Killed outright, the first replica's lock goes with its connection: a new one starts.
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const third = await replica(env);
    if (!('url' in third)) throw new Error(`the replacement did not start: ${third.err}`);
    expect((await fetch(`${third.url}/healthz`)).status).toBe(200);
  });
});

describe('servers on one SQLite file without Redis', () => {
  it('refuses a second server on the same file, and frees the file when the first is killed', async () => {
    const env = baseEnv(join(dir, 'one.db'));
    const first = await replica(env);
    if (!('url' in first)) throw new Error(`the first server did not start: ${first.err}`);
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);

    const second = await replica(env);
    expect('url' in second).toBe(false);
    if ('url' in second) return;
    expect(second.code).not.toBe(0);
    expect(second.err).toMatch(/Another Gatehouse server already runs on .*one\.db without Redis/);
    expect(second.err).toMatch(/GATEHOUSE_REDIS_URL/);
    // The first one is unharmed.
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);

    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const third = await replica(env);
    if (!('url' in third)) throw new Error(`the replacement did not start: ${third.err}`);
    expect((await fetch(`${third.url}/healthz`)).status).toBe(200);

    // Another file is another deployment: no lock between them.
    const other = await replica(baseEnv(join(dir, 'two.db')));
    if (!('url' in other)) throw new Error(`a server on another file did not start: ${other.err}`);
  }, 60_000);
});
