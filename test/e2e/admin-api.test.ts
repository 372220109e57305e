// The admin API (/admin/api/*): who may use it (admin token in constant time, or a console session
// with its CSRF token), what it changes (agents, grants: an agent's next call goes from denied to
// allowed), the approval queue, the audit trail, and the OpenAPI document generated from the routes.
import { afterEach, describe, expect, it } from 'vitest';

import { getAction } from '../../src/catalog/index.js';
import { createConsolePeople } from '../../src/services/admin/people.js';
import { createHarness, type Harness } from '../helpers/harness.js';

const adminToken = 'admin-token-for-tests-0123456789abcdef';
let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const notified: string[] = [];
async function setup(config: Record<string, unknown> = { adminToken }) {
  notified.length = 0;
  h = await createHarness({ config, notify: async (text) => void notified.push(text) });
  return h;
}

const bearer = { authorization: `Bearer ${adminToken}` };
const json = (r: Response) => r.json() as Promise<Record<string, unknown>>;
const searchPath = getAction('people.search')!.path;

async function login(harness: Harness) {
  const res = await harness.request('POST', '/admin/api/session', { body: { token: adminToken } });
  expect(res.status).toBe(200);
  const cookie = res.headers.get('set-cookie')!;
  expect(cookie).toMatch(/^gh_session=[\w-]{43};/);
  expect(cookie).toMatch(/HttpOnly/);
  expect(cookie).toMatch(/SameSite=Strict/);
  const { csrf } = (await res.json()) as { csrf: string };
  return { cookie: cookie.split(';')[0]!, csrf };
}

