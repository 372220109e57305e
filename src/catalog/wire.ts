// Apollo's wire format for parameters. OpenAPI documents them as bracketed query strings
// (`person_titles[]=a&person_titles[]=b`, `revenue_range[min]=1`), real clients send JSON bodies,
// and Apollo accepts both. These two functions convert between the forms.

/**
 * Decodes a query string into the same object a JSON body would carry.
 *
 * Every property is defined as the object's own, never assigned, and every existing value is read
 * only when it is the object's own: a name such as `__proto__[per_page]` becomes an ordinary key
 * that the input-shape check then refuses, and can never reach `Object.prototype`.
 */
export function decodeQuery(params: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of params) {
    const listMatch = /^([^[\]]+)\[\]$/.exec(rawKey);
    const objMatch = /^([^[\]]+)\[([^[\]]+)\]$/.exec(rawKey);
    if (listMatch) {
      const key = listMatch[1]!;
      const current = own(out, key);
      if (Array.isArray(current)) current.push(value);
      else define(out, key, current === undefined ? [value] : [current, value]);
    } else if (objMatch) {
      const key = objMatch[1]!;
      const current = own(out, key);
      const obj =
        current && typeof current === 'object' && !Array.isArray(current)
          ? (current as Record<string, unknown>)
          : {};
      define(obj, objMatch[2]!, value);
      define(out, key, obj);
    } else {
      const current = own(out, rawKey);
      if (current === undefined) define(out, rawKey, value);
      else define(out, rawKey, Array.isArray(current) ? [...current, value] : [current, value]);
    }
  }
  return out;
}

/** The object's own value under `key`; never an inherited one. */
function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** Sets an own, enumerable property, whatever its name (no setter such as `__proto__` runs). */
function define(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Encodes an object as Apollo's bracketed query string (arrays as `k[]`, objects as `k[sub]`). */
export function encodeQuery(input: Record<string, unknown>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      for (const item of value) params.append(`${key}[]`, scalar(item));
    } else if (typeof value === 'object') {
      for (const [sub, v] of Object.entries(value as Record<string, unknown>)) {
        if (v !== undefined && v !== null) params.append(`${key}[${sub}]`, scalar(v));
      }
    } else {
      params.append(key, scalar(value));
    }
  }
  return params;
}

function scalar(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Fills a path template (`/api/v1/contacts/{contact_id}`) with URL-encoded values. */
export function fillPath(template: string, values: Record<string, unknown>): string {
  return template.replace(/\{([a-z_]+)\}/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined || v === null || v === '')
      throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(String(v));
  });
}

const compiled = new Map<string, { pattern: RegExp; names: string[] }>();

// Templates are few and fixed, so each is compiled once: route matching runs on every request.
function compile(template: string): { pattern: RegExp; names: string[] } {
  let hit = compiled.get(template);
  if (!hit) {
    const names: string[] = [];
    const source = template
      .replace(/[.*+?^$()|\\]/g, '\\$&')
      .replace(/\{([a-z_]+)\}/g, (_, n: string) => {
        names.push(n);
        return '([^/]+)';
      });
    // eslint-disable-next-line security/detect-non-literal-regexp -- built from the catalog's own path templates, metacharacters escaped
    hit = { pattern: new RegExp(`^${source}/?$`), names };
    compiled.set(template, hit);
  }
  return hit;
}

/** Matches a concrete path against a template; returns the path parameters, or null. */
export function matchPath(template: string, path: string): Record<string, string> | null {
  const { pattern, names } = compile(template);
  const m = pattern.exec(path);
  if (!m) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i < names.length; i++) {
    try {
      out[names[i]!] = decodeURIComponent(m[i + 1]!);
    } catch {
      return null; // malformed percent-encoding is no match, not a crash
    }
  }
  return out;
}

/** The `{param}` names in a path template, in order. */
export function pathParamNames(template: string): string[] {
  return [...template.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]!);
}
