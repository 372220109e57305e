// A Postgres outage is answered fast and honestly: with the database frozen (connections accepted,
// nothing answered) or down (port closed), an agent's REST and MCP calls and the admin API get JSON
// 503 STORE_UNAVAILABLE with Retry-After within the configured timeouts, and /readyz answers 503
// store_unreachable within its own deadline; a call Apollo already answered when the database
// went away still gets Apollo's answer (its record stays open, logged loudly). Gatehouse runs as
// a started server, reached over literal HTTP, on Postgres through a TCP proxy the test controls.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, expect, it, vi } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { startGatehouse, type StartedGatehouse } from '../../src/app/start.js';
import { getAction } from '../../src/catalog/index.js';
import { loadConfig } from '../../src/config/config.js';
import { createSandbox, type SandboxServer } from '../../src/sandbox/index.js';
import { createWorld } from '../../src/sandbox/world/index.js';
import { openStore } from '../../src/store/open-store.js';
import { startPgProxy, type PgProxy } from '../helpers/pg-proxy.js';
import { describeWithPostgres, postgresSchema } from '../helpers/postgres-required.js';
import { postgresUrl } from '../store/databases.js';

const adminToken = 'outage-admin-token-0123456789abcdefghijkl';
const connectTimeoutMs = 500;
const statementTimeoutMs = 500;
/** Connect, statement and the client's own query timeout (statement + 1 s), with room to spare. */
const boundMs = 4000;

