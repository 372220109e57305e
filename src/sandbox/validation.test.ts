// Pins how the sandbox reads and checks parameters the way Apollo does: JSON or bracketed query,
// method and /v1 aliases, per_page clamped, and Apollo's 400/422 bodies.
import { describe, expect, it } from 'vitest';

import { encodeQuery, fillPath, getAction } from '../catalog/index.js';

import { createSandbox } from './index.js';
import { createStubWorld, manualClock } from '../../test/helpers/sandbox/clock.js';

const path = (id: string) => getAction(id)!.path;
const id24 = '5f0c2b6e1a2b3c4d5e6f7a99';

function setup() {
  const sb = createSandbox({
    clock: manualClock(),
    masterKeys: ['mk'],
    createWorld: () => createStubWorld(),
  });
  const request = (p: string, init: { method?: string; body?: unknown; raw?: string } = {}) =>
    sb.app.request(p, {
      method: init.method ?? 'POST',
      headers: { 'x-api-key': 'mk', 'content-type': 'application/json' },
      ...(init.raw !== undefined
        ? { body: init.raw }
        : init.body !== undefined
          ? { body: JSON.stringify(init.body) }
          : {}),
    });
  const input = async (res: Response) => {
    expect(res.status).toBe(200);
    return ((await res.json()) as { input: Record<string, unknown> }).input;
  };
  return { sb, request, input };
}

describe('validation errors', () => {
  it('answers 422 {error} naming the field', async () => {
    const { request } = setup();
    const res = await request(path('people.search'), {
      body: { person_seniorities: ['boss'], page: 0 },
    });
    expect(res.status).toBe(422);
    const { error } = (await res.json()) as { error: string };
    expect(error).toMatch(/^person_seniorities\[0\]: Invalid option/);
    expect(error).toContain('page must be at least 1');
  });

  it('says which required field is missing', async () => {
    const { request } = setup();
    const res = await request(path('deals.create'), { body: {} });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ error: 'name is required' });
  });

  it('keeps Apollo’s own sentence where the catalog has one', async () => {
    const { request } = setup();
    const res = await request(path('organizations.enrich'), { method: 'GET' });
    expect(await res.json()).toEqual({ error: "Required parameter 'domain' missing" });
    const phone = await request(path('people.match'), {
      body: { email: 'a@b.co', reveal_phone_number: true },
    });
    expect(await phone.json()).toEqual({
      error: "Please add a valid 'webhook_url' parameter when using 'reveal_phone_number'",
    });
  });

  it('answers 400 INVALID_REQUEST to a bulk match without details', async () => {
    const { request } = setup();
    for (const body of [{}, { details: [] }]) {
      const res = await request(path('people.bulk_match'), { body });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        status: 'failed',
        error_code: 'INVALID_REQUEST',
        error_message: 'invalid request, missing details',
      });
    }
  });

  it('answers 400 RECORD_LIMIT_EXCEEDED to a bulk match of more than 10', async () => {
    const { request } = setup();
    const details = Array.from({ length: 11 }, (_, i) => ({ email: `p${i}@example.com` }));
    const res = await request(path('people.bulk_match'), { body: { details } });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      status: 'failed',
      error_code: 'RECORD_LIMIT_EXCEEDED',
      error_message: 'cannot enrich more than 10 in a single request',
    });
  });

  it('answers 422 UNKNOWN_ERROR to other bulk match problems', async () => {
    const { request } = setup();
    const res = await request(path('people.bulk_match'), {
      body: { details: [{ email: 'not-an-email' }] },
    });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      status: 'failed',
      error_code: 'UNKNOWN_ERROR',
      error_message: 'details[0].email: must be an email address',
    });
  });

  it('answers 400 to a body that is not JSON, 422 to JSON that is not an object', async () => {
    const { request } = setup();
    const bad = await request(path('people.search'), { raw: '{"person_titles": [' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/not valid JSON/);
    const list = await request(path('people.search'), { raw: '[1,2]' });
    expect(list.status).toBe(422);
    expect(await list.json()).toEqual({ error: 'The request body must be a JSON object.' });
  });

  it('refuses a body over 1 MiB with 413', async () => {
    const { request } = setup();
    const res = await request(path('people.search'), {
      raw: JSON.stringify({ q_keywords: 'x'.repeat(1_100_000) }),
    });
    expect(res.status).toBe(413);
  });
});

