// Pins the OAuth authorization-code flow: single-use 10-minute codes, PKCE S256, rotating refresh
// tokens, 30-day access tokens and Apollo's error shapes.
import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { apiProfile, oauthAuthorize, oauthToken } from '../catalog/index.js';

import { createSandbox } from './index.js';
import { redirectAllowed } from './oauth.js';
import { createStubWorld, manualClock } from '../../test/helpers/sandbox/clock.js';

const redirectUri = 'https://agent.example.com/oauth/callback';
const client = { clientId: 'client-1', clientSecret: 'secret-1', redirectUris: [redirectUri] };

function setup() {
  const clock = manualClock();
  const sb = createSandbox({
    clock,
    masterKeys: ['mk'],
    oauthClients: [client],
    createWorld: () => createStubWorld(),
  });

  const authorize = (params: Record<string, string>) =>
    sb.app.request(
      `${oauthAuthorize.path}?${new URLSearchParams({
        client_id: client.clientId,
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: 'people_match contacts_search',
        state: 'st-1',
        ...params,
      })}`,
    );

  const code = async (params: Record<string, string> = {}) => {
    const res = await authorize(params);
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location')!).searchParams.get('code')!;
  };

  const token = (params: Record<string, string>, asJson = false) =>
    sb.app.request(oauthToken.path, {
      method: 'POST',
      headers: {
        'content-type': asJson ? 'application/json' : 'application/x-www-form-urlencoded',
      },
      body: asJson
        ? JSON.stringify({
            client_id: client.clientId,
            client_secret: client.clientSecret,
            ...params,
          })
        : new URLSearchParams({
            client_id: client.clientId,
            client_secret: client.clientSecret,
            ...params,
          }).toString(),
    });

  const exchange = async (c: string, extra: Record<string, string> = {}) =>
    token({ grant_type: 'authorization_code', code: c, redirect_uri: redirectUri, ...extra });

  const profile = (accessToken: string) =>
    sb.app.request(apiProfile.path, { headers: { authorization: `Bearer ${accessToken}` } });

  return { sb, clock, authorize, code, token, exchange, profile };
}

const s256 = (v: string) => createHash('sha256').update(v).digest('base64url');
const verifier = 'a'.repeat(20) + '-._~' + 'B'.repeat(30);

