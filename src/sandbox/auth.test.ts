// Pins Apollo's authentication and authorization answers: exact 401/403 bodies, no rate headers.
import { describe, expect, it } from 'vitest';

import {
  apiProfile,
  authHealth,
  authHealthLegacyPath,
  getAction,
  webhookResult,
} from '../catalog/index.js';

import { createSandbox } from './index.js';
import {
  createStubWorld,
  issueTokens,
  manualClock,
  stubTeam,
} from '../../test/helpers/sandbox/clock.js';

const path = (id: string) => getAction(id)!.path;
const invalidKeyText =
  'Invalid API key. See https://docs.apollo.io/reference/authentication for how to authenticate.';

function sandbox(plan: 'free' | 'basic' = 'basic') {
  const clock = manualClock();
  const sb = createSandbox({
    plan,
    clock,
    masterKeys: ['mk'],
    scopedKeys: [{ key: 'sk', endpoints: ['mixed_people/api_search', 'people.match'] }],
    createWorld: () => createStubWorld(),
  });
  return { sb, clock };
}

function hasRateHeaders(res: Response): boolean {
  return [...res.headers.keys()].some((k) => k.startsWith('x-rate-limit') || k.endsWith('-usage'));
}

function post(sb: ReturnType<typeof sandbox>['sb'], p: string, headers: Record<string, string>) {
  return sb.app.request(p, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: '{}',
  });
}

describe('API keys', () => {
  it('answers 401 text/plain with Apollo’s exact sentence when the key is missing', async () => {
    const { sb } = sandbox();
    const res = await post(sb, path('people.search'), {});
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe(invalidKeyText);
    expect(hasRateHeaders(res)).toBe(false);
  });

  it('answers the same 401 to an unknown key', async () => {
    const { sb } = sandbox();
    const res = await post(sb, path('people.search'), { 'x-api-key': 'nope' });
    expect(res.status).toBe(401);
    expect(await res.text()).toBe(invalidKeyText);
  });

  it('refuses an API key sent as a Bearer token with the same 401', async () => {
    const { sb } = sandbox();
    const res = await post(sb, path('people.search'), { authorization: 'Bearer mk' });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe(invalidKeyText);
  });

  it('reads the key header case-insensitively', async () => {
    const { sb } = sandbox();
    const res = await post(sb, path('people.search'), { 'X-API-KEY': 'mk' });
    expect(res.status).toBe(200);
  });

  it('lets a scoped key call an endpoint ticked for it', async () => {
    const { sb } = sandbox();
    const res = await post(sb, path('people.search'), { 'x-api-key': 'sk' });
    expect(res.status).toBe(200);
    expect(hasRateHeaders(res)).toBe(true);
  });

  it('answers 403 API_INACCESSIBLE, without rate headers, to a scoped key on an endpoint it lacks', async () => {
    const { sb } = sandbox();
    const res = await post(sb, path('contacts.search'), { 'x-api-key': 'sk' });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      error:
        'This API key is not authorized to access api/v1/contacts/search. Request an API key from your administrator that includes this endpoint in its configured scope.',
      error_code: 'API_INACCESSIBLE',
    });
    expect(hasRateHeaders(res)).toBe(false);
  });

  it('lets a standard key with users/search or api_usage_stats ticked call them, as Apollo documents', async () => {
    const clock = manualClock();
    const sb = createSandbox({
      clock,
      masterKeys: ['mk'],
      scopedKeys: [
        { key: 'sk', endpoints: ['users/search', 'usage_stats/api_usage_stats'] },
        { key: 'other', endpoints: ['people.match'] },
      ],
      createWorld: () => createStubWorld(),
    });
    const ask = (id: string, key: string) =>
      sb.app.request(path(id), {
        method: getAction(id)!.method,
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        ...(getAction(id)!.method === 'GET' ? {} : { body: '{}' }),
      });
    expect((await ask('users.list', 'sk')).status).toBe(200);
    expect((await ask('usage.stats', 'sk')).status).toBe(200);
    const refused = await ask('users.list', 'other');
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      error:
        'This API key is not authorized to access api/v1/users/search. Request an API key from your administrator that includes this endpoint in its configured scope.',
      error_code: 'API_INACCESSIBLE',
    });
    expect((await ask('usage.stats', 'other')).status).toBe(403);
    expect((await ask('users.list', 'mk')).status).toBe(200);
  });

  it('names the deals key scope as Apollo spells it', async () => {
    const { sb } = sandbox();
    const res = await sb.app.request(path('deals.list'), { headers: { 'x-api-key': 'sk' } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toContain(
      'access deals/api/v1/opportunities/search.',
    );
  });

  it('accepts scoped endpoints as key scopes, bare paths or action ids', () => {
    const sb = createSandbox({
      masterKeys: ['mk'],
      scopedKeys: [
        { key: 'a', endpoints: ['api/v1/people/match', 'opportunities/search', 'tasks.create'] },
      ],
      createWorld: () => createStubWorld(),
    });
    expect(sb.keys.scoped[0]?.endpoints).toEqual([
      'api/v1/people/match',
      'deals/api/v1/opportunities/search',
      'api/v1/tasks/create',
    ]);
    expect(() =>
      createSandbox({
        scopedKeys: [{ key: 'b', endpoints: ['nowhere/at_all'] }],
        createWorld: () => createStubWorld(),
      }),
    ).toThrow(/unknown endpoint 'nowhere\/at_all'/);
  });

  it('answers the free plan’s 403 on paid-only searches, without rate headers', async () => {
    const { sb } = sandbox('free');
    for (const id of ['organizations.search', 'accounts.search']) {
      const res = await post(sb, path(id), { 'x-api-key': 'mk' });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({
        message: 'This endpoint is only available to Apollo users on paid plans.',
      });
      expect(hasRateHeaders(res)).toBe(false);
    }
  });
});