describe('parameters', () => {
  it('clamps per_page to the action’s maximum before validating', async () => {
    const { request, input } = setup();
    expect(
      (await input(await request(path('people.search'), { body: { per_page: 500 } }))).per_page,
    ).toBe(100);
    const q = `${path('contacts.search')}?per_page=250`;
    expect((await input(await request(q, { body: {} }))).per_page).toBe(100);
  });

  it('reads bracketed query strings as the same input as a JSON body', async () => {
    const { request, input } = setup();
    const params = {
      person_titles: ['VP Sales', 'Head of Sales'],
      revenue_range: { min: 1000, max: 5000 },
      person_seniorities: ['vp'],
      page: 2,
      per_page: 10,
    };
    const fromBody = await input(await request(path('people.search'), { body: params }));
    const fromQuery = await input(
      await request(`${path('people.search')}?${encodeQuery(params).toString()}`, {
        method: 'GET',
      }),
    );
    expect(fromQuery).toEqual(fromBody);
    expect(fromBody).toMatchObject({ person_titles: ['VP Sales', 'Head of Sales'], page: 2 });
  });

  it('merges query-only flags with a JSON body, the body winning on conflicts', async () => {
    const { request, input } = setup();
    const got = await input(
      await request(`${path('people.bulk_match')}?reveal_personal_emails=true&webhook_url=x`, {
        body: { details: [{ email: 'a@b.co' }], webhook_url: 'https://hooks.example.com/a' },
      }),
    );
    expect(got).toMatchObject({
      reveal_personal_emails: true,
      webhook_url: 'https://hooks.example.com/a',
    });
  });

  it('adds path parameters as fields, over any in the body', async () => {
    const { request, input } = setup();
    const got = await input(
      await request(fillPath(path('contacts.update'), { contact_id: id24 }), {
        method: 'PATCH',
        body: { contact_id: 'ffffffffffffffffffffffff', title: 'CTO' },
      }),
    );
    expect(got).toEqual({ contact_id: id24, title: 'CTO' });
  });

  it('accepts a form-encoded body', async () => {
    const { sb } = setup();
    const res = await sb.app.request(path('people.search'), {
      method: 'POST',
      headers: { 'x-api-key': 'mk', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'person_titles[]=CEO&page=3',
    });
    expect(((await res.json()) as { input: unknown }).input).toEqual({
      person_titles: ['CEO'],
      page: 3,
    });
  });

  it('reads JSON that curl labelled as a form', async () => {
    const { sb } = setup();
    const res = await sb.app.request(path('people.search'), {
      method: 'POST',
      headers: { 'x-api-key': 'mk', 'content-type': 'application/x-www-form-urlencoded' },
      body: '{"per_page": 2}',
    });
    expect(((await res.json()) as { input: unknown }).input).toEqual({ per_page: 2 });
  });
});

describe('routing', () => {
  it('answers update routes on PUT exactly as on PATCH', async () => {
    const { request, input } = setup();
    const p = fillPath(path('accounts.update'), { account_id: id24 });
    const patched = await input(await request(p, { method: 'PATCH', body: { name: 'Acme' } }));
    const put = await input(await request(p, { method: 'PUT', body: { name: 'Acme' } }));
    expect(put).toEqual(patched);
  });

  it('answers every alternative method the catalog lists', async () => {
    const { request } = setup();
    for (const id of ['people.search', 'contacts.search', 'users.list', 'deals.list']) {
      const action = getAction(id)!;
      for (const method of [action.method, ...action.altMethods]) {
        expect((await request(action.path, { method })).status, `${method} ${id}`).toBe(200);
      }
    }
  });

  it('serves every route under the legacy /v1 prefix too', async () => {
    const { request, input } = setup();
    const legacy = path('people.search').replace(/^\/api/, '');
    expect(await input(await request(legacy, { body: { page: 4 } }))).toEqual({ page: 4 });
  });

  it('answers 404 JSON to an unknown path or an unaccepted method', async () => {
    const { request } = setup();
    const unknown = await request('/api/v1/nothing/here');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await unknown.json()).toMatchObject({ error_code: 'NOT_FOUND' });
    const wrongMethod = await request(path('contacts.create'), { method: 'PATCH' });
    expect(wrongMethod.status).toBe(404);
  });
});
