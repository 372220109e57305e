// /readyz answers anyone with only the status and the codes of the checks that fail; each check's
// detail (the Apollo account, its token's expiry) goes only to a caller holding the admin token,
// and a wrong token gets the anonymous answer rather than an error.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { openStore } from '../../src/store/open-store.js';
import { startGatehouse, type StartedGatehouse } from '../../src/app/start.js';
import { loadConfig } from '../../src/config/config.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-readyz-'));
const adminToken = 'readyz-admin-token-0123456789abcdefghijkl';
const email = 'olivia.owner@example.com';
const expiresAt = Date.parse('2031-05-06T07:08:09.000Z');
const silent = createLogger({ level: 'silent' });
let g: StartedGatehouse;

beforeAll(async () => {
  const config = loadConfig({
    env: { GATEHOUSE_ADMIN_TOKEN: adminToken },
    flags: {
      db: join(dir, 'g.db'),
      keyFile: join(dir, 'k'),
      port: 0,
      // Nothing listens there: Gatehouse's own usage poll at start fails fast, off the network.
      upstreamUrl: 'http://127.0.0.1:1',
    },
  });
  const store = await openStore(config, silent);
  await store.connection.save({
    kind: 'oauth',
    credential: {
      accessToken: 'readyz-access-token',
      refreshToken: 'readyz-refresh-token',
      expiresAt,
      clientId: 'readyz-client',
      clientSecret: 'readyz-client-secret',
    },
    metadata: { oauthUser: { email, name: 'Olivia Owner' }, expiresAt },
  });
  await store.close();
  g = await startGatehouse(config, { logger: silent });
});
afterAll(async () => {
  await g?.close();
  rmSync(dir, { recursive: true, force: true });
});

function readyz(authorization?: string) {
  return fetch(`${g.url}/readyz`, authorization ? { headers: { authorization } } : {});
}

interface FullReadiness {
  status: string;
  reasons: string[];
  checks: Array<{ name: string; code: string; ok: boolean; detail: string }>;
}

describe('/readyz', () => {
  it('tells an anonymous caller only the status, with no check details', async () => {
    const res = await readyz();
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ status: 'ready', reasons: [] });
    for (const leak of [email, 'Olivia', '2031', 'expires', 'OAuth', 'detail', 'sqlite']) {
      expect(text).not.toContain(leak);
    }
  });

  it('shows every check in full to the admin token', async () => {
    const res = await readyz(`Bearer ${adminToken}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as FullReadiness;
    expect(body.status).toBe('ready');
    expect(body.reasons).toEqual([]);
    const upstream = body.checks.find((c) => c.name === 'upstream')!;
    expect(upstream).toMatchObject({ ok: true, code: 'credential_missing' });
    expect(upstream.detail).toContain(`as ${email}, token expires 2031-05-06T07:08:09.000Z`);
    expect(body.checks.find((c) => c.name === 'store')).toMatchObject({
      ok: true,
      detail: 'sqlite reachable',
    });
  });

  it('answers a wrong or malformed admin token like no token, not with an error', async () => {
    for (const authorization of [
      `Bearer ${adminToken}x`,
      `Bearer ${adminToken.slice(0, -1)}`,
      `Basic ${adminToken}`,
      adminToken,
    ]) {
      const res = await readyz(authorization);
      expect(res.status, authorization).toBe(200);
      expect(await res.json(), authorization).toEqual({ status: 'ready', reasons: [] });
    }
  });

  it('names a failing check by its reason code, and explains it only to the admin', async () => {
    // Forgetting the Apollo connection leaves Gatehouse without a credential to call with.
    expect(await g.store.connection.clear()).toBe(true);
    const res = await readyz();
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ status: 'not_ready', reasons: ['credential_missing'] });
    expect(text).not.toMatch(/gatehouse connect|not connected/);

    const full = await readyz(`Bearer ${adminToken}`);
    expect(full.status).toBe(503);
    const body = (await full.json()) as FullReadiness;
    expect(body.reasons).toEqual(['credential_missing']);
    expect(body.checks.find((c) => c.name === 'upstream')).toMatchObject({
      ok: false,
      code: 'credential_missing',
      detail: 'Apollo is not connected (gatehouse connect)',
    });
  });
});
