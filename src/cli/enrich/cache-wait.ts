// How a row waits for the answer its twin paid for to be in the enrichment cache. The pipeline
// answers a paid call before its cache write lands and announces nothing when it does, so the row
// looks again at growing intervals, for a bounded time; a row that gives up is answered by Apollo
// instead (and pays), which is what it would have done without the cache.
import { setTimeout as sleepFor } from 'node:timers/promises';

/** How long a row waits for the cache to hold the answer its twin paid for. */
export const cacheWaitMs = 1000;

/** The clock the wait runs on; tests pass one that only moves when asked. */
export interface WaitClock {
  now(): number;
  /** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

const realClock: WaitClock = {
  now: () => performance.now(),
  sleep: (ms, signal) => sleepFor(ms, undefined, { signal }).catch(() => undefined),
};

/** Resolves once `cached()` is true, `limitMs` have passed or `signal` aborts. */
export async function untilCached(
  cached: () => Promise<boolean>,
  signal: AbortSignal,
  limitMs = cacheWaitMs,
  clock: WaitClock = realClock,
): Promise<void> {
  const deadline = clock.now() + limitMs;
  for (let pause = 5; !signal.aborted; pause = Math.min(pause * 2, 100)) {
    if (await cached()) return;
    const left = deadline - clock.now();
    if (left <= 0) return;
    await clock.sleep(Math.min(pause, left), signal);
  }
}
