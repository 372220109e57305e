// The calls in flight, for a graceful stop: each call is counted while it runs and its budget
// reservation released when it ends; `drain` resolves once none runs; after `stopAccepting`, the
// pipeline refuses new calls (as Gatehouse shutting down) while those in flight finish.
import type { Held } from './budget.js';

/** What the pipeline and the approval lifecycle use to count calls in flight. */
export interface InFlight {
  /**
   * Runs `work` counted as in flight, with a fresh reservation released at the end (see
   * Budgets.release): locally when `work` has settled, and in the replicas' shared count, like
   * the call's place in flight, once whatever it left in `held.trailing` (its audit completion)
   * has settled too.
   */
  tracked<T>(work: (held: Held) => Promise<T>): Promise<T>;
  count(): number;
  /** Resolves when no call is in flight. */
  drain(): Promise<void>;
  stopAccepting(): void;
  accepting(): boolean;
}

export function createInFlight(release: (held: Held, part?: 'local' | 'shared') => void): InFlight {
  let active = 0;
  let idle: Array<() => void> = [];
  let accepting = true;
  return {
    async tracked(work) {
      active += 1;
      const trailing: Array<Promise<unknown>> = [];
      const held: Held = { agentId: null, credits: 0, trailing };
      const end = () => {
        release(held, 'shared');
        active -= 1;
        if (active === 0) {
          const waiting = idle;
          idle = [];
          for (const resolve of waiting) resolve();
        }
      };
      try {
        return await work(held);
      } finally {
        release(held, 'local');
        if (trailing.length) void Promise.allSettled(trailing).then(end);
        else end();
      }
    },
    count: () => active,
    drain: () =>
      active === 0 ? Promise.resolve() : new Promise<void>((resolve) => idle.push(resolve)),
    stopAccepting: () => {
      accepting = false;
    },
    accepting: () => accepting,
  };
}
