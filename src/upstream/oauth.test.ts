// Pins the client side of Apollo's OAuth flow: where the authorization page and token endpoint are
// for the real Apollo and for the sandbox, the authorization URL's parameters, and the callback
// checks (state first, then RFC 6749 or Apollo-style errors), with token errors as values.
import { describe, expect, it } from 'vitest';

import { hashRoutedAuthorize, oauthAuthorize, oauthToken } from '../catalog/index.js';
import { createSandbox } from '../sandbox/index.js';
import { createStubWorld } from '../../test/helpers/sandbox/clock.js';

import {
  buildAuthorizationUrl,
  checkCallback,
  newAuthorizationSecrets,
  oauthEndpoints,
  refreshTokens,
  sameSecret,
} from './oauth.js';

describe('oauthEndpoints', () => {
  it("sends the real API host's OAuth to Apollo's web app, with the hash-routed page", () => {
    expect(oauthEndpoints('https://api.apollo.io')).toEqual({
      issuer: 'https://app.apollo.io',
      authorizationUrl: hashRoutedAuthorize('https://app.apollo.io'),
      tokenUrl: `https://app.apollo.io${oauthToken.path}`,
    });
  });

  it('keeps any other upstream (the sandbox) on its own origin with plain paths', () => {
    expect(oauthEndpoints('http://127.0.0.1:8788/')).toEqual({
      issuer: 'http://127.0.0.1:8788',
      authorizationUrl: `http://127.0.0.1:8788${oauthAuthorize.path}`,
      tokenUrl: `http://127.0.0.1:8788${oauthToken.path}`,
    });
  });
});

describe('buildAuthorizationUrl', () => {
  it('asks for a code with space-separated scopes, the state and an S256 challenge', async () => {
    const secrets = await newAuthorizationSecrets();
    expect(secrets.codeVerifier).toMatch(/^[\w-]{43}$/);
    expect(secrets.codeChallenge).toMatch(/^[\w-]{43}$/);
    const url = buildAuthorizationUrl(oauthEndpoints('https://api.apollo.io'), {
      clientId: 'cid',
      redirectUri: 'http://127.0.0.1:5000/oauth/callback',
      scopes: ['read_user_profile', 'people_match'],
      state: secrets.state,
      codeChallenge: secrets.codeChallenge,
    });
    expect(url.startsWith(`${hashRoutedAuthorize('https://app.apollo.io')}?`)).toBe(true);
    const query = new URLSearchParams(url.split('?')[1]);
    expect(Object.fromEntries(query)).toEqual({
      client_id: 'cid',
      redirect_uri: 'http://127.0.0.1:5000/oauth/callback',
      response_type: 'code',
      scope: 'read_user_profile people_match',
      state: secrets.state,
      code_challenge: secrets.codeChallenge,
      code_challenge_method: 'S256',
    });
  });
});

describe('checkCallback', () => {
  const endpoints = oauthEndpoints('http://127.0.0.1:8788');
  const check = (query: Record<string, string>) =>
    checkCallback(endpoints, 'cid', new URLSearchParams(query), 'expected-state');

  it('accepts the expected state with a code', () => {
    const result = check({ code: 'c0de', state: 'expected-state' });
    expect(result.ok && result.value.get('code')).toBe('c0de');
  });

  it('refuses a missing or different state before reading anything else', () => {
    const queries: Array<Record<string, string>> = [
      { code: 'c0de' },
      { code: 'c0de', state: 'expected-statE' },
      { code: 'c0de', state: 'expected-state-and-more' },
      { error: 'access_denied', state: 'other' },
    ];
    for (const query of queries) {
      const result = check(query);
      expect(!result.ok && result.error.code).toBe('state_mismatch');
    }
  });

  it("reads RFC 6749 errors and Apollo's own status_code / error_message", () => {
    const denied = check({ error: 'access_denied', state: 'expected-state' });
    expect(!denied.ok && denied.error).toMatchObject({
      code: 'access_denied',
      message: expect.stringMatching(/access was denied.*nothing was saved/),
    });
    const apollo = check({
      status_code: '403',
      error_message: 'Invalid scope: x',
      state: 'expected-state',
    });
    expect(!apollo.ok && apollo.error.message).toMatch(
      /Apollo refused the authorization \(403\): Invalid scope: x/,
    );
    const empty = check({ state: 'expected-state' });
    expect(!empty.ok && empty.error.code).toBe('authorization_failed');
  });

  it('compares secrets exactly', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abc', 'abd')).toBe(false);
    expect(sameSecret('abc', 'abcd')).toBe(false);
  });
});

describe('refreshTokens', () => {
  const sandbox = createSandbox({ createWorld: () => createStubWorld() });
  const client = sandbox.oauthClients[0]!;
  const options = (clientSecret = client.clientSecret) => ({
    endpoints: oauthEndpoints('http://sandbox.test'),
    client: { clientId: client.clientId, clientSecret },
    timeoutMs: 1000,
    now: () => 1_000_000,
    fetch: (async (input: string | URL | Request, init?: RequestInit) =>
      sandbox.app.fetch(new Request(input, init))) as typeof fetch,
  });

  it('returns invalid_grant and invalid_client as values, without the token in the message', async () => {
    const grant = await refreshTokens(options(), 'not-a-refresh-token');
    expect(!grant.ok && grant.error.code).toBe('invalid_grant');
    expect(!grant.ok && grant.error.message).not.toContain('not-a-refresh-token');
    const clientErr = await refreshTokens(options('wrong'), 'not-a-refresh-token');
    expect(!clientErr.ok && clientErr.error).toMatchObject({
      code: 'invalid_client',
      message: expect.stringMatching(/check the client id and secret/),
    });
  });

  it('reports an unreachable token endpoint as such', async () => {
    const result = await refreshTokens(
      {
        ...options(),
        fetch: (async () => {
          throw new TypeError('fetch failed', { cause: new Error('ECONNREFUSED') });
        }) as typeof fetch,
      },
      'rt',
    );
    expect(!result.ok && result.error).toEqual({
      code: 'unreachable',
      message: `could not reach http://sandbox.test${oauthToken.path} for the token refresh: ECONNREFUSED`,
    });
  });
});
