import { encodeQuery, fillPath, type ActionSpec, type EndpointSpec } from '../catalog/index.js';

import type { Credential } from './types.js';

/** A fully built HTTP request, before it is sent. */
export interface BuiltRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
}

/** Headers that carry the credential: X-Api-Key for keys, Bearer for OAuth. */
export function credentialHeaders(credential: Credential): Record<string, string> {
  return credential.kind === 'apikey'
    ? { 'x-api-key': credential.key }
    : { authorization: `Bearer ${credential.accessToken}` };
}

/**
 * Builds the request for an action, purely. GET sends every parameter as Apollo's bracketed query
 * string; other methods send JSON, except the parameters Apollo reads from the query string.
 * Path parameters go into the path only.
 */
export function buildRequest(
  baseUrl: string,
  spec: Pick<ActionSpec, 'method' | 'path' | 'pathParams'> & { queryParams?: readonly string[] },
  input: Record<string, unknown>,
  credential: Credential,
  userAgent: string,
): BuiltRequest {
  const path = fillPath(spec.path, input);
  const rest: Record<string, unknown> = {};
  const query: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    if (spec.pathParams.includes(k) || v === undefined) continue;
    if (spec.method === 'GET' || spec.queryParams?.includes(k)) query[k] = v;
    else rest[k] = v;
  }
  const qs = encodeQuery(query).toString();
  const url = `${baseUrl.replace(/\/$/, '')}${path}${qs ? `?${qs}` : ''}`;
  const headers: Record<string, string> = {
    accept: 'application/json',
    'user-agent': userAgent,
    'cache-control': 'no-cache',
    ...credentialHeaders(credential),
  };
  let body: string | undefined;
  if (spec.method !== 'GET') {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(rest);
  }
  return { method: spec.method, url, headers, body };
}

/** The same for a non-action endpoint (identity, health, async results). */
export function buildEndpointRequest(
  baseUrl: string,
  endpoint: EndpointSpec,
  input: Record<string, unknown>,
  credential: Credential,
  userAgent: string,
): BuiltRequest {
  return buildRequest(baseUrl, endpoint, input, credential, userAgent);
}
