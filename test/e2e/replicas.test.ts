// Three Gatehouse processes on one Postgres and one Redis, in front of one sandbox:
// five agents oversubscribe a free-plan endpoint and the replicas together send exactly what
// Apollo's window allows (no overshoot, no upstream 429), every call audited once; an approval
// given on replica A releases a call held on replica B; a grant removed on A is enforced on B
// at once; a Redis that loses its counts mid-window (a restart without persistence) never lets
// the replicas overrun what Apollo already counted; and a replica whose Redis is gone refuses
// calls and says so in /readyz.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';

import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { cacheNamespace } from '../../src/app/create-app.js';
import { createLogger } from '../../src/app/logger.js';
import { openStore, type StoreServices } from '../../src/store/open-store.js';
import { getAction } from '../../src/catalog/index.js';
import { loadConfig } from '../../src/config/config.js';
import { createSandbox, type Sandbox, type SandboxServer } from '../../src/sandbox/index.js';
import { createWorld } from '../../src/sandbox/world/index.js';
import { runCliWith } from '../helpers/cli.js';
import { redisUrl, requireRedis } from '../helpers/redis.js';
import { postgresUrl } from '../store/databases.js';

async function requirePostgres(): Promise<boolean> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return true;
  } catch (e) {
    if (process.env.CI === 'true') {
      throw new Error(`Postgres is not reachable at ${postgresUrl}, and CI=true: ${String(e)}`, {
        cause: e,
      });
    }
    console.warn('Postgres unreachable: skipping the multi-replica test.');
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const run = (await requireRedis()) && (await requirePostgres());
const adminToken = 'replica-admin-token-0123456789abcdefgh';
const schema = `gh_rep_${randomBytes(4).toString('hex')}`;
let sandbox: Sandbox;
let server: SandboxServer;
let env: Record<string, string>;
const children: ChildProcess[] = [];
let replicas: string[] = [];
const tokens: string[] = [];
let writer = '';

function startReplica(extra: Record<string, string> = {}): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/child-gateway.ts'], {
    env: { ...env, ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += String(d);
      const m = /LISTENING (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.stderr!.on('data', (d: Buffer) => process.stderr.write(d));
    child.once('exit', (code) => reject(new Error(`replica exited early (${code})`)));
  });
}