describe('admin API', () => {
  it('is off without an admin token, and says how to turn it on', async () => {
    const harness = await setup({});
    const res = await harness.request('GET', '/admin/api/agents', { headers: bearer });
    expect(res.status).toBe(503);
    expect((await json(res)).error).toMatch(/set GATEHOUSE_ADMIN_TOKEN/);
  });

  it('stays on for console people without a token, and says why a token is refused', async () => {
    const harness = await setup({});
    const added = await createConsolePeople({ store: harness.store }).add(
      { email: 'ops@example.com', role: 'admin', password: 'an ops password' },
      'cli:test',
    );
    expect(added.ok).toBe(true);
    const bearerRes = await harness.request('GET', '/admin/api/agents', { headers: bearer });
    expect(bearerRes.status).toBe(401);
    expect((await json(bearerRes)).error).toMatch(/no admin token .* sign in as a console person/);
    const tokenLogin = await harness.request('POST', '/admin/api/session', {
      body: { token: adminToken },
    });
    expect(tokenLogin.status).toBe(401);
    const person = await harness.request('POST', '/admin/api/session', {
      body: { email: 'ops@example.com', password: 'an ops password' },
    });
    expect(person.status).toBe(200);
  });

  it('refuses agent tokens, wrong tokens and anonymous calls', async () => {
    const harness = await setup();
    const agentToken = await harness.agent('bot', ['people=read']);
    for (const headers of [
      {} as Record<string, string>,
      { authorization: `Bearer ${agentToken}` },
      { authorization: 'Bearer admin-token-for-tests-0123456789abcdeF' },
      { 'x-api-key': adminToken },
    ]) {
      const res = await harness.request('GET', '/admin/api/agents', { headers });
      expect(res.status).toBe(401);
    }
    const wrong = await harness.request('POST', '/admin/api/session', { body: { token: 'nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
  });

  it('logs a console session in, demands the CSRF token on changes, and logs it out', async () => {
    const harness = await setup();
    const { cookie, csrf } = await login(harness);
    const read = await harness.request('GET', '/admin/api/agents', { headers: { cookie } });
    expect(read.status).toBe(200);
    const create = (headers: Record<string, string>) =>
      harness.request('POST', '/admin/api/agents', {
        headers: { cookie, ...headers },
        body: { name: 'scout', grants: [{ target: 'people', level: 'read' }] },
      });
    const noCsrf = await create({});
    expect(noCsrf.status).toBe(403);
    expect((await json(noCsrf)).error).toMatch(/X-CSRF-Token/);
    expect((await create({ 'x-csrf-token': 'forged' })).status).toBe(403);
    const made = await create({ 'x-csrf-token': csrf });
    expect(made.status).toBe(201);
    expect((await json(made)).token).toMatch(/^gh_agent_/);

    const out = await harness.request('DELETE', '/admin/api/session', {
      headers: { cookie, 'x-csrf-token': csrf },
    });
    expect(out.status).toBe(200);
    expect(
      (await harness.request('GET', '/admin/api/agents', { headers: { cookie } })).status,
    ).toBe(401);
  });

  it("flips a cell of the access matrix and the agent's next call goes from denied to allowed", async () => {
    const harness = await setup();
    const created = await json(
      await harness.request('POST', '/admin/api/agents', {
        headers: bearer,
        body: { name: 'scout' },
      }),
    );
    const token = created.token as string;
    const agentId = (created.agent as { id: string }).id;
    const call = () =>
      harness.request('POST', searchPath, { token, body: { person_titles: ['VP Sales'] } });
    expect((await call()).status).toBe(403);

    const set = await harness.request('PUT', `/admin/api/agents/${agentId}/grants`, {
      headers: bearer,
      body: { target: 'people', level: 'read' },
    });
    expect(set.status).toBe(200);
    expect((await call()).status).toBe(200);

    const matrix = (await json(
      await harness.request('GET', '/admin/api/matrix', { headers: bearer }),
    )) as {
      targets: Array<{ target: string; kind: string }>;
      agents: Array<{
        name: string;
        grants: Record<string, unknown>;
        effective: Record<string, { callable: boolean }>;
      }>;
    };
    expect(matrix.targets.map((t) => t.target)).toEqual(
      expect.arrayContaining(['people', 'people.search', 'contacts.create', 'people.reveal']),
    );
    const scout = matrix.agents.find((a) => a.name === 'scout')!;
    expect(scout.grants.people).toEqual({ level: 'read', approval: false, no_approval: false });
    expect(scout.effective['people.search']!.callable).toBe(true);
    expect(scout.effective['contacts.create']!.callable).toBe(false);

    const off = await harness.request('PUT', `/admin/api/agents/${agentId}/grants`, {
      headers: bearer,
      body: { target: 'people', level: 'off' },
    });
    expect(off.status).toBe(200);
    expect((await call()).status).toBe(403);

    // Every change is in the audit trail with who made it.
    const changes = (await json(
      await harness.request('GET', '/admin/api/audit?agent=scout&decision=allowed&limit=10', {
        headers: bearer,
      }),
    )) as { records: Array<{ sentence: string; surface: string }> };
    expect(changes.records.filter((r) => r.surface === 'admin').map((r) => r.sentence)).toEqual([
      "An admin (admin:api) set scout's grant to people=off.",
      "An admin (admin:api) set scout's grant to people=read.",
      'An admin (admin:api) created the agent scout with no grants.',
    ]);

    const bad = await harness.request('PUT', `/admin/api/agents/${agentId}/grants`, {
      headers: bearer,
      body: { target: 'people', level: 'admin' },
    });
    expect(bad.status).toBe(400);
    expect((await json(bad)).issues).toBeDefined();
    const unknownTarget = await harness.request('PUT', `/admin/api/agents/${agentId}/grants`, {
      headers: bearer,
      body: { target: 'launch.missiles', level: 'full' },
    });
    expect(unknownTarget.status).toBe(422);
  });

  it('answers held calls from the queue and shows the audit trail as sentences', async () => {
    const harness = await setup();
    const writer = await harness.agent('writer', ['contacts=full'], true);
    const held = await harness.request('POST', getAction('contacts.create')!.path, {
      token: writer,
      body: { first_name: 'Ada', last_name: 'Byron' },
    });
    const { approval_id } = (await held.json()) as { approval_id: string };
    const queue = (await json(
      await harness.request('GET', '/admin/api/approvals', { headers: bearer }),
    )) as { approvals: Array<{ id: string; params: unknown; agent: { name: string } }> };
    expect(queue.approvals).toHaveLength(1);
    expect(queue.approvals[0]).toMatchObject({
      id: approval_id,
      agent: { name: 'writer' },
      params: { first_name: 'Ada', last_name: 'Byron' },
    });
    const approved = await harness.request('POST', `/admin/api/approvals/${approval_id}/approve`, {
      headers: bearer,
      body: {},
    });
    expect(approved.status).toBe(200);
    expect(await json(approved)).toMatchObject({
      approval: { state: 'done', decided_by: 'admin:api' },
      result: { status: 200 },
    });
    const again = await harness.request('POST', `/admin/api/approvals/${approval_id}/approve`, {
      headers: bearer,
      body: {},
    });
    expect(again.status).toBe(409);
    expect(
      (
        await harness.request('POST', '/admin/api/approvals/apr_nope/reject', {
          headers: bearer,
          body: {},
        })
      ).status,
    ).toBe(404);

    const audit = (await json(
      await harness.request('GET', '/admin/api/audit?agent=writer&limit=5', { headers: bearer }),
    )) as { records: Array<{ sentence: string; decision: string }> };
    expect(audit.records[0]).toMatchObject({ decision: 'approved' });
    expect(audit.records[0]!.sentence).toMatch(/^writer .*approved under contacts=full/);

    // One record, opened: its parameters, and the approval with who answered it.
    const recordId = (audit.records[0] as unknown as { id: string }).id;
    const detail = await harness.request('GET', `/admin/api/audit/${recordId}`, {
      headers: bearer,
    });
    expect(detail.status).toBe(200);
    expect(await json(detail)).toMatchObject({
      record: {
        id: recordId,
        agent: 'writer',
        action: 'contacts.create',
        decision: 'approved',
        params: { first_name: 'Ada', last_name: 'Byron' },
      },
      approval: { id: approval_id, state: 'done', decided_by: 'admin:api' },
    });
    const missing = await harness.request('GET', `/admin/api/audit/aud_${'0'.repeat(26)}`, {
      headers: bearer,
    });
    expect(missing.status).toBe(404);
    expect(await json(missing)).toEqual({
      error: `There is no audit record aud_${'0'.repeat(26)}.`,
    });
    for (const bad of ['nope', `aud_${'0'.repeat(27)}`, '__proto__', 'aud_%27%20or%201=1']) {
      const refused = await harness.request('GET', `/admin/api/audit/${bad}`, { headers: bearer });
      expect(refused.status).toBe(422);
    }
    // A call with no approval has none.
    await harness.request('POST', getAction('people.search')!.path, {
      token: writer,
      body: { q_keywords: 'x' },
    });
    const plain = (await json(
      await harness.request('GET', '/admin/api/audit?limit=5', { headers: bearer }),
    )) as { records: Array<{ id: string; action: string }> };
    const unheld = plain.records.find((r) => r.action !== 'contacts.create')!;
    const unheldDetail = await json(
      await harness.request('GET', `/admin/api/audit/${unheld.id}`, { headers: bearer }),
    );
    expect(unheldDetail).toMatchObject({ approval: null });
    const badQuery = await harness.request('GET', '/admin/api/audit?limit=100000', {
      headers: bearer,
    });
    expect(badQuery.status).toBe(400);
  });

  it("keeps the caller's X-Request-Id on the audit record, its page and both exports", async () => {
    const harness = await setup();
    const reader = await harness.agent('reader', ['people=read']);
    const requestId = 'trace-me-7f3a9c';
    const res = await harness.request('POST', searchPath, {
      token: reader,
      headers: { 'x-request-id': requestId },
      body: { per_page: 1 },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe(requestId);
    const page = (await json(
      await harness.request('GET', '/admin/api/audit?agent=reader&limit=1', { headers: bearer }),
    )) as { records: Array<{ id: string; request_id: string | null }> };
    expect(page.records[0]!.request_id).toBe(requestId);
    const id = page.records[0]!.id;

    const jsonl = await (
      await harness.request('GET', '/admin/api/audit/export?format=jsonl&agent=reader', {
        headers: bearer,
      })
    ).text();
    const line = jsonl
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; request_id: string | null })
      .find((l) => l.id === id);
    expect(line?.request_id).toBe(requestId);

    const csv = await (
      await harness.request('GET', '/admin/api/audit/export?format=csv&agent=reader', {
        headers: bearer,
      })
    ).text();
    const [header, ...rows] = csv.trim().split('\n');
    expect(header!.split(',').at(-1)).toBe('request_id');
    expect(rows.find((r) => r.startsWith(`${id},`))!.endsWith(`,${requestId}`)).toBe(true);
  });

  it('publishes an OpenAPI document generated from the routes, and browsable docs', async () => {
    const harness = await setup();
    const doc = (await json(await harness.request('GET', '/admin/api/openapi.json'))) as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/admin/api/agents',
        '/admin/api/agents/{id}/grants',
        '/admin/api/approvals/{id}/approve',
      ]),
    );
    expect(JSON.stringify(doc.paths['/admin/api/agents/{id}/grants']!.put!.requestBody)).toContain(
      '"enum":["off","read","full"]',
    );
    // Every route the admin API registers is in the document, and nothing else is.
    const registered = harness.app.app.routes
      .filter((r) => r.path.startsWith('/admin/api/') && r.method !== 'ALL')
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m} ${path}`),
    );
    expect([...new Set(registered)].sort()).toEqual(documented.sort());
    const page = await harness.request('GET', '/admin/docs');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/admin/api/approvals/{id}/reject');
  });

  it('raises an alert when an agent with read tries a write, and notifies', async () => {
    const harness = await setup();
    const reader = await harness.agent('reader', ['contacts=read']);
    const res = await harness.request('POST', getAction('contacts.create')!.path, {
      token: reader,
      body: { first_name: 'Eve' },
    });
    expect(res.status).toBe(403);
    const auditId = res.headers.get('x-gatehouse-audit-id');
    // Alerts are evaluated over the stored audit records, a moment after they are written.
    const list = async () =>
      (
        (await json(await harness.request('GET', '/admin/api/alerts', { headers: bearer }))) as {
          alerts: Array<{ kind: string; message: string; audit_ids: string[] }>;
        }
      ).alerts;
    await expect.poll(list, { timeout: 10_000 }).toHaveLength(1);
    const alerts = await list();
    expect(alerts[0]).toMatchObject({ kind: 'write_without_grant', audit_ids: [auditId] });
    expect(alerts[0]!.message).toMatch(/reader may only read but tried to create a contact/);
    expect(notified).toEqual([expect.stringMatching(/^Gatehouse alert: reader may only read/)]);
    const overview = await json(
      await harness.request('GET', '/admin/api/overview', { headers: bearer }),
    );
    expect(overview.alerts).toHaveLength(1);
  });

  it('notifies the webhook when a call is held for approval', async () => {
    const harness = await setup();
    const writer = await harness.agent('writer', ['contacts=full'], true);
    const held = await harness.request('POST', getAction('contacts.create')!.path, {
      token: writer,
      body: { first_name: 'Ada', last_name: 'Byron' },
    });
    const { approval_id } = (await held.json()) as { approval_id: string };
    expect(notified).toHaveLength(1);
    expect(notified[0]).toMatch(/^Gatehouse: writer asked to create a contact/);
    expect(notified[0]).toContain(`gatehouse approvals approve ${approval_id}`);
  });

  it('connects Apollo over OAuth from the console, bound to the browser that started it', async () => {
    const harness = await setup({ adminToken, publicUrl: 'http://127.0.0.1:8787' });
    const client = harness.sandbox.oauthClients[0]!;
    const start = await harness.request('POST', '/admin/api/connection/oauth', {
      headers: bearer,
      body: { client_id: client.clientId, client_secret: client.clientSecret },
    });
    expect(start.status).toBe(200);
    const cookie = start.headers.get('set-cookie')!;
    expect(cookie).toMatch(
      /^gh_oauth_binding=[\w-]{43};.*Path=\/oauth\/callback.*HttpOnly.*SameSite=Lax/,
    );
    const started = await start.text();
    expect(started).not.toContain(client.clientSecret);
    const { url } = JSON.parse(started) as { url: string };
    // The admin's browser at Apollo: consent, then back to Gatehouse's own callback.
    const authorize = new URL(url);
    const consent = await harness.sandbox.app.request(`${authorize.pathname}${authorize.search}`);
    const back = new URL(consent.headers.get('location')!);
    expect(back.origin + back.pathname).toBe('http://127.0.0.1:8787/oauth/callback');
    const elsewhere = await harness.request('GET', `${back.pathname}${back.search}`);
    expect(elsewhere.status).toBe(400);

    const again = await harness.request('POST', '/admin/api/connection/oauth', {
      headers: bearer,
      body: { client_id: client.clientId, client_secret: client.clientSecret },
    });
    const binding = again.headers.get('set-cookie')!.split(';')[0]!;
    const url2 = new URL(((await again.json()) as { url: string }).url);
    const consent2 = await harness.sandbox.app.request(`${url2.pathname}${url2.search}`);
    const back2 = new URL(consent2.headers.get('location')!);
    const done = await harness.request('GET', `${back2.pathname}${back2.search}`, {
      headers: { cookie: binding },
    });
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ connected: true, kind: 'oauth' });
    const overview = (await json(
      await harness.request('GET', '/admin/api/overview', { headers: bearer }),
    )) as { connection: { kind: string; detail: string } };
    expect(overview.connection.kind).toBe('oauth');
    expect(overview.connection.detail).toMatch(/olivia@example\.com|@/);

    const badScope = await harness.request('POST', '/admin/api/connection/oauth', {
      headers: bearer,
      body: { client_id: 'x', client_secret: 'y', scopes: ['launch_missiles'] },
    });
    expect(badScope.status).toBe(422);
  });

  it('warns on the overview about credentials past their rotation age', async () => {
    const later = Date.now() + 100 * 86_400_000;
    notified.length = 0;
    h = await createHarness({
      config: { adminToken },
      clock: { now: () => later, monotonic: () => performance.now() },
    });
    await h.agent('old-bot', ['people=read']);
    const overview = (await json(
      await h.request('GET', '/admin/api/overview', { headers: bearer }),
    )) as { warnings: string[] };
    expect(overview.warnings.join('\n')).toMatch(/agent token of old-bot is (99|100) days old/);
  });
});
