// The enrichment cache's policy: which requests a cached answer may serve, under which keys an
// answer is filed, and what a hit saved. Gatehouse should never pay Apollo twice for a person or
// company it already knows.
//
// Cached answers are personal data held like Apollo's data would be in a CRM: they live in the
// database (see src/store/enrichment-cache-repository.ts), are shared by the team's agents, and are
// deleted once their TTL passes. Nothing here logs a body or a key (keys hold emails and names);
// failures are logged with the action and the error message only.
import { creditsFromResponse, getAction } from '../catalog/index.js';
import type { Logger } from '../ports/index.js';

import { alignMatches } from './enrichment-bulk.js';
import {
  canServe,
  fetchedReveal,
  hitAgrees,
  isStorableFetch,
  keysToStore,
  keyType,
  kindOfAction,
  requestKeys,
  requestedReveal,
  withoutUnrequestedReveals,
} from './enrichment-key.js';
import type { CachedReveal, EnrichmentKind, KeyType, RevealLevel } from './enrichment-key.js';
import type { EnrichmentCacheStore, EnrichmentStoreStats } from './enrichment-store.js';

export { mergeBulk, splitBulk } from './enrichment-bulk.js';
export type { BulkSplit } from './enrichment-bulk.js';

/** How long an answer stays servable unless configured otherwise: 30 days. */
export const defaultEnrichmentTtlMs = 30 * 86_400_000;

/** Why a lookup did not serve from the cache. */
export type CacheMissReason =
  /** The cache is switched off. */
  | 'disabled'
  /** The action's answers are not cached (only people.match, bulk_match, organizations.enrich). */
  | 'not_cacheable'
  /** A phone reveal or a waterfall: its results come by webhook, which only Apollo can send. */
  | 'needs_upstream'
  /** The input names nobody the cache could key on (e.g. a name without an employer). */
  | 'no_identity'
  /** Nothing live under the input's keys holds what the request asks for. */
  | 'not_found'
  /** Something is cached, but a more decisive identity in the request names someone else. */
  | 'conflict'
  /** The store failed; logged, and treated as a miss so the call still goes through. */
  | 'error';

/** A request answered from the cache: Apollo is not called and nothing is charged. */
export interface CacheHit {
  readonly kind: 'hit';
  /** The key the answer was found under. Personal data: do not log it; log `matchedBy`. */
  readonly key: string;
  /** Which identity matched: id, email, email_hash, linkedin, name or domain. */
  readonly matchedBy: KeyType;
  /** The answer in the action's own response shape (`{person}` or `{organization}`). */
  readonly body: Record<string, unknown>;
  /** What Apollo would have charged for this answer, now saved. */
  readonly savedCredits: number;
  readonly cachedAt: number;
  readonly expiresAt: number;
}

/** A request the cache cannot answer: call Apollo. */
export interface CacheMiss {
  readonly kind: 'miss';
  readonly reason: CacheMissReason;
}

/** people.bulk_match with at least one detail cached: one result per `details[i]`, in order. */
export interface BulkCacheLookup {
  readonly kind: 'bulk';
  readonly items: ReadonlyArray<CacheHit | CacheMiss>;
  readonly hits: number;
  readonly savedCredits: number;
}

/** What {@link EnrichmentCache.lookup} finds. */
export type CacheLookup = CacheHit | CacheMiss | BulkCacheLookup;

/** Counters since the cache was created, plus what the store holds. */
export interface EnrichmentCacheStats {
  readonly enabled: boolean;
  readonly ttlMs: number;
  readonly hits: number;
  readonly misses: number;
  readonly savedCredits: number;
  /** Answers stored (a bulk answer counts once per person). */
  readonly stored: number;
  readonly store: EnrichmentStoreStats;
}

/** Options of {@link createEnrichmentCache}. */
export interface EnrichmentCacheOptions {
  readonly store: EnrichmentCacheStore;
  /** Off: every lookup misses and nothing is stored. Default on. */
  readonly enabled?: boolean;
  /** How long an answer stays servable, in ms. Default 30 days. */
  readonly ttlMs?: number;
  /**
   * Keeps answers from different upstreams apart (e.g. `sandbox`, or the Apollo team id): an
   * answer stored under one namespace is never served under another. Letters, digits, `_.-`.
   */
  readonly namespace?: string;
  readonly logger?: Pick<Logger, 'warn'>;
}