async function withStore<T>(work: (store: StoreServices) => Promise<T>): Promise<T> {
  const store = await openStore(loadConfig({ env }), createLogger({ level: 'silent' }));
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  if (!run) return;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  sandbox = createSandbox({ seed: 5, plan: 'free', createWorld });
  server = await sandbox.listen(0, '127.0.0.1');
  env = {
    ...(process.env as Record<string, string>),
    GATEHOUSE_DB: `${postgresUrl}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    GATEHOUSE_SECRET_KEY: randomBytes(32).toString('base64'),
    GATEHOUSE_UPSTREAM_URL: server.url,
    GATEHOUSE_REDIS_URL: redisUrl,
    GATEHOUSE_ADMIN_TOKEN: adminToken,
    GATEHOUSE_PORT: '0',
    GATEHOUSE_HOST: '127.0.0.1',
    GATEHOUSE_APOLLO_PLAN: 'free',
    GATEHOUSE_MAX_QUEUE_WAIT_MS: '300',
    GATEHOUSE_BATCH_WINDOW_MS: '0',
    GATEHOUSE_LOG_LEVEL: 'silent',
  };
  const connected = await runCliWith(env, ['connect', 'apikey'], sandbox.keys.master[0]!);
  if (connected.code !== 0) throw new Error(connected.err);
  await withStore(async (store) => {
    for (let i = 0; i < 5; i++) {
      const a = await store.agents.create({
        name: `agent-${i}`,
        grants: [
          { target: 'people', level: 'read', requiresApproval: false },
          { target: 'organizations', level: 'read', requiresApproval: false },
        ],
      });
      if (!a.ok) throw new Error(a.error.message);
      tokens.push(a.value.token);
    }
    const w = await store.agents.create({
      name: 'writer',
      grants: [{ target: 'contacts', level: 'full', requiresApproval: true }],
    });
    if (!w.ok) throw new Error(w.error.message);
    writer = w.value.token;
  });
  // Started one after another: each runs the (already applied) migrations on start.
  replicas = [await startReplica(), await startReplica(), await startReplica()];
}, 120_000);

afterAll(async () => {
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(
    children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)),
  );
  await server?.close();
  sandbox?.close();
  if (run) {
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  }
});

const call = (replica: string, token: string, path: string, body: unknown) =>
  fetch(`${replica}${path}`, {
    method: 'POST',
    headers: { 'x-api-key': token, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe.runIf(run)('three replicas on Postgres and Redis', () => {
  it('send together exactly what the window allows, with every call audited once', async () => {
    const search = getAction('people.search')!.path;
    const answers = await Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        call(replicas[i % 3]!, tokens[i % 5]!, search, { person_titles: ['VP Sales'] }).then(
          async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }),
        ),
      ),
    );
    const ok = answers.filter((a) => a.status === 200).length;
    const paced = answers.filter((a) => a.status === 429);
    // The free plan's search window is 50 a minute: all of it delivered, none beyond.
    expect(ok).toBe(50);
    expect(paced).toHaveLength(100);
    expect(paced.every((a) => a.body.error_code === 'GATEHOUSE_BUSY')).toBe(true);
    const audit = await withStore(async (store) => ({
      total: await store.audit.count({ action: 'people.search' }),
      records: (await store.audit.query({ action: 'people.search', limit: 1000 })).records,
    }));
    expect(audit.total).toBe(150);
    // Apollo (the sandbox) never answered 429: every refusal was Gatehouse's own.
    expect(audit.records.filter((r) => r.upstreamStatus === 429)).toHaveLength(0);
    expect(audit.records.filter((r) => r.upstreamStatus === 200)).toHaveLength(50);
  });

  it('releases on replica B a call held there once an admin approves it on replica A', async () => {
    const [a, b, c] = replicas as [string, string, string];
    const held = await call(b, writer, getAction('contacts.create')!.path, {
      first_name: 'Ada',
      last_name: 'Byron',
    });
    expect(held.status).toBe(202);
    const { approval_id, poll } = (await held.json()) as { approval_id: string; poll: string };
    const approved = await fetch(`${a}/admin/api/approvals/${approval_id}/approve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(approved.status).toBe(200);
    for (const replica of [b, c]) {
      const result = await fetch(`${replica}${poll}`, { headers: { 'x-api-key': writer } });
      expect(result.status).toBe(200);
      expect(await result.text()).toContain('Byron');
    }
  });

  it('enforces a grant removed on replica A on replica B at once (well within 1 s)', async () => {
    const [a, b] = replicas as [string, string];
    // (The free plan has no organization search; people matching it has.)
    const match = getAction('people.match')!.path;
    const who = { first_name: 'Ada', last_name: 'Byron', domain: 'example.com' };
    const before = await call(b, tokens[0]!, match, who);
    expect(`${before.status} ${await before.text()}`).toMatch(/^200 /);
    const agents = (await (
      await fetch(`${a}/admin/api/agents`, { headers: { authorization: `Bearer ${adminToken}` } })
    ).json()) as { agents: Array<{ id: string; name: string }> };
    const id = agents.agents.find((x) => x.name === 'agent-0')!.id;
    const removed = await fetch(`${a}/admin/api/agents/${id}/grants`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ target: 'people', level: 'off' }),
    });
    expect(removed.status).toBe(200);
    const at = performance.now();
    const denied = await call(b, tokens[0]!, match, who);
    expect(denied.status).toBe(403);
    expect(performance.now() - at).toBeLessThan(1_000);
  });

  it('holds a credit budget across replicas: calls in flight on all of them count', async () => {
    await withStore(async (store) => {
      const r = await store.agents.setLimits('agent-2', { creditBudgetDay: 5 });
      if (!r.ok) throw new Error(r.error.message);
    });
    sandbox.faults.set('people.match', { latencyMs: 500 });
    try {
      const match = getAction('people.match')!.path;
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          call(replicas[i % 3]!, tokens[2]!, match, { email: `nobody${i}@example.org` }),
        ),
      );
      const statuses = answers.map((a) => a.status).sort();
      // Each match may cost a credit: five fit the budget of 5, wherever they landed.
      expect(statuses.filter((s) => s === 200)).toHaveLength(5);
      expect(statuses.filter((s) => s === 402)).toHaveLength(7);
    } finally {
      sandbox.faults.clear('people.match');
    }
  });

  it('keeps a console session logged in on replica A valid on replica B (sessions in Redis)', async () => {
    const [a, b] = replicas as [string, string];
    const login = await fetch(`${a}/admin/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: adminToken }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const { csrf } = (await login.json()) as { csrf: string };
    const read = await fetch(`${b}/admin/api/session`, { headers: { cookie } });
    expect(await read.json()).toEqual({ csrf, person: null, role: 'admin' });
    const created = await fetch(`${b}/admin/api/agents`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'made-on-b' }),
    });
    expect(created.status).toBe(201);
    await fetch(`${b}/admin/api/session`, {
      method: 'DELETE',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    expect((await fetch(`${a}/admin/api/agents`, { headers: { cookie } })).status).toBe(401);
  });

  it("keeps within Apollo's window when Redis loses its counts mid-window", async () => {
    const match = getAction('people.match')!.path;
    const send = (n: number, offset: number) =>
      Promise.all(
        Array.from({ length: n }, (_, i) =>
          call(replicas[(offset + i) % 3]!, tokens[3]!, match, { email: `lost${offset + i}@x.io` }),
        ).map((r) => r.then((a) => a.status)),
      );
    // Part of the free plan's 50 a minute is spent, in Apollo's count and in Redis's.
    const spent = await send(20, 0);
    expect(spent.filter((s) => s === 200).length).toBeGreaterThan(0);
    // Redis restarts without persistence: every pacing count of this upstream is gone.
    const redis = new Redis(redisUrl);
    try {
      const keys = await redis.keys(`gatehouse:pace:${cacheNamespace(server.url)}:*`);
      expect(keys.length).toBeGreaterThan(0);
      await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
    // More than the whole window, at once, on every replica: one call learns Apollo's count
    // first, and the replicas then send only what is left of it.
    const after = await send(60, 20);
    expect(after.filter((s) => s === 200).length).toBeGreaterThan(0);
    expect(after.filter((s) => s === 200).length).toBeLessThanOrEqual(50 - 1);
    const records = await withStore(
      async (store) => (await store.audit.query({ action: 'people.match', limit: 1000 })).records,
    );
    // Apollo (the sandbox) never answered 429: every refusal was Gatehouse's own.
    expect(records.filter((r) => r.upstreamStatus === 429)).toHaveLength(0);
  });

  it('refuses calls on a replica whose Redis is gone, and says so in /readyz without leaving the balancer', async () => {
    const orphan = await startReplica({ GATEHOUSE_REDIS_URL: 'redis://127.0.0.1:1' });
    const res = await call(orphan, tokens[1]!, getAction('organizations.search')!.path, {
      q_organization_name: 'a',
    });
    // Gatehouse's own refusal (its shared state is gone), not a rate limit of Apollo's.
    expect(res.status).toBe(503);
    const refused = (await res.json()) as { error: string; error_code: string };
    expect(refused.error_code).toBe('SHARED_STATE_UNAVAILABLE');
    expect(refused.error).toMatch(/cannot reach the state its replicas share \(Redis\)/);
    expect(refused.error).toMatch(/nothing was sent to Apollo/);
    // The audit says the same: Gatehouse's refusal, Apollo never called (not "Apollo answered 429").
    // (Read once the orphan's group commit has written it.)
    const latest = () =>
      withStore(async (store) => {
        const page = await store.audit.query({ action: 'organizations.search', limit: 1 });
        return page.records[0];
      });
    await expect
      .poll(async () => (await latest())?.errorCode, { timeout: 5_000 })
      .toBe('shared_state_unavailable');
    const record = await latest();
    expect(record).toMatchObject({ upstreamStatus: null, errorCode: 'shared_state_unavailable' });
    expect(record!.sentence).toMatch(/could not reach the state its replicas share \(Redis\)/);
    expect(record!.sentence).not.toMatch(/Apollo answered/);
    const ready = await fetch(`${orphan}/readyz`);
    // Redis is every replica's: the replica stays in the balancer and answers in JSON.
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'degraded', reasons: ['redis_unreachable'] });
    const detailed = await fetch(`${orphan}/readyz`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(await detailed.text()).toMatch(/shared rate windows unreachable/);
  });
});
