// Pins the typed client against the sandbox: every action answers with its catalog shape, and each
// failure (401, 403 with error_code, 404, 422, 429, 5xx, malformed, network, timeout) is its own value
// carrying Apollo's message, with rate-limit headers parsed on every answer.
import http from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { actions, getAction, type ActionId, type ActionSpec } from '../catalog/index.js';
import { createSandbox, type Sandbox } from '../sandbox/index.js';
import { createWorld } from '../sandbox/world/index.js';

import { sampleInputs } from '../../test/helpers/fixtures.js';

import { createApolloClient, type ApolloClient } from './index.js';

let sandbox: Sandbox;
let now = Date.parse('2026-11-23T10:00:00Z');
let client: ApolloClient;
let key: { kind: 'apikey'; key: string };
const a = <Id extends ActionId>(id: Id) => getAction(id);

beforeAll(() => {
  sandbox = createSandbox({
    seed: 5,
    createWorld,
    plan: 'free',
    clock: { now: () => now },
    scopedKeys: [{ key: 'scoped-search-only', endpoints: ['mixed_people/api_search'] }],
    sleep: async () => undefined,
  });
  client = createApolloClient({
    baseUrl: 'http://sandbox.test',
    fetch: async (input, init) => sandbox.app.fetch(new Request(input, init)),
  });
  key = { kind: 'apikey', key: sandbox.keys.master[0]! };
});
afterAll(() => sandbox.close());

