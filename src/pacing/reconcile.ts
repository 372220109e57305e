// What Apollo says corrects what the pacer counted: its rate headers on every answer, its usage
// stats, and its 429s. Limits are replaced; a count is corrected only when Apollo's is outside what
// the calls in flight explain, so an answer racing other calls never loosens the windows.
import { windows, type Window } from '../catalog/index.js';
import type { RateLimitInfo } from '../ports/index.js';

import { pump } from './queue.js';
import type { Bucket, PacerState, Reservation } from './state.js';
import type { WindowUsageStats } from './types.js';
import { live, openInstance } from './windows.js';

/** A window's limit and Apollo's count of calls in it, as far as Apollo said. */
export type Figures = Partial<Record<Window, { limit: number | null; used: number | null }>>;

/** The figures in Apollo's rate headers (usage, or limit minus what is left). */
export function figuresFromHeaders(info: RateLimitInfo): Figures {
  const figures = {} as Record<Window, { limit: number | null; used: number | null }>;
  for (const w of windows) {
    const limit = info.limit[w];
    const left = info.left[w];
    figures[w] = {
      limit,
      used: info.usage[w] ?? (limit !== null && left !== null ? limit - left : null),
    };
  }
  return figures;
}

/** The figures in Apollo's usage stats, for the windows it reported. */
export function figuresFromUsageStats(stats: Partial<Record<Window, WindowUsageStats>>): Figures {
  const figures: Figures = {};
  for (const w of windows) {
    const s = stats[w];
    if (!s) continue;
    figures[w] = {
      limit: s.limit,
      used: s.consumed ?? (s.limit !== null && s.left_over !== null ? s.limit - s.left_over : null),
    };
  }
  return figures;
}

/**
 * Reads Apollo's count `used` for a window, as Apollo stood when a request sent at `sentAt`
 * reached it (`self` is that call's reservation when it was one of ours). Our grants sent more
 * than a margin before it had reached Apollo by then (or never will); those sent more than a
 * margin after it had not; those in between may have. So Apollo's true count lies between
 * `used + after` and `used + between + after`. Ours is left alone inside those bounds and set to
 * the upper one outside them: higher means other clients share the team's windows, lower means
 * Apollo's window reset before ours.
 */
export function reconcile(
  s: PacerState,
  b: Bucket,
  figures: Figures,
  sentAt: number,
  self: Reservation | null,
): void {
  const { lengths, margin } = s;
  const now = s.clock.now();
  const from = sentAt - margin;
  if (self) self.confirmed = true;
  let first = b.recentHead;
  for (let hi = b.recent.length; first < hi;) {
    const mid = (first + hi) >>> 1;
    if (b.recent[mid]!.at < from) first = mid + 1;
    else hi = mid;
  }
  for (const w of windows) {
    const f = figures[w];
    if (!f) continue;
    b.limits[w] = f.limit;
    const used = f.used;
    if (used === null || !Number.isFinite(used) || used < 0) continue;
    const inst = live(b, w, now);
    if (inst?.held) continue;
    if (!inst) {
      // Only usage stats can show a window Gatehouse has not opened (another client, or a
      // previous process): best effort, as if it opened when asked.
      if (!self && used > 0) {
        const opened = openInstance(s, w, Math.min(sentAt, now), null);
        opened.sent = used;
        opened.syncedBefore = from;
        b.inst[w] = opened;
      }
      continue;
    }
    // An answer to a call counted in an earlier instance describes a window that has ended; one
    // older than the grants remembered cannot be read against them.
    if (self && self.instances[w] !== inst) continue;
    if (self) inst.confirmedAt = Math.min(inst.confirmedAt, self.at);
    if (from < b.recentSince) continue;
    let between = 0;
    let after = 0;
    for (let i = first; i < b.recent.length; i++) {
      const r = b.recent[i]!;
      if (r === self || !r.live || r.instances[w] !== inst) continue;
      if (r.at > sentAt + margin) after += 1;
      else between += 1;
    }
    const high = used + between + after;
    if (inst.sent >= used + after && inst.sent <= high) continue;
    inst.sent = high;
    inst.syncedBefore = Math.max(inst.syncedBefore, from);
    inst.anchor = null;
    if (high === 0) {
      delete b.inst[w];
    } else if (self && used === 1) {
      // This call opened Apollo's window: it began when the call arrived.
      inst.sendUntil = sentAt + lengths[w] - margin;
      inst.resetAt = Math.max(inst.resetAt, sentAt + lengths[w] + margin);
    } else {
      // Apollo's window held this request, so it opened by the time the request arrived.
      inst.resetAt = Math.max(inst.resetAt, sentAt + margin + lengths[w]);
    }
  }
  pump(s, b);
}

/**
 * Apollo answered 429: a named window is spent until the retry-after (trusted, so the next call
 * opens a window as Apollo's does); without one the whole bucket waits.
 */
export function hold(
  s: PacerState,
  b: Bucket,
  retryAfterSeconds: number | null,
  window: Window | null | undefined,
): void {
  const now = s.clock.now();
  const ms =
    retryAfterSeconds !== null && Number.isFinite(retryAfterSeconds) && retryAfterSeconds >= 0
      ? retryAfterSeconds * 1000
      : s.lengths[window ?? 'minute'];
  if (window) {
    const inst = live(b, window, now);
    b.inst[window] = {
      sent: Math.max(inst?.sent ?? 0, b.limits[window] ?? 0),
      sendUntil: now,
      resetAt: now + ms,
      anchor: null,
      confirmedAt: Infinity,
      byAgent: inst?.byAgent ?? null,
      held: true,
      syncedBefore: -Infinity,
    };
  } else {
    b.heldUntil = Math.max(b.heldUntil, now + ms);
  }
  pump(s, b);
}
