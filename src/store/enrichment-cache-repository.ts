// The enrichment cache's table: Apollo answers (a Person or an Organization) filed under every
// identity key they can be found by, each row live until its `expires_at`.
//
// Privacy: cached answers are personal data (names, work and personal emails, LinkedIn URLs),
// held in the database the way Apollo's data would be held in a CRM, shared by the team's agents,
// and pruned once their TTL passes (`prune`, run on a timer by the app; `remove` for an erasure
// request). At rest, a row is filed under an HMAC of its identity key (enrichment-lookup-key.ts)
// and its body is sealed by the vault, bound to that row (personal-data.ts): the database holds
// no readable identity or answer. A lookup costs one HMAC per key asked and one open for the row
// served. Never log a body or a key: keys are emails, LinkedIn URLs and names too.
import type { Kysely, Selectable } from 'kysely';

import { ok } from '../core/result.js';
import type { Result } from '../core/result.js';

import { pruneInBatches } from './prune.js';
import { parseJson, stringifyJson } from './codec.js';
import type { Database, EnrichmentCacheTable } from './db.js';
import { createKeyHasher } from './enrichment-lookup-key.js';
import { storeError } from './errors.js';
import type { StoreError } from './errors.js';
import type { RandomBytes } from './ids.js';
import { sealedAad } from './personal-data.js';
import type { Sealer } from './sealer.js';

/** What a cached answer describes. */
export type EnrichmentCacheKind = 'person' | 'organization';

/** The kinds the table accepts. */
export const enrichmentCacheKinds: readonly EnrichmentCacheKind[] = ['person', 'organization'];

/** One answer to store. */
export interface EnrichmentCacheEntry {
  readonly kind: EnrichmentCacheKind;
  /** Fetched with `reveal_personal_emails`. */
  readonly revealPersonalEmails: boolean;
  /** Fetched with a phone reveal. */
  readonly revealPhoneNumber: boolean;
  /** The Person or Organization object. Personal data: never log it. */
  readonly body: Record<string, unknown>;
  /** Credits Apollo charged for it. */
  readonly credits: number;
}

