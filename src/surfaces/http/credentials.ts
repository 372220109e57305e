// Where an agent's credential may travel: headers only. A URL is written to access logs, proxy
// logs and browser history, so a credential found in a query string is refused on every surface.

/** Query parameter names that would carry a credential (compared after normalising). */
export const credentialParams: readonly string[] = Object.freeze([
  'api_key',
  'apikey',
  'x_api_key',
  'token',
  'access_token',
  'auth_token',
  'id_token',
  'refresh_token',
  'bearer',
  'authorization',
  'client_secret',
  'key',
]);

const names = new Set(credentialParams);

/** `API-Key`, `access_token[]`, `x[api_key]` → each name part in one spelling: `api_key`, … */
function nameParts(name: string): string[] {
  return name
    .toLowerCase()
    .replace(/-/g, '_')
    .split(/[[\]]+/)
    .filter(Boolean);
}

/**
 * The first query parameter (as the caller spelled it) that would carry a credential, in any
 * letter case, with `-` or `_`, alone or in brackets (`?API_KEY=…`, `?access_token[]=…`,
 * `?auth[token]=…`); null when there is none.
 */
export function credentialInUrl(query: URLSearchParams): string | null {
  for (const name of query.keys()) {
    if (nameParts(name).some((part) => names.has(part))) return name;
  }
  return null;
}

/** The refusal's sentence, naming the parameter and where the token belongs instead. */
export function credentialInUrlMessage(name: string, where: string): string {
  return `Do not put credentials in the URL (found "${name}"): URLs end up in logs and proxies. ${where}`;
}

/** Extracts the agent token from X-Api-Key or Authorization: Bearer. */
export function tokenFrom(headers: Headers): string | null {
  const key = headers.get('x-api-key');
  if (key && key.trim()) return key.trim();
  const auth = headers.get('authorization');
  const m = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
  return m?.[1] ?? null;
}
