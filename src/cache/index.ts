// The enrichment cache: identity keys and reveal rules (pure), the storage port with an in-memory
// store, and the policy the gateway consults before and after calling Apollo's enrichment actions.
export {
  createEnrichmentCache,
  defaultEnrichmentTtlMs,
  mergeBulk,
  splitBulk,
} from './enrichment-cache.js';
export { alignMatches } from './enrichment-bulk.js';
export type {
  BulkCacheLookup,
  BulkSplit,
  CacheHit,
  CacheLookup,
  CacheMiss,
  CacheMissReason,
  EnrichmentCache,
  EnrichmentCacheOptions,
  EnrichmentCacheStats,
} from './enrichment-cache.js';
export {
  canServe,
  cacheableActionIds,
  fetchedReveal,
  keyType,
  kindOfAction,
  normalizeDomain,
  normalizeEmail,
  normalizeLinkedInUrl,
  organizationRequestKeys,
  personRequestKeys,
  requestedReveal,
} from './enrichment-key.js';
export type { CachedReveal, EnrichmentKind, KeyType, RevealLevel } from './enrichment-key.js';
export type {
  EnrichmentCacheStore,
  EnrichmentEntry,
  EnrichmentRequirement,
  EnrichmentStoreError,
  EnrichmentStoreStats,
  StoredEnrichmentEntry,
} from './enrichment-store.js';
export { createMemoryEnrichmentStore } from './memory-enrichment-store.js';
