// Pins /metrics end to end: real REST and MCP traffic against the sandbox moves each Gatehouse
// series by exactly what was done (requests by surface, action and decision; Apollo's latency;
// the pacer's wait and headroom; credits per agent; the cache; audit writes; approvals; MCP
// sessions; the stores' health), beside the process metrics; the bearer token, the switch and the
// loopback listener; and request ids on answers, log lines and audit records.
import { createServer } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { listen } from '../../src/app/server.js';
import { getAction } from '../../src/catalog/index.js';
import { createHarness, type Harness } from '../helpers/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const path = (id: string) => getAction(id)!.path;

/** One sample of the exposition text: the value of `name` whose labels include `labels`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries(
      [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return 0;
}

async function scrape(harness: Harness, headers: Record<string, string> = {}): Promise<string> {
  const res = await harness.request('GET', '/metrics', { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

async function personIds(harness: Harness, n: number): Promise<string[]> {
  const found = await harness.apollo('POST', path('people.search'), {
    person_titles: ['Director'],
    per_page: n,
  });
  return (found.people as Array<{ id: string }>).map((p) => p.id);
}

describe('/metrics', () => {
  it('counts REST traffic by surface, action and decision, with Apollo latency and the pacer', async () => {
    h = await createHarness({ config: { batchWindowMs: 0 } });
    const token = await h.agent('metrics-bot', ['people=read']);
    const before = await scrape(h);
    const allowed = { surface: 'rest', action: 'people.search', decision: 'allowed' };
    expect(sample(before, 'gatehouse_requests_total', allowed)).toBe(0);

    for (let i = 0; i < 3; i++) {
      const res = await h.request('POST', path('people.search'), {
        token,
        body: { person_titles: ['VP Sales'], per_page: 5 },
      });
      expect(res.status).toBe(200);
    }
    const denied = await h.request('POST', path('contacts.create'), {
      token,
      body: { first_name: 'Jane', last_name: 'Doe' },
    });
    expect(denied.status).toBe(403);
    const unknown = await h.request('POST', '/api/v1/no_such_endpoint', { token, body: {} });
    expect(unknown.status).toBe(404);

    const after = await scrape(h);
    expect(sample(after, 'gatehouse_requests_total', allowed)).toBe(3);
    expect(
      sample(after, 'gatehouse_requests_total', {
        surface: 'rest',
        action: 'contacts.create',
        decision: 'denied',
      }),
    ).toBe(1);
    // An unknown path is counted, under one bounded label rather than the path it named.
    expect(
      sample(after, 'gatehouse_requests_total', {
        surface: 'rest',
        action: 'unknown',
        decision: 'denied',
      }),
    ).toBe(1);
    expect(after).not.toContain('no_such_endpoint');

    const upstream = { action: 'people.search', status: '200' };
    expect(sample(after, 'gatehouse_upstream_request_duration_seconds_count', upstream)).toBe(3);
    expect(
      sample(after, 'gatehouse_upstream_request_duration_seconds_sum', upstream),
    ).toBeGreaterThan(0);
    // The denied call never reached Apollo.
    expect(after).not.toMatch(/gatehouse_upstream_request_duration_seconds_count\{[^}]*contacts/);
    expect(
      sample(after, 'gatehouse_pacer_queue_wait_seconds_count', { action: 'people.search' }),
    ).toBe(3);
    expect(sample(after, 'gatehouse_pacer_queue_depth', { action: 'people.search' })).toBe(0);
    // The sandbox's default plan (basic) allows more than three searches a minute; three are spent.
    const limit = sample(after, 'gatehouse_pacer_window_limit', {
      action: 'people.search',
      window: 'minute',
    });
    expect(limit).toBeGreaterThan(3);
    expect(
      sample(after, 'gatehouse_pacer_window_remaining', {
        action: 'people.search',
        window: 'minute',
      }),
    ).toBe(limit - 3);

    // Five records: four written complete or opened, three completed.
    expect(
      sample(after, 'gatehouse_audit_write_duration_seconds_count', { operation: 'open' }),
    ).toBe(5);
    expect(
      sample(after, 'gatehouse_audit_write_duration_seconds_count', { operation: 'complete' }),
    ).toBe(3);
    expect(sample(after, 'gatehouse_dependency_up', { dependency: h.store.handle.dialect })).toBe(
      1,
    );
    expect(after).toMatch(/^gatehouse_info\{replica="[^"]+"\} 1$/m);
    expect(after).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(after).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });

  it('counts credits per agent, cache hits and the credits they saved', async () => {
    h = await createHarness({ config: { batchWindowMs: 0 } });
    const token = await h.agent('enricher', ['people=read']);
    const [id] = await personIds(h, 1);
    const match = () => h!.request('POST', path('people.match'), { token, body: { id } });
    expect((await match()).status).toBe(200);
    const first = await scrape(h);
    expect(sample(first, 'gatehouse_credits_spent_total', { agent: 'enricher' })).toBe(1);
    expect(sample(first, 'gatehouse_enrichment_cache_hits_total', { action: 'people.match' })).toBe(
      0,
    );

    expect((await match()).status).toBe(200);
    const second = await scrape(h);
    expect(sample(second, 'gatehouse_credits_spent_total', { agent: 'enricher' })).toBe(1);
    expect(
      sample(second, 'gatehouse_enrichment_cache_hits_total', {
        action: 'people.match',
        kind: 'full',
      }),
    ).toBe(1);
    expect(
      sample(second, 'gatehouse_enrichment_cache_credits_saved_total', { action: 'people.match' }),
    ).toBe(1);
    expect(
      sample(second, 'gatehouse_upstream_request_duration_seconds_count', {
        action: 'people.match',
        status: '200',
      }),
    ).toBe(1);
  });

  it('shows held calls pending until answered, and their outcome', async () => {
    h = await createHarness();
    const writer = await h.agent('writer', ['contacts=full'], true);
    const res = await h.request('POST', path('contacts.create'), {
      token: writer,
      body: { first_name: 'Ada', last_name: 'Byron' },
    });
    expect(res.status).toBe(202);
    const { approval_id } = (await res.json()) as { approval_id: string };
    const held = await scrape(h);
    expect(sample(held, 'gatehouse_approvals_pending')).toBe(1);
    expect(
      sample(held, 'gatehouse_requests_total', { action: 'contacts.create', decision: 'pending' }),
    ).toBe(1);

    const answered = await h.app.gateway.answerApproval(approval_id, { approve: false, by: 't' });
    expect(answered.ok).toBe(true);
    const after = await scrape(h);
    expect(sample(after, 'gatehouse_approvals_pending')).toBe(0);
    expect(
      sample(after, 'gatehouse_approval_outcomes_total', {
        action: 'contacts.create',
        decision: 'rejected',
      }),
    ).toBe(1);
  });

  it('counts MCP calls under surface mcp and the sessions this process holds', async () => {
    h = await createHarness();
    const token = await h.agent('mcp-bot', ['people=read']);
    const mcp = (body: unknown, headers: Record<string, string> = {}) =>
      h!.app.app.request('http://127.0.0.1/mcp', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          // The loopback-only guard checks the Host header (DNS rebinding).
          host: '127.0.0.1',
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...headers,
        },
        body: JSON.stringify(body),
      });
    expect(sample(await scrape(h), 'gatehouse_mcp_sessions_open')).toBe(0);
    const init = await mcp(
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'metrics-test', version: '1' },
        },
      },
      { 'x-request-id': 'mcp-init-1' },
    );
    expect(init.status).toBe(200);
    expect(init.headers.get('x-request-id')).toBe('mcp-init-1');
    await init.text();
    const session = init.headers.get('mcp-session-id')!;
    expect(sample(await scrape(h), 'gatehouse_mcp_sessions_open')).toBe(1);

    const call = await mcp(
      {
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'apollo_mixed_people_api_search', arguments: { per_page: 2 } },
      },
      { 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' },
    );
    expect(call.status).toBe(200);
    await call.text();
    expect(
      sample(await scrape(h), 'gatehouse_requests_total', {
        surface: 'mcp',
        action: 'people.search',
        decision: 'allowed',
      }),
    ).toBe(1);
  });

  it('answers only the bearer token when GATEHOUSE_METRICS_TOKEN is set', async () => {
    h = await createHarness({ config: { metricsToken: 'metrics-token-0123456789' } });
    expect((await h.request('GET', '/metrics')).status).toBe(401);
    const wrong = await h.request('GET', '/metrics', {
      headers: { authorization: 'Bearer metrics-token-wrong-guess' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/);
    await scrape(h, { authorization: 'Bearer metrics-token-0123456789' });
  });

  it('serves nothing at /metrics with GATEHOUSE_METRICS=false', async () => {
    h = await createHarness({ config: { metrics: false } });
    expect((await h.request('GET', '/metrics')).status).toBe(404);
    expect(h.app.metrics).toBeNull();
  });

  it('serves /metrics only on 127.0.0.1 at GATEHOUSE_METRICS_PORT when it is set', async () => {
    const port = await freePort();
    h = await createHarness({ config: { metricsPort: port } });
    expect((await h.request('GET', '/metrics')).status).toBe(404);
    const server = await listen(h.app, 0, '127.0.0.1', {
      debug() {},
      info() {},
      warn() {},
      error() {},
    });
    try {
      const own = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(own.status).toBe(200);
      expect(await own.text()).toContain('gatehouse_requests_total');
      expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    } finally {
      await server.close();
    }
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });
});

describe('request ids', () => {
  it('echoes a safe X-Request-Id, logs it on the request line and stores it on the audit record', async () => {
    h = await createHarness();
    const token = await h.agent('traced', ['people=read']);
    const res = await h.request('POST', path('people.search'), {
      token,
      body: { per_page: 1 },
      headers: { 'x-request-id': 'client-req.42_a-b' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('client-req.42_a-b');
    const [record] = (await h.store.audit.query({ limit: 1 })).records;
    expect(record?.requestId).toBe('client-req.42_a-b');
    const line = h.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'request' && l.request_id === 'client-req.42_a-b');
    expect(line).toMatchObject({ path: path('people.search'), status: 200 });
    expect(typeof line?.replica).toBe('string');
  });

  it('replaces an unsafe or overlong id with its own, on every kind of answer', async () => {
    h = await createHarness();
    for (const sent of ['has space', 'x'.repeat(129), 'semi;colon', '']) {
      const res = await h.request('GET', '/healthz', { headers: { 'x-request-id': sent } });
      const got = res.headers.get('x-request-id');
      expect(got).toMatch(/^[0-9a-f-]{36}$/);
      expect(got).not.toBe(sent);
    }
    // Refusals, admin answers and unknown paths carry one too.
    const refused = await h.request('POST', path('people.search'), { body: {} });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const admin = await h.request('GET', '/admin/api/agents', {
      headers: { 'x-request-id': 'adm-1' },
    });
    expect(admin.headers.get('x-request-id')).toBe('adm-1');
    const nowhere = await h.request('GET', '/nowhere');
    expect(nowhere.status).toBe(404);
    expect(nowhere.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const [record] = (await h.store.audit.query({ limit: 1 })).records;
    expect(record?.requestId).toBe(refused.headers.get('x-request-id'));
  });

  it('logs health probes and scrapes at debug, calls at info', async () => {
    h = await createHarness();
    await h.request('GET', '/healthz');
    await h.request('GET', '/readyz');
    await h.request('GET', '/metrics');
    await h.request('GET', '/nowhere');
    const lines = h.logs.map((l) => JSON.parse(l) as { msg: string; path?: string });
    const requests = lines.filter((l) => l.msg === 'request').map((l) => l.path);
    expect(requests).toEqual(['/nowhere']);
  });
});

/** A port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
