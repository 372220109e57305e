// Pins the sandbox where Apollo's public evidence corrects the first reference: bulk enrichment
// windows at a tenth of the single ones, the out-of-credits 422 once the team's balance is spent
// (and the balances it reports), the two spellings of the day-window headers, the credits of the
// record endpoints, the 422 of reports without the key scope, the 400 for a reveal without a
// webhook, API keys only in the header, and the legacy search's price and plan.
import { describe, expect, it } from 'vitest';

import { getAction, planLimits } from '../catalog/index.js';

import { createSandbox, type Sandbox } from './index.js';
import { manualClock } from '../../test/helpers/sandbox/clock.js';

type Body = Record<string, unknown>;

function sandbox(options: Parameters<typeof createSandbox>[0] = {}) {
  return createSandbox({ seed: 4, clock: manualClock(), masterKeys: ['mk'], ...options });
}

async function ask(
  sb: Sandbox,
  id: string,
  input: Body = {},
  key = 'mk',
): Promise<{ status: number; body: Body; headers: Headers }> {
  const action = getAction(id)!;
  let path = action.path;
  const rest: Body = {};
  for (const [k, v] of Object.entries(input)) {
    if (action.pathParams.includes(k)) path = path.replace(`{${k}}`, String(v));
    else rest[k] = v;
  }
  const get = action.method === 'GET';
  const query = get ? `?${new URLSearchParams(rest as Record<string, string>).toString()}` : '';
  const res = await sb.app.request(`${path}${query}`, {
    method: action.method,
    headers: { 'x-api-key': key, 'content-type': 'application/json' },
    ...(get ? {} : { body: JSON.stringify(rest) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Body) : {}, headers: res.headers };
}

async function aPerson(sb: Sandbox): Promise<string> {
  const r = await ask(sb, 'people.search', { per_page: 1 });
  return ((r.body.people as Body[])[0] as { id: string }).id;
}

describe('bulk enrichment windows (one tenth of the single endpoints)', () => {
  it('gives bulk_match and bulk_enrich a tenth of every enrichment window on every plan', () => {
    for (const plan of Object.values(planLimits)) {
      for (const w of ['minute', 'hour', 'day'] as const) {
        const single = plan.enrichment[w];
        expect(plan.bulk_enrichment[w]).toBe(single === null ? null : single / 10);
      }
    }
    expect(planLimits.free.bulk_enrichment).toEqual({ minute: 5, hour: 20, day: 60 });
  });

  it('sends those windows in the headers and refuses the call past them', async () => {
    const sb = sandbox({ plan: 'free' });
    const single = await ask(sb, 'organizations.enrich', { domain: 'google.com' });
    expect(single.headers.get('x-rate-limit-minute')).toBe('50');
    for (let i = 0; i < 5; i++) {
      const r = await ask(sb, 'organizations.bulk_enrich', { domains: ['google.com'] });
      expect(r.status).toBe(200);
      expect(r.headers.get('x-rate-limit-minute')).toBe('5');
      expect(r.headers.get('x-rate-limit-hourly')).toBe('20');
      expect(r.headers.get('x-rate-limit-24-hour')).toBe('60');
    }
    const refused = await ask(sb, 'organizations.bulk_enrich', { domains: ['google.com'] });
    expect(refused.status).toBe(429);
    expect(refused.body.message).toMatch(/is 5 times per minute/);
    const people = await ask(sb, 'people.bulk_match', { details: [{ email: 'a@b.co' }] });
    expect(people.headers.get('x-rate-limit-minute')).toBe('5');
  });
});

describe('credits exhausted', () => {
  it("refuses credit-spending calls with Apollo's 422 once the balance is spent, free calls still pass", async () => {
    const sb = sandbox({ creditLimit: 2 });
    const id = await aPerson(sb);
    expect((await ask(sb, 'people.get', { id })).status).toBe(200);
    expect((await ask(sb, 'organizations.enrich', { domain: 'apollo.io' })).status).toBe(200);
    const refused = await ask(sb, 'people.match', { id });
    expect(refused.status).toBe(422);
    expect(refused.body).toEqual({
      error: 'You have insufficient credits!',
      error_details: { code: 'BILLING.LIMIT.CREDITS_EXHAUSTED' },
    });
    expect(sb.credits().total).toBe(2);
    for (const free of ['people.search', 'contacts.search', 'usage.credits'] as const) {
      expect((await ask(sb, free)).status, free).toBe(200);
    }
    sb.creditAccount.setLimit(10);
    expect((await ask(sb, 'people.match', { id })).status).toBe(200);
  });

  it('sets the balance over /__sandbox/credits with a master key', async () => {
    const sb = sandbox();
    const control = (method: string, body?: Body, key = 'mk') =>
      sb.app.request('/__sandbox/credits', {
        method,
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    expect(await (await control('GET')).json()).toEqual({
      limit: 100_000,
      spent: 0,
      remaining: 100_000,
    });
    expect(await (await control('POST', { limit: 0 })).json()).toEqual({
      limit: 0,
      spent: 0,
      remaining: 0,
    });
    expect((await ask(sb, 'organizations.search', { per_page: 1 })).status).toBe(422);
    expect((await control('POST', { limit: -1 })).status).toBe(422);
    expect(sb.state().creditBalance).toEqual({ limit: 0, spent: 0, remaining: 0 });
  });

  it('reports the balance in credit_usage_stats and in api_profile with include_credit_usage', async () => {
    const sb = sandbox({ creditLimit: 50 });
    const id = await aPerson(sb);
    await ask(sb, 'people.get', { id });
    await ask(sb, 'organizations.search', { per_page: 1 });
    const stats = await ask(sb, 'usage.credits');
    const types = stats.body.credit_usage_stats as Record<string, Body>;
    expect(types.lead_credit).toEqual({ limit: 50, consumed: 2, left_over: 48 });
    for (const t of ['direct_dial_credit', 'export_credit', 'ai_credit', 'dialer'])
      expect(types[t]).toEqual({ limit: 0, consumed: 0, left_over: 0 });
    const cycle = stats.body.current_credit_cycle as { start_date: string; end_date: string };
    expect(Date.parse(cycle.start_date)).toBeLessThan(Date.parse(cycle.end_date));
    const plain = await ask(sb, 'users.profile');
    expect(plain.body).not.toHaveProperty('num_credits_remaining');
    const withCredits = await ask(sb, 'users.profile', { include_credit_usage: 'true' });
    expect(withCredits.body).toMatchObject({
      id: sb.world.team.ownerUserId,
      num_credits_remaining: 48,
      effective_num_lead_credits: 50,
      num_lead_credits_used: 2,
      total_unified_credits_used: 2,
    });
  });
});

describe('day-window header names', () => {
  it('sends the observed 24-hour names by default and the documented daily names on request', async () => {
    const observed = await ask(sandbox(), 'contacts.search');
    expect(observed.headers.get('x-rate-limit-24-hour')).toBe('2000');
    expect(observed.headers.get('x-24-hour-usage')).toBe('1');
    expect(observed.headers.get('x-rate-limit-daily')).toBeNull();
    const documented = await ask(sandbox({ dayHeaders: 'documented' }), 'contacts.search');
    expect(documented.headers.get('x-rate-limit-daily')).toBe('2000');
    expect(documented.headers.get('x-daily-usage')).toBe('1');
    expect(documented.headers.get('x-daily-requests-left')).toBe('1999');
    expect(documented.headers.get('x-rate-limit-24-hour')).toBeNull();
    expect(documented.headers.get('x-rate-limit-minute')).toBe('200');
  });
});

describe('credits of the record endpoints', () => {
  it('charges 1 per person, per company, per page of jobs or news, per company enriched in bulk, and 1 per legacy search', async () => {
    const sb = sandbox();
    const id = await aPerson(sb);
    const spent = async (id: string, input: Body) => {
      const before = sb.credits().total;
      const r = await ask(sb, id, input);
      expect(r.status, `${id}: ${JSON.stringify(r.body).slice(0, 200)}`).toBe(200);
      return sb.credits().total - before;
    };
    expect(await spent('people.get', { id })).toBe(1);
    const google = (await ask(sb, 'organizations.enrich', { domain: 'google.com' })).body
      .organization as { id: string };
    expect(await spent('organizations.get', { id: google.id })).toBe(1);
    expect(await spent('organizations.job_postings', { organization_id: google.id })).toBe(1);
    expect(await spent('news.search', { organization_ids: [google.id] })).toBe(1);
    expect(
      await spent('organizations.bulk_enrich', {
        domains: ['google.com', 'stripe.com', 'none.example'],
      }),
    ).toBe(2);
    expect(await spent('people.search_legacy', { per_page: 5 })).toBe(1);
    expect(await spent('organizations.search', { per_page: 5 })).toBe(1);
    expect(await spent('users.profile', {})).toBe(0);
    expect(await spent('usage.credits', {})).toBe(0);
  });

  it('answers 422 and charges nothing for records it does not know', async () => {
    const sb = sandbox();
    const unknown = '0123456789abcdef01234567';
    expect((await ask(sb, 'people.get', { id: unknown })).body).toEqual({
      error: 'Person does not exist.',
    });
    expect((await ask(sb, 'organizations.get', { id: unknown })).status).toBe(422);
    expect((await ask(sb, 'news.search', {})).body).toEqual({
      error: 'organization_ids is required',
    });
    expect(sb.credits().total).toBe(0);
  });

  it('serves organization search under its undocumented alias, with the same grant and price', async () => {
    const sb = createSandbox({
      seed: 4,
      clock: manualClock(),
      masterKeys: ['mk'],
      scopedKeys: [{ key: 'org', endpoints: ['mixed_companies/search'] }],
    });
    const res = await sb.app.request('/api/v1/organizations/search', {
      method: 'POST',
      headers: { 'x-api-key': 'org', 'content-type': 'application/json' },
      body: JSON.stringify({ per_page: 2 }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Body;
    const direct = await ask(sb, 'organizations.search', { per_page: 2 }, 'org');
    expect(body).toEqual(direct.body);
    expect(sb.credits().byAction['organizations.search']).toBe(2);
  });
});

describe('bulk organization enrichment envelopes', () => {
  it('answers 400 INVALID_REQUEST without domains and 400 RECORD_LIMIT_EXCEEDED past 10', async () => {
    const sb = sandbox();
    expect(await ask(sb, 'organizations.bulk_enrich', {})).toMatchObject({
      status: 400,
      body: {
        status: 'failed',
        error_code: 'INVALID_REQUEST',
        error_message: 'invalid request, missing domains',
      },
    });
    const domains = Array.from({ length: 11 }, (_, i) => `d${i}.example`);
    expect(await ask(sb, 'organizations.bulk_enrich', { domains })).toMatchObject({
      status: 400,
      body: {
        error_code: 'RECORD_LIMIT_EXCEEDED',
        error_message: 'domain count cannot be more than 10',
      },
    });
  });
});

describe('reports', () => {
  const report = {
    metrics: [{ value: 'num_emails_sent' }],
    group_by: [],
    sorts: [],
    filters: {},
    group_by_totals_selected: false,
    pivot_group_by_totals_selected: false,
    date_ranges: [{ modality: 'all_time' }],
  };

  it('refuses a key without reports/sync_report ticked with 422, not 403', async () => {
    const sb = sandbox({ scopedKeys: [{ key: 'sk', endpoints: ['contacts/search'] }] });
    const r = await ask(sb, 'reports.sync', report, 'sk');
    expect(r.status).toBe(422);
    expect(r.body).toEqual({
      error:
        'This API key is not authorized to access api/v1/reports/sync_report. Request an API key from your administrator that includes this endpoint in its configured scope.',
      error_code: 'API_INACCESSIBLE',
    });
    expect((await ask(sb, 'people.search', {}, 'sk')).status).toBe(403);
  });

  it("answers Rails' 400 for a missing parameter and allows 5 reports an hour", async () => {
    const sb = sandbox();
    const { metrics: _metrics, ...withoutMetrics } = report;
    expect(await ask(sb, 'reports.sync', withoutMetrics)).toMatchObject({
      status: 400,
      body: { error: 'param is missing or the value is empty: metrics' },
    });
    for (let i = 0; i < 4; i++) expect((await ask(sb, 'reports.sync', report)).status).toBe(200);
    const sixth = await ask(sb, 'reports.sync', report);
    expect(sixth.status).toBe(429);
    expect(sixth.body.message).toMatch(/5 times per hour/);
  });
});

describe('webhooks and keys', () => {
  it('answers 400 for a phone reveal without a webhook_url, as clients report', async () => {
    const sb = sandbox();
    const r = await ask(sb, 'people.match', { email: 'a@b.co', reveal_phone_number: true });
    expect(r).toMatchObject({
      status: 400,
      body: {
        error: "Please add a valid 'webhook_url' parameter when using 'reveal_phone_number'",
      },
    });
  });

  it('refuses an API key given as api_key in the query or the body (only the header works)', async () => {
    const sb = sandbox();
    const path = getAction('people.search')!.path;
    const inQuery = await sb.app.request(`${path}?api_key=mk`, { method: 'POST' });
    expect(inQuery.status).toBe(401);
    expect(inQuery.headers.get('content-type')).toMatch(/^text\/plain/);
    const inBody = await sb.app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: 'mk' }),
    });
    expect(inBody.status).toBe(401);
  });

  it('keeps the legacy people search from free plans', async () => {
    const r = await ask(sandbox({ plan: 'free' }), 'people.search_legacy', { per_page: 1 });
    expect(r).toMatchObject({
      status: 403,
      body: { message: 'This endpoint is only available to Apollo users on paid plans.' },
    });
  });
});
