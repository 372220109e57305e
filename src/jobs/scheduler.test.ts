import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { startScheduler } from './scheduler.js';

const logged: Array<{ obj: unknown; msg: string }> = [];
const logger = {
  warn: (obj: unknown, msg: string) => void logged.push({ obj, msg }),
  info: () => undefined,
  error: () => undefined,
  debug: () => undefined,
} as never;

beforeEach(() => {
  vi.useFakeTimers();
  logged.length = 0;
});
afterEach(() => vi.useRealTimers());

describe('the background scheduler', () => {
  it('runs each job on its interval, at start when asked', async () => {
    const runs: string[] = [];
    const s = startScheduler(
      [
        { name: 'prune things', everyMs: 1000, runAtStart: true, run: async () => runs.push('a') },
        { name: 'poll others', everyMs: 3000, run: async () => runs.push('b') },
      ],
      logger,
    );
    expect(runs).toEqual(['a']);
    await vi.advanceTimersByTimeAsync(3000);
    expect(runs).toEqual(['a', 'a', 'a', 'a', 'b']);
    await s.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(runs).toHaveLength(5);
  });

  it('never runs a job twice at once: a slow run makes ticks skip', async () => {
    let active = 0;
    let most = 0;
    let release!: () => void;
    const s = startScheduler(
      [
        {
          name: 'slow job',
          everyMs: 100,
          run: async () => {
            active += 1;
            most = Math.max(most, active);
            await new Promise<void>((r) => (release = r));
            active -= 1;
          },
        },
      ],
      logger,
    );
    await vi.advanceTimersByTimeAsync(1000);
    expect(most).toBe(1);
    const stopping = s.stop();
    let stopped = false;
    void stopping.then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false); // stop waits for the run in progress
    release();
    await stopping;
    expect(active).toBe(0);
  });

  it('logs a failure with the job name and retries at the next tick', async () => {
    let calls = 0;
    const s = startScheduler(
      [
        {
          name: 'expire held calls',
          everyMs: 500,
          run: async () => {
            calls += 1;
            if (calls === 1) throw new Error('database is locked');
          },
        },
      ],
      logger,
    );
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toBe(2);
    expect(logged).toEqual([
      {
        obj: expect.objectContaining({ job: 'expire held calls' }),
        msg: 'could not expire held calls; will retry',
      },
    ]);
    await expect(s.runNow('nothing')).rejects.toThrow(/no background job named nothing/);
    await s.stop();
  });
});
