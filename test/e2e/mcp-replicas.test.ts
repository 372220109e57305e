// MCP over streamable HTTP behind a round-robin load balancer: any replica serves any session.
// A session initialized on replica A answers tools/list and tools/call on B and C; the official
// SDK client, its requests spread over the replicas, never meets "Session not found"; another
// agent's token with the session id is refused (404) and audited, and the session goes on; DELETE
// on B ends it on A and C; a revoked token's session is refused on every replica. Run on three
// replicas sharing Postgres and Redis, and (outside the Postgres project, where it would be the
// same run again) on two replicas sharing one SQLite file and Redis (without Redis a second server
// on one SQLite file is refused: test/e2e/replica-safety.test.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { loadConfig } from '../../src/config/config.js';
import { createSandbox, type Sandbox, type SandboxServer } from '../../src/sandbox/index.js';
import { createWorld } from '../../src/sandbox/world/index.js';
import { openStore, type StoreServices } from '../../src/store/open-store.js';
import { runCliWith } from '../helpers/cli.js';
import { e2eOnPostgres } from '../helpers/e2e-db.js';
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
    console.warn('Postgres unreachable: skipping the MCP replicas test on Postgres.');
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const protocolVersion = '2025-06-18';
const searchTool = 'apollo_mixed_people_api_search';

interface Deployment {
  readonly replicas: string[];
  readonly env: Record<string, string>;
  readonly tokens: { owner: string; other: string };
  withStore<T>(work: (store: StoreServices) => Promise<T>): Promise<T>;
}

type Extra = (cleanup: (fn: () => Promise<void>) => void) => Promise<Record<string, string>>;

/** Starts `count` Gatehouse processes on the database (and Redis) in `extra`, before one sandbox. */
function useDeployment(count: number, extra: Extra) {
  const children: ChildProcess[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  let sandbox: Sandbox | undefined;
  let server: SandboxServer | undefined;
  const d = {} as { current: Deployment };

  const startReplica = (env: Record<string, string>) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/child-gateway.ts'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    return new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += String(chunk);
        const m = /LISTENING (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk));
      child.once('exit', (code) => reject(new Error(`replica exited early (${code})`)));
    });
  };

  beforeAll(async () => {
    sandbox = createSandbox({ seed: 7, createWorld });
    server = await sandbox.listen(0, '127.0.0.1');
    const {
      GATEHOUSE_DB: _db,
      GATEHOUSE_REDIS_URL: _redis,
      ...inherited
    } = process.env as Record<string, string>;
    const env: Record<string, string> = {
      ...inherited,
      GATEHOUSE_SECRET_KEY: randomBytes(32).toString('base64'),
      GATEHOUSE_UPSTREAM_URL: server.url,
      GATEHOUSE_PORT: '0',
      GATEHOUSE_HOST: '127.0.0.1',
      GATEHOUSE_BATCH_WINDOW_MS: '0',
      GATEHOUSE_LOG_LEVEL: 'silent',
      ...(await extra((fn) => cleanups.push(fn))),
    };
    const connected = await runCliWith(env, ['connect', 'apikey'], sandbox.keys.master[0]!);
    if (connected.code !== 0) throw new Error(connected.err);
    const withStore = async <T>(work: (store: StoreServices) => Promise<T>) => {
      const store = await openStore(loadConfig({ env }), createLogger({ level: 'silent' }));
      try {
        return await work(store);
      } finally {
        await store.close();
      }
    };
    const tokens = await withStore(async (store) => {
      const made: string[] = [];
      for (const name of ['owner', 'other']) {
        const a = await store.agents.create({
          name,
          grants: [{ target: 'people', level: 'read', requiresApproval: false }],
        });
        if (!a.ok) throw new Error(a.error.message);
        made.push(a.value.token);
      }
      return { owner: made[0]!, other: made[1]! };
    });
    // One after another: each runs the (already applied) migrations on start.
    const replicas: string[] = [];
    for (let i = 0; i < count; i++) replicas.push(await startReplica(env));
    d.current = { replicas, env, tokens, withStore };
  }, 120_000);

  afterAll(async () => {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(
      children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)),
    );
    await server?.close();
    sandbox?.close();
    for (const cleanup of cleanups) await cleanup();
  });

  return d;
}

