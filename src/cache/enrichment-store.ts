// The storage the enrichment cache needs. Types only: src/store's enrichment-cache repository
// (SQLite, Postgres) and memory-enrichment-store.ts implement it; the policy layer depends on
// nothing else, so it can be tested and run without a database.
import type { Result } from '../core/result.js';

import type { EnrichmentKind } from './enrichment-key.js';

/** One cached answer: a person or organization as Apollo returned it, and what it cost. */
export interface EnrichmentEntry {
  readonly kind: EnrichmentKind;
  /** Fetched with `reveal_personal_emails`: the body holds the person's personal emails. */
  readonly revealPersonalEmails: boolean;
  /** Fetched with a phone reveal (`reveal_phone_number` or the phone waterfall). */
  readonly revealPhoneNumber: boolean;
  /** The Person or Organization object (not the response envelope). Personal data. */
  readonly body: Record<string, unknown>;
  /** Credits Apollo charged for this record when it was fetched. */
  readonly credits: number;
}

/** A cached answer as read back: the key it was found under and its lifetime. */
export interface StoredEnrichmentEntry extends EnrichmentEntry {
  readonly key: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/** What a cached answer must hold to be returned; absent or false fields do not restrict. */
export interface EnrichmentRequirement {
  readonly kind?: EnrichmentKind;
  readonly revealPersonalEmails?: boolean;
  readonly revealPhoneNumber?: boolean;
}

/** Counts of stored keys (one answer is stored under each of its keys). */
export interface EnrichmentStoreStats {
  readonly keys: number;
  readonly live: number;
  readonly expired: number;
  readonly liveByKind: { readonly person: number; readonly organization: number };
}

/** A failure the caller can act on (bad keys, a body that is not JSON). */
export interface EnrichmentStoreError {
  readonly code: string;
  readonly message: string;
}

/** Where cached answers live. */
export interface EnrichmentCacheStore {
  /**
   * The entry of the first key (in the order given) that is live at `now` (`expiresAt > now`) and
   * meets `requirement`; undefined when none does.
   */
  get(
    keys: readonly string[],
    now: number,
    requirement?: EnrichmentRequirement,
  ): Promise<StoredEnrichmentEntry | undefined>;
  /**
   * Stores `entry` under every key, live until `now + ttlMs`, replacing what each key held, except
   * a live entry holding reveals the new one lacks (a plain answer never erases a revealed one).
   * Returns how many keys were written.
   */
  put(
    keys: readonly string[],
    entry: EnrichmentEntry,
    ttlMs: number,
    now: number,
  ): Promise<Result<number, EnrichmentStoreError>>;
  /** Deletes every entry expired at `now`; returns how many keys went. */
  prune(now: number): Promise<number>;
  /** Deletes these keys (an erasure request); returns how many existed. */
  remove(keys: readonly string[]): Promise<number>;
  stats(now: number): Promise<EnrichmentStoreStats>;
}
