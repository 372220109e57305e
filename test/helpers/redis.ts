// The local Redis for tests of the shared rate windows (127.0.0.1:6379 on every machine, CI's
// included; GATEHOUSE_TEST_REDIS_URL overrides). Unreachable: the tests fail under CI=true and
// are skipped with a warning elsewhere, like the Postgres suites.
import { Redis } from 'ioredis';

export const redisUrl = process.env.GATEHOUSE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** True when Redis answers PING within a second. */
export async function redisReachable(url = redisUrl): Promise<boolean> {
  const r = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

/** Whether Redis tests run: throws under CI=true when Redis is unreachable. */
export async function requireRedis(): Promise<boolean> {
  if (await redisReachable()) return true;
  if (process.env.CI === 'true') {
    throw new Error(
      `Redis is not reachable at ${redisUrl}, and CI=true: the Redis tests must run.`,
    );
  }
  console.warn(`Redis is not reachable at ${redisUrl}: skipping the Redis tests.`);
  return false;
}
