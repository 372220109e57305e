// With GATEHOUSE_REDIS_URL the admin-authentication throttle counts in Redis, so replicas share
// one count per address: wrong tokens spread over two instances lock the address out on both, and
// a success on either clears it for both. While Redis is unreachable each instance counts in its
// own memory instead, so admins can still log in and guesses are still throttled.
import { randomBytes } from 'node:crypto';

import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { createHarness, type Harness } from '../helpers/harness.js';
import { redisUrl, requireRedis } from '../helpers/redis.js';

const run = await requireRedis();
const adminToken = 'admin-token-for-redis-throttle-0123456789';
const wrongToken = 'not-the-admin-token-guess-0123456789abcd';
const keyPrefix = `test:admin-auth:${randomBytes(6).toString('hex')}`;

const opened: Harness[] = [];
afterEach(async () => {
  for (const h of opened.splice(0)) await h.close();
});
afterAll(async () => {
  if (!run) return;
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${keyPrefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

async function replica(url = redisUrl) {
  const h = await createHarness({
    config: { adminToken, redisUrl: url },
    adminThrottle: { keyPrefix },
  });
  opened.push(h);
  return h;
}
function agents(h: Harness, address: string, token: string) {
  return h.app.app.request(
    '/admin/api/agents',
    { headers: { authorization: `Bearer ${token}` } },
    { incoming: { socket: { remoteAddress: address } } },
  );
}
async function statuses(n: number, call: () => Response | Promise<Response>) {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await call()).status);
  return out;
}

describe.runIf(run)('admin authentication throttle in Redis', () => {
  it('locks an address out on every replica when its wrong tokens are spread over two', async () => {
    const [one, two] = [await replica(), await replica()];
    const a = '203.0.113.40';
    expect(await statuses(3, () => agents(one, a, wrongToken))).toEqual([401, 401, 401]);
    expect(await statuses(2, () => agents(two, a, wrongToken))).toEqual([401, 401]);
    for (const h of [one, two]) {
      const refused = await agents(h, a, adminToken);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
      expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    }
    expect((await agents(two, '198.51.100.40', adminToken)).status).toBe(200);
  });

  it('clears the shared count when the right token arrives at either replica', async () => {
    const [one, two] = [await replica(), await replica()];
    const a = '203.0.113.41';
    expect(await statuses(4, () => agents(one, a, wrongToken))).toEqual([401, 401, 401, 401]);
    expect((await agents(two, a, adminToken)).status).toBe(200);
    // Four more are free again on the first replica; the fifth locks the address.
    expect(await statuses(5, () => agents(one, a, wrongToken))).toEqual([401, 401, 401, 401, 401]);
    expect((await agents(two, a, adminToken)).status).toBe(429);
  });
});

describe('admin authentication throttle with Redis unreachable', () => {
  it("counts in the instance's memory instead: the admin still gets in, guesses are still refused", async () => {
    const h = await replica('redis://127.0.0.1:1');
    const a = '203.0.113.42';
    expect((await agents(h, a, adminToken)).status).toBe(200);
    expect(await statuses(5, () => agents(h, a, wrongToken))).toEqual([401, 401, 401, 401, 401]);
    expect((await agents(h, a, adminToken)).status).toBe(429);
    expect((await agents(h, '198.51.100.42', adminToken)).status).toBe(200);
    expect(h.logs.join('\n')).toMatch(
      /Redis is unreachable: admin authentication failures are counted in this process only/,
    );
  });
});
