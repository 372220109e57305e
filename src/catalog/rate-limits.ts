import type { RateClass } from './types.js';

/** Apollo plans, which set the default windows. */
export const plans = ['free', 'basic', 'professional', 'organization'] as const;
export type Plan = (typeof plans)[number];

export const windows = ['minute', 'hour', 'day'] as const;
export type Window = (typeof windows)[number];

/** Window lengths in milliseconds. Apollo's windows are fixed and start at the first request. */
export const windowMs: Readonly<Record<Window, number>> = Object.freeze({
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
});

/** Limits per window; null means the window is not limited. */
export type WindowLimits = Readonly<Record<Window, number | null>>;

const w = (minute: number | null, hour: number | null, day: number | null): WindowLimits =>
  Object.freeze({ minute, hour, day });

const tenthOf = (n: number | null): number | null =>
  n === null ? null : Math.max(1, Math.floor(n / 10));

/** One tenth of each window, at least 1 per limited window (bulk enrichment, see below). */
const tenth = (l: WindowLimits): WindowLimits =>
  w(tenthOf(l.minute), tenthOf(l.hour), tenthOf(l.day));

function plan(
  defaults: WindowLimits,
  search: WindowLimits,
  enrichment: WindowLimits,
): Readonly<Record<RateClass, WindowLimits>> {
  return Object.freeze({
    default: defaults,
    search,
    enrichment,
    // Apollo's rate-limit page: bulk_match and bulk_enrich get one tenth of people/match's and
    // organizations/enrich's limit, on every window of the plan.
    bulk_enrichment: tenth(enrichment),
    // Analytics reports: 5 per hour on every plan (the rate-limit page and the usage-stats
    // example agree; one 429 example says 200 per hour), the plan's other windows otherwise.
    report: w(defaults.minute, 5, defaults.day),
    // Conversation exports: 1 per minute, 20 per hour, 480 per day in Apollo's usage-stats example
    // (the rate-limit page gives the same minute and hour figures for free plans).
    conversation_export: w(1, 20, 480),
  });
}

/**
 * Plan presets. The docs disagree between versions; we follow api-evangelist's
 * transcription of the 2026-08-12 page, which is the only one with every row: defaults Free
 * 50/200/600, Basic and Professional 200/400/2,000, Organization 200/600/6,000; searches on paid
 * plans 200/6,000/50,000; enrichment on paid plans 1,000 per minute and nothing else. Bulk
 * enrichment is one tenth of enrichment (free 5/20/60, paid 100 per minute).
 */
export const planLimits: Readonly<Record<Plan, Readonly<Record<RateClass, WindowLimits>>>> =
  Object.freeze({
    free: plan(w(50, 200, 600), w(50, 200, 600), w(50, 200, 600)),
    basic: plan(w(200, 400, 2_000), w(200, 6_000, 50_000), w(1_000, null, null)),
    professional: plan(w(200, 400, 2_000), w(200, 6_000, 50_000), w(1_000, null, null)),
    organization: plan(w(200, 600, 6_000), w(200, 6_000, 50_000), w(1_000, null, null)),
  });

/** Apollo's rate-limit response header names. */
export const rateLimitHeaders = Object.freeze({
  limit: {
    minute: 'x-rate-limit-minute',
    hour: 'x-rate-limit-hourly',
    day: 'x-rate-limit-24-hour',
  },
  usage: { minute: 'x-minute-usage', hour: 'x-hourly-usage', day: 'x-24-hour-usage' },
  left: {
    minute: 'x-minute-requests-left',
    hour: 'x-hourly-requests-left',
    day: 'x-24-hour-requests-left',
  },
  retryAfter: 'retry-after',
} as const);

/**
 * The day window's header names as Apollo's rate-limit page documents them. Live answers have
 * been seen with the `24-hour` names of `rateLimitHeaders` instead, so clients read both.
 */
export const documentedDayHeaders = Object.freeze({
  limit: 'x-rate-limit-daily',
  usage: 'x-daily-usage',
  left: 'x-daily-requests-left',
} as const);

/** The phrase Apollo uses for a window in its 429 message. */
export const windowWord: Readonly<Record<Window, string>> = Object.freeze({
  minute: 'minute',
  hour: 'hour',
  day: 'day',
});
