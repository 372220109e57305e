// The shipped load-balancer setup, run for real: deploy/haproxy.cfg (checked as shipped, then run
// with its servers pointed at three local replicas on one Postgres and one Redis, and its checks
// sped up), a REST load and an MCP session from the official SDK client going through it, and one
// replica stopped with SIGTERM in the middle. haproxy sees /readyz turn 503 during the replica's
// drain delay and stops sending to it before it refuses anything, so the agents see no error at
// all, and every call is audited once, completed.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { getAction } from '../../src/catalog/index.js';
import { loadConfig } from '../../src/config/config.js';
import { createSandbox, type Sandbox, type SandboxServer } from '../../src/sandbox/index.js';
import { createWorld } from '../../src/sandbox/world/index.js';
import { openStore } from '../../src/store/open-store.js';
import { runCliWith } from '../helpers/cli.js';
import { ensureDebianPackage } from '../helpers/debian.js';
import { describeWithPostgres, postgresSchema } from '../helpers/postgres-required.js';
import { redisUrl, requireRedis } from '../helpers/redis.js';

const shipped = 'deploy/haproxy.cfg';
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-balancer-'));
const children: ChildProcess[] = [];
let db: Awaited<ReturnType<typeof postgresSchema>>;
let sandbox: Sandbox;
let upstream: SandboxServer;
let env: Record<string, string>;
let haproxy: ChildProcess;
let front = '';
let token = '';
const replicas: Array<{ url: string; child: ChildProcess }> = [];

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

function startReplica(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/child-gateway.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += String(d);
      const m = /LISTENING (\S+)/.exec(out);
      if (m) resolve({ url: m[1]!, child });
    });
    child.once('exit', (code) => reject(new Error(`replica exited early (${code})`)));
  });
}

/** The shipped file, its servers pointed here and its checks sped up; everything else as is. */
function localConfig(ports: number[], frontPort: number): string {
  let text = readFileSync(shipped, 'utf8');
  text = text.replace(/^resolvers docker\n(?: {2}.*\n)+/m, '');
  text = text.replace(' resolvers docker init-addr last,libc,none', '');
  text = text.replace('check inter 2s fall 2 rise 2', 'check inter 150ms fall 2 rise 1');
  text = text.replace('bind :8080', `bind 127.0.0.1:${frontPort}`);
  text = text.replace(/^global\n {2}log stdout format raw local0\n/m, 'global\n');
  ports.forEach((port, i) => {
    text = text.replace(`gatehouse-${i + 1}:8787`, `127.0.0.1:${port}`);
  });
  expect(text).not.toMatch(/gatehouse-\d:8787/);
  return text;
}

const run = await requireRedis();

