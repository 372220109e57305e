// An in-process EnrichmentCacheStore with the same semantics as the database repository: for
// tests, and for a gateway run without a database. Entries are copied in and out, so a caller that
// mutates a body it was given cannot change the cache.
import { err, ok } from '../core/result.js';

import type {
  EnrichmentCacheStore,
  EnrichmentEntry,
  EnrichmentStoreStats,
  StoredEnrichmentEntry,
} from './enrichment-store.js';

interface Row {
  entry: EnrichmentEntry;
  createdAt: number;
  expiresAt: number;
}

/** Creates an empty in-memory store. */
export function createMemoryEnrichmentStore(): EnrichmentCacheStore {
  const rows = new Map<string, Row>();

  return {
    get(keys, now, requirement = {}) {
      if (new Set(keys).size > 50) return Promise.resolve(undefined);
      for (const key of keys) {
        const row = rows.get(key);
        if (!row || row.expiresAt <= now) continue;
        const { entry } = row;
        if (requirement.kind !== undefined && entry.kind !== requirement.kind) continue;
        if (requirement.revealPersonalEmails && !entry.revealPersonalEmails) continue;
        if (requirement.revealPhoneNumber && !entry.revealPhoneNumber) continue;
        const found: StoredEnrichmentEntry = {
          ...entry,
          body: structuredClone(entry.body),
          key,
          createdAt: row.createdAt,
          expiresAt: row.expiresAt,
        };
        return Promise.resolve(found);
      }
      return Promise.resolve(undefined);
    },

    put(keys, entry, ttlMs, now) {
      const invalid = validatePut(keys, entry, ttlMs, now);
      if (invalid) return Promise.resolve(err({ code: 'invalid_input', message: invalid }));
      const copy: EnrichmentEntry = { ...entry, body: structuredClone(entry.body) };
      let written = 0;
      for (const key of new Set(keys)) {
        const old = rows.get(key);
        const richer =
          old !== undefined &&
          old.expiresAt > now &&
          ((old.entry.revealPersonalEmails && !entry.revealPersonalEmails) ||
            (old.entry.revealPhoneNumber && !entry.revealPhoneNumber));
        if (richer) continue;
        rows.set(key, { entry: copy, createdAt: now, expiresAt: now + ttlMs });
        written += 1;
      }
      return Promise.resolve(ok(written));
    },

    prune(now) {
      let removed = 0;
      for (const [key, row] of rows) {
        if (row.expiresAt <= now) {
          rows.delete(key);
          removed += 1;
        }
      }
      return Promise.resolve(removed);
    },

    remove(keys) {
      let removed = 0;
      for (const key of new Set(keys)) if (rows.delete(key)) removed += 1;
      return Promise.resolve(removed);
    },

    stats(now) {
      const stats = {
        keys: rows.size,
        live: 0,
        expired: 0,
        liveByKind: { person: 0, organization: 0 },
      };
      for (const row of rows.values()) {
        if (row.expiresAt > now) {
          stats.live += 1;
          stats.liveByKind[row.entry.kind] += 1;
        } else {
          stats.expired += 1;
        }
      }
      return Promise.resolve(stats satisfies EnrichmentStoreStats);
    },
  };
}

/** The repository's limits, so the two stores refuse the same entries. */
function validatePut(
  keys: readonly string[],
  entry: EnrichmentEntry,
  ttlMs: number,
  now: number,
): string | undefined {
  if (keys.length === 0) return 'an enrichment cache entry needs at least one key';
  if (new Set(keys).size > 50) return 'an enrichment cache entry takes at most 50 keys';
  if (keys.some((k) => k === '' || k.length > 1024)) {
    return 'enrichment cache keys are 1 to 1024 characters';
  }
  if (entry.kind !== 'person' && entry.kind !== 'organization') {
    return 'an enrichment cache entry is a person or an organization';
  }
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) return 'the cache TTL must be a positive duration';
  if (!Number.isFinite(now)) return 'the cache time must be a finite epoch in ms';
  if (!Number.isFinite(entry.credits) || entry.credits < 0) {
    return 'cached credits must be a non-negative number';
  }
  return undefined;
}
