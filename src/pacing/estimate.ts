// How long a call would wait: the queue ahead of it under round robin, replayed forward through
// the windows as they reopen, plus the agent's own share. Refusals state this wait as their
// retry-after, so an agent that retries then finds room.
import { windows, type Window } from '../catalog/index.js';

import type { Bucket, PacerState } from './state.js';
import type { Refusal, RefusalReason } from './types.js';
import { agentCap, blockedUntil, cappedUntil, live } from './windows.js';

/** Bounds the wait simulation; each pair of steps places at least one call. */
const maxSimulationSteps = 100_000;

/** A wait and the window that causes it (null when only the queue or a hold does). */
export interface Wait {
  readonly ms: number;
  readonly window: Window | null;
}

/**
 * Calls served before a new one from `agentId` under round robin: its own, and as many per
 * other agent (agents held back by their share are left out).
 */
export function aheadFor(s: PacerState, b: Bucket, agentId: string | null, now: number): number {
  if (agentId === null) return b.queued;
  const own = b.queues.get(agentId)?.length ?? 0;
  let ahead = own;
  for (const [other, q] of b.queues) {
    if (other !== agentId && cappedUntil(s, b, other, now) === null) {
      ahead += Math.min(q.length, own + 1);
    }
  }
  return ahead;
}

/**
 * When the `n`th call from now could go if the queue were served in order and nothing else
 * arrived: replays the windows forward, filling each as it reopens.
 */
function simulate(s: PacerState, b: Bucket, n: number, now: number, cutoff: number): Wait {
  const { lengths, margin } = s;
  const sim = windows.map((w) => {
    const inst = live(b, w, now);
    return {
      w,
      limit: b.limits[w],
      live: inst !== undefined,
      sent: inst?.sent ?? 0,
      sendUntil: inst?.sendUntil ?? 0,
      resetAt: inst?.resetAt ?? 0,
      held: inst?.held ?? false,
    };
  });
  let t = now;
  let window: Window | null = null;
  if (b.heldUntil > t) t = b.heldUntil;
  let remaining = n;
  for (let step = 0; step < maxSimulationSteps; step++) {
    let capacity = Infinity;
    let wake = t;
    let wakeWindow: Window | null = null;
    for (const x of sim) {
      if (x.live && t >= x.resetAt) x.live = false;
      let room: number;
      let reopens = t;
      if (x.limit === 0) {
        room = 0;
        reopens = Infinity;
      } else if (!x.live) {
        room = x.limit ?? Infinity;
      } else if (x.held || (x.limit !== null && (t >= x.sendUntil || x.sent >= x.limit))) {
        room = 0;
        reopens = x.resetAt;
      } else {
        room = x.limit === null ? Infinity : x.limit - x.sent;
      }
      if (room === 0 && reopens > wake) {
        wake = reopens;
        wakeWindow = x.w;
      }
      capacity = Math.min(capacity, room);
    }
    if (capacity >= remaining) return { ms: t - now, window };
    if (capacity > 0) {
      for (const x of sim) {
        if (!x.live) {
          Object.assign(x, {
            live: true,
            sent: 0,
            sendUntil: t + lengths[x.w] - margin,
            resetAt: t + lengths[x.w] + margin,
            held: false,
          });
        }
        x.sent += capacity;
      }
      remaining -= capacity;
      continue;
    }
    t = wake;
    window = wakeWindow;
    if (!Number.isFinite(t) || t - now > cutoff) return { ms: t - now, window };
  }
  return { ms: Infinity, window };
}

/** The simulation plus the agent's own share: it waits for the instances it has used up. */
export function estimate(
  s: PacerState,
  b: Bucket,
  agentId: string | null,
  ahead: number,
  now: number,
  cutoff: number,
): Wait {
  let result = simulate(s, b, ahead + 1, now, cutoff);
  if (agentId === null) return result;
  const own = b.queues.get(agentId)?.length ?? 0;
  for (const w of windows) {
    const cap = agentCap(s, b, w);
    if (cap === null) continue;
    const inst = live(b, w, now);
    const used = inst?.byAgent?.get(agentId) ?? 0;
    const resets = Math.floor((used + own) / cap);
    if (resets === 0) continue;
    const cycle = s.lengths[w] + s.margin;
    const ms = (inst ? inst.resetAt - now : cycle) + (resets - 1) * cycle;
    if (ms > result.ms) result = { ms, window: w };
  }
  return result;
}

/** How long a new call (from `agentId`, when given) would wait now; 0 when it would go at once. */
export function waitFor(s: PacerState, b: Bucket, agentId: string | null, now: number): number {
  if (b.queued === 0 && !blockedUntil(b, now)) {
    if (agentId === null) return 0;
    const capped = cappedUntil(s, b, agentId, now);
    if (capped === null) return 0;
  }
  return estimate(s, b, agentId, aheadFor(s, b, agentId, now), now, Infinity).ms;
}

function retrySeconds(s: PacerState, ms: number, w: Window | null): number {
  const wait = Number.isFinite(ms) ? ms : s.lengths[w ?? 'day'];
  return Math.max(1, Math.ceil(wait / 1000));
}

/** A refusal stating when the call could go if retried, the queue ahead considered. */
export function refusal(
  s: PacerState,
  b: Bucket,
  agentId: string,
  reason: RefusalReason,
  ahead: number,
): Refusal {
  const est = estimate(s, b, agentId, ahead, s.clock.now(), Infinity);
  return Object.freeze({
    ok: false as const,
    bucket: b.name,
    agentId,
    reason,
    retryAfterSeconds: retrySeconds(s, est.ms, est.window),
    window: est.window,
    ahead,
  });
}