/** A stored answer as read back. */
export interface CachedEnrichment extends EnrichmentCacheEntry {
  /** The key it was found under. */
  readonly key: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/** Restricts `get` to entries that hold at least these; absent or false fields do not restrict. */
export interface EnrichmentCacheRequirement {
  readonly kind?: EnrichmentCacheKind;
  readonly revealPersonalEmails?: boolean;
  readonly revealPhoneNumber?: boolean;
}

/** Key counts; one answer occupies one row per key. */
export interface EnrichmentCacheStats {
  readonly keys: number;
  readonly live: number;
  readonly expired: number;
  readonly liveByKind: { readonly person: number; readonly organization: number };
}

/** The enrichment cache table. */
export interface EnrichmentCacheRepository {
  /**
   * The entry of the first of `keys` (in the order given) that is live at `now`
   * (`expires_at > now`) and meets `requirement`; undefined when none does. One query.
   */
  get(
    keys: readonly string[],
    now: number,
    requirement?: EnrichmentCacheRequirement,
  ): Promise<CachedEnrichment | undefined>;
  /**
   * Stores `entry` under every key, live until `now + ttlMs` (`now` defaults to the clock), in one
   * statement. A key's previous entry is replaced unless it is still live and holds a reveal the
   * new entry lacks: a plain answer never erases personal emails or phones someone paid for.
   * Returns how many keys were written.
   */
  put(
    keys: readonly string[],
    entry: EnrichmentCacheEntry,
    ttlMs: number,
    now?: number,
  ): Promise<Result<number, StoreError>>;
  /** Deletes every entry expired at `now`, in batches; returns how many keys went. */
  prune(now: number): Promise<number>;
  /** Deletes these keys (an erasure request); returns how many existed. */
  remove(keys: readonly string[]): Promise<number>;
  /** Counts at `now`. */
  stats(now: number): Promise<EnrichmentCacheStats>;
}

/** The most keys one `get` or `put` takes (a bulk detail has a handful). */
export const maxEnrichmentKeys = 50;
/** The longest key accepted; Postgres b-tree entries must stay well under 2.7 kB. */
export const maxEnrichmentKeyLength = 1024;

const kindSet: ReadonlySet<string> = new Set(enrichmentCacheKinds);

/** What the repository needs besides the database. */
export interface EnrichmentCacheRepositoryDeps {
  /** Seals bodies and opens the lookup key (the vault, with its current data key). */
  readonly sealer: Sealer;
  /** Defaults to the system clock. */
  readonly now?: () => number;
  /** For the lookup key, created on first use. */
  readonly randomBytes?: RandomBytes;
}

/** Creates the repository. */
export function createEnrichmentCacheRepository(
  db: Kysely<Database>,
  deps: EnrichmentCacheRepositoryDeps,
): EnrichmentCacheRepository {
  const { sealer } = deps;
  const clock = deps.now ?? Date.now;
  const hasher = createKeyHasher(db, sealer, deps);
  const bodyAad = (hashedKey: string) => sealedAad('enrichment_cache', hashedKey, 'body');

  /** A row as an entry under the identity it was asked by; undefined if it does not open. */
  async function toEntry(
    row: Selectable<EnrichmentCacheTable>,
    key: string,
  ): Promise<CachedEnrichment | undefined> {
    // A row that does not open (sealed under a key no longer loaded, or moved from another row)
    // is a miss; the next answer for this identity replaces it.
    const opened = await sealer.open(row.body, bodyAad(row.key));
    if (!opened.ok) return undefined;
    const body = parseJson(opened.value);
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
    if (!kindSet.has(row.kind)) return undefined;
    return {
      key,
      kind: row.kind as EnrichmentCacheKind,
      revealPersonalEmails: row.reveal_personal_emails === 1,
      revealPhoneNumber: row.reveal_phone_number === 1,
      body: body as Record<string, unknown>,
      credits: Number(row.credits),
      createdAt: Number(row.created_at),
      expiresAt: Number(row.expires_at),
    };
  }

  return {
    async get(keys, now, requirement = {}) {
      const wanted = [...new Set(keys)];
      if (wanted.length === 0 || wanted.length > maxEnrichmentKeys) return undefined;
      const hash = await hasher();
      const hashed = wanted.map(hash);
      let query = db
        .selectFrom('enrichment_cache')
        .selectAll()
        .where('key', 'in', hashed)
        .where('expires_at', '>', now);
      if (requirement.kind !== undefined) query = query.where('kind', '=', requirement.kind);
      if (requirement.revealPersonalEmails) query = query.where('reveal_personal_emails', '=', 1);
      if (requirement.revealPhoneNumber) query = query.where('reveal_phone_number', '=', 1);
      const rows = await query.execute();
      const byKey = new Map(rows.map((r) => [r.key, r]));
      // Only the row served is opened: the first, in the order asked, that opens.
      for (const [i, key] of wanted.entries()) {
        const row = byKey.get(hashed[i]!);
        const entry = row && (await toEntry(row, key));
        if (entry) return entry;
      }
      return undefined;
    },

    async put(keys, entry, ttlMs, now = clock()) {
      const unique = [...new Set(keys)];
      const invalid = validatePut(unique, entry, ttlMs, now);
      if (invalid) return storeError('invalid_input', invalid);
      const body = stringifyJson(entry.body);
      if (body === undefined) {
        return storeError('invalid_input', 'an enrichment cache body must be JSON');
      }
      const hash = await hasher();
      const keyId = sealer.currentKeyId;
      const values = {
        kind: entry.kind,
        reveal_personal_emails: entry.revealPersonalEmails ? 1 : 0,
        reveal_phone_number: entry.revealPhoneNumber ? 1 : 0,
        credits: entry.credits,
        created_at: now,
        expires_at: now + ttlMs,
        key_id: keyId,
      } as const;
      // One sealed copy per row, each bound to its own hashed key.
      const rows = unique.map((plain) => {
        const key = hash(plain);
        return { key, ...values, body: sealer.seal(body, bodyAad(key)) };
      });
      const result = await db
        .insertInto('enrichment_cache')
        .values(rows)
        .onConflict((oc) =>
          oc
            .column('key')
            .doUpdateSet((eb) => ({
              kind: eb.ref('excluded.kind'),
              reveal_personal_emails: eb.ref('excluded.reveal_personal_emails'),
              reveal_phone_number: eb.ref('excluded.reveal_phone_number'),
              body: eb.ref('excluded.body'),
              credits: eb.ref('excluded.credits'),
              created_at: eb.ref('excluded.created_at'),
              expires_at: eb.ref('excluded.expires_at'),
              key_id: eb.ref('excluded.key_id'),
            }))
            // Keep a live row that holds a reveal the new entry lacks.
            .where((eb) =>
              eb.or([
                eb('enrichment_cache.expires_at', '<=', now),
                eb.and([
                  eb(
                    'enrichment_cache.reveal_personal_emails',
                    '<=',
                    eb.ref('excluded.reveal_personal_emails'),
                  ),
                  eb(
                    'enrichment_cache.reveal_phone_number',
                    '<=',
                    eb.ref('excluded.reveal_phone_number'),
                  ),
                ]),
              ]),
            ),
        )
        .executeTakeFirst();
      return ok(Number(result.numInsertedOrUpdatedRows ?? 0n));
    },

    async prune(now) {
      return pruneInBatches(async (limit) => {
        const result = await db
          .deleteFrom('enrichment_cache')
          .where('key', 'in', (eb) =>
            eb
              .selectFrom('enrichment_cache')
              .select('key')
              .where('expires_at', '<=', now)
              .limit(limit),
          )
          .executeTakeFirst();
        return result.numDeletedRows;
      });
    },

    async remove(keys) {
      const unique = [...new Set(keys)];
      if (unique.length === 0) return 0;
      const hash = await hasher();
      // The plaintext keys too: a row written before sealing that is not re-filed yet goes as well.
      const result = await db
        .deleteFrom('enrichment_cache')
        .where('key', 'in', [...unique.map(hash), ...unique])
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async stats(now) {
      const rows = await db
        .selectFrom('enrichment_cache')
        .select((eb) => [
          'kind',
          eb.fn.countAll<number>().as('total'),
          eb.fn
            .sum<number>(eb.case().when('expires_at', '>', now).then(1).else(0).end())
            .as('live'),
        ])
        .groupBy('kind')
        .execute();
      const stats = { keys: 0, live: 0, expired: 0, liveByKind: { person: 0, organization: 0 } };
      for (const row of rows) {
        const total = Number(row.total);
        const live = Number(row.live ?? 0);
        stats.keys += total;
        stats.live += live;
        stats.expired += total - live;
        if (row.kind === 'person' || row.kind === 'organization')
          stats.liveByKind[row.kind] += live;
      }
      return stats;
    },
  };
}

/** Why a put is refused, or undefined when it is acceptable. */
function validatePut(
  keys: readonly string[],
  entry: EnrichmentCacheEntry,
  ttlMs: number,
  now: number,
): string | undefined {
  if (keys.length === 0) return 'an enrichment cache entry needs at least one key';
  if (keys.length > maxEnrichmentKeys) {
    return `an enrichment cache entry takes at most ${maxEnrichmentKeys} keys`;
  }
  if (keys.some((k) => k === '' || k.length > maxEnrichmentKeyLength)) {
    return `enrichment cache keys are 1 to ${maxEnrichmentKeyLength} characters`;
  }
  if (!kindSet.has(entry.kind)) return 'an enrichment cache entry is a person or an organization';
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) return 'the cache TTL must be a positive duration';
  if (!Number.isFinite(now)) return 'the cache time must be a finite epoch in ms';
  if (!Number.isFinite(entry.credits) || entry.credits < 0) {
    return 'cached credits must be a non-negative number';
  }
  return undefined;
}
