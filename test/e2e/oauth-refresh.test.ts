// The OAuth credential source in the gateway, against the sandbox: the token is refreshed a day
// before expiry and after Apollo rejects it, exactly once however many calls are in flight, the
// new tokens are sealed in the store, a call keeps its one audit record, and a failing refresh
// keeps the old token serving while it is valid and says so in the metadata, the log and /readyz.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { afterEach, describe, expect, it } from 'vitest';

import { createApp } from '../../src/app/create-app.js';
import { createLogger } from '../../src/app/logger.js';
import { defaultOAuthScopes } from '../../src/services/oauth/connect.js';
import {
  createOAuthCredentialSource,
  refreshMarginMs,
  refreshRetryDelayMs,
} from '../../src/services/oauth/credential.js';
import { openStore, type StoreServices } from '../../src/store/open-store.js';
import { getAction, oauthToken } from '../../src/catalog/index.js';
import { loadConfig } from '../../src/config/config.js';
import { createSandbox } from '../../src/sandbox/index.js';
import { issueTokens, manualClock } from '../helpers/sandbox/clock.js';
import { createWorld } from '../../src/sandbox/world/index.js';
import { createRedisShared } from '../../src/store/index.js';
import { redisUrl, requireRedis } from '../helpers/redis.js';

const day = 24 * 3600_000;
const upstreamUrl = 'http://sandbox.gatehouse.internal';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/**
 * Gatehouse over an in-process sandbox, connected with OAuth. Apollo's clock and Gatehouse's are
 * separate, so a test can expire the token at Apollo without Gatehouse knowing.
 */
const adminToken = 'oauth-refresh-admin-token-0123456789abcdef';

