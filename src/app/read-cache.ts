// The rows every call reads (its agent by token, its grants, the connection), kept in memory for
// as long as the store's change version says they cannot have changed (store/change-version.ts,
// migration 0013). SQLite answers the version at once; Postgres answers it with one small read,
// which the lookups of one call share (callVersions), so a call asks once instead of reading
// three sets of rows. Without a version every lookup reads the store.
import { AsyncLocalStorage } from 'node:async_hooks';

/** A store's change version: a string now (SQLite) or after one read (Postgres). */
export type ChangeVersion = () => string | Promise<string>;

/** A lookup remembered under the version it was read at; read again once the version moved. */
export interface VersionedCache<K, V> {
  get(key: K, load: () => Promise<V>): Promise<V>;
}

/** At most this many keys are kept; past that the cache starts again empty. */
export const maxCachedKeys = 10_000;

export function versionedCache<K, V>(
  version: ChangeVersion | undefined,
  keep: (value: V) => boolean = () => true,
): VersionedCache<K, V> {
  const entries = new Map<K, { version: string; value: V }>();
  return {
    async get(key, load) {
      if (!version) return load();
      // The version is taken before the read: a change committed while it runs moves the version,
      // so what was read is not used again.
      const asked = version();
      const at = typeof asked === 'string' ? asked : await asked;
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

/** How long one call may go on using the version it read (a call paced for longer asks again). */
export const callVersionMaxAgeMs = 1000;

/** A change version whose reads the lookups of one call share. */
export interface CallVersions {
  /** The version for a lookup now: inside `within`, the call's own read, else a fresh one. */
  readonly version: ChangeVersion | undefined;
  /** Runs one call: its lookups share one version read, made after the call began. */
  within<T>(call: () => Promise<T>): Promise<T>;
}

const shared = new WeakMap<ChangeVersion, CallVersions>();

/**
 * The call-scoped view of `version`, the same object for the same version function (so the
 * credential source built by start.ts and the caches built by createApp share one scope).
 *
 * Exact: a call's lookups see every change committed before the call began, since the version
 * they share was read after it began, and a row read after that version can only be newer than
 * it (kept under the older version, it is read again by the next call). A version read only by a
 * synchronous ask (SQLite) is never shared: it is already free, and stays per turn of the loop.
 */
export function callVersions(
  version: ChangeVersion | undefined,
  monotonic: () => number = () => performance.now(),
): CallVersions {
  if (!version) return { version: undefined, within: (call) => call() };
  const known = shared.get(version);
  if (known) return known;
  const scopes = new AsyncLocalStorage<{ read?: { at: number; value: Promise<string> } }>();
  const scoped: CallVersions = {
    version: () => {
      const scope = scopes.getStore();
      const now = monotonic();
      if (scope?.read && now - scope.read.at <= callVersionMaxAgeMs) return scope.read.value;
      const value = version();
      if (!scope || typeof value === 'string') return value;
      const read = { at: now, value };
      scope.read = read;
      // A failed read is not shared: the call's next lookup asks again (and fails on its own).
      value.catch(() => {
        if (scope.read === read) delete scope.read;
      });
      return value;
    },
    within: (call) => scopes.run({}, call),
  };
  shared.set(version, scoped);
  return scoped;
}
