// Failed-authentication counters per client key, with a lockout that doubles each time, over
// rate-limiter-flexible: in this process's memory, or in Redis so every replica counts the same
// guesses. Two counters per key:
//   - failures: every attempt is counted *before* its credential is checked (one atomic INCR), so
//     a burst of concurrent guesses cannot all be checked before the first failure lands; a
//     success deletes the count. The `freeFailures`-th failure starts a lockout, which overwrites
//     the count with "over the limit" for the lockout's length: until it expires every attempt is
//     refused unchecked, then the key starts again from zero.
//   - lockouts: how many lockouts the key has had recently; each doubles the next one's length
//     (first, 2×first, 4×first … capped at `maxLockoutMs`), forgotten after `lockoutMemoryMs`
//     without a lockout, or at the next success.
// Time is the store's: Date.now() in memory, the Redis server's clock for key expiry.
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterRes } from 'rate-limiter-flexible';

import type { AuthAttempt, AuthThrottle, Logger } from '../ports/index.js';

import type { RedisConnection } from './redis-shared.js';

/** How many failures are free and how long the lockouts that follow last. */
export interface AuthThrottleLimits {
  /** Failures a key may make before it is locked out (default 5). */
  readonly freeFailures: number;
  /** The first lockout (default 1 minute); each further one doubles. */
  readonly firstLockoutMs: number;
  /** The longest lockout (default 1 hour). */
  readonly maxLockoutMs: number;
  /** Failures fewer than `freeFailures` are forgotten this long after the first (default 1 hour). */
  readonly failureWindowMs: number;
  /** Lockouts are forgotten this long after the last one (default 24 hours). */
  readonly lockoutMemoryMs: number;
}

/** The defaults: 5 free failures, then 1, 2, 4 … minutes, at most an hour. */
export const defaultAuthThrottleLimits: AuthThrottleLimits = {
  freeFailures: 5,
  firstLockoutMs: 60_000,
  maxLockoutMs: 3_600_000,
  failureWindowMs: 3_600_000,
  lockoutMemoryMs: 86_400_000,
};

/** Options for {@link createAuthThrottle}. */
export interface AuthThrottleOptions {
  /** Redis for replicas; without it the counters live in this process's memory. */
  readonly redis?: RedisConnection;
  /** Starts every Redis key (one prefix per deployment, or per test). */
  readonly keyPrefix: string;
  readonly limits?: Partial<AuthThrottleLimits>;
  /** Told when Redis fails and the memory fallback answers instead. */
  readonly logger?: Logger;
}

// rate-limiter-flexible counts in whole seconds, and 0 would mean "never expires".
const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** The lockout number `n` (1-based) lasts first × 2^(n-1), capped. */
export function lockoutMs(n: number, limits: AuthThrottleLimits): number {
  const doubled = limits.firstLockoutMs * 2 ** Math.min(Math.max(n - 1, 0), 30);
  return Math.min(doubled, limits.maxLockoutMs);
}

/** A throttle over memory, or over Redis (falling back to memory while Redis is unreachable). */
export function createAuthThrottle(options: AuthThrottleOptions): AuthThrottle {
  const limits = { ...defaultAuthThrottleLimits, ...options.limits };
  const failureOptions = {
    keyPrefix: `${options.keyPrefix}:failures`,
    points: limits.freeFailures,
    duration: seconds(limits.failureWindowMs),
  };
  const lockoutOptions = {
    keyPrefix: `${options.keyPrefix}:lockouts`,
    points: Number.MAX_SAFE_INTEGER,
    duration: seconds(limits.lockoutMemoryMs),
  };
  type Limiter = RateLimiterMemory | RateLimiterRedis;
  let built: { failures: Limiter; lockouts: Limiter } | null = null;
  let warned = false;

  // Refusing every admin login while Redis is down would lock the admins out of the console that
  // shows the outage, so each replica counts in its own memory meanwhile (insuranceLimiter): an
  // attacker then gets `freeFailures` guesses per replica per lockout instead of per deployment,
  // still far too few to matter against a 32-character token.
  const insured = (base: typeof failureOptions, client: Redis) =>
    new RateLimiterRedis({
      ...base,
      storeClient: client,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(base),
    });

  async function limiters() {
    if (options.redis) {
      const client = await options.redis.client();
      if (client.status !== 'ready' && !warned) {
        warned = true;
        options.logger?.warn(
          { redis: client.status },
          'Redis is unreachable: admin authentication failures are counted in this process only until it is back',
        );
      } else if (client.status === 'ready') {
        warned = false;
      }
      built ??= {
        failures: insured(failureOptions, client),
        lockouts: insured(lockoutOptions, client),
      };
    } else {
      built ??= {
        failures: new RateLimiterMemory(failureOptions),
        lockouts: new RateLimiterMemory(lockoutOptions),
      };
    }
    return built;
  }

  // The memory store answers an expired record until its timer removes it: not a live count.
  const live = (res: RateLimiterRes | null) => (res && res.msBeforeNext > 0 ? res : null);

  return {
    async attempt(key): Promise<AuthAttempt> {
      const { failures } = await limiters();
      const counted = await failures.penalty(key, 1);
      if (counted.consumedPoints > limits.freeFailures) {
        // Locked out (or racing the failure that is starting the lockout, whose time is then the
        // failure window's: an overestimate only for a burst of concurrent guesses).
        return { ok: false, retryAfterMs: Math.max(1000, counted.msBeforeNext) };
      }
      return { ok: true, failures: counted.consumedPoints - 1 };
    },
    async failed(key, before) {
      if (before + 1 < limits.freeFailures) return null;
      const { failures, lockouts } = await limiters();
      const lockout = (live(await lockouts.get(key))?.consumedPoints ?? 0) + 1;
      const ms = lockoutMs(lockout, limits);
      await lockouts.set(key, lockout, seconds(limits.lockoutMemoryMs));
      await failures.block(key, seconds(ms));
      return { lockedForMs: seconds(ms) * 1000, lockout };
    },
    async succeeded(key) {
      const { failures, lockouts } = await limiters();
      await Promise.all([failures.delete(key), lockouts.delete(key)]);
    },
  };
}
