// Window arithmetic of the in-process pacer: which instance of a window is open, when a window
// lets a call go again, and when an agent's own share of a window does (see pacer.ts for why a
// window is sent into until `resetAt - 2 × margin` and reopens only a margin after it ends).
import { windows, type Window } from '../catalog/index.js';

import type { Bucket, Instance, PacerState, Reservation } from './state.js';

/** The open instance of a window, dropping one that has ended. */
export function live(b: Bucket, w: Window, now: number): Instance | undefined {
  const inst = b.inst[w];
  if (inst && now >= inst.resetAt) {
    delete b.inst[w];
    return undefined;
  }
  return inst;
}

/** A new instance of window `w` opened at `at` by `anchor` (null when none of ours opened it). */
export function openInstance(
  s: PacerState,
  w: Window,
  at: number,
  anchor: Reservation | null,
): Instance {
  return {
    sent: 0,
    sendUntil: at + s.lengths[w] - s.margin,
    resetAt: at + s.lengths[w] + s.margin,
    anchor,
    confirmedAt: Infinity,
    byAgent: s.shares[w] === undefined ? null : new Map(),
    held: false,
    syncedBefore: -Infinity,
  };
}

/** When every window lets a call go, with the window that reopens last; null if one may go now. */
export function blockedUntil(
  b: Bucket,
  now: number,
): { until: number; window: Window | null } | null {
  let until = b.heldUntil;
  let window: Window | null = null;
  for (const w of windows) {
    const limit = b.limits[w];
    const inst = live(b, w, now);
    let reopens: number | null = null;
    if (limit === 0) reopens = Infinity;
    else if (
      inst &&
      (inst.held || (limit !== null && (now >= inst.sendUntil || inst.sent >= limit)))
    ) {
      reopens = inst.resetAt;
    }
    if (reopens !== null && reopens > until) {
      until = reopens;
      window = w;
    }
  }
  return until > now ? { until, window } : null;
}

/** The most calls one agent may make in an instance of `w`; null when no share applies. */
export function agentCap(s: PacerState, b: Bucket, w: Window): number | null {
  const share = s.shares[w];
  const limit = b.limits[w];
  return share === undefined || limit === null ? null : Math.max(1, Math.floor(limit * share));
}

/** When the agent's own share lets it go again; null when it is not capped. */
export function cappedUntil(s: PacerState, b: Bucket, agentId: string, now: number): number | null {
  let until: number | null = null;
  for (const w of windows) {
    const cap = agentCap(s, b, w);
    const inst = cap === null ? undefined : live(b, w, now);
    if (cap !== null && inst?.byAgent && (inst.byAgent.get(agentId) ?? 0) >= cap) {
      until = Math.max(until ?? -Infinity, inst.resetAt);
    }
  }
  return until;
}