describe('OAuth bearer tokens', () => {
  it('acts as the consenting user on endpoints within the token’s scopes', async () => {
    const { sb } = sandbox();
    const tokens = await issueTokens(sb, 'mixed_people_api_search');
    const res = await post(sb, path('people.search'), {
      authorization: `Bearer ${tokens.access_token}`,
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { user: string }).user).toBe(stubTeam.ownerUserId);
  });

  it('answers 403 API_INACCESSIBLE to a token without the endpoint’s scope', async () => {
    const { sb } = sandbox();
    const tokens = await issueTokens(sb, 'people_match');
    const res = await post(sb, path('people.search'), {
      authorization: `Bearer ${tokens.access_token}`,
    });
    expect(res.status).toBe(403);
    const body = (await res.json()) as { error: string; error_code: string };
    expect(body.error_code).toBe('API_INACCESSIBLE');
    expect(body.error).toContain('mixed_people_api_search');
    expect(hasRateHeaders(res)).toBe(false);
  });

  it('answers 401 INVALID_ACCESS_TOKEN as JSON to an unknown token', async () => {
    const { sb } = sandbox();
    const res = await post(sb, path('people.search'), { authorization: 'Bearer not-a-token' });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ error_code: 'INVALID_ACCESS_TOKEN' });
  });

  it('expires access tokens after 30 days on the sandbox clock', async () => {
    const { sb, clock } = sandbox();
    const tokens = await issueTokens(sb, 'mixed_people_api_search');
    const auth = { authorization: `Bearer ${tokens.access_token}` };
    clock.advance(30 * 86_400_000 - 1000);
    expect((await post(sb, path('people.search'), auth)).status).toBe(200);
    clock.advance(1000);
    const res = await post(sb, path('people.search'), auth);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error_code: 'INVALID_ACCESS_TOKEN' });
    expect(hasRateHeaders(res)).toBe(false);
  });
});

describe('identity endpoints', () => {
  it('answers the acting user unwrapped at the top level, to any valid key', async () => {
    const { sb } = sandbox();
    const res = await sb.app.request(apiProfile.path, { headers: { 'x-api-key': 'sk' } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.id).toBe(stubTeam.ownerUserId);
    expect(body.email).toBe('olivia@example.com');
    expect(body).not.toHaveProperty('user');
    expect(apiProfile.path).toBe(path('users.profile'));
  });

  it('answers the health check with is_logged_in at both paths, even without a key', async () => {
    const { sb } = sandbox();
    for (const p of [authHealth.path, authHealthLegacyPath]) {
      const anonymous = await sb.app.request(p);
      expect(anonymous.status).toBe(200);
      expect(await anonymous.json()).toEqual({ healthy: true, is_logged_in: false });
      const bad = await sb.app.request(p, { headers: { 'x-api-key': 'wrong' } });
      expect(await bad.json()).toEqual({ healthy: true, is_logged_in: false });
      const good = await sb.app.request(p, { headers: { 'x-api-key': 'sk' } });
      expect(await good.json()).toEqual({ healthy: true, is_logged_in: true });
    }
  });

  it('needs the webhook_result scope on a standard key', async () => {
    const { sb } = sandbox();
    const res = await sb.app.request(webhookResult.path.replace('{request_id}', '1'), {
      headers: { 'x-api-key': 'sk' },
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toContain('api/v1/webhook_result/show');
  });
});
