import { rateLimitHeaders, windows, type Window } from '../catalog/index.js';

import type { HeaderReader } from './transport.js';
import type { RateLimitInfo } from './types.js';

function readNumber(headers: HeaderReader, name: string): number | null {
  const raw = headers.get(name);
  if (raw === null || raw.trim() === '') return null;
  const n = Number(raw.trim());
  return Number.isFinite(n) ? n : null;
}

/**
 * Reads Apollo's rate-limit headers (SPEC.md §9.2). Returns null when none is present (401/403
 * answers carry none). A limit header that is present but empty means the window is unlimited.
 */
export function parseRateLimitHeaders(headers: HeaderReader): RateLimitInfo | null {
  const names = [
    ...Object.values(rateLimitHeaders.limit),
    ...Object.values(rateLimitHeaders.usage),
    ...Object.values(rateLimitHeaders.left),
    rateLimitHeaders.retryAfter,
  ];
  if (!names.some((n) => headers.get(n) !== null)) return null;
  const per = (group: Record<Window, string>) =>
    Object.fromEntries(windows.map((w) => [w, readNumber(headers, group[w])])) as Record<
      Window,
      number | null
    >;
  return {
    limit: per(rateLimitHeaders.limit),
    usage: per(rateLimitHeaders.usage),
    left: per(rateLimitHeaders.left),
    retryAfterSeconds: readNumber(headers, rateLimitHeaders.retryAfter),
  };
}
