// The admin API keeps its contract (src/surfaces/admin/contracts.ts) over literal HTTP: every route
// in `adminRoutes` is called on a listening Gatehouse with real data (agents created, granted,
// limited, rotated and revoked; calls allowed, denied and held; a held call approved and one
// rejected; an alert raised and acknowledged; OAuth started; the audit exported as JSONL and CSV),
// each success has its route's status and parses with its route's `response` schema, refusals
// parse with `problemResponse` and are documented, and every `$ref` of the OpenAPI document
// resolves to one of its components. The suite fails when a route in `adminRoutes` was not called.
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { listen, type RunningServer } from '../../src/app/server.js';
import { getAction } from '../../src/catalog/index.js';
import {
  adminRoutes,
  auditExportLine,
  auditStreamEvent,
  openApiResponse,
  problemResponse,
  type AdminEndpoint,
  type AdminResponse,
  type AdminRoute,
} from '../../src/surfaces/admin/contracts.js';
import { createConsolePeople } from '../../src/services/admin/people.js';
import { createHarness, type Harness } from '../helpers/harness.js';

const adminToken = 'contract-admin-token-0123456789abcdefgh';
const silent = { debug() {}, info() {}, warn() {}, error() {} };
let h: Harness;
let server: RunningServer;

beforeAll(async () => {
  h = await createHarness({ config: { adminToken } });
  server = await listen(h.app, 0, '127.0.0.1', silent);
});
afterAll(async () => {
  await server?.close();
  await h?.close();
});

const endpointOf = (r: AdminRoute) => `${r.method.toUpperCase()} ${r.path}`;
const routes = new Map<string, AdminRoute>(adminRoutes.map((r) => [endpointOf(r), r]));
/** The endpoints answered with a success so far. */
const covered = new Set<string>();

/** Who calls: the admin token, a console session (cookie and CSRF token), or nobody. */
type Caller = 'bearer' | 'anonymous' | { cookie: string; csrf?: string };

interface Options {
  readonly params?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly body?: unknown;
  readonly as?: Caller;
}

/** One literal HTTP request to an endpoint of the contract, its `{name}` parameters filled in. */
async function send(endpoint: AdminEndpoint, options: Options = {}): Promise<Response> {
  const [method, template] = endpoint.split(' ') as [string, string];
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = options.params?.[name];
    if (value === undefined) throw new Error(`${endpoint} needs the path parameter ${name}`);
    return encodeURIComponent(value);
  });
  const query = new URLSearchParams(options.query ?? {}).toString();
  const as = options.as ?? 'bearer';
  const headers: Record<string, string> = {};
  if (as === 'bearer') headers.authorization = `Bearer ${adminToken}`;
  else if (as !== 'anonymous') {
    headers.cookie = as.cookie;
    if (as.csrf) headers['x-csrf-token'] = as.csrf;
  }
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${server.url}${path}${query ? `?${query}` : ''}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
}

/**
 * Calls an endpoint and holds its answer to the contract: the route's status, and its `response`
 * schema (`.parse`, so a mismatch fails naming the issue).
 */
async function call<E extends AdminEndpoint>(
  endpoint: E,
  options: Options = {},
): Promise<AdminResponse<E>> {
  return answered(endpoint, await send(endpoint, options));
}

