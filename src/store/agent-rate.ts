// Each agent's own requests-per-minute limit, over rate-limiter-flexible: counts in this
// process's memory, or in Redis so every replica counts the same calls. Every call the agent makes
// is counted in a fixed one-minute window that starts at its first call; a call past the agent's
// limit is refused until that window ends. The limit is read per call (an admin may change it at
// any time), so the limiter itself allows far more than any limit and the comparison is here.
// While Redis is unreachable each replica counts in its own memory (insuranceLimiter): the limit
// then holds per replica, which is the admin's throttle loosened, never Apollo's windows (the
// pacer guards those).
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';

import type { AgentRateLimiter, Logger } from '../ports/index.js';

import type { RedisConnection } from './redis-shared.js';

/** Options for {@link createAgentRateLimiter}. */
export interface AgentRateOptions {
  /** Redis for replicas; without it the counts live in this process's memory. */
  readonly redis?: RedisConnection | undefined;
  /** Starts every Redis key (one prefix per deployment, or per test). */
  readonly keyPrefix: string;
  readonly logger?: Logger;
}

const windowSeconds = 60;

export function createAgentRateLimiter(options: AgentRateOptions): AgentRateLimiter {
  const base = {
    keyPrefix: `${options.keyPrefix}:agent-rate`,
    points: Number.MAX_SAFE_INTEGER,
    duration: windowSeconds,
  };
  let limiter: RateLimiterMemory | RateLimiterRedis | null = null;
  const build = async () => {
    if (limiter) return limiter;
    if (!options.redis) return (limiter = new RateLimiterMemory(base));
    const client = await options.redis.client();
    return (limiter = new RateLimiterRedis({
      ...base,
      storeClient: client,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(base),
    }));
  };
  return {
    async take(agentId, perMinute) {
      const counted = await (await build()).consume(agentId, 1);
      if (counted.consumedPoints <= perMinute) return { ok: true };
      return { ok: false, retryAfterMs: Math.max(1, counted.msBeforeNext) };
    },
  };
}