describe('authorize', () => {
  it('consents as the owner and redirects with a code and the state', async () => {
    const { authorize } = setup();
    const res = await authorize({});
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
    expect(location.searchParams.get('state')).toBe('st-1');
    expect(location.searchParams.get('code')).toMatch(/^[\w-]{20,}$/);
  });

  it('answers 400 without redirecting for an unknown client or an unregistered redirect_uri', async () => {
    const { authorize } = setup();
    const cases: Array<Record<string, string>> = [
      { client_id: 'nobody' },
      { redirect_uri: 'https://evil.example.com/cb' },
    ];
    for (const params of cases) {
      const res = await authorize(params);
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
    }
  });

  it('reports an invalid scope on the redirect in Apollo’s own parameters', async () => {
    const { authorize } = setup();
    const res = await authorize({ scope: 'people_match launch_missiles' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.searchParams.get('status_code')).toBe('403');
    expect(location.searchParams.get('error_message')).toContain('launch_missiles');
    expect(location.searchParams.get('state')).toBe('st-1');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('lets the default client redirect to any loopback http(s) URL and nowhere else', () => {
    const sb = createSandbox({ createWorld: () => createStubWorld() });
    const patterns = sb.oauthClients[0]!.redirectUris;
    expect(redirectAllowed(patterns, 'http://localhost:8787/oauth/callback')).toBe(true);
    expect(redirectAllowed(patterns, 'http://127.0.0.1/cb')).toBe(true);
    expect(redirectAllowed(patterns, 'https://localhost:3000/')).toBe(true);
    expect(redirectAllowed(patterns, 'http://localhost.evil.com/cb')).toBe(false);
    expect(redirectAllowed(patterns, 'http://example.com/cb')).toBe(false);
  });
});

describe('token endpoint', () => {
  it('exchanges a code for Doorkeeper-style tokens, form-encoded or JSON', async () => {
    const { code, exchange, token, clock } = setup();
    const res = await exchange(await code());
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 2_592_000 });
    expect(body.created_at).toBe(Math.floor(clock.now() / 1000));
    expect(String(body.scope).split(' ').sort()).toEqual(
      ['app_scopes', 'contacts_search', 'people_match', 'read_user_profile'].sort(),
    );
    const asJson = await token(
      { grant_type: 'authorization_code', code: await code(), redirect_uri: redirectUri },
      true,
    );
    expect(asJson.status).toBe(200);
  });

  it('accepts client credentials by HTTP Basic and refuses a wrong secret with 401 invalid_client', async () => {
    const { sb, code } = setup();
    const basic = (secret: string) =>
      sb.app.request(oauthToken.path, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${client.clientId}:${secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: 'whatever',
          redirect_uri: redirectUri,
        }).toString(),
      });
    const wrong = await basic('nope');
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });
    const right = await sb.app.request(oauthToken.path, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: await code(),
        redirect_uri: redirectUri,
      }).toString(),
    });
    expect(right.status).toBe(200);
  });

  it('checks the PKCE verifier when a challenge was given', async () => {
    const { code, exchange } = setup();
    const challenge = { code_challenge: s256(verifier), code_challenge_method: 'S256' };
    const ok = await exchange(await code(challenge), { code_verifier: verifier });
    expect(ok.status).toBe(200);

    const missing = await exchange(await code(challenge));
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: 'invalid_grant' });

    const wrong = await exchange(await code(challenge), { code_verifier: `${verifier}x` });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a code used twice and revokes the tokens it issued', async () => {
    const { code, exchange, profile } = setup();
    const c = await code();
    const first = (await (await exchange(c)).json()) as { access_token: string };
    expect((await profile(first.access_token)).status).toBe(200);
    const second = await exchange(c);
    expect(second.status).toBe(400);
    expect(await second.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await profile(first.access_token)).status).toBe(401);
  });

  it('refuses a code after 10 minutes, or with another redirect_uri', async () => {
    const { code, exchange, clock } = setup();
    const late = await code();
    clock.advance(10 * 60_000);
    expect(await (await exchange(late)).json()).toMatchObject({ error: 'invalid_grant' });
    const moved = await exchange(await code(), { redirect_uri: 'https://other.example.com/cb' });
    expect(moved.status).toBe(400);
    expect(await moved.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('rotates refresh tokens: the old one stops working, the new one works', async () => {
    const { code, exchange, token, profile } = setup();
    const first = (await (await exchange(await code())).json()) as Record<string, string>;
    const refreshed = await token({
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token!,
    });
    expect(refreshed.status).toBe(200);
    const second = (await refreshed.json()) as Record<string, string>;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await profile(second.access_token!)).status).toBe(200);

    const reused = await token({
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token!,
    });
    expect(reused.status).toBe(400);
    expect(await reused.json()).toMatchObject({ error: 'invalid_grant' });
    const again = await token({
      grant_type: 'refresh_token',
      refresh_token: second.refresh_token!,
    });
    expect(again.status).toBe(200);
  });

  it('refuses a refresh asking for scopes beyond the grant with invalid_scope', async () => {
    const { code, exchange, token } = setup();
    const first = (await (await exchange(await code())).json()) as Record<string, string>;
    const res = await token({
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token!,
      scope: 'people_match users_list',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_scope' });
  });

  it('refuses unknown grant types with unsupported_grant_type', async () => {
    const { token } = setup();
    const res = await token({ grant_type: 'password' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it('keeps access tokens 30 days on the sandbox clock; a refresh gives a fresh 30 days', async () => {
    const { code, exchange, token, profile, clock } = setup();
    const first = (await (await exchange(await code())).json()) as Record<string, string>;
    clock.advance(30 * 86_400_000);
    const expired = await profile(first.access_token!);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ error_code: 'INVALID_ACCESS_TOKEN' });
    const refreshed = (await (
      await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token! })
    ).json()) as Record<string, string>;
    expect((await profile(refreshed.access_token!)).status).toBe(200);
  });
});

describe('authorize scopes', () => {
  it('accepts every scope Apollo recognises, even those no action needs', async () => {
    const s = createSandbox({ createWorld: () => createStubWorld() });
    const client = s.oauthClients[0]!;
    const url = `${oauthAuthorize.path}?client_id=${client.clientId}&redirect_uri=${encodeURIComponent('http://localhost:9999/cb')}&response_type=code&state=s1&scope=contact_read%20read_user_profile`;
    const res = await s.app.request(url);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toMatch(/code=/);
    s.close();
  });
});