/** `call` for an answer already received (its headers read first). */
async function answered<E extends AdminEndpoint>(
  endpoint: E,
  res: Response,
): Promise<AdminResponse<E>> {
  const route = routes.get(endpoint)!;
  const text = await res.text();
  expect(res.status, `${endpoint} answered ${text}`).toBe(route.status ?? 200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  // The map holds every route's schema; this one is E's.
  const value = route.response.parse(JSON.parse(text)) as AdminResponse<E>;
  covered.add(endpoint);
  return value;
}

/** Calls an endpoint that must refuse with `status`; the refusal parses and is documented. */
async function refused(endpoint: AdminEndpoint, status: number, options: Options = {}) {
  const res = await send(endpoint, options);
  const text = await res.text();
  expect(res.status, `${endpoint} answered ${text}`).toBe(status);
  const body = problemResponse.parse(JSON.parse(text));
  const [method, path] = endpoint.split(' ') as [string, string];
  const documented = (await openApi()).paths[path]![method.toLowerCase()] as {
    responses: Record<string, { content?: unknown }>;
  };
  expect(Object.keys(documented.responses), `${endpoint} documents ${status}`).toContain(
    String(status),
  );
  expect(JSON.stringify(documented.responses[String(status)]!.content)).toContain(
    '"#/components/schemas/Problem"',
  );
  return body;
}

let doc: AdminResponse<'GET /admin/api/openapi.json'> | null = null;
async function openApi() {
  doc ??= await call('GET /admin/api/openapi.json', { as: 'anonymous' });
  return doc;
}

/** An agent's call through the REST proxy, as the agent makes it. */
const agentCall = (token: string, action: string, body: unknown) =>
  fetch(`${server.url}${getAction(action)!.path}`, {
    method: 'POST',
    headers: { 'x-api-key': token, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('the admin API contract, over HTTP', () => {
  const agents: Record<string, { id: string; token: string }> = {};
  const held: string[] = [];

  it('publishes an OpenAPI document whose every $ref resolves to a component', async () => {
    const document = await openApi();
    expect(openApiResponse.parse(document).openapi).toBe('3.1.0');
    const schemas = (document.components as { schemas: Record<string, unknown> }).schemas;
    const refs: string[] = [];
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(collect);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === '$ref') refs.push(String(value));
          else collect(value);
        }
      }
    };
    collect(document);
    expect(refs.length).toBeGreaterThan(adminRoutes.length);
    const unresolved = refs.filter((ref) => {
      const name = /^#\/components\/schemas\/([^/]+)$/.exec(ref)?.[1];
      return name === undefined || !(name in schemas);
    });
    expect(unresolved).toEqual([]);
    // Each route documents its success, as a component unless it is a download.
    for (const r of adminRoutes as readonly AdminRoute[]) {
      const op = document.paths[r.path]![r.method] as { responses: Record<string, unknown> };
      const success = JSON.stringify(op.responses[String(r.status ?? 200)]);
      if (r.download) expect(success).toContain('text/csv');
      else expect(success).toMatch(/"\$ref":"#\/components\/schemas\/\w+"/);
    }
  });

  it('logs a console session in, reads it, and refuses a change without its CSRF token', async () => {
    const wrong = await refused('POST /admin/api/session', 401, {
      as: 'anonymous',
      body: { token: 'not-the-admin-token' },
    });
    expect(wrong.error).toBeTruthy();
    const res = await send('POST /admin/api/session', {
      as: 'anonymous',
      body: { token: adminToken },
    });
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    const session = await answered('POST /admin/api/session', res);
    expect(cookie).toMatch(/^gh_session=[\w-]{43}$/);

    expect((await call('GET /admin/api/session', { as: { cookie } })).csrf).toBe(session.csrf);
    expect((await call('GET /admin/api/session')).csrf).toBeNull();
    await refused('POST /admin/api/agents', 403, { as: { cookie }, body: { name: 'nope' } });
    await refused('GET /admin/api/agents', 401, { as: 'anonymous' });

    const out = await call('DELETE /admin/api/session', { as: { cookie, csrf: session.csrf } });
    expect(out.ok).toBe(true);
    await refused('GET /admin/api/agents', 401, { as: { cookie } });
  });

  it('creates, grants, limits and rotates agents', async () => {
    const scout = await call('POST /admin/api/agents', {
      body: {
        name: 'scout',
        description: 'finds people',
        grants: [{ target: 'people', level: 'read' }],
      },
    });
    expect(scout.agent.grants).toEqual([
      { target: 'people', level: 'read', approval: false, no_approval: false },
    ]);
    const writer = await call('POST /admin/api/agents', {
      body: { name: 'writer', grants: [{ target: 'contacts', level: 'full', approval: true }] },
    });
    const reader = await call('POST /admin/api/agents', { body: { name: 'reader' } });
    const spare = await call('POST /admin/api/agents', { body: { name: 'spare' } });
    await refused('POST /admin/api/agents', 409, { body: { name: 'scout' } });

    const granted = await call('PUT /admin/api/agents/{id}/grants', {
      params: { id: reader.agent.id },
      body: { target: 'contacts', level: 'read' },
    });
    expect(granted.agent.grants.map((g) => `${g.target}=${g.level}`)).toEqual(['contacts=read']);
    const badLevel = await refused('PUT /admin/api/agents/{id}/grants', 400, {
      params: { id: reader.agent.id },
      body: { target: 'contacts', level: 'admin' },
    });
    expect(badLevel.issues?.length).toBeGreaterThan(0);
    await refused('PUT /admin/api/agents/{id}/grants', 422, {
      params: { id: reader.agent.id },
      body: { target: 'launch.missiles', level: 'full' },
    });

    const templated = await call('POST /admin/api/agents/{id}/template', {
      params: { id: spare.agent.id },
      body: { template: 'researcher' },
    });
    expect(templated.agent.grants.map((g) => `${g.target}=${g.level}`).sort()).toEqual([
      'news=read',
      'organizations=read',
      'people=read',
    ]);
    await refused('POST /admin/api/agents/{id}/template', 422, {
      params: { id: spare.agent.id },
      body: { template: 'root' },
    });
    await refused('POST /admin/api/agents/{id}/template', 404, {
      params: { id: 'agt_nope' },
      body: { template: 'researcher' },
    });

    const limited = await call('PUT /admin/api/agents/{id}/limits', {
      params: { id: scout.agent.id },
      body: { credits_per_day: 500, requests_per_minute: 600, redact: ['email'] },
    });
    expect(limited.agent).toMatchObject({
      credit_budget_day: 500,
      requests_per_minute: 600,
      redacted_fields: ['email'],
    });

    const rotated = await call('POST /admin/api/agents/{id}/rotate', {
      params: { id: scout.agent.id },
    });
    expect(rotated.agent_id).toBe(scout.agent.id);
    expect(rotated.token).not.toBe(scout.token);
    await refused('POST /admin/api/agents/{id}/rotate', 404, { params: { id: 'agt_nope' } });

    agents.scout = { id: scout.agent.id, token: rotated.token };
    agents.writer = { id: writer.agent.id, token: writer.token };
    agents.reader = { id: reader.agent.id, token: reader.token };
    agents.spare = { id: spare.agent.id, token: spare.token };
  });

  it("answers agents' calls: allowed, denied and held, then approved and rejected", async () => {
    const search = await agentCall(agents.scout!.token, 'people.search', {
      person_titles: ['VP Sales'],
    });
    expect(search.status).toBe(200);
    const denied = await agentCall(agents.reader!.token, 'contacts.create', { first_name: 'Eve' });
    expect(denied.status).toBe(403);
    for (const first_name of ['Ada', 'Grace']) {
      const res = await agentCall(agents.writer!.token, 'contacts.create', {
        first_name,
        last_name: 'Byron',
      });
      expect(res.status).toBe(202);
      held.push(((await res.json()) as { approval_id: string }).approval_id);
    }

    const pending = await call('GET /admin/api/approvals');
    expect(pending.approvals.map((a) => a.id).sort()).toEqual([...held].sort());
    expect(pending.approvals[0]!.params).toMatchObject({ last_name: 'Byron' });

    const approved = await call('POST /admin/api/approvals/{id}/approve', {
      params: { id: held[0]! },
      body: { note: 'fine' },
    });
    expect(approved.approval).toMatchObject({ state: 'done', decided_by: 'admin:api' });
    expect(approved.result?.status).toBe(200);
    const rejected = await call('POST /admin/api/approvals/{id}/reject', {
      params: { id: held[1]! },
      body: { note: 'not this one' },
    });
    expect(rejected.approval).toMatchObject({ state: 'rejected', note: 'not this one' });
    expect(rejected.result).toBeUndefined();
    await refused('POST /admin/api/approvals/{id}/approve', 409, {
      params: { id: held[0]! },
      body: {},
    });
    await refused('POST /admin/api/approvals/{id}/reject', 404, {
      params: { id: 'apr_nope' },
      body: {},
    });

    const all = await call('GET /admin/api/approvals', { query: { state: 'all' } });
    expect(all.approvals.map((a) => a.state).sort()).toEqual(['done', 'rejected']);
  });

  it('raises an alert for the denied write and acknowledges it once', async () => {
    // Alerts are evaluated over the stored audit records a moment after they are written.
    await expect
      .poll(async () => (await call('GET /admin/api/alerts')).alerts.length, { timeout: 10_000 })
      .toBe(1);
    const [alert] = (await call('GET /admin/api/alerts')).alerts;
    expect(alert).toMatchObject({ kind: 'write_without_grant', agent: { name: 'reader' } });
    const first = await call('POST /admin/api/alerts/{id}/acknowledge', {
      params: { id: alert!.id },
      body: { note: 'testing the read grant' },
    });
    expect(first).toMatchObject({ already_acknowledged: false, alert: { id: alert!.id } });
    expect(first.alert.acknowledged_at).not.toBeNull();
    const again = await call('POST /admin/api/alerts/{id}/acknowledge', {
      params: { id: alert!.id },
      body: {},
    });
    expect(again.already_acknowledged).toBe(true);
    await refused('POST /admin/api/alerts/{id}/acknowledge', 404, {
      params: { id: 'alr_nope' },
      body: {},
    });
    expect((await call('GET /admin/api/alerts')).alerts).toEqual([]);
    const all = await call('GET /admin/api/alerts', { query: { all: 'true' } });
    expect(all.alerts.map((a) => a.acknowledged_note)).toEqual(['testing the read grant']);
  });

  it('revokes an agent, and shows every agent and the access matrix', async () => {
    const revoked = await call('POST /admin/api/agents/{id}/revoke', {
      params: { id: agents.spare!.id },
    });
    expect(revoked.agent.revoked_at).not.toBeNull();
    await refused('POST /admin/api/agents/{id}/revoke', 404, { params: { id: 'agt_nope' } });

    const list = await call('GET /admin/api/agents');
    expect(list.agents.map((a) => a.name).sort()).toEqual(['reader', 'scout', 'spare', 'writer']);
    // Last use is written in the background (once a second at most): the address is the socket's.
    await expect
      .poll(
        async () => {
          const { agents } = await call('GET /admin/api/agents');
          return agents.find((a) => a.name === 'scout')!.last_used_ip;
        },
        { timeout: 5_000 },
      )
      .toMatch(/127\.0\.0\.1$/);

    const matrix = await call('GET /admin/api/matrix');
    expect(matrix.agents.map((a) => a.name).sort()).toEqual(['reader', 'scout', 'writer']);
    const scout = matrix.agents.find((a) => a.name === 'scout')!;
    expect(scout.grants.people).toEqual({ level: 'read', approval: false, no_approval: false });
    expect(scout.effective['people.search']!.callable).toBe(true);
    expect(matrix.targets.map((t) => t.kind)).toEqual(
      expect.arrayContaining(['group', 'action', 'capability']),
    );
  });

  it("shows the overview with today's counts and the rate headroom of the calls made", async () => {
    const overview = await call('GET /admin/api/overview');
    expect(overview.today.calls).toBeGreaterThanOrEqual(4);
    expect(overview.today.denials).toBeGreaterThanOrEqual(1);
    // Every action's bucket; the ones Apollo was called for are marked used.
    expect(overview.headroom.filter((r) => r.used).map((r) => r.action)).toEqual(
      expect.arrayContaining(['people.search', 'contacts.create']),
    );
    expect(overview.headroom.find((r) => r.action === 'deals.create')?.used).toBe(false);
    expect(overview.recent_denials.length).toBeGreaterThanOrEqual(1);
    expect(overview.recent_denials.every((r) => r.decision === 'denied')).toBe(true);
    expect(overview.pending_approvals).toBe(0);
  });

  it('pages the audit, counts usage per day, and exports the same records as JSONL and CSV', async () => {
    const page = await call('GET /admin/api/audit', { query: { limit: '500' } });
    expect(page.next_before).toBeNull();
    expect(page.records.map((r) => r.decision)).toEqual(
      expect.arrayContaining(['allowed', 'denied', 'approved', 'rejected']),
    );
    const scoutOnly = await call('GET /admin/api/audit', {
      query: { agent: 'scout', action: 'people.search' },
    });
    expect(scoutOnly.records).toHaveLength(1);
    await refused('GET /admin/api/audit', 400, { query: { limit: '100000' } });
    const approved = page.records.find((r) => r.decision === 'approved')!;
    const detail = await call('GET /admin/api/audit/{id}', { params: { id: approved.id } });
    expect(detail.record.id).toBe(approved.id);
    expect(detail.approval?.audit_id).toBe(approved.id);
    const scoutDetail = await call('GET /admin/api/audit/{id}', {
      params: { id: scoutOnly.records[0]!.id },
    });
    expect(scoutDetail.approval).toBeNull();
    await refused('GET /admin/api/audit/{id}', 404, { params: { id: `aud_${'Z'.repeat(26)}` } });
    await refused('GET /admin/api/audit/{id}', 422, { params: { id: 'aud_nope' } });

    const usage = await call('GET /admin/api/usage', { query: { days: '7' } });
    expect(usage.days).toHaveLength(7);
    const scoutUsage = usage.agents.find((a) => a.agent === 'scout')!;
    expect(scoutUsage.calls.reduce((a, b) => a + b, 0)).toBe(1);
    expect(usage.actions.find((a) => a.action === 'contacts.create')!.calls).toBe(3);

    const exportRoute = routes.get('GET /admin/api/audit/export')!;
    const exported = async (format: 'jsonl' | 'csv') => {
      const res = await send('GET /admin/api/audit/export', { query: { format } });
      expect(res.status).toBe(exportRoute.status ?? 200);
      expect(res.headers.get('content-disposition')).toBe(
        `attachment; filename="gatehouse-audit.${format}"`,
      );
      return { type: res.headers.get('content-type'), text: await res.text() };
    };
    const jsonl = await exported('jsonl');
    expect(jsonl.type).toBe('application/x-ndjson');
    const lines = jsonl.text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => auditExportLine.parse(JSON.parse(line)));
    // The export streams oldest first, the page newest first: the same records.
    expect(lines.map((l) => l.id)).toEqual(page.records.map((r) => r.id).reverse());

    const csv = await exported('csv');
    expect(csv.type).toMatch(/^text\/csv/);
    const [header, ...rows] = parseCsv(csv.text) as string[][];
    // The CSV has the JSONL line's columns, in order, without the parameters and completion time.
    const jsonOnly = new Set(['params', 'completed_at']);
    expect(header).toEqual(Object.keys(auditExportLine.shape).filter((k) => !jsonOnly.has(k)));
    expect(rows.map((r) => r[0])).toEqual(lines.map((l) => l.id));
    covered.add('GET /admin/api/audit/export');

    // The stream: its first event names the newest matching record, and a new one sends another.
    const streaming = new AbortController();
    const stream = await fetch(`${server.url}/admin/api/audit/stream?agent=scout`, {
      headers: { authorization: `Bearer ${adminToken}` },
      signal: streaming.signal,
    });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = '';
    const nextEvent = async () => {
      for (;;) {
        const end = buffered.indexOf('\n\n');
        if (end >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (data !== undefined) {
            expect(block).toMatch(/^event: audit$/m);
            return auditStreamEvent.parse(JSON.parse(data));
          }
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('the audit stream ended');
        buffered += value;
      }
    };
    const scoutNewest = await call('GET /admin/api/audit', {
      query: { agent: 'scout', limit: '1' },
    });
    expect((await nextEvent()).newest).toBe(scoutNewest.records[0]!.id);
    expect((await agentCall(agents.scout!.token, 'contacts.search', {})).status).toBe(403);
    const after = await nextEvent();
    const latest = await call('GET /admin/api/audit', { query: { agent: 'scout', limit: '1' } });
    expect(after.newest).toBe(latest.records[0]!.id);
    expect(after.newest).not.toBe(scoutNewest.records[0]!.id);
    streaming.abort();
    covered.add('GET /admin/api/audit/stream');
  });

  it("starts connecting Apollo over OAuth and refuses a scope Apollo doesn't have", async () => {
    const client = h.sandbox.oauthClients[0]!;
    const res = await send('POST /admin/api/connection/oauth', {
      body: { client_id: client.clientId, client_secret: client.clientSecret },
    });
    expect(res.headers.get('set-cookie')).toMatch(/^gh_oauth_binding=[\w-]{43};/);
    const started = await answered('POST /admin/api/connection/oauth', res);
    expect(new URL(started.url).searchParams.get('client_id')).toBe(client.clientId);
    expect(Date.parse(started.expires_at)).toBeGreaterThan(Date.now());
    await refused('POST /admin/api/connection/oauth', 422, {
      body: { client_id: 'x', client_secret: 'y', scopes: ['launch_missiles'] },
    });
  });

  it('lists the console people, and refuses a viewer what only an admin may do', async () => {
    const people = createConsolePeople({ store: h.store });
    const added = await people.add(
      { email: 'vera@example.com', role: 'viewer', password: 'a viewer password' },
      'cli:test',
    );
    expect(added.ok).toBe(true);
    const listed = await call('GET /admin/api/people');
    expect(listed.people.map((p) => [p.email, p.role, p.password])).toEqual([
      ['vera@example.com', 'viewer', true],
    ]);
    const res = await send('POST /admin/api/session', {
      as: 'anonymous',
      body: { email: 'vera@example.com', password: 'a viewer password' },
    });
    const session = await answered('POST /admin/api/session', res);
    expect(session.person).toEqual({ email: 'vera@example.com', role: 'viewer' });
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    await refused('GET /admin/api/people', 403, { as: { cookie } });
  });

  it('answers a path it does not have with a refusal of the same shape', async () => {
    const res = await fetch(`${server.url}/admin/api/nothing-here`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(res.status).toBe(404);
    expect(problemResponse.parse(await res.json()).error).toMatch(/^Nothing at GET/);
  });

  it('called every route in adminRoutes', () => {
    expect([...covered].sort()).toEqual([...routes.keys()].sort());
  });
});
