// Time driven by hand, for the pacer's tests and benchmarks: a clock and a scheduler in one, so a
// day of windows runs in milliseconds and every timer fires at its own time, in order.
import type { PacerClock, SetTimer } from '../../src/pacing/types.js';

/** Time driven by hand, for tests and benchmarks: a clock and a scheduler in one. */
export interface ManualTime extends PacerClock {
  readonly setTimer: SetTimer;
  /** Moves the clock to `t`, running every timer due by then at its own time, in order. */
  advanceTo(t: number): void;
  advance(ms: number): void;
  /** The time of the earliest pending timer, or null. */
  nextTimerAt(): number | null;
  pendingTimers(): number;
}

/** A manual clock and scheduler starting at `start`. */
export function createManualTime(start = 0): ManualTime {
  let now = start;
  let seq = 0;
  const timers: { at: number; seq: number; fn: () => void }[] = [];
  const earliest = (): number => {
    let best = -1;
    timers.forEach((t, i) => {
      const b = timers[best];
      if (!b || t.at < b.at || (t.at === b.at && t.seq < b.seq)) best = i;
    });
    return best;
  };
  const time: ManualTime = {
    now: () => now,
    setTimer(fn, ms) {
      const timer = { at: now + Math.max(0, ms), seq: seq++, fn };
      timers.push(timer);
      return () => {
        const i = timers.indexOf(timer);
        if (i >= 0) timers.splice(i, 1);
      };
    },
    advanceTo(t) {
      for (;;) {
        const i = earliest();
        const timer = timers[i];
        if (!timer || timer.at > t) break;
        timers.splice(i, 1);
        now = Math.max(now, timer.at);
        timer.fn();
      }
      now = Math.max(now, t);
    },
    advance(ms) {
      time.advanceTo(now + ms);
    },
    nextTimerAt() {
      return timers[earliest()]?.at ?? null;
    },
    pendingTimers: () => timers.length,
  };
  return time;
}
