// The pacer decides when a call to an Apollo endpoint may go, so that Gatehouse delivers Apollo's
// whole allowance and Apollo never answers 429. Apollo counts per endpoint in three
// fixed windows (minute, hour, day) evaluated together; each window opens at the first request
// after the previous one ended. The pacer keeps the same windows, reserves a slot when a call is
// granted (so concurrent calls cannot overrun), queues the rest per agent and serves agents round
// robin when a window reopens. Pure: time and timers are injected, there is no I/O.
//
// Latency margin. Apollo opens a window when a call *arrives*, Gatehouse when it *sends*. With a
// one-way delay between 0 and `marginMs`, Apollo's window starts somewhere in [s, s + margin] for
// a window Gatehouse opened at s. So a call counted in a window must be sent before
// s + window - margin (it then arrives before Apollo's window can end), and the next window may
// open only at s + window + margin (its first call then arrives after Apollo's window has surely
// ended). Under those two rules Apollo's window holds exactly the calls Gatehouse counted in the
// matching window, so Apollo's count never exceeds Gatehouse's and never its limit. The cost is
// one margin per saturated window (1.7 % of a minute at the default 1 s); `marginMs: 0` gives the
// plain model. The same reasoning keeps Apollo's window bounded when a reserved call is given back
// (`cancelReservation`) and when Apollo's own count corrects ours (`observe`). The guarantee
// assumes Gatehouse is the only client of the team's windows; other clients are caught by
// `observe` and, when they still cause a 429, by `hold`.
//
// The parts: state.ts (what is counted), windows.ts (when a window lets a call go), estimate.ts
// (how long a call would wait), reservations.ts (slots taken and given back), queue.ts (the
// round-robin queue and its timer), reconcile.ts (Apollo's headers, usage stats and 429s).
import { windows, type Window } from '../catalog/index.js';

import { aheadFor, estimate, refusal, waitFor } from './estimate.js';
import { enqueue, pump, refuseAll } from './queue.js';
import { figuresFromHeaders, figuresFromUsageStats, hold, reconcile } from './reconcile.js';
import { giveBack, reserve } from './reservations.js';
import { bucketFor, createState, newBucket } from './state.js';
import type { Pacer, PacerOptions, PacerWindowSnapshot } from './types.js';
import { blockedUntil, cappedUntil, live } from './windows.js';

/** Builds a pacer. Throws on invalid options (a wiring bug). */
export function createPacer(options: PacerOptions): Pacer {
  const s = createState(options);

  return {
    acquire(name, agentId, { maxWaitMs, signal }) {
      const b = bucketFor(s, name);
      if (s.closed) return Promise.resolve(refusal(s, b, agentId, 'closed', 0));
      if (signal?.aborted) return Promise.resolve(refusal(s, b, agentId, 'cancelled', 0));
      const maxWait = Number.isNaN(maxWaitMs) ? 0 : Math.max(0, maxWaitMs);
      // Serve waiters whose time has come first, so a newcomer never jumps them.
      pump(s, b);
      const now = s.clock.now();
      if (b.queued === 0 && !blockedUntil(b, now) && cappedUntil(s, b, agentId, now) === null) {
        return Promise.resolve(reserve(s, b, agentId, now, null));
      }
      const ahead = aheadFor(s, b, agentId, now);
      if (b.queued >= s.maxQueue) {
        return Promise.resolve(refusal(s, b, agentId, 'queue_full', ahead));
      }
      const found = estimate(s, b, agentId, ahead, now, maxWait);
      // The estimate stops once it passes maxWait; the refusal states the whole wait.
      if (found.ms > maxWait) {
        return Promise.resolve(refusal(s, b, agentId, 'wait_too_long', ahead));
      }
      return enqueue(s, b, { agentId, now, maxWait, ahead, waitedFor: found.window, signal });
    },

    cancelReservation(grant) {
      const b = giveBack(s, grant);
      if (!b) return false;
      pump(s, b);
      return true;
    },

    observe(grant, info) {
      const self = s.reservations.get(grant);
      const b = self?.bucket ?? bucketFor(s, grant.bucket);
      reconcile(s, b, figuresFromHeaders(info), grant.grantedAt, self ?? null);
    },

    observeUsageStats(name, stats, requestedAt) {
      reconcile(s, bucketFor(s, name), figuresFromUsageStats(stats), requestedAt, null);
    },

    hold(name, retryAfterSeconds, window) {
      hold(s, bucketFor(s, name), retryAfterSeconds, window);
    },

    setLimits(name, limits) {
      const b = bucketFor(s, name);
      for (const w of windows) {
        const limit = limits[w];
        if (limit !== undefined) b.limits[w] = limit;
      }
      pump(s, b);
    },

    snapshot(name) {
      const b = s.buckets.get(name) ?? newBucket(s, name);
      const now = s.clock.now();
      const out = {} as Record<Window, PacerWindowSnapshot>;
      for (const w of windows) {
        const inst = live(b, w, now);
        const limit = b.limits[w];
        const sent = inst?.sent ?? 0;
        out[w] = Object.freeze({
          limit,
          sent,
          left: limit === null ? null : Math.max(0, limit - sent),
          resetsInMs: inst ? inst.resetAt - now : null,
        });
      }
      return Object.freeze({
        bucket: name,
        windows: Object.freeze(out),
        queued: b.queued,
        agentsWaiting: b.queues.size,
        heldForMs: Math.max(0, b.heldUntil - now),
        estimatedWaitMs: waitFor(s, b, null, now),
      });
    },

    estimateWaitMs(name, agentId) {
      const b = s.buckets.get(name) ?? newBucket(s, name);
      return waitFor(s, b, agentId ?? null, s.clock.now());
    },

    close() {
      s.closed = true;
      for (const b of s.buckets.values()) refuseAll(s, b);
    },
  };
}
