// The rows every call reads (its agent by token, its grants, the connection), kept in memory for
// as long as the store's change version says they cannot have changed (SQLite; see
// store/change-version.ts). Without a version (Postgres) every lookup reads the store.

/** A lookup remembered under the version it was read at; read again once the version moved. */
export interface VersionedCache<K, V> {
  get(key: K, load: () => Promise<V>): Promise<V>;
}

/** At most this many keys are kept; past that the cache starts again empty. */
export const maxCachedKeys = 10_000;

export function versionedCache<K, V>(
  version: (() => string) | undefined,
  keep: (value: V) => boolean = () => true,
): VersionedCache<K, V> {
  const entries = new Map<K, { version: string; value: V }>();
  return {
    async get(key, load) {
      if (!version) return load();
      // The version is taken before the read: a change committed while it runs moves the version,
      // so what was read is not used again.
      const at = version();
      const hit = entries.get(key);
      if (hit && hit.version === at) return hit.value;
      const value = await load();
      if (keep(value)) {
        if (entries.size >= maxCachedKeys && !entries.has(key)) entries.clear();
        entries.set(key, { version: at, value });
      } else entries.delete(key);
      return value;
    },
  };
}
