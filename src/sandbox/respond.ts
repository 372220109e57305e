import { toJson } from './json.js';

// Apollo has no single error envelope: each helper below reproduces one documented
// shape. Every body goes through toJson so RawNumber request ids stay exact.

/** Response headers as a plain record. */
export type HeaderMap = Record<string, string>;

const jsonType = 'application/json; charset=utf-8';

/** A JSON response. */
export function json(status: number, body: unknown, headers: HeaderMap = {}): Response {
  return new Response(toJson(body), {
    status,
    headers: { 'content-type': jsonType, ...headers },
  });
}

/** Apollo's 401 for a missing or unknown API key: plain text, not JSON. */
export const invalidApiKeyText =
  'Invalid API key. See https://docs.apollo.io/reference/authentication for how to authenticate.';

export function invalidApiKey(): Response {
  return new Response(invalidApiKeyText, {
    status: 401,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  });
}

/**
 * 401 for an unknown or expired OAuth access token. Apollo documents only the error_code; the
 * `error` sentence is our assumption.
 */
export function invalidAccessToken(reason: 'unknown' | 'expired'): Response {
  const error =
    reason === 'expired'
      ? 'The access token has expired. Refresh it with the refresh_token grant.'
      : 'The access token is invalid.';
  return json(401, { error, error_code: 'INVALID_ACCESS_TOKEN' });
}

/** 403 for a standard key whose configured scope lacks the endpoint (Apollo's text, verbatim). */
export function keyNotAuthorized(keyScope: string, status: 403 | 422 = 403): Response {
  return json(status, {
    error: `This API key is not authorized to access ${keyScope}. Request an API key from your administrator that includes this endpoint in its configured scope.`,
    error_code: 'API_INACCESSIBLE',
  });
}

/** 403 for an OAuth token without the endpoint's scope; Apollo's text is unknown. */
export function tokenNotAuthorized(keyScope: string, oauthScope: string): Response {
  return json(403, {
    error: `This access token is not authorized to access ${keyScope}. Re-authorize the app with the '${oauthScope}' scope.`,
    error_code: 'API_INACCESSIBLE',
  });
}

/**
 * 403 for an OAuth token on an endpoint Apollo serves to master keys only ("OAuth scopes: Not
 * supported"); the text is our assumption.
 */
export function tokenNotSupported(keyScope: string): Response {
  return json(403, {
    error: `This access token is not authorized to access ${keyScope}. It can be called with a master API key only.`,
    error_code: 'API_INACCESSIBLE',
  });
}

/** 403 for a free-plan team on a paid-only endpoint (Apollo's text, verbatim). */
export function paidPlanOnly(): Response {
  return json(403, { message: 'This endpoint is only available to Apollo users on paid plans.' });
}

/** 422 with Apollo's usual `{error}` body. */
export function unprocessable(error: string): Response {
  return json(422, { error });
}

/** The bulk-enrichment failure envelope. */
export function bulkFailure(status: 400 | 422, errorCode: string, message: string): Response {
  return json(status, { status: 'failed', error_code: errorCode, error_message: message });
}

/** A path the API does not serve. Rails answers 404 here; the body is our assumption. */
export function routeNotFound(method: string, path: string): Response {
  return json(404, { error: `No route matches [${method}] "${path}"`, error_code: 'NOT_FOUND' });
}
