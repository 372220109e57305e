// Every admin authentication is throttled per client address: five wrong admin tokens (bearer on
// any admin route or the console login, one shared count) lock that address out for 1 minute,
// then 2, 4 … at most 60; while locked out even the right token from it is refused 429 with
// Retry-After, unchecked. Other addresses always get in, a success clears the address's record,
// and a forged X-Forwarded-For cannot buy a fresh address. The throttle's clock is Date (the
// memory store's), which the tests move with vitest's fake Date instead of waiting.
import { afterEach, describe, expect, it, vi } from 'vitest';

import { createHarness, type Harness } from '../helpers/harness.js';

const adminToken = 'admin-token-for-throttle-tests-0123456789';
const wrongToken = 'not-the-admin-token-guess-0123456789abcd';
let h: Harness | null = null;
afterEach(async () => {
  vi.useRealTimers();
  await h?.close();
  h = null;
});

async function setup(config: Record<string, unknown> = {}) {
  h = await createHarness({ config: { adminToken, ...config } });
  vi.useFakeTimers({ toFake: ['Date'] });
  return h;
}
const advance = (ms: number) => vi.setSystemTime(Date.now() + ms);

/** A request as the Node server hands it over: from a socket at `address`. */
function from(address: string, path: string, init: RequestInit = {}) {
  return h!.app.app.request(path, init, { incoming: { socket: { remoteAddress: address } } });
}
const agents = (address: string, token: string, headers: Record<string, string> = {}) =>
  from(address, '/admin/api/agents', {
    headers: { authorization: `Bearer ${token}`, ...headers },
  });
const login = (address: string, token: string) =>
  from(address, '/admin/api/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
async function statuses(n: number, call: () => Response | Promise<Response>) {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await call()).status);
  return out;
}