/** The enrichment cache, as the gateway pipeline uses it. */
export interface EnrichmentCache {
  readonly enabled: boolean;
  readonly ttlMs: number;
  /**
   * Whether a (validated, allowed) request can be answered without Apollo. people.bulk_match
   * looks up each `details[i]` separately and, when at least one is cached, answers `bulk`.
   */
  lookup(actionId: string, input: Record<string, unknown>, now: number): Promise<CacheLookup>;
  /**
   * Files Apollo's successful answer to `input` (for bulk: the input actually sent upstream) that
   * cost `credits`. Returns how many records were stored (0 when nothing was cacheable).
   */
  remember(
    actionId: string,
    input: Record<string, unknown>,
    body: unknown,
    credits: number,
    now: number,
  ): Promise<number>;
  /** Deletes expired entries; returns how many keys went. */
  prune(now: number): Promise<number>;
  stats(now: number): Promise<EnrichmentCacheStats>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** What Apollo charges for one record in its action's response shape, by the catalog's rule. */
function recordCredits(kind: EnrichmentKind, record: Record<string, unknown>): number {
  return kind === 'person'
    ? creditsFromResponse(getAction('people.match'), { person: record })
    : creditsFromResponse(getAction('organizations.enrich'), { organization: record });
}

/** The action's response body around one record. */
function envelope(kind: EnrichmentKind, record: Record<string, unknown>): Record<string, unknown> {
  return kind === 'person' ? { person: record } : { organization: record };
}

/** Creates the cache over a store. */
export function createEnrichmentCache(options: EnrichmentCacheOptions): EnrichmentCache {
  const { store, logger } = options;
  const enabled = options.enabled ?? true;
  const ttlMs = options.ttlMs ?? defaultEnrichmentTtlMs;
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`enrichment cache TTL must be a positive number of ms, got ${ttlMs}`);
  }
  const namespace = options.namespace ?? '';
  if (namespace !== '' && !/^[A-Za-z0-9_.-]{1,64}$/.test(namespace)) {
    throw new RangeError('enrichment cache namespace must be 1 to 64 letters, digits, _ . or -');
  }
  const prefix = namespace === '' ? '' : `${namespace}/`;
  const toStored = (key: string) => `${prefix}${key}`;
  const fromStored = (key: string) => key.slice(prefix.length);
  const counters = { hits: 0, misses: 0, savedCredits: 0, stored: 0 };

  const miss = (reason: CacheMissReason): CacheMiss => ({ kind: 'miss', reason });

  const lookupFailed = 'enrichment cache lookup failed; calling Apollo as usual';
  const storeFailed = 'could not store an answer in the enrichment cache; it was still returned';
  const warn = (actionId: string, message: string, error: unknown) =>
    logger?.warn(
      { action: actionId, err: error instanceof Error ? error.message : String(error) },
      message,
    );

  /** One record's lookup: people.match input, a bulk detail, or organizations.enrich input. */
  async function lookupOne(
    kind: EnrichmentKind,
    identity: Record<string, unknown>,
    wanted: RevealLevel,
    now: number,
  ): Promise<CacheHit | CacheMiss> {
    const keys = requestKeys(kind, identity);
    if (keys.length === 0) return miss('no_identity');
    const entry = await store.get(keys.map(toStored), now, {
      kind,
      ...(wanted.personalEmails ? { revealPersonalEmails: true } : {}),
    });
    if (!entry) return miss('not_found');
    const cached: CachedReveal = {
      personalEmails: entry.revealPersonalEmails,
      phoneNumbers: entry.revealPhoneNumber,
    };
    // The store already filtered on reveals; this keeps the rule in one place should it change.
    if (!canServe(cached, wanted)) return miss('not_found');
    const key = fromStored(entry.key);
    if (!hitAgrees(kind, keys, key, entry.body)) return miss('conflict');
    const record =
      kind === 'person' ? withoutUnrequestedReveals(entry.body, cached, wanted) : entry.body;
    return {
      kind: 'hit',
      key,
      matchedBy: keyType(key) ?? 'id',
      body: envelope(kind, record),
      savedCredits: Math.max(0, Math.min(entry.credits, recordCredits(kind, record))),
      cachedAt: entry.createdAt,
      expiresAt: entry.expiresAt,
    };
  }

  async function lookup(
    actionId: string,
    input: Record<string, unknown>,
    now: number,
  ): Promise<CacheLookup> {
    const kind = kindOfAction(actionId);
    if (!enabled) return miss('disabled');
    if (kind === undefined) return miss('not_cacheable');
    const wanted = kind === 'person' ? requestedReveal(input) : requestedReveal({});
    if (wanted.phoneNumbers || wanted.waterfall) return miss('needs_upstream');
    try {
      if (actionId !== 'people.bulk_match') return await lookupOne(kind, input, wanted, now);
      const details = Array.isArray(input.details) ? input.details : [];
      const items = await Promise.all(
        details.map((d) =>
          isRecord(d) ? lookupOne('person', d, wanted, now) : miss('no_identity'),
        ),
      );
      const found = items.filter((i): i is CacheHit => i.kind === 'hit');
      if (found.length === 0) return miss(items.length === 0 ? 'no_identity' : 'not_found');
      return {
        kind: 'bulk',
        items,
        hits: found.length,
        savedCredits: found.reduce((sum, h) => sum + h.savedCredits, 0),
      };
    } catch (error) {
      warn(actionId, lookupFailed, error);
      return miss('error');
    }
  }

  async function rememberOne(
    actionId: string,
    kind: EnrichmentKind,
    identity: Record<string, unknown>,
    record: Record<string, unknown>,
    reveal: CachedReveal,
    credits: number,
    now: number,
  ): Promise<boolean> {
    const keys = keysToStore(kind, requestKeys(kind, identity), record);
    if (keys.length === 0) return false;
    const put = await store.put(
      keys.map(toStored),
      {
        kind,
        revealPersonalEmails: reveal.personalEmails,
        revealPhoneNumber: reveal.phoneNumbers,
        body: record,
        credits,
      },
      ttlMs,
      now,
    );
    // Refusals carry the store's own wording, never a key or the body.
    if (!put.ok) warn(actionId, storeFailed, put.error.message);
    return put.ok && put.value > 0;
  }

  async function remember(
    actionId: string,
    input: Record<string, unknown>,
    body: unknown,
    credits: number,
    now: number,
  ): Promise<number> {
    const kind = kindOfAction(actionId);
    if (!enabled || kind === undefined || !isRecord(body)) return 0;
    const spent = Number.isFinite(credits) && credits > 0 ? credits : 0;
    try {
      if (kind === 'organization') {
        if (!isRecord(body.organization)) return 0;
        const done = await rememberOne(
          actionId,
          kind,
          input,
          body.organization,
          fetchedReveal({}),
          spent,
          now,
        );
        return count(done ? 1 : 0);
      }
      // A waterfall-email answer lacks the work email: not a profile that could serve anyone.
      if (!isStorableFetch(input)) return 0;
      const reveal = fetchedReveal(input);
      if (actionId === 'people.match') {
        if (!isRecord(body.person)) return 0;
        return count(
          (await rememberOne(actionId, kind, input, body.person, reveal, spent, now)) ? 1 : 0,
        );
      }
      const details = (Array.isArray(input.details) ? input.details : []).map((d) =>
        isRecord(d) ? d : {},
      );
      const matches = Array.isArray(body.matches) ? body.matches : [];
      const { aligned, extras } = alignMatches(details, matches);
      const pairs: Array<[Record<string, unknown>, Record<string, unknown>]> = [
        ...aligned.flatMap((m, i) =>
          m ? [[details[i] ?? {}, m] as [Record<string, unknown>, Record<string, unknown>]] : [],
        ),
        ...extras.map((m) => [{}, m] as [Record<string, unknown>, Record<string, unknown>]),
      ];
      // Apollo reports one total for the call; each person is charged its share, in proportion
      // to what the catalog's rule says that person costs (1, +1 for personal emails …). A
      // person named twice is charged once, so counts once.
      const estimates = pairs.map(([, m]) => recordCredits('person', m));
      const seen = new Set<unknown>();
      const total = pairs.reduce((sum, [, m], i) => {
        const id = m.id ?? m;
        if (seen.has(id)) return sum;
        seen.add(id);
        return sum + (estimates[i] ?? 0);
      }, 0);
      const scale = total > 0 ? spent / total : 0;
      let stored = 0;
      for (const [i, [detail, match]] of pairs.entries()) {
        const share = (estimates[i] ?? 0) * scale;
        if (await rememberOne(actionId, kind, detail, match, reveal, share, now)) stored += 1;
      }
      return count(stored);
    } catch (error) {
      warn(actionId, storeFailed, error);
      return 0;
    }
  }

  function count(stored: number): number {
    counters.stored += stored;
    return stored;
  }

  return {
    enabled,
    ttlMs,
    async lookup(actionId, input, now) {
      const result = await lookup(actionId, input, now);
      if (result.kind === 'hit' || result.kind === 'bulk') {
        counters.hits += result.kind === 'hit' ? 1 : result.hits;
        counters.misses += result.kind === 'bulk' ? result.items.length - result.hits : 0;
        counters.savedCredits += result.savedCredits;
      } else if (result.reason !== 'disabled' && result.reason !== 'not_cacheable') {
        counters.misses += 1;
      }
      return result;
    },
    remember,
    // Pruned even when disabled: answers stored while the cache was on still expire on time.
    prune: (now) => store.prune(now),
    async stats(now) {
      return { enabled, ttlMs, ...counters, store: await store.stats(now) };
    },
  };
}
