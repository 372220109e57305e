// The round-robin queue: calls that cannot go yet wait in their agent's own FIFO, and when a
// window reopens the agents are served in turn (one call each), so one busy agent cannot starve
// the others. One timer per bucket wakes the queue when a waiter may go or reaches its deadline.
import type { Window } from '../catalog/index.js';

import { aheadFor, refusal } from './estimate.js';
import { reserve } from './reservations.js';
import type { Bucket, PacerState, Waiter } from './state.js';
import type { AcquireOptions, Grant, Refusal } from './types.js';
import { blockedUntil, cappedUntil } from './windows.js';

function settle(waiter: Waiter, result: Grant | Refusal): void {
  if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
  waiter.onAbort = null;
  waiter.resolve(result);
}

function removeWaiter(b: Bucket, waiter: Waiter): boolean {
  const q = b.queues.get(waiter.agentId);
  const i = q ? q.indexOf(waiter) : -1;
  if (!q || i < 0) return false;
  q.splice(i, 1);
  if (q.length === 0) b.queues.delete(waiter.agentId);
  b.queued -= 1;
  return true;
}

/** The next waiter under round robin: the first agent in turn that its share lets go. */
function nextWaiter(s: PacerState, b: Bucket, now: number): Waiter | null {
  for (const [agentId, q] of b.queues) {
    if (cappedUntil(s, b, agentId, now) !== null) continue;
    const waiter = q.shift()!;
    b.queues.delete(agentId);
    if (q.length > 0) b.queues.set(agentId, q);
    b.queued -= 1;
    return waiter;
  }
  return null;
}

function clearTimer(b: Bucket): void {
  b.timer?.cancel();
  b.timer = null;
}

/** One timer per bucket, at the earliest time a waiter may go or reach its deadline. */
function schedule(s: PacerState, b: Bucket, now: number): void {
  if (b.queued === 0 || s.closed) {
    clearTimer(b);
    return;
  }
  let wake = b.minDeadline;
  const blocked = blockedUntil(b, now);
  if (blocked) wake = Math.min(wake, blocked.until);
  else {
    for (const agentId of b.queues.keys()) {
      const until = cappedUntil(s, b, agentId, now);
      if (until !== null) wake = Math.min(wake, until);
    }
  }
  if (b.timer?.at === wake) return;
  clearTimer(b);
  if (!Number.isFinite(wake)) return;
  const at = wake;
  b.timer = {
    at,
    cancel: s.setTimer(
      () => {
        if (b.timer?.at !== at) return;
        b.timer = null;
        pump(s, b);
      },
      Math.max(1, Math.ceil(at - now)),
    ),
  };
}

/** Grants what the windows allow, round robin; then refuses waiters past their deadline. */
export function pump(s: PacerState, b: Bucket, inAcquire: Waiter | null = null): void {
  if (s.closed) return;
  const now = s.clock.now();
  while (b.queued > 0 && !blockedUntil(b, now)) {
    const waiter = nextWaiter(s, b, now);
    if (!waiter) break;
    const atOnce = waiter === inAcquire;
    settle(
      waiter,
      reserve(s, b, waiter.agentId, now, {
        arrivedAt: waiter.arrivedAt,
        position: atOnce ? 0 : waiter.position,
        waitedFor: atOnce ? null : waiter.waitedFor,
      }),
    );
  }
  if (b.queued > 0 && now >= b.minDeadline) {
    let min = Infinity;
    for (const q of [...b.queues.values()]) {
      for (const waiter of [...q]) {
        if (waiter.deadline <= now) {
          removeWaiter(b, waiter);
          const ahead = aheadFor(s, b, waiter.agentId, now);
          settle(waiter, refusal(s, b, waiter.agentId, 'wait_too_long', ahead));
        } else min = Math.min(min, waiter.deadline);
      }
    }
    b.minDeadline = min;
  }
  if (b.queued === 0) b.minDeadline = Infinity;
  schedule(s, b, now);
}

/** Queues a call behind `ahead` others; it is answered when it may go, is cancelled or times out. */
export function enqueue(
  s: PacerState,
  b: Bucket,
  call: {
    readonly agentId: string;
    readonly now: number;
    readonly maxWait: number;
    readonly ahead: number;
    readonly waitedFor: Window | null;
    readonly signal: AcquireOptions['signal'];
  },
): Promise<Grant | Refusal> {
  const { agentId, now, maxWait, ahead, waitedFor, signal } = call;
  return new Promise<Grant | Refusal>((resolve) => {
    const waiter: Waiter = {
      agentId,
      arrivedAt: now,
      deadline: now + maxWait,
      position: ahead + 1,
      ahead,
      waitedFor,
      resolve,
      signal,
      onAbort: null,
    };
    if (signal) {
      waiter.onAbort = () => {
        if (!removeWaiter(b, waiter)) return;
        settle(waiter, refusal(s, b, agentId, 'cancelled', ahead));
        pump(s, b);
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
    }
    const q = b.queues.get(agentId);
    if (q) q.push(waiter);
    else b.queues.set(agentId, [waiter]);
    b.queued += 1;
    b.minDeadline = Math.min(b.minDeadline, waiter.deadline);
    pump(s, b, waiter);
  });
}

/** Cancels the bucket's timer and refuses every waiter with `closed` (the pacer is closing). */
export function refuseAll(s: PacerState, b: Bucket): void {
  clearTimer(b);
  for (const q of [...b.queues.values()]) {
    for (const waiter of [...q]) {
      removeWaiter(b, waiter);
      settle(waiter, refusal(s, b, waiter.agentId, 'closed', waiter.ahead));
    }
  }
  b.minDeadline = Infinity;
}