/** One JSON-RPC message over HTTP, as a client sends it; the answer parsed from JSON or SSE. */
async function rpc(
  replica: string,
  token: string,
  message: Record<string, unknown>,
  sessionId?: string,
): Promise<{ status: number; sessionId: string | null; body: Record<string, unknown> | null }> {
  const res = await fetch(`${replica}/mcp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${token}`,
      ...(sessionId
        ? { 'mcp-session-id': sessionId, 'mcp-protocol-version': protocolVersion }
        : {}),
    },
    body: JSON.stringify({ jsonrpc: '2.0', ...message }),
  });
  const text = await res.text();
  const data = text
    .split('\n')
    .filter((l) => l.startsWith('data: '))
    .map((l) => l.slice(6))
    .at(-1);
  const raw = data ?? text;
  return {
    status: res.status,
    sessionId: res.headers.get('mcp-session-id'),
    body: raw ? (JSON.parse(raw) as Record<string, unknown>) : null,
  };
}

async function initialize(replica: string, token: string): Promise<string> {
  const init = await rpc(replica, token, {
    id: 1,
    method: 'initialize',
    params: { protocolVersion, capabilities: {}, clientInfo: { name: 'lb-test', version: '1' } },
  });
  expect(init.status).toBe(200);
  expect(init.sessionId).toMatch(/^[0-9a-f-]{36}$/);
  return init.sessionId!;
}

const toolNames = (body: Record<string, unknown> | null) =>
  ((body?.result as { tools?: Array<{ name: string }> } | undefined)?.tools ?? []).map(
    (t) => t.name,
  );

const endSession = (replica: string, token: string, sessionId: string) =>
  fetch(`${replica}/mcp`, {
    method: 'DELETE',
    headers: {
      authorization: `Bearer ${token}`,
      'mcp-session-id': sessionId,
      'mcp-protocol-version': protocolVersion,
    },
  });

