import { timingSafeEqual } from 'node:crypto';

import { randomSecret } from './random.js';
import { scopeVersionMarker, type ApiRoute } from './routes.js';

/** A standard (scoped) API key and the endpoints ticked for it, as Apollo key scopes. */
export interface ScopedKey {
  readonly key: string;
  readonly endpoints: readonly string[];
}

/** The team's API keys. */
export interface KeyRing {
  readonly master: readonly string[];
  readonly scoped: readonly ScopedKey[];
}

/** Who an API key is. */
export type KeyHolder = { kind: 'master' } | { kind: 'scoped'; scopes: ReadonlySet<string> };

function tail(scope: string): string {
  const s = scope.trim().replace(/^\/+/, '');
  const at = s.lastIndexOf(scopeVersionMarker);
  return at >= 0 ? s.slice(at + scopeVersionMarker.length) : s;
}

/**
 * The Apollo key scope an endpoint name refers to: a key scope (`api/v1/mixed_people/api_search`),
 * the same without `api/v1/` (`mixed_people/api_search`), or a route id (`people.search`).
 */
export function resolveKeyScope(routes: readonly ApiRoute[], name: string): string | undefined {
  const byId = routes.find((r) => r.id === name.trim());
  if (byId) return byId.keyScope ?? undefined;
  const wanted = tail(name);
  return (
    routes.find((r) => r.keyScope !== null && tail(r.keyScope) === wanted)?.keyScope ?? undefined
  );
}

/** Builds the key ring; throws on an endpoint name no route answers to (a configuration error). */
export function createKeyRing(
  routes: readonly ApiRoute[],
  master: readonly string[] | undefined,
  scoped: ReadonlyArray<{ key: string; endpoints: readonly string[] }> | undefined,
): KeyRing {
  const masterKeys = master && master.length > 0 ? [...master] : [randomSecret()];
  const scopedKeys = (scoped ?? []).map(({ key, endpoints }) => {
    const resolved = endpoints.map((name) => {
      const scope = resolveKeyScope(routes, name);
      if (!scope) throw new Error(`unknown endpoint '${name}' for scoped key`);
      return scope;
    });
    return { key, endpoints: [...new Set(resolved)] };
  });
  const all = [...masterKeys, ...scopedKeys.map((k) => k.key)];
  if (all.some((k) => !/^\S+$/.test(k)))
    throw new Error('API keys must be non-empty, without spaces');
  if (new Set(all).size !== all.length) throw new Error('API keys must be distinct');
  return { master: masterKeys, scoped: scopedKeys };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Who holds this key, if anyone. */
export function identifyKey(ring: KeyRing, key: string): KeyHolder | undefined {
  if (ring.master.some((k) => same(k, key))) return { kind: 'master' };
  const scoped = ring.scoped.find((k) => same(k.key, key));
  return scoped ? { kind: 'scoped', scopes: new Set(scoped.endpoints) } : undefined;
}
