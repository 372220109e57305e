// Paging, sorting and keyword matching shared by the CRM searches.

import { REACHABLE_ROWS } from '../people-search.js';

/** per_page when a CRM search gives none (our assumption; Apollo's docs do not say). */
export const CRM_DEFAULT_PER_PAGE = 25;

/** The page of rows and Apollo's pagination object; rows past 50,000 are unreachable. */
export function paginate<T>(
  rows: readonly T[],
  page: number | undefined,
  perPage: number | undefined,
): {
  rows: T[];
  pagination: { page: number; per_page: number; total_entries: number; total_pages: number };
} {
  const p = page ?? 1;
  const pp = perPage ?? CRM_DEFAULT_PER_PAGE;
  const offset = (p - 1) * pp;
  const end = Math.min(offset + pp, REACHABLE_ROWS, rows.length);
  return {
    rows: offset < end ? rows.slice(offset, end) : [],
    pagination: {
      page: p,
      per_page: pp,
      total_entries: rows.length,
      total_pages: Math.ceil(rows.length / pp),
    },
  };
}

/** Sorts by a possibly-null key; nulls always last; ties keep the given order. */
export function sortBy<T>(rows: T[], key: (r: T) => number | null, ascending: boolean): T[] {
  return rows
    .map((r, i) => ({ r, i, k: key(r) }))
    .sort((a, b) => {
      if (a.k === null && b.k === null) return a.i - b.i;
      if (a.k === null) return 1;
      if (b.k === null) return -1;
      if (a.k !== b.k) return ascending ? a.k - b.k : b.k - a.k;
      return a.i - b.i;
    })
    .map((x) => x.r);
}

/** Every whitespace-separated word of the query occurs in one of the fields (case-insensitive). */
export function matchesWords(query: string, fields: Array<string | null | undefined>): boolean {
  const hay = fields.filter(Boolean).join(' ').toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((w) => hay.includes(w));
}
