// GET /oauth/callback on the server: only a state Gatehouse issued, once and within 10 minutes, is
// accepted; any other callback is refused with 400 and nothing saved. With an issued state, the
// code is exchanged and the connection saved with the user identified.
import { afterEach, describe, expect, it } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { createOAuthCallbackRoutes } from '../../src/app/oauth-callback.js';
import {
  pendingAuthorizationTtlMs,
  settingsPendingAuthorizations,
  startAuthorization,
} from '../../src/services/oauth/connect.js';
import { createStubWorld, manualClock } from '../helpers/sandbox/clock.js';
import { createHarness, type Harness } from '../helpers/harness.js';

const upstreamUrl = 'http://sandbox.gatehouse.internal';
const redirectUri = 'http://127.0.0.1:8787/oauth/callback';
let h: Harness;
afterEach(() => h.close());

async function setup() {
  const clock = manualClock(Date.now());
  h = await createHarness({ sandbox: { createWorld: () => createStubWorld(), clock } });
  const sandboxFetch = (input: string | URL | Request, init?: RequestInit) =>
    Promise.resolve(h.sandbox.app.fetch(new Request(input, init)));
  const now = () => clock.now();
  // The route as createApp mounts it, with the sandbox reached in process and the test's clock.
  const routes = createOAuthCallbackRoutes({
    store: h.store,
    config: h.config,
    logger: createLogger({ level: 'silent' }),
    fetch: sandboxFetch,
    now,
  });
  const client = h.sandbox.oauthClients[0]!;
  const start = () =>
    startAuthorization(
      { pending: settingsPendingAuthorizations(h.store, now), now },
      {
        upstreamUrl,
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        redirectUri,
        scopes: ['read_user_profile', 'people_match'],
        binding: browserSecret,
      },
    );
  /** The admin's browser at Apollo: consent, then the redirect back as a path and query. */
  const consent = async (url: string) => {
    const authorize = new URL(url);
    expect(authorize.origin).toBe(upstreamUrl);
    const res = await h.sandbox.app.request(`${authorize.pathname}${authorize.search}`);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
    return `${location.pathname}${location.search}`;
  };
  return { clock, routes, start, consent };
}

const body = async (res: Response) => (await res.json()) as Record<string, unknown>;
/** The binding cookie the admin's browser holds since it started connecting. */
const browserSecret = 'the-admin-browser-binding-secret';
const inBrowser = { headers: { cookie: `gh_oauth_binding=${browserSecret}` } };

describe('GET /oauth/callback', () => {
  it('refuses a state Gatehouse never issued, or none, with 400 and nothing saved', async () => {
    await setup();
    for (const query of ['?state=forged-state&code=abc', '?code=abc', '?error=access_denied']) {
      // Through the app createApp builds: the route is mounted.
      const res = await h.request('GET', `/oauth/callback${query}`);
      expect(res.status, query).toBe(400);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect((await body(res)).error).toMatch(
        /does not belong to an authorization Gatehouse started.*Nothing was saved/,
      );
    }
    expect(await h.store.connection.info()).toBeUndefined();
  });

  it('connects with a state it issued, identifies the user, and accepts that state only once', async () => {
    const { routes, start, consent } = await setup();
    const started = await start();
    const callback = await consent(started.url);

    const res = await routes.request(callback, inBrowser);
    expect(res.status).toBe(200);
    expect(await body(res)).toMatchObject({
      connected: true,
      kind: 'oauth',
      user: { name: 'Olivia Owner', email: 'olivia@example.com' },
      // What Apollo granted: it adds its default scopes to every app.
      scopes: ['read_user_profile', 'app_scopes', 'people_match'],
    });
    const saved = await h.store.connection.load();
    expect(saved.ok && saved.value?.kind).toBe('oauth');
    expect(saved.ok && saved.value?.metadata.oauthUser).toMatchObject({
      email: 'olivia@example.com',
    });

    // Replayed (a second tab, an attacker with the URL): refused, the connection untouched.
    const before = await h.store.connection.info();
    const replay = await routes.request(callback, inBrowser);
    expect(replay.status).toBe(400);
    expect(await h.store.connection.info()).toEqual(before);
  });

  it('refuses an issued state after 10 minutes, and consumes it on access_denied', async () => {
    const { clock, routes, start, consent } = await setup();
    const late = await start();
    const callback = await consent(late.url);
    clock.advance(pendingAuthorizationTtlMs + 1);
    expect((await routes.request(callback, inBrowser)).status).toBe(400);

    const denied = await start();
    const refusal = `/oauth/callback?${new URLSearchParams({ error: 'access_denied', state: denied.state })}`;
    const res = await routes.request(refusal, inBrowser);
    expect(res.status).toBe(400);
    expect(await body(res)).toMatchObject({
      code: 'access_denied',
      error: expect.stringMatching(/Apollo was not connected: access was denied/),
    });
    const again = await routes.request(refusal, inBrowser);
    expect(again.status).toBe(400);
    expect((await body(again)).error).toMatch(/does not belong/);
    expect(await h.store.connection.info()).toBeUndefined();
  });

  it('keeps the pending authorization sealed, under a hash of the state', async () => {
    const { clock, start } = await setup();
    const started = await start();
    const client = h.sandbox.oauthClients[0]!;
    const rows = await h.store.handle.db.selectFrom('settings').selectAll().execute();
    const text = JSON.stringify(rows);
    expect(rows.some((r) => r.key.startsWith('oauth.pending.'))).toBe(true);
    expect(text).not.toContain(started.state);
    expect(text).not.toContain(client.clientSecret);
    expect(started.expiresAt).toBe(clock.now() + pendingAuthorizationTtlMs);
  });

  it('accepts the callback only in the browser that started it', async () => {
    const { routes, start, consent } = await setup();
    for (const headers of [
      {} as Record<string, string>,
      { cookie: 'gh_oauth_binding=someone-else' },
    ]) {
      const started = await start();
      const callback = await consent(started.url);
      const res = await routes.request(callback, { headers });
      expect(res.status).toBe(400);
      expect((await body(res)).error).toMatch(/different browser session.*Nothing was saved/);
    }
    expect(await h.store.connection.info()).toBeUndefined();
    const started = await start();
    const ok = await routes.request(await consent(started.url), inBrowser);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('set-cookie')).toMatch(/^gh_oauth_binding=;.*Max-Age=0/);
  });
});
