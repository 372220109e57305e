// The shared admin-token check as another route reuses it (`isAdmin`, for an answer that only
// tells an admin more): a wrong token counts toward the address's lockout like any other, a
// locked-out address is never told it holds the admin token, and no token counts for nothing.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';

import { createAuthThrottle } from '../../store/index.js';

import { createAdminAuth } from './admin-auth.js';

const token = 'admin-token-for-isadmin-tests-0123456789';
const silent = { debug() {}, info() {}, warn() {}, error() {} };

function probe() {
  const auth = createAdminAuth({
    token,
    throttle: createAuthThrottle({ keyPrefix: 'test' }),
    clientIp: (c) => c.req.header('x-test-address') ?? null,
    logger: silent,
  });
  const app = new Hono();
  app.get('/probe', async (c) => {
    const presented = c.req.header('x-token');
    return c.json({ admin: await auth.isAdmin(c, presented, 'admin:probe') });
  });
  return async (address: string, presented?: string) => {
    const res = await app.request('/probe', {
      headers: { 'x-test-address': address, ...(presented ? { 'x-token': presented } : {}) },
    });
    expect(res.headers.get('retry-after')).toBeNull();
    return ((await res.json()) as { admin: boolean }).admin;
  };
}

describe('admin auth reused by another route', () => {
  it('answers true for the admin token and false for a wrong one or none', async () => {
    const admin = probe();
    expect(await admin('192.0.2.1', token)).toBe(true);
    expect(await admin('192.0.2.1', 'wrong')).toBe(false);
    expect(await admin('192.0.2.1')).toBe(false);
  });

  it('counts its wrong tokens toward the lockout, after which even the admin token is not admin', async () => {
    const admin = probe();
    for (let i = 0; i < 5; i++) expect(await admin('192.0.2.2', `wrong-${i}`)).toBe(false);
    expect(await admin('192.0.2.2', token)).toBe(false);
    expect(await admin('192.0.2.3', token)).toBe(true);
  });

  it('does not count requests that carry no token', async () => {
    const admin = probe();
    for (let i = 0; i < 10; i++) expect(await admin('192.0.2.4')).toBe(false);
    expect(await admin('192.0.2.4', token)).toBe(true);
  });
});
