// Pins how a row waits for its twin's answer to reach the cache: it goes as soon as a lookup finds
// it, gives up after the limit (so a cache that refuses the answer costs a second, not the run),
// and ends at once when the run is stopping.
import { describe, expect, it } from 'vitest';

import { untilCached, type WaitClock } from './cache-wait.js';

/** A clock that moves only by the pauses the wait asks for, ending a pause early on abort. */
function fakeClock() {
  let now = 0;
  const pauses: number[] = [];
  const clock: WaitClock = {
    now: () => now,
    sleep: async (ms, signal) => {
      pauses.push(ms);
      if (!signal.aborted) now += ms;
    },
  };
  return { clock, pauses, elapsed: () => now };
}

async function measure(cached: (look: number) => boolean, signal = new AbortController().signal) {
  const { clock, pauses, elapsed } = fakeClock();
  let looks = 0;
  await untilCached(async () => cached(++looks), signal, 1000, clock);
  return { ms: elapsed(), looks, pauses };
}

describe('untilCached', () => {
  it('goes on the first lookup that finds the answer', async () => {
    expect(await measure(() => true)).toEqual({ ms: 0, looks: 1, pauses: [] });
    expect(await measure((look) => look === 3)).toEqual({ ms: 15, looks: 3, pauses: [5, 10] });
  });

  it('gives up after the limit, looking less often as it waits', async () => {
    const never = await measure(() => false);
    expect(never.ms).toBe(1000);
    expect(never.pauses.slice(0, 6)).toEqual([5, 10, 20, 40, 80, 100]);
    expect(Math.max(...never.pauses)).toBe(100);
    expect(never.looks).toBe(never.pauses.length + 1);
  });

  it('ends at once when the run is stopping', async () => {
    const stopping = new AbortController();
    const result = await measure((look) => {
      if (look === 2) stopping.abort();
      return false;
    }, stopping.signal);
    expect(result).toEqual({ ms: 5, looks: 2, pauses: [5, 10] });
  });
});
