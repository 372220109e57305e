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

/**
 * Plan presets (SPEC.md §9.3). The docs disagree between versions; we follow api-evangelist's
 * transcription of the 2026-08-12 page, which is the only one with every row: defaults Free
 * 50/200/600, Basic and Professional 200/400/2,000, Organization 200/600/6,000; searches on paid
 * plans 200/6,000/50,000; enrichment on paid plans 1,000 per minute and nothing else; free-plan
 * bulk enrichment 20/min, 100/h (its day limit is not documented: we assume the free 600).
 */
export const planLimits: Readonly<Record<Plan, Readonly<Record<RateClass, WindowLimits>>>> =
  Object.freeze({
    free: Object.freeze({
      default: w(50, 200, 600),
      search: w(50, 200, 600),
      enrichment: w(50, 200, 600),
      bulk_enrichment: w(20, 100, 600),
      conversation_export: w(1, 20, 480),
    }),
    basic: Object.freeze({
      default: w(200, 400, 2_000),
      search: w(200, 6_000, 50_000),
      enrichment: w(1_000, null, null),
      bulk_enrichment: w(1_000, null, null),
      conversation_export: w(1, 20, 480),
    }),
    professional: Object.freeze({
      default: w(200, 400, 2_000),
      search: w(200, 6_000, 50_000),
      enrichment: w(1_000, null, null),
      bulk_enrichment: w(1_000, null, null),
      conversation_export: w(1, 20, 480),
    }),
    organization: Object.freeze({
      default: w(200, 600, 6_000),
      search: w(200, 6_000, 50_000),
      enrichment: w(1_000, null, null),
      bulk_enrichment: w(1_000, null, null),
      conversation_export: w(1, 20, 480),
    }),
  });

/** Apollo's rate-limit response header names (SPEC.md §9.2). */
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

/** The phrase Apollo uses for a window in its 429 message. */
export const windowWord: Readonly<Record<Window, string>> = Object.freeze({
  minute: 'minute',
  hour: 'hour',
  day: 'day',
});
