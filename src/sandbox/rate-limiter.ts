import {
  documentedDayHeaders,
  rateLimitHeaders,
  windowMs,
  windows,
  type Window,
  type WindowLimits,
} from '../catalog/index.js';

import type { HeaderMap } from './respond.js';

// Apollo's limiter: per team and endpoint, three fixed windows (minute, hour, day)
// evaluated together, each starting at the first request after the previous one ended, so windows
// are not aligned to the clock. A refused call is not counted. The sandbox serves one team, so a
// counter is keyed by the route id alone.

interface WindowState {
  start: number;
  count: number;
}

/** Usage of one window as the usage-stats endpoint reports it. */
export interface WindowUsage {
  limit: number | null;
  consumed: number;
  left_over: number | null;
}

/** The outcome of taking one call from a counter. */
export type TakeResult =
  | { ok: true; headers: HeaderMap }
  | { ok: false; window: Window; limit: number; retryAfterSeconds: number; headers: HeaderMap };

/** The sandbox's rate counters. */
export interface RateLimiter {
  /** Counts a call against `id` unless a window is exhausted. */
  take(id: string, limits: WindowLimits, now: number): TakeResult;
  /** Current usage of every window, without counting. */
  usage(id: string, limits: WindowLimits, now: number): Record<Window, WindowUsage>;
  /** Every counter that has seen a call, for the state endpoint. */
  snapshot(now: number): Record<string, Partial<Record<Window, { start: number; count: number }>>>;
  reset(): void;
}

function live(state: WindowState | undefined, w: Window, now: number): WindowState | undefined {
  return state && now < state.start + windowMs[w] ? state : undefined;
}

/**
 * Which names the day window's headers take: `observed` (x-rate-limit-24-hour…, as live answers
 * have been seen) or `documented` (x-rate-limit-daily…, as Apollo's rate-limit page lists them).
 */
export type DayHeaderNames = 'observed' | 'documented';

type HeaderNames = Pick<typeof rateLimitHeaders, 'limit' | 'usage' | 'left'>;

function namesFor(day: DayHeaderNames): HeaderNames {
  if (day === 'observed') return rateLimitHeaders;
  return {
    limit: { ...rateLimitHeaders.limit, day: documentedDayHeaders.limit },
    usage: { ...rateLimitHeaders.usage, day: documentedDayHeaders.usage },
    left: { ...rateLimitHeaders.left, day: documentedDayHeaders.left },
  } as unknown as HeaderNames;
}

/** Apollo's rate-limit headers: an unlimited window sends its limit header empty and no usage or left. */
function headersFor(
  names: HeaderNames,
  limits: WindowLimits,
  counts: Record<Window, number>,
): HeaderMap {
  const headers: HeaderMap = {};
  for (const w of windows) {
    const limit = limits[w];
    headers[names.limit[w]] = limit === null ? '' : String(limit);
    if (limit === null) continue;
    headers[names.usage[w]] = String(counts[w]);
    headers[names.left[w]] = String(Math.max(0, limit - counts[w]));
  }
  return headers;
}

export function createRateLimiter(options: { dayHeaders?: DayHeaderNames } = {}): RateLimiter {
  const names = namesFor(options.dayHeaders ?? 'observed');
  const counters = new Map<string, Partial<Record<Window, WindowState>>>();

  return {
    take(id, limits, now) {
      const current = counters.get(id) ?? {};
      const counts = {} as Record<Window, number>;
      let refused: { window: Window; limit: number; resetAt: number } | undefined;
      for (const w of windows) {
        const state = live(current[w], w, now);
        counts[w] = state?.count ?? 0;
        const limit = limits[w];
        // When several windows are exhausted, report the one that reopens last: retrying after a
        // shorter window would only be refused again.
        if (limit !== null && state && state.count >= limit) {
          const resetAt = state.start + windowMs[w];
          if (!refused || resetAt > refused.resetAt) refused = { window: w, limit, resetAt };
        }
      }
      if (refused) {
        return {
          ok: false,
          window: refused.window,
          limit: refused.limit,
          retryAfterSeconds: Math.max(1, Math.ceil((refused.resetAt - now) / 1000)),
          headers: headersFor(names, limits, counts),
        };
      }
      const next: Partial<Record<Window, WindowState>> = {};
      for (const w of windows) {
        const state = live(current[w], w, now);
        next[w] = state ? { start: state.start, count: state.count + 1 } : { start: now, count: 1 };
        counts[w] = next[w].count;
      }
      counters.set(id, next);
      return { ok: true, headers: headersFor(names, limits, counts) };
    },

    usage(id, limits, now) {
      const current = counters.get(id) ?? {};
      const out = {} as Record<Window, WindowUsage>;
      for (const w of windows) {
        const consumed = live(current[w], w, now)?.count ?? 0;
        const limit = limits[w];
        out[w] = {
          limit,
          consumed,
          left_over: limit === null ? null : Math.max(0, limit - consumed),
        };
      }
      return out;
    },

    snapshot(now) {
      const out: Record<string, Partial<Record<Window, { start: number; count: number }>>> = {};
      for (const [id, state] of counters) {
        const entry: Partial<Record<Window, { start: number; count: number }>> = {};
        for (const w of windows) {
          const s = live(state[w], w, now);
          if (s) entry[w] = { ...s };
        }
        out[id] = entry;
      }
      return out;
    },

    reset() {
      counters.clear();
    },
  };
}