describe('ApolloClient against the sandbox', () => {
  it('returns each action’s body parsed by its output schema, with rate headers', async () => {
    const people = await client.call(
      a('people.search'),
      { person_titles: ['Director'], per_page: 3 },
      key,
    );
    if (!people.ok) throw new Error(people.error.kind);
    expect(people.value.status).toBe(200);
    expect(people.value.schemaWarnings).toEqual([]);
    expect(people.value.body.people.length).toBeLessThanOrEqual(3);
    expect(people.value.rate?.limit.minute).toBe(50);
    expect(people.value.rate?.usage.minute).toBeGreaterThan(0);

    const id = people.value.body.people[0]!.id;
    const match = await client.call(a('people.match'), { id }, key);
    if (!match.ok) throw new Error(match.error.kind);
    expect(match.value.body.person?.id).toBe(id);

    const enrich = await client.call(
      a('organizations.enrich'),
      { domain: 'no-such-company-zz.example' },
      key,
    );
    expect(enrich.ok && enrich.value.body).toEqual({});
  });

  it('keeps the int64 request_id digit for digit', async () => {
    const people = await client.call(a('people.search'), { per_page: 1 }, key);
    if (!people.ok) throw new Error('search failed');
    const res = await client.call(
      a('people.match'),
      {
        id: people.value.body.people[0]!.id,
        run_waterfall_email: true,
        webhook_url: 'https://hooks.example.com/x',
      },
      key,
    );
    if (!res.ok) throw new Error(res.error.kind);
    expect(typeof res.value.body.request_id).toBe('string');
    expect(String(res.value.body.request_id)).toMatch(/^-?\d{10,20}$/);
  });

  it('answers every catalog action with a body its output schema accepts', async () => {
    // A paid plan: the free plan refuses organization and account search, as Apollo does. Apollo
    // allows one conversation export a minute, and building the samples makes one already.
    const unlimited = { minute: null, hour: null, day: null };
    const paid = createSandbox({
      seed: 5,
      createWorld,
      plan: 'basic',
      limits: { 'conversations.export': unlimited },
    });
    const paidKey = { kind: 'apikey', key: paid.keys.master[0]! } as const;
    const paidClient = createApolloClient({
      baseUrl: 'http://sandbox.test',
      fetch: async (input, init) => paid.app.fetch(new Request(input, init)),
    });
    const inputs = await sampleInputs(async (method, path, body) => {
      const res = await paid.app.request(path, {
        method,
        headers: { 'x-api-key': paidKey.key, 'content-type': 'application/json' },
        body: JSON.stringify(body ?? {}),
      });
      if (res.status !== 200) throw new Error(`fixture ${path}: ${res.status}`);
      return (await res.json()) as Record<string, unknown>;
    });
    for (const action of actions) {
      const res = await paidClient.call(action as ActionSpec, inputs[action.id]!, paidKey);
      if (!res.ok) throw new Error(`${action.id}: ${res.error.kind} ${res.error.message}`);
      expect(res.value.status, action.id).toBe(200);
      expect(res.value.schemaWarnings, action.id).toEqual([]);
    }
    paid.close();
  });

  it('maps a missing key to unauthorized with Apollo’s plain-text message and no rate headers', async () => {
    const res = await client.call(a('people.search'), {}, { kind: 'apikey', key: 'wrong' });
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error.kind).toBe('unauthorized');
    if (res.error.kind !== 'unauthorized') return;
    expect(res.error.message).toMatch(/^Invalid API key/);
    expect(res.error.rate).toBeNull();
  });

  it('maps a scoped key on another endpoint to forbidden with API_INACCESSIBLE', async () => {
    const res = await client.call(
      a('users.list'),
      {},
      { kind: 'apikey', key: 'scoped-search-only' },
    );
    if (res.ok) throw new Error('expected 403');
    expect(res.error.kind).toBe('forbidden');
    if (res.error.kind !== 'forbidden') return;
    expect(res.error.errorCode).toBe('API_INACCESSIBLE');
    expect(res.error.message).toMatch(/not authorized to access api\/v1\/users\/search/);
  });

  it('maps an unknown record to not_found and bad parameters to invalid_request', async () => {
    // Apollo answers an unknown deal 404 (an unknown contact is a 422, checked below).
    const missing = await client.call(
      a('deals.get'),
      { opportunity_id: 'ffffffffffffffffffffffff' },
      key,
    );
    expect(!missing.ok && missing.error.kind).toBe('not_found');
    const bad = await client.call(a('organizations.enrich'), {}, key);
    if (bad.ok) throw new Error('expected 422');
    expect(bad.error.kind).toBe('invalid_request');
    if (bad.error.kind === 'invalid_request') expect(bad.error.message).toMatch(/domain/);
    const tooMany = await client.call(
      a('people.bulk_match'),
      { details: Array.from({ length: 11 }, () => ({ email: 'a@b.co' })) },
      key,
    );
    if (tooMany.ok) throw new Error('expected 400');
    expect(tooMany.error.kind === 'invalid_request' && tooMany.error.status).toBe(400);
    expect(tooMany.error.kind === 'invalid_request' && tooMany.error.errorCode).toBe(
      'RECORD_LIMIT_EXCEEDED',
    );
  });

  it('maps a spent window to rate_limited with retry-after and the window, and recovers after it', async () => {
    const action = a('contacts.search');
    let last;
    for (let i = 0; i < 51; i++) last = await client.call(action, {}, key);
    if (!last || last.ok) throw new Error('expected 429');
    expect(last.error.kind).toBe('rate_limited');
    if (last.error.kind !== 'rate_limited') return;
    expect(last.error.window).toBe('minute');
    expect(last.error.retryAfterSeconds).toBeGreaterThan(0);
    expect(last.error.message).toMatch(/times per minute/);
    now += 61_000;
    expect((await client.call(action, {}, key)).ok).toBe(true);
  });

  it('maps injected 5xx and a cut-short body to server_error and malformed_response', async () => {
    sandbox.faults.set('tasks.search', { status: 503 });
    const down = await client.call(a('tasks.search'), {}, key);
    expect(!down.ok && down.error.kind).toBe('server_error');
    sandbox.faults.set('tasks.search', { malformedRate: 1 });
    const cut = await client.call(a('tasks.search'), {}, key);
    expect(!cut.ok && cut.error.kind).toBe('malformed_response');
    sandbox.faults.clear();
  });

  it('reports a refused connection as network and a silent server as timeout, naming no credential', async () => {
    const refused = createApolloClient({ baseUrl: 'http://127.0.0.1:9' });
    const net = await refused.call(
      a('people.search'),
      {},
      { kind: 'apikey', key: 'secret-key-123' },
    );
    if (net.ok) throw new Error('expected a network error');
    expect(net.error.kind).toBe('network');
    expect(JSON.stringify(net.error)).not.toContain('secret-key-123');

    const silent = http.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as { port: number }).port;
    const slow = createApolloClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 150 });
    const t = await slow.call(a('people.search'), {}, { kind: 'apikey', key: 'secret-key-123' });
    silent.closeAllConnections();
    silent.close();
    if (t.ok) throw new Error('expected a timeout');
    expect(t.error.kind).toBe('timeout');
    expect(JSON.stringify(t.error)).not.toContain('secret-key-123');
  });

  it('identifies the user behind a credential and checks auth health', async () => {
    const profile = await client.profile(key);
    expect(profile.ok && typeof (profile.value.body as { email?: unknown }).email).toBe('string');
    const health = await client.health({ kind: 'apikey', key: 'wrong' });
    expect(health.ok && health.value.body).toEqual({ healthy: true, is_logged_in: false });
  });
});
