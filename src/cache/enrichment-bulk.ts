// people.bulk_match through the cache: each `details[i]` is looked up on its own, only the misses
// go to Apollo, and the answer the agent gets is one bulk_match body with `matches` in the order
// of its own `details`, cached and fresh people side by side.
import { creditsFromResponse, getAction } from '../catalog/index.js';

import { confirmedKeys, personRequestKeys } from './enrichment-key.js';
import type { CacheHit, CacheLookup, CacheMiss } from './enrichment-cache.js';

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A bulk request divided into what the cache answered and what Apollo must be asked. */
export interface BulkSplit {
  /** Cached answers by their index in the original `details`. */
  readonly hits: ReadonlyMap<number, CacheHit>;
  /** Indexes of the original `details` that must go to Apollo, ascending. */
  readonly missingIndexes: readonly number[];
  /**
   * The input to send to Apollo: the original with `details` cut to the misses (reveal flags and
   * `webhook_url` kept). Null when every detail was cached: do not call Apollo.
   */
  readonly missingInput: Json | null;
  /** Credits the cached details saved. */
  readonly savedCredits: number;
}

/**
 * Splits a people.bulk_match input by its lookup: what the cache answered, and the input to send
 * Apollo for the rest. A miss (the cache had none of them, or the request needs Apollo) sends
 * everything.
 */
export function splitBulk(
  input: Json,
  lookups: CacheLookup | ReadonlyArray<CacheHit | CacheMiss>,
): BulkSplit {
  const details: unknown[] = Array.isArray(input.details) ? input.details : [];
  const items: ReadonlyArray<CacheHit | CacheMiss> =
    'kind' in lookups ? (lookups.kind === 'bulk' ? lookups.items : []) : lookups;
  const hits = new Map<number, CacheHit>();
  const missingIndexes: number[] = [];
  for (const i of details.keys()) {
    const item = items[i];
    if (item?.kind === 'hit') hits.set(i, item);
    else missingIndexes.push(i);
  }
  return {
    hits,
    missingIndexes,
    missingInput:
      missingIndexes.length === 0
        ? null
        : { ...input, details: missingIndexes.map((i) => details[i]) },
    savedCredits: [...hits.values()].reduce((sum, h) => sum + h.savedCredits, 0),
  };
}

/**
 * Pairs Apollo's `matches` with the `details` they answer. When there are as many matches as
 * details they are taken in order (unmatched details come back as null, as the sandbox does).
 * Apollo's docs do not promise that, so otherwise each match goes to the first detail it agrees
 * with (id, email, LinkedIn URL, name at employer); matches that agree with none are `extras`.
 */
export function alignMatches(
  details: readonly Json[],
  matches: readonly unknown[],
): { aligned: Array<Json | null>; extras: Json[] } {
  const records = matches.map((m) => (isRecord(m) ? m : null));
  if (records.length === details.length) return { aligned: records, extras: [] };
  const aligned: Array<Json | null> = details.map(() => null);
  const wanted = details.map((d) => personRequestKeys(d));
  const extras: Json[] = [];
  for (const match of records) {
    if (!match) continue;
    const agrees = confirmedKeys('person', match);
    const slot = wanted.findIndex(
      (keys, i) => aligned[i] === null && keys.some((k) => agrees.has(k)),
    );
    if (slot >= 0) aligned[slot] = match;
    else extras.push(match);
  }
  return { aligned, extras };
}

/**
 * The people.bulk_match body for the original request: `matches` holds one entry per original
 * detail, in order (the cached person, Apollo's answer, or null), and the counts describe this
 * call: `total_requested_enrichments` is the original count, while `credits_consumed` and
 * `unique_enriched_records` are what Apollo charged (cached people cost nothing). Apollo's other
 * fields (`status`, `request_id`, `phone_enrichment` …) pass through. `upstreamBody` is undefined
 * when every detail was cached; pass `missingInput` so unaligned matches can be placed by identity.
 */
export function mergeBulk(
  hits: ReadonlyMap<number, CacheHit>,
  upstreamBody: unknown,
  originalCount: number,
  missingInput?: Json | null,
): Json {
  const upstream = isRecord(upstreamBody) ? upstreamBody : undefined;
  if (hits.size === 0 && upstream) return { ...upstream };

  const missingIndexes = [...Array(originalCount).keys()].filter((i) => !hits.has(i));
  const sent: unknown[] =
    missingInput && Array.isArray(missingInput.details) ? missingInput.details : [];
  const sentDetails = missingIndexes.map((_, j) => (isRecord(sent[j]) ? sent[j] : {}));
  const fresh: unknown[] = upstream && Array.isArray(upstream.matches) ? upstream.matches : [];
  const { aligned, extras } = alignMatches(sentDetails, fresh);
  // Matches that agree with no detail fill the remaining places in Apollo's order.
  for (const [j, m] of aligned.entries()) {
    if (m === null && extras.length > 0) aligned[j] = extras.shift() ?? null;
  }

  const matches: Array<Json | null> = Array.from({ length: originalCount }, () => null);
  for (const [i, hit] of hits) {
    if (i < originalCount) matches[i] = isRecord(hit.body.person) ? hit.body.person : null;
  }
  for (const [j, i] of missingIndexes.entries()) matches[i] = aligned[j] ?? null;
  matches.push(...extras);

  const number = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const charged = upstream
    ? (number(upstream.credits_consumed) ??
      creditsFromResponse(getAction('people.bulk_match'), upstream))
    : 0;
  const head: Json = upstream
    ? { ...upstream }
    : { status: 'success', error_code: null, error_message: null };
  return Object.assign(head, {
    total_requested_enrichments: originalCount,
    unique_enriched_records: number(upstream?.unique_enriched_records) ?? 0,
    missing_records: number(upstream?.missing_records) ?? matches.filter((m) => m === null).length,
    credits_consumed: charged,
    matches,
  });
}