async function setup() {
  const apolloClock = manualClock(Date.UTC(2026, 0, 5, 9));
  const gatehouseClock = manualClock(Date.UTC(2026, 0, 5, 9));
  const sandbox = createSandbox({ seed: 7, createWorld, clock: apolloClock });
  const client = sandbox.oauthClients[0]!;
  let tokenRequests = 0;
  const bearers: string[] = [];
  const fetchSandbox = async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    if (new URL(request.url).pathname === oauthToken.path) tokenRequests += 1;
    const auth = request.headers.get('authorization');
    if (auth?.startsWith('Bearer ')) bearers.push(auth.slice('Bearer '.length));
    return sandbox.app.fetch(request);
  };
  const issued = await issueTokens(sandbox, defaultOAuthScopes.join(' '));

  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-oauth-refresh-'));
  const config = loadConfig({
    flags: { db: join(dir, 'g.db'), keyFile: join(dir, 'k'), logLevel: 'info' },
  });
  const logs: string[] = [];
  const logger = createLogger({
    level: 'info',
    destination: new Writable({
      write(chunk, _enc, done) {
        logs.push(String(chunk));
        done();
      },
    }),
  });
  const store = await openStore(config, logger);
  const expiresAt = gatehouseClock.now() + issued.expires_in * 1000;
  await store.connection.save({
    kind: 'oauth',
    credential: {
      accessToken: issued.access_token,
      refreshToken: issued.refresh_token,
      expiresAt,
      clientId: client.clientId,
      clientSecret: client.clientSecret,
    },
    metadata: { oauthUser: { name: 'Olivia Owner' }, expiresAt, scopes: issued.scope.split(' ') },
  });
  const credential = createOAuthCredentialSource({
    store,
    upstreamUrl,
    timeoutMs: 5000,
    logger,
    clock: gatehouseClock,
    fetch: fetchSandbox,
  });
  const app = createApp({
    config,
    logger,
    store,
    adminToken,
    upstream: { baseUrl: upstreamUrl, label: 'the sandbox', fetch: fetchSandbox, credential },
  });
  const agent = await store.agents.create({
    name: 'bot',
    grants: [{ target: 'people', level: 'read', requiresApproval: false }],
  });
  if (!agent.ok) throw new Error(agent.error.message);
  cleanups.push(async () => {
    await app.drain();
    sandbox.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const search = () =>
    app.app.request(getAction('people.search').path, {
      method: 'POST',
      headers: { 'x-api-key': agent.value.token, 'content-type': 'application/json' },
      body: JSON.stringify({ per_page: 1 }),
    });
  return {
    sandbox,
    client,
    store,
    app,
    logs,
    issued,
    search,
    apolloClock,
    gatehouseClock,
    tokenRequests: () => tokenRequests,
    fetchSandbox,
    bearers,
    /** Both clocks together: time passing for everyone. */
    advance(ms: number) {
      apolloClock.advance(ms);
      gatehouseClock.advance(ms);
    },
  };
}

async function stored(store: StoreServices) {
  const loaded = await store.connection.load();
  if (!loaded.ok || !loaded.value) throw new Error('no connection');
  return {
    credential: loaded.value.credential as {
      accessToken: string;
      refreshToken: string;
      expiresAt: number;
      clientId: string;
      clientSecret: string;
    },
    metadata: loaded.value.metadata,
  };
}

async function auditCount(store: StoreServices) {
  return (await store.audit.query({ limit: 100 })).records;
}

describe('OAuth credential refresh', () => {
  it('refreshes a day before expiry, once for 20 concurrent calls, and seals the new tokens', async () => {
    const t = await setup();
    expect((await t.search()).status).toBe(200);
    expect(t.bearers.at(-1)).toBe(t.issued.access_token);
    expect(t.tokenRequests()).toBe(0);

    t.advance(30 * day - refreshMarginMs + 60_000); // inside the margin, still valid at Apollo
    t.bearers.length = 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => t.search()));
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(t.tokenRequests()).toBe(1);

    const { credential, metadata } = await stored(t.store);
    expect(credential.accessToken).not.toBe(t.issued.access_token);
    expect(credential.refreshToken).not.toBe(t.issued.refresh_token); // rotated
    expect(credential).toMatchObject({ clientId: t.client.clientId });
    expect(credential.expiresAt).toBe(t.gatehouseClock.now() + 30 * day);
    expect(metadata).toMatchObject({
      expiresAt: credential.expiresAt,
      oauthUser: { name: 'Olivia Owner' },
      refreshedAt: t.gatehouseClock.now(),
    });
    // Every one of the 20 calls went out with the new token.
    expect(t.bearers).toEqual(Array(20).fill(credential.accessToken));
    expect((await auditCount(t.store)).length).toBe(21);

    // The next call needs no refresh.
    expect((await t.search()).status).toBe(200);
    expect(t.tokenRequests()).toBe(1);
    expect(t.bearers.at(-1)).toBe(credential.accessToken);
  });

  it('refreshes once after Apollo rejects the token and retries each call once, one audit record per call', async () => {
    const t = await setup();
    t.apolloClock.advance(31 * day); // Apollo sees the token expired; Gatehouse does not know yet
    const answers = await Promise.all(Array.from({ length: 5 }, () => t.search()));
    expect(answers.map((r) => r.status)).toEqual(Array(5).fill(200));
    expect(t.tokenRequests()).toBe(1);

    const { credential } = await stored(t.store);
    expect(credential.accessToken).not.toBe(t.issued.access_token);
    expect(t.bearers.filter((b) => b === t.issued.access_token)).toHaveLength(5);
    expect(t.bearers.filter((b) => b === credential.accessToken)).toHaveLength(5);

    const records = await auditCount(t.store);
    expect(records).toHaveLength(5);
    for (const r of records) expect(r).toMatchObject({ decision: 'allowed', upstreamStatus: 200 });
  });

  it('keeps the old token serving when the refresh fails, and records the failure', async () => {
    const t = await setup();
    // Someone else spends the refresh token (Apollo rotates it), so Gatehouse's copy is dead.
    const spent = await t.sandbox.app.request(oauthToken.path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: t.issued.refresh_token,
        client_id: t.client.clientId,
        client_secret: t.client.clientSecret,
      }).toString(),
    });
    expect(spent.status).toBe(200);

    t.advance(30 * day - refreshMarginMs + 60_000);
    const first = await t.search();
    expect(first.status).toBe(200);
    expect(t.tokenRequests()).toBe(1);
    expect(t.bearers.at(-1)).toBe(t.issued.access_token);

    const { credential, metadata } = await stored(t.store);
    expect(credential.accessToken).toBe(t.issued.access_token);
    expect(metadata.refreshError).toEqual({
      code: 'invalid_grant',
      message: expect.stringMatching(/Apollo refused the token refresh: invalid_grant/),
      at: t.gatehouseClock.now(),
    });
    expect(metadata.oauthUser).toEqual({ name: 'Olivia Owner' });
    const warnings = t.logs.filter((l) => l.includes('"level":40'));
    expect(warnings.join('')).toMatch(
      /Apollo OAuth token refresh failed.*still using the current token/,
    );

    // No second attempt while cooling down; the old token keeps working.
    t.advance(refreshRetryDelayMs / 2);
    expect((await t.search()).status).toBe(200);
    expect(t.tokenRequests()).toBe(1);
    expect(t.bearers.at(-1)).toBe(t.issued.access_token);

    // /readyz stays ready and shows the warning (to the admin).
    const ready = (await (
      await t.app.app.request('/readyz', { headers: { authorization: `Bearer ${adminToken}` } })
    ).json()) as {
      status: string;
      checks: Array<{ name: string; warning?: string }>;
    };
    expect(ready.status).toBe('ready');
    expect(ready.checks.find((c) => c.name === 'upstream')?.warning).toMatch(
      /OAuth token refresh failed at .*invalid_grant/,
    );

    // No token or secret reached the logs.
    const logText = t.logs.join('');
    for (const secret of [t.issued.access_token, t.issued.refresh_token, t.client.clientSecret]) {
      expect(logText).not.toContain(secret);
    }
  });
  it('answers 502 when Apollo rejects the token and the refresh fails too, with one audit record', async () => {
    const t = await setup();
    await t.sandbox.app.request(oauthToken.path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: t.issued.refresh_token,
        client_id: t.client.clientId,
        client_secret: t.client.clientSecret,
      }).toString(),
    });
    t.apolloClock.advance(31 * day);
    const res = await t.search();
    expect(res.status).toBe(502);
    expect(t.tokenRequests()).toBe(1);
    expect((await auditCount(t.store)).map((r) => r.upstreamStatus)).toEqual([401]);
    expect((await stored(t.store)).metadata.refreshError).toMatchObject({ code: 'invalid_grant' });
    // A refresh token Apollo refused is not tried again on every call.
    expect((await t.search()).status).toBe(502);
    expect(t.tokenRequests()).toBe(1);
  });
});

describe.runIf(await requireRedis())('OAuth refresh across replicas', () => {
  it('refreshes once for two replicas through the shared lock, and both use the new token', async () => {
    const { store, advance, tokenRequests, gatehouseClock, fetchSandbox } = await setup();
    const lock = createRedisShared(redisUrl, { namespace: `oauth-${Date.now()}` });
    cleanups.push(() => lock.close());
    const replica = () =>
      createOAuthCredentialSource({
        store,
        upstreamUrl,
        timeoutMs: 5000,
        logger: createLogger({ level: 'silent' }),
        clock: gatehouseClock,
        fetch: fetchSandbox,
        lock,
      });
    const before = tokenRequests();
    const a = replica();
    const b = replica();
    advance(30 * day - refreshMarginMs + 60_000); // inside the margin, still valid at Apollo
    const got = await Promise.all([
      ...Array.from({ length: 10 }, () => a.current()),
      ...Array.from({ length: 10 }, () => b.current()),
    ]);
    expect(tokenRequests() - before).toBe(1);
    const tokens = new Set(got.map((c) => (c?.kind === 'oauth' ? c.accessToken : null)));
    expect(tokens.size).toBe(1);
    expect((await stored(store)).credential.accessToken).toBe([...tokens][0]);
  });
});
