import { documentedDayHeaders, rateLimitHeaders, windows, type Window } from '../catalog/index.js';

import type { HeaderReader } from './transport.js';
import type { RateLimitInfo } from './types.js';

function readNumber(headers: HeaderReader, name: string): number | null {
  const raw = headers.get(name);
  if (raw === null || raw.trim() === '') return null;
  const n = Number(raw.trim());
  return Number.isFinite(n) ? n : null;
}

// The day window's headers come in two spellings: live answers have been seen with
// x-rate-limit-24-hour / x-24-hour-usage / x-24-hour-requests-left, Apollo's rate-limit page
// documents x-rate-limit-daily / x-daily-usage / x-daily-requests-left. Both are read, the
// observed one first.
const spellings = (group: 'limit' | 'usage' | 'left', w: Window): string[] =>
  w === 'day'
    ? [rateLimitHeaders[group].day, documentedDayHeaders[group]]
    : [rateLimitHeaders[group][w]];

function firstPresent(headers: HeaderReader, names: string[]): string | undefined {
  return names.find((n) => headers.get(n) !== null);
}

/**
 * Reads Apollo's rate-limit headers. Returns null when none is present (401/403
 * answers carry none). A limit header that is present but empty means the window is unlimited.
 */
export function parseRateLimitHeaders(headers: HeaderReader): RateLimitInfo | null {
  const groups = ['limit', 'usage', 'left'] as const;
  const names = [
    ...groups.flatMap((g) => windows.flatMap((w) => spellings(g, w))),
    rateLimitHeaders.retryAfter,
  ];
  if (!names.some((n) => headers.get(n) !== null)) return null;
  const per = (group: (typeof groups)[number]) =>
    Object.fromEntries(
      windows.map((w) => {
        const name = firstPresent(headers, spellings(group, w));
        return [w, name === undefined ? null : readNumber(headers, name)];
      }),
    ) as Record<Window, number | null>;
  return {
    limit: per('limit'),
    usage: per('usage'),
    left: per('left'),
    retryAfterSeconds: readNumber(headers, rateLimitHeaders.retryAfter),
  };
}