describeWithPostgres('a Postgres outage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-outage-'));
  const sandbox = createSandbox({ seed: 5, createWorld });
  const logs: string[] = [];
  let apollo: SandboxServer;
  let proxy: PgProxy;
  let db: Awaited<ReturnType<typeof postgresSchema>>;
  let g: StartedGatehouse;
  let token: string;

  beforeAll(async () => {
    apollo = await sandbox.listen(0, '127.0.0.1');
    const target = new URL(postgresUrl);
    proxy = await startPgProxy({ host: target.hostname, port: Number(target.port || 5432) });
    db = await postgresSchema({ host: '127.0.0.1', port: proxy.port });
    const config = loadConfig({
      env: { GATEHOUSE_ADMIN_TOKEN: adminToken },
      flags: {
        db: db.url,
        keyFile: join(dir, 'k'),
        port: 0,
        upstreamUrl: apollo.url,
        pgConnectTimeoutMs: connectTimeoutMs,
        pgStatementTimeoutMs: statementTimeoutMs,
        batchWindowMs: 0,
        singleReplica: true,
      },
    });
    const silent = createLogger({ level: 'silent' });
    const setup = await openStore(config, silent);
    await setup.connection.save({
      kind: 'apikey',
      credential: { key: sandbox.keys.master[0]! },
    });
    const agent = await setup.agents.create({
      name: 'outage-bot',
      grants: [{ target: 'people', level: 'read', requiresApproval: false }],
    });
    await setup.close();
    if (!agent.ok) throw new Error(agent.error.message);
    token = agent.value.token;
    g = await startGatehouse(config, {
      logger: createLogger({ level: 'info', destination: { write: (s) => void logs.push(s) } }),
    });
  });

  afterAll(async () => {
    proxy?.thaw();
    await g?.close();
    await proxy?.close();
    await apollo?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const search = () =>
    fetch(`${g.url}${getAction('people.search').path}`, {
      method: 'POST',
      headers: { 'x-api-key': token, 'content-type': 'application/json' },
      body: JSON.stringify({ per_page: 1 }),
    });

  /** Calls until one is answered 200: the pool recovers once the database answers again. */
  async function untilServed(): Promise<void> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const res = await search();
      await res.body?.cancel();
      if (res.status === 200) return;
      if (Date.now() > deadline)
        throw new Error(`still ${res.status} after the database came back`);
      await new Promise((r) => setImmediate(r));
    }
  }

  async function timed(call: () => Promise<Response>) {
    const started = performance.now();
    const res = await call();
    const text = await res.text();
    return { res, text, ms: performance.now() - started };
  }

  function expectUnavailable(r: { res: Response; text: string; ms: number }) {
    expect(r.ms, r.text).toBeLessThan(boundMs);
    expect(r.res.status, r.text).toBe(503);
    expect(r.res.headers.get('content-type')).toMatch(/application\/json/);
    expect(Number(r.res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = JSON.parse(r.text) as { error_code: string; error: string };
    expect(body.error_code).toBe('STORE_UNAVAILABLE');
    expect(body.error).toMatch(/cannot reach its own database.*nothing was sent to Apollo.*Retry/);
  }

  it('serves calls while the database answers', async () => {
    const res = await search();
    expect(res.status, await res.clone().text()).toBe(200);
  });

  it('answers a frozen database with 503 STORE_UNAVAILABLE in bounded time, on every door', async () => {
    proxy.freeze();
    try {
      expectUnavailable(await timed(search));

      const ready = await timed(() =>
        fetch(`${g.url}/readyz`, { headers: { authorization: `Bearer ${adminToken}` } }),
      );
      expect(ready.ms, ready.text).toBeLessThan(boundMs);
      // Every replica shares the database: it stays in the balancer, so agents get the JSON 503.
      expect(ready.res.status).toBe(200);
      const readiness = JSON.parse(ready.text) as {
        reasons: string[];
        checks: Array<{ name: string; ok: boolean; detail: string }>;
      };
      expect(readiness.reasons).toEqual(['store_unreachable']);
      expect(readiness.checks.find((c) => c.name === 'store')).toMatchObject({ ok: false });
      const anonymous = await timed(() => fetch(`${g.url}/readyz`));
      expect(anonymous.ms).toBeLessThan(boundMs);
      expect(JSON.parse(anonymous.text)).toEqual({
        status: 'degraded',
        reasons: ['store_unreachable'],
      });

      expectUnavailable(
        await timed(() =>
          fetch(`${g.url}/admin/api/agents`, {
            headers: { authorization: `Bearer ${adminToken}` },
          }),
        ),
      );

      const mcp = await timed(() =>
        fetch(`${g.url}/mcp`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
          },
          body: JSON.stringify({
            jsonrpc: '2.0',
            id: 7,
            method: 'tools/call',
            params: { name: 'apollo_mixed_people_api_search', arguments: { per_page: 1 } },
          }),
        }),
      );
      expect(mcp.ms, mcp.text).toBeLessThan(boundMs);
      const rpc = JSON.parse(mcp.text) as {
        id: number;
        result: {
          isError: boolean;
          content: Array<{ text: string }>;
          _meta: Record<string, { code: string; status: number; retry_after_seconds: number }>;
        };
      };
      expect(rpc.id).toBe(7);
      expect(rpc.result.isError).toBe(true);
      expect(rpc.result.content[0]!.text).toMatch(/cannot reach its own database/);
      expect(rpc.result._meta['gatehouse/error']).toMatchObject({
        code: 'store_unavailable',
        status: 503,
      });
    } finally {
      proxy.thaw();
    }
    await untilServed();
  });

  it('answers a database that is down (port closed) with JSON 503, not a bare 500', async () => {
    await proxy.stop();
    try {
      expectUnavailable(await timed(search));
      const ready = await timed(() => fetch(`${g.url}/readyz`));
      expect(ready.ms).toBeLessThan(boundMs);
      expect(ready.res.status).toBe(200);
      expect(JSON.parse(ready.text)).toMatchObject({
        status: 'degraded',
        reasons: ['store_unreachable'],
      });
    } finally {
      await proxy.start();
    }
    await untilServed();
  });

  it("still gives the agent Apollo's answer when the record cannot be completed", async () => {
    const since = Date.now();
    // Apollo takes a moment, and the database freezes while it does.
    sandbox.faults.set('people.search', { latencyMs: 1500 });
    try {
      const answer = search();
      let open: Array<{ id: string }> = [];
      while (open.length === 0) {
        open = await db.query<{ id: string }>(
          `select id from $schema.audit_records
            where action = 'people.search' and decision = 'allowed' and completed_at is null
              and time >= $1`,
          [since],
        );
      }
      proxy.freeze();
      // The answer does not wait for the completion: it arrives while the database is frozen.
      const res = await answer;
      const body = (await res.json()) as { people?: unknown[] };
      expect(res.status, JSON.stringify(body).slice(0, 300)).toBe(200);
      expect(body.people).toHaveLength(1);
      expect(res.headers.get('x-gatehouse-audit-id')).toBe(open[0]!.id);
      // The completion gives up within the query timeout and says so; only then does the
      // database come back.
      await vi.waitFor(() => expect(logs.join('')).toMatch(/AUDIT RECORD NOT COMPLETED/), {
        timeout: statementTimeoutMs + 5000,
        interval: 50,
      });
    } finally {
      proxy.thaw();
      sandbox.faults.clear();
    }
    const [row] = await db.query<{ completed_at: string | null; upstream_status: number | null }>(
      'select completed_at, upstream_status from $schema.audit_records where id = $1',
      [
        (
          await db.query<{ id: string }>(
            `select id from $schema.audit_records where action = 'people.search' and time >= $1`,
            [since],
          )
        )[0]!.id,
      ],
    );
    // The record written before the call stays. Its outcome could not be added in time; the
    // completion's bytes, held by the frozen link, may still reach Postgres once it thaws (a
    // write whose outcome was unknown), and then they say what happened: Apollo's 200.
    expect(row).toBeDefined();
    if (row!.completed_at !== null) expect(row!.upstream_status).toBe(200);
    expect(logs.join('')).toMatch(/AUDIT RECORD NOT COMPLETED/);
    await untilServed();
  });
});