describe('admin authentication throttle', () => {
  it('answers five wrong bearer tokens 401, then refuses the address 429 even with the right token, while another address gets in', async () => {
    await setup();
    const a = '203.0.113.10';
    expect(await statuses(5, () => agents(a, wrongToken))).toEqual([401, 401, 401, 401, 401]);
    const guess = await agents(a, wrongToken);
    expect(guess.status).toBe(429);
    expect(guess.headers.get('retry-after')).toBe('60');
    const body = (await guess.json()) as { error: string; retry_after_seconds: number };
    expect(body.error).toMatch(/try again in 1 minute/);
    expect(body.retry_after_seconds).toBe(60);
    const right = await agents(a, adminToken);
    expect(right.status).toBe(429);
    expect(right.headers.get('retry-after')).toBe('60');
    expect((await agents('198.51.100.20', adminToken)).status).toBe(200);
    expect((await agents('198.51.100.21', wrongToken)).status).toBe(401);
  });

  it('lets the right token in once the lockout ends, and the address starts again from five', async () => {
    await setup();
    const a = '203.0.113.11';
    await statuses(5, () => agents(a, wrongToken));
    advance(30_000);
    const waiting = await agents(a, adminToken);
    expect(waiting.status).toBe(429);
    expect(waiting.headers.get('retry-after')).toBe('30');
    advance(30_001);
    expect((await agents(a, adminToken)).status).toBe(200);
    // The success forgot the failures and the lockout: five free again, and 1 minute again.
    expect(await statuses(5, () => agents(a, wrongToken))).toEqual([401, 401, 401, 401, 401]);
    const locked = await agents(a, adminToken);
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('60');
  });

  it('doubles each further lockout of an address, up to an hour', async () => {
    await setup();
    const a = '203.0.113.12';
    const lockouts: number[] = [];
    const told: string[] = [];
    for (let i = 0; i < 8; i++) {
      expect(await statuses(4, () => agents(a, wrongToken))).toEqual([401, 401, 401, 401]);
      const fifth = await agents(a, wrongToken);
      expect(fifth.status).toBe(401);
      told.push(((await fifth.json()) as { error: string }).error.replace(/.*locked out for /, ''));
      const refused = await agents(a, adminToken);
      expect(refused.status).toBe(429);
      const seconds = Number(refused.headers.get('retry-after'));
      lockouts.push(seconds);
      advance(seconds * 1000 + 1);
    }
    expect(lockouts).toEqual([60, 120, 240, 480, 960, 1920, 3600, 3600]);
    expect(told).toEqual([
      '1 minute.',
      '2 minutes.',
      '4 minutes.',
      '8 minutes.',
      '16 minutes.',
      '32 minutes.',
      '1 hour.',
      '1 hour.',
    ]);
  });

  it('counts console logins and bearer tokens together, and refuses the login unchecked while locked out', async () => {
    await setup();
    const a = '203.0.113.13';
    expect(await statuses(3, () => agents(a, wrongToken))).toEqual([401, 401, 401]);
    expect(await statuses(2, () => login(a, wrongToken))).toEqual([401, 401]);
    const refused = await login(a, adminToken);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(refused.headers.get('set-cookie')).toBeNull();
    expect((await agents(a, adminToken)).status).toBe(429);
    const elsewhere = await login('198.51.100.22', adminToken);
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.headers.get('set-cookie')).toMatch(/^gh_session=/);
  });

  it('counts wrong tokens sent to /readyz too, and gives a locked-out address the short answer', async () => {
    await setup();
    const a = '203.0.113.17';
    const readyz = (token: string) =>
      from(a, '/readyz', { headers: { authorization: `Bearer ${token}` } });
    for (let i = 0; i < 4; i++) {
      expect((await (await readyz(wrongToken)).json()) as object).not.toHaveProperty('checks');
    }
    expect((await agents(a, wrongToken)).status).toBe(401);
    const short = (await (await readyz(adminToken)).json()) as Record<string, unknown>;
    expect(short).not.toHaveProperty('checks');
    expect((await agents(a, adminToken)).status).toBe(429);
    const full = await from('198.51.100.23', '/readyz', {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect((await full.json()) as Record<string, unknown>).toHaveProperty('checks');
  });

  it('does not count a request without an admin token, nor a login body that does not parse', async () => {
    await setup();
    const a = '203.0.113.14';
    for (let i = 0; i < 6; i++) {
      expect((await from(a, '/admin/api/agents')).status).toBe(401);
      const bad = await from(a, '/admin/api/session', { method: 'POST', body: '{' });
      expect(bad.status).toBe(400);
    }
    expect((await agents(a, adminToken)).status).toBe(200);
  });

  it('logs every failure, the lockout and every refusal, with the address and never a token', async () => {
    const harness = await setup();
    const a = '203.0.113.15';
    await statuses(5, () => agents(a, wrongToken));
    await login(a, adminToken);
    const lines = harness.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => typeof l.msg === 'string' && l.msg.startsWith('admin authentication'));
    expect(lines.map((l) => [l.msg, l.via, l.ip, l.failures ?? null])).toEqual([
      ['admin authentication failed: wrong admin token', 'admin:api', a, 1],
      ['admin authentication failed: wrong admin token', 'admin:api', a, 2],
      ['admin authentication failed: wrong admin token', 'admin:api', a, 3],
      ['admin authentication failed: wrong admin token', 'admin:api', a, 4],
      [
        'admin authentication failed: wrong admin token; this address is locked out',
        'admin:api',
        a,
        5,
      ],
      [
        'admin authentication refused unchecked: too many failures from this address',
        'admin:console',
        a,
        null,
      ],
    ]);
    expect(lines[4]).toMatchObject({ locked_for_s: 60, lockout: 1 });
    expect(lines[5]).toMatchObject({ retry_after_s: 60 });
    const all = harness.logs.join('\n');
    expect(all).not.toContain(wrongToken);
    expect(all).not.toContain(adminToken);
  });

  it('throttles an IPv6 caller by its /64, so fresh addresses in it do not buy fresh guesses', async () => {
    await setup();
    expect(
      await statuses(5, async () =>
        agents(`2001:db8:7:8::${Math.random().toString(16).slice(2, 6)}`, wrongToken),
      ),
    ).toEqual([401, 401, 401, 401, 401]);
    expect((await agents('2001:db8:7:8:ffff:1:2:3', adminToken)).status).toBe(429);
    expect((await agents('2001:db8:7:9::1', adminToken)).status).toBe(200);
  });

  it('ignores X-Forwarded-For unless a proxy is trusted, so a forged one buys no fresh address', async () => {
    await setup();
    const a = '203.0.113.16';
    let n = 0;
    const forged = () => agents(a, wrongToken, { 'x-forwarded-for': `192.0.2.${++n}` });
    expect(await statuses(5, forged)).toEqual([401, 401, 401, 401, 401]);
    expect((await forged()).status).toBe(429);
    expect((await agents(a, adminToken, { 'x-forwarded-for': '192.0.2.200' })).status).toBe(429);
  });

  it('behind a trusted proxy, throttles the address the proxy appended, not what the client put first', async () => {
    await setup({ trustProxy: true });
    const proxy = '10.0.0.2';
    let n = 0;
    // The proxy appends the address it saw to whatever X-Forwarded-For the client sent.
    const via = (client: string, token: string, forged = `192.0.2.${++n}`) =>
      agents(proxy, token, { 'x-forwarded-for': `${forged}, ${client}` });
    expect(await statuses(5, () => via('198.51.100.30', wrongToken))).toEqual([
      401, 401, 401, 401, 401,
    ]);
    expect((await via('198.51.100.30', adminToken)).status).toBe(429);
    // Another client behind the same proxy is another address.
    expect((await via('198.51.100.31', adminToken)).status).toBe(200);
  });
});