describeWithPostgres('three replicas behind the shipped haproxy configuration', () => {
  beforeAll(async () => {
    if (!run) return;
    ensureDebianPackage('/usr/sbin/haproxy', 'haproxy');
    db = await postgresSchema();
    sandbox = createSandbox({
      seed: 9,
      createWorld,
      limits: { 'people.search': { minute: null, hour: null, day: null } },
    });
    upstream = await sandbox.listen(0, '127.0.0.1');
    env = {
      ...(process.env as Record<string, string>),
      GATEHOUSE_DB: db.url,
      GATEHOUSE_REDIS_URL: redisUrl,
      GATEHOUSE_SECRET_KEY: randomBytes(32).toString('base64'),
      GATEHOUSE_UPSTREAM_URL: upstream.url,
      GATEHOUSE_PORT: '0',
      GATEHOUSE_HOST: '127.0.0.1',
      GATEHOUSE_LOG_LEVEL: 'silent',
      GATEHOUSE_BATCH_WINDOW_MS: '0',
      GATEHOUSE_TRUST_PROXY: 'true',
      // Well above haproxy's check interval × fall (150 ms × 2) here, as deploy.md says.
      GATEHOUSE_SHUTDOWN_DELAY_MS: '1500',
    };
    const connected = await runCliWith(env, ['connect', 'apikey'], sandbox.keys.master[0]!);
    if (connected.code !== 0) throw new Error(connected.err);
    const store = await openStore(loadConfig({ env }), createLogger({ level: 'silent' }));
    const made = await store.agents.create({
      name: 'steady',
      grants: [{ target: 'people', level: 'read', requiresApproval: false }],
    });
    await store.close();
    if (!made.ok) throw new Error(made.error.message);
    token = made.value.token;
    for (let i = 0; i < 3; i++) replicas.push(await startReplica());

    const frontPort = await freePort();
    const ports = replicas.map((r) => Number(new URL(r.url).port));
    const cfg = join(dir, 'haproxy.cfg');
    writeFileSync(cfg, localConfig(ports, frontPort));
    haproxy = spawn('/usr/sbin/haproxy', ['-db', '-f', cfg], { stdio: 'ignore' });
    children.push(haproxy);
    front = `http://127.0.0.1:${frontPort}`;
    // Up once haproxy answers through a replica it checked.
    await vi.waitFor(async () => expect((await fetch(`${front}/readyz`)).status).toBe(200), {
      timeout: 15_000,
      interval: 100,
    });
  }, 120_000);

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await Promise.all(
      children.map((c) =>
        c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : null,
      ),
    );
    await upstream?.close();
    sandbox?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ships a configuration haproxy accepts as it is', () => {
    const haproxyPath = ensureDebianPackage('/usr/sbin/haproxy', 'haproxy');
    // Valid, even where the replicas' names do not resolve yet (init-addr none).
    execFileSync(haproxyPath, ['-c', '-q', '-f', shipped], { stdio: 'pipe' });
  });

  it.runIf(run)(
    'loses no call, REST or MCP, when a replica is stopped under load',
    async () => {
      // Slow enough that calls are always in flight on every replica, also while one drains.
      sandbox.faults.set('people.search', { latencyMs: 400 });
      const path = getAction('people.search')!.path;
      const statuses: number[] = [];
      const failures: string[] = [];
      let stop = false;
      const rest = async (w: number) => {
        for (let i = 0; !stop; i++) {
          try {
            const res = await fetch(`${front}${path}`, {
              method: 'POST',
              headers: { 'x-api-key': token, 'content-type': 'application/json' },
              body: JSON.stringify({ q_keywords: `lb-${w}-${i}`, per_page: 1 }),
            });
            statuses.push(res.status);
            if (res.status !== 200) failures.push(`${res.status} ${await res.text()}`);
            else await res.arrayBuffer();
          } catch (e) {
            failures.push(`network: ${(e as Error).message}`);
          }
        }
      };
      const client = new Client({ name: 'lb-test', version: '1' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${front}/mcp`), {
          requestInit: { headers: { authorization: `Bearer ${token}` } },
        }),
      );
      let mcpCalls = 0;
      const mcp = async () => {
        for (let i = 0; !stop; i++) {
          try {
            const listed = await client.listTools();
            expect(listed.tools.length).toBeGreaterThan(0);
            const called = await client.callTool({
              name: 'apollo_mixed_people_api_search',
              arguments: { q_keywords: `lb-mcp-${i}`, per_page: 1 },
            });
            if (called.isError) failures.push(`mcp: ${JSON.stringify(called.content)}`);
            mcpCalls += 1;
          } catch (e) {
            failures.push(`mcp: ${(e as Error).message}`);
          }
        }
      };
      const load = Promise.all([rest(0), rest(1), rest(2), mcp()]);
      await vi.waitFor(() => expect(statuses.length).toBeGreaterThan(15), { timeout: 10_000 });

      const stopping = replicas[1]!.child;
      const exited = new Promise<number | null>((r) => stopping.once('exit', (code) => r(code)));
      stopping.kill('SIGTERM');
      expect(await exited).toBe(0);
      const atExit = statuses.length;
      // The other two carry on alone.
      await vi.waitFor(() => expect(statuses.length).toBeGreaterThan(atExit + 15), {
        timeout: 10_000,
      });
      stop = true;
      await load;
      await client.close();

      expect(failures).toEqual([]);
      expect(mcpCalls).toBeGreaterThan(3);
      const store = await openStore(loadConfig({ env }), createLogger({ level: 'silent' }));
      try {
        expect(await store.audit.count({ action: 'people.search', open: true })).toBe(0);
        expect(await store.audit.count({ action: 'people.search' })).toBe(
          statuses.length + mcpCalls,
        );
      } finally {
        await store.close();
      }
    },
    90_000,
  );
});