function replicaSuite(title: string, run: boolean, count: number, extra: Extra) {
  describe.runIf(run)(title, () => {
    const d = useDeployment(count, extra);
    it('serves a session initialized on A from B and C (tools/list, tools/call)', async () => {
      const [a, b, c] = [0, 1, 2].map((i) => d.current.replicas[i % d.current.replicas.length]!);
      const { owner } = d.current.tokens;
      const id = await initialize(a!, owner);
      const initialized = await rpc(b!, owner, { method: 'notifications/initialized' }, id);
      expect(initialized.status).toBe(202);
      const listed = await rpc(b!, owner, { id: 2, method: 'tools/list' }, id);
      expect(listed.status).toBe(200);
      expect(toolNames(listed.body)).toContain(searchTool);
      expect(toolNames(listed.body)).not.toContain('apollo_contacts_create');
      const called = await rpc(
        c!,
        owner,
        {
          id: 3,
          method: 'tools/call',
          params: { name: searchTool, arguments: { person_titles: ['VP Sales'], per_page: 2 } },
        },
        id,
      );
      expect(called.status).toBe(200);
      const result = called.body?.result as CallToolResult;
      expect(result.isError).toBeFalsy();
      expect((result.structuredContent as { people: unknown[] }).people).toHaveLength(2);
      expect(toolNames((await rpc(a!, owner, { id: 4, method: 'tools/list' }, id)).body)).toContain(
        searchTool,
      );
    });

    it('serves the official SDK client with its requests spread round robin', async () => {
      const { replicas, tokens } = d.current;
      const served: string[] = [];
      let turn = 0;
      // What a round-robin balancer does: each request to the next replica, whatever its session.
      const balanced = (url: string | URL, init?: RequestInit) => {
        const replica = replicas[turn++ % replicas.length]!;
        served.push(replica);
        const target = new URL(String(url));
        return fetch(`${replica}${target.pathname}${target.search}`, init);
      };
      const transport = new StreamableHTTPClientTransport(new URL(`${replicas[0]}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${tokens.owner}` } },
        fetch: balanced,
      });
      const client = new Client({ name: 'lb-sdk', version: '1.0.0' });
      await client.connect(transport);
      for (let i = 0; i < 3; i++) {
        expect((await client.listTools()).tools.map((t) => t.name)).toContain(searchTool);
        const r = (await client.callTool({
          name: searchTool,
          arguments: { person_titles: ['VP Sales'], per_page: 1 },
        })) as CallToolResult;
        expect(r.isError).toBeFalsy();
      }
      expect(new Set(served).size).toBe(replicas.length);
      await transport.terminateSession();
      await client.close();
    });

    it('stores a hash of the session id, never the id itself', async () => {
      const id = await initialize(d.current.replicas[0]!, d.current.tokens.owner);
      const hash = createHash('sha256').update(id).digest('hex');
      if (d.current.env.GATEHOUSE_REDIS_URL) {
        const redis = new Redis(d.current.env.GATEHOUSE_REDIS_URL);
        try {
          expect(await redis.exists(`gatehouse:mcp:session:${hash}`)).toBe(1);
          expect(await redis.keys(`*${id}*`)).toEqual([]);
        } finally {
          redis.disconnect();
        }
      } else {
        const rows = await d.current.withStore((store) =>
          store.handle.db
            .withTables<{ mcp_sessions: { id_hash: string } }>()
            .selectFrom('mcp_sessions')
            .select('id_hash')
            .execute(),
        );
        expect(rows.map((r) => r.id_hash)).toContain(hash);
        expect(rows.map((r) => r.id_hash)).not.toContain(id);
      }
    });

    it("refuses another agent's token with the session id on any replica, audited", async () => {
      const [a, b] = [d.current.replicas[0]!, d.current.replicas[1]!];
      const { owner, other } = d.current.tokens;
      const id = await initialize(a, owner);
      const stolen = await rpc(b, other, { id: 2, method: 'tools/list' }, id);
      expect(stolen.status).toBe(404);
      const error = stolen.body?.error as { message: string };
      expect(error.message).toMatch(/^Session not found: .*Initialize a new one\. \(audit \S+\)$/);
      const auditId = /\(audit (\S+)\)$/.exec(error.message)![1]!;
      const record = await d.current.withStore(async (store) => {
        const otherId = (await store.agents.get('other'))!.id;
        return (await store.audit.query({ limit: 20, agentId: otherId })).records.find(
          (r) => r.id === auditId,
        );
      });
      expect(record).toMatchObject({ agentName: 'other', rule: 'unknown session' });
      // The owner's session goes on, on both replicas.
      for (const replica of [b, a]) {
        const listed = await rpc(replica, owner, { id: 3, method: 'tools/list' }, id);
        expect(listed.status).toBe(200);
      }
    });

    it('ends a session on every replica when it is deleted on one', async () => {
      const replicas = d.current.replicas;
      const [a, b] = [replicas[0]!, replicas[1]!];
      const { owner } = d.current.tokens;
      const id = await initialize(a, owner);
      // Held in memory by every replica before it ends.
      for (const replica of replicas) {
        expect((await rpc(replica, owner, { id: 2, method: 'tools/list' }, id)).status).toBe(200);
      }
      const ended = await endSession(b, owner, id);
      expect(ended.status).toBe(200);
      for (const replica of replicas) {
        const after = await rpc(replica, owner, { id: 3, method: 'tools/list' }, id);
        expect(after.status).toBe(404);
        expect((after.body?.error as { message: string }).message).toMatch(/^Session not found/);
      }
    });

    it("refuses a revoked token's session on every replica", async () => {
      const replicas = d.current.replicas;
      const token = await d.current.withStore(async (store) => {
        const made = await store.agents.create({
          name: `short-lived-${randomBytes(3).toString('hex')}`,
          grants: [{ target: 'people', level: 'read', requiresApproval: false }],
        });
        if (!made.ok) throw new Error(made.error.message);
        return made.value;
      });
      const id = await initialize(replicas[0]!, token.token);
      for (const replica of replicas) {
        expect((await rpc(replica, token.token, { id: 2, method: 'tools/list' }, id)).status).toBe(
          200,
        );
      }
      await d.current.withStore((store) => store.agents.revoke(token.agent.name));
      for (const replica of replicas) {
        const refused = await rpc(replica, token.token, { id: 3, method: 'tools/list' }, id);
        expect(refused.status).toBe(401);
        expect((refused.body?.error as { message: string }).message).toMatch(/revoked/i);
      }
    });
  });
}

const withPostgres = (await requireRedis()) && (await requirePostgres());
replicaSuite(
  'MCP sessions on three replicas sharing Postgres and Redis',
  withPostgres,
  3,
  async (cleanup) => {
    const schema = `gh_mcprep_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    cleanup(async () => {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    });
    return {
      GATEHOUSE_DB: `${postgresUrl}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
      GATEHOUSE_REDIS_URL: redisUrl,
    };
  },
);

replicaSuite(
  'MCP sessions on two replicas sharing one SQLite file and Redis',
  !e2eOnPostgres && (await requireRedis()),
  2,
  async (cleanup) => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-mcp-replicas-'));
    cleanup(async () => rmSync(dir, { recursive: true, force: true }));
    return { GATEHOUSE_DB: join(dir, 'gatehouse.db'), GATEHOUSE_REDIS_URL: redisUrl };
  },
);
