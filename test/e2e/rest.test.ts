// Pins the REST drop-in proxy end to end against the sandbox: Apollo's shapes through Gatehouse,
// denials an agent can act on, one audit record per call, masking, redaction, and no secret in logs.
import { afterEach, describe, expect, it } from 'vitest';

import { getAction } from '../../src/catalog/index.js';
import { createHarness, type Harness } from '../helpers/harness.js';

const path = (id: string) => getAction(id)!.path;
let h: Harness;
afterEach(async () => h?.close());

async function records(harness: Harness) {
  return (await harness.store.audit.query({ limit: 1000 })).records;
}

describe('REST proxy', () => {
  it("answers a people search with Apollo's shape, rate headers and an audit sentence", async () => {
    h = await createHarness();
    const token = await h.agent('outreach-bot', ['people=read']);
    const res = await h.request('POST', path('people.search'), {
      token,
      body: { person_titles: ['VP Sales'], person_locations: ['Germany'], page: 2, per_page: 25 },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      total_entries: number;
      people: unknown[];
      pagination?: unknown;
    };
    expect(body.total_entries).toBeGreaterThan(25);
    expect(body.people).toHaveLength(25);
    expect(body.pagination).toBeUndefined();
    expect(res.headers.get('x-rate-limit-minute')).toMatch(/^\d+$/);
    const auditId = res.headers.get('x-gatehouse-audit-id');
    const [record] = await records(h);
    expect(record?.id).toBe(auditId);
    expect(record?.decision).toBe('allowed');
    expect(record?.completedAt).not.toBeNull();
    expect(record?.sentence).toMatch(
      /^outreach-bot searched the people database for titles 'VP Sales', in 'Germany' \(page 2, 25 per page\): allowed by people=read\. Apollo answered 200 in [\d.]+ ms; no credits spent\.$/,
    );
  });

  it('accepts the token as Authorization: Bearer and Apollo bracketed query strings', async () => {
    h = await createHarness();
    const token = await h.agent('bot', ['deals=read']);
    const res = await h.app.app.request(`${path('deals.list')}?sort_by_field=amount&per_page=3`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { opportunities: unknown[] };
    expect(body.opportunities.length).toBeLessThanOrEqual(3);
  });

  it('denies a write under read with 403 {error, reason, action, audit_id} and audits it', async () => {
    h = await createHarness();
    const token = await h.agent('outreach-bot', ['people=read', 'contacts=read']);
    const res = await h.request('POST', path('contacts.create'), {
      token,
      body: { first_name: 'Jane', last_name: 'Doe', email: 'jane.doe@acme.com' },
    });
    expect(res.status).toBe(403);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.error).toBe('Denied by Gatehouse');
    expect(body.action).toBe('contacts.create');
    expect(String(body.reason)).toMatch(/may read contacts but not create them/);
    const [record] = await records(h);
    expect(body.audit_id).toBe(record?.id);
    expect(record?.decision).toBe('denied');
    expect(record?.rule).toBe('contacts=read');
    expect(JSON.stringify(record?.params)).not.toContain('jane.doe@acme.com');
    expect(record?.sentence).toContain("tried to create a contact 'Jane Doe'");
  });

  it('refuses invalid input with 422 and sends nothing to Apollo', async () => {
    h = await createHarness();
    const token = await h.agent('bot', ['people=read']);
    const before = h.sandbox.credits().total;
    const res = await h.request('POST', path('people.search'), { token, body: { per_page: 500 } });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: string; issues: Array<{ path: string }> };
    expect(body.error).toMatch(/per_page/);
    expect(body.issues[0]?.path).toBe('per_page');
    expect(JSON.stringify(h.sandbox.state().counters)).not.toMatch(/api_search/);
    expect(h.sandbox.credits().total).toBe(before);
    expect((await records(h))[0]?.decision).toBe('denied');
  });

  it('answers 401 to unknown, missing, rotated and revoked tokens, each audited', async () => {
    h = await createHarness();
    const token = await h.agent('bot', ['people=read']);
    const statuses: number[] = [];
    statuses.push(
      (await h.request('POST', path('people.search'), { token: 'gh_agent_nope' })).status,
    );
    statuses.push((await h.request('POST', path('people.search'), {})).status);
    const rotated = await h.store.agents.rotate('bot');
    if (!rotated.ok) throw new Error('rotate failed');
    statuses.push((await h.request('POST', path('people.search'), { token })).status);
    expect(
      (await h.request('POST', path('people.search'), { token: rotated.value.token })).status,
    ).toBe(200);
    await h.store.agents.revoke('bot');
    statuses.push(
      (await h.request('POST', path('people.search'), { token: rotated.value.token })).status,
    );
    expect(statuses).toEqual([401, 401, 401, 401]);
    const all = await records(h);
    expect(all).toHaveLength(5);
    expect(all.filter((r) => r.rule === 'unauthenticated')).toHaveLength(2);
    // A token that once worked names its agent: which agent kept trying, and why it failed.
    const retired = all.filter((r) => r.rule === 'rotated token' || r.rule === 'revoked token');
    expect(retired.map((r) => r.rule).sort()).toEqual(['revoked token', 'rotated token']);
    expect(retired.every((r) => r.agentName === 'bot')).toBe(true);
  });

  it('says 404 for a path outside the catalog, 405 for a wrong method, and audits the 404', async () => {
    h = await createHarness();
    const token = await h.agent('bot', ['people=read']);
    const unknown = await h.request('POST', '/api/v1/not_an_endpoint', { token, body: {} });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toMatch(
      /does not serve POST \/api\/v1\/not_an_endpoint/,
    );
    const wrongMethod = await h.request('DELETE', path('contacts.search'), { token });
    expect(wrongMethod.status).toBe(405);
    const recorded = await records(h);
    expect(recorded.map((r) => r.action).sort()).toEqual(
      [`DELETE ${path('contacts.search')}`, 'POST /api/v1/not_an_endpoint'].sort(),
    );
    expect(recorded.every((r) => r.agentName === 'bot' && r.decision === 'denied')).toBe(true);
  });

  it('refuses bodies that are not JSON, too large, or credentials in the URL', async () => {
    h = await createHarness({ config: { maxBodyBytes: 1024 } });
    const token = await h.agent('bot', ['people=read']);
    const notJson = await h.request('POST', path('people.search'), { token, body: 'title=vp' });
    expect(notJson.status).toBe(400);
    const big = await h.request('POST', path('people.search'), {
      token,
      body: { q_keywords: 'x'.repeat(5000) },
    });
    expect(big.status).toBe(413);
    const inUrl = await h.app.app.request(`${path('people.search')}?api_key=${token}`, {
      method: 'POST',
    });
    expect(inUrl.status).toBe(400);
    expect(((await inUrl.json()) as { error: string }).error).toMatch(/X-Api-Key header/);
  });

  it("passes Apollo's 403 API_INACCESSIBLE through, saying it is the team's key, not the grant", async () => {
    h = await createHarness({
      sandbox: {
        scopedKeys: [{ key: 'scoped-key-for-test', endpoints: ['mixed_people/api_search'] }],
      },
      upstreamKey: () => 'scoped-key-for-test',
    });
    const token = await h.agent('admin-bot', ['admin=read']);
    const res = await h.request('GET', path('users.list'), { token });
    expect(res.status).toBe(403);
    const body = (await res.json()) as { error_code: string; gatehouse: { explanation: string } };
    expect(body.error_code).toBe('API_INACCESSIBLE');
    expect(body.gatehouse.explanation).toMatch(/not of this agent's grants/);
    const [record] = await records(h);
    expect(record?.decision).toBe('allowed');
    expect(record?.upstreamStatus).toBe(403);
    expect(record?.sentence).toMatch(/Apollo answered 403/);
  });

  it("removes an agent's redacted fields from Apollo's answer", async () => {
    h = await createHarness();
    const token = await h.agent('careful', ['people=read']);
    const agent = await h.store.agents.get('careful');
    await h.store.agents.setLimits(agent!.id, { redactedFields: ['email', 'linkedin_url'] });
    const search = (await (
      await h.request('POST', path('people.search'), {
        token,
        body: { person_titles: ['Director'], per_page: 1 },
      })
    ).json()) as { people: Array<{ id: string }> };
    const id = search.people[0]!.id;
    const res = await h.request('POST', path('people.match'), { token, body: { id } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain(id);
    expect(text).not.toMatch(/"email"\s*:/);
    expect(text).not.toMatch(/"linkedin_url"\s*:/);
  });

  it('never writes a token, the Apollo key or a prospect email to the logs', async () => {
    h = await createHarness();
    const token = await h.agent('bot', ['people=read', 'contacts=full']);
    const email = 'secret.prospect@example.org';
    await h.request('POST', path('people.match'), { token, body: { email } });
    await h.request('POST', path('contacts.create'), { token, body: { first_name: 'S', email } });
    await h.request('POST', path('people.search'), { token: 'gh_agent_wrong-token-value' });
    await h.app.app.request(`${path('people.search')}?api_key=${token}`, { method: 'POST' });
    const logs = h.logs.join('');
    expect(h.logs.length).toBeGreaterThan(3);
    for (const secret of [token, h.sandbox.keys.master[0]!, email, 'wrong-token-value']) {
      expect(logs).not.toContain(secret);
    }
  });
});
