// Apollo's OAuth 2.0 authorization-code flow from the client side, over
// oauth4webapi: the authorization URL, the callback's checks, the code exchange and the refresh.
// Every outcome a caller can act on comes back as a Result; no message ever holds a token, a
// secret or a code.
import { timingSafeEqual } from 'node:crypto';

import * as oauth from 'oauth4webapi';

import {
  hashRoutedAuthorize,
  oauthAuthorize,
  oauthToken,
  type EndpointSpec,
} from '../catalog/index.js';
import { err, ok, type Result } from '../core/result.js';

/** Where the authorization page and the token endpoint are, for one configured upstream. */
export interface OAuthEndpoints {
  /** Identifies the authorization server to oauth4webapi (the origin serving the token endpoint). */
  readonly issuer: string;
  /** The authorization page without its query; a hash route on Apollo's real web app. */
  readonly authorizationUrl: string;
  readonly tokenUrl: string;
}

/** The OAuth application Gatehouse is registered as in Apollo. */
export interface OAuthClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** Tokens from the token endpoint, with the expiry made absolute. */
export interface TokenSet {
  readonly accessToken: string;
  /** Null when Apollo sent none (a refresh may keep the old one, RFC 6749 §6). */
  readonly refreshToken: string | null;
  /** Epoch ms. */
  readonly expiresAt: number;
  /** Null when Apollo did not say which scopes it granted. */
  readonly scopes: readonly string[] | null;
}

/** Why an authorization or a token request failed. */
export type OAuthFailureCode =
  | 'state_mismatch'
  | 'access_denied'
  | 'authorization_failed'
  | 'invalid_grant'
  | 'invalid_client'
  | 'token_error'
  | 'invalid_response'
  | 'unreachable';

/** A failure as a value: `message` is one plain sentence, safe to print and to store. */
export interface OAuthFailure {
  readonly code: OAuthFailureCode;
  readonly message: string;
}

/** What every token request needs; the embedded sandbox and tests inject a fetch. */
export interface TokenRequestOptions {
  readonly endpoints: OAuthEndpoints;
  readonly client: OAuthClientCredentials;
  readonly timeoutMs: number;
  /** Epoch ms, for the absolute expiry. */
  readonly now: () => number;
  readonly fetch?: typeof fetch;
}

/** Apollo's access tokens live 30 days; assumed when a response omits expires_in. */
export const defaultAccessTokenLifetimeMs = 30 * 24 * 3600_000;

// ASSUMPTION (Apollo's documentation names app.apollo.io for both the authorization page and the token
// endpoint, and api.apollo.io for API calls): the real API host pairs with the web app, whose
// router reads the authorization page from the URL fragment. Any other upstream (the sandbox, a
// test double, a proxy) serves every path on its own origin with the page as a plain path, as the
// sandbox does.
const apolloApiHost = 'api.apollo.io';
const apolloAppOrigin = 'https://app.apollo.io';

/** The OAuth endpoints that go with an upstream API URL, from the catalog's paths. */
export function oauthEndpoints(upstreamUrl: string): OAuthEndpoints {
  const upstream = new URL(upstreamUrl);
  const real = upstream.hostname === apolloApiHost;
  const origin = (spec: EndpointSpec) =>
    real && spec.host === 'app' ? apolloAppOrigin : upstream.origin;
  return {
    issuer: origin(oauthToken),
    authorizationUrl: real
      ? hashRoutedAuthorize(origin(oauthAuthorize))
      : `${origin(oauthAuthorize)}${oauthAuthorize.path}`,
    tokenUrl: `${origin(oauthToken)}${oauthToken.path}`,
  };
}

/** The secrets of one authorization attempt: `state` binds the callback, PKCE binds the code. */
export interface AuthorizationSecrets {
  readonly state: string;
  readonly codeVerifier: string;
  readonly codeChallenge: string;
}

/** Fresh random state and PKCE S256 verifier/challenge (32 random bytes each). */
export async function newAuthorizationSecrets(): Promise<AuthorizationSecrets> {
  const codeVerifier = oauth.generateRandomCodeVerifier();
  return {
    state: oauth.generateRandomState(),
    codeVerifier,
    codeChallenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
  };
}

/** The URL the admin opens to grant Gatehouse access (scopes space-separated, as Apollo reads them). */
export function buildAuthorizationUrl(
  endpoints: OAuthEndpoints,
  request: {
    clientId: string;
    redirectUri: string;
    scopes: readonly string[];
    state: string;
    codeChallenge: string;
  },
): string {
  const query = new URLSearchParams({
    client_id: request.clientId,
    redirect_uri: request.redirectUri,
    response_type: 'code',
    scope: request.scopes.join(' '),
    state: request.state,
    code_challenge: request.codeChallenge,
    code_challenge_method: 'S256',
  });
  return `${endpoints.authorizationUrl}?${query.toString()}`;
}

/** Compares secrets in constant time (lengths may leak; contents do not). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The callback's parameters once checked: only they can be exchanged (oauth4webapi brands them). */
export type CheckedCallback = URLSearchParams;

/**
 * Checks the redirect back from the authorization page: the state first (a callback Gatehouse did
 * not start is refused before anything else is read), then an error, in Apollo's own parameters
 * (`status_code`, `error_message`) or RFC 6749's (`error`, `error_description`).
 */
export function checkCallback(
  endpoints: OAuthEndpoints,
  clientId: string,
  params: URLSearchParams,
  expectedState: string,
): Result<CheckedCallback, OAuthFailure> {
  const state = params.get('state');
  if (state === null || !sameSecret(state, expectedState)) {
    return err({
      code: 'state_mismatch',
      message:
        state === null
          ? 'the callback carried no state, so it cannot be matched to this authorization; nothing was saved'
          : 'the callback state does not match this authorization (a stale or forged redirect); nothing was saved',
    });
  }
  const error = params.get('error');
  if (error !== null) {
    const description = params.get('error_description');
    return err({
      code: error === 'access_denied' ? 'access_denied' : 'authorization_failed',
      message:
        error === 'access_denied'
          ? `access was denied on Apollo's authorization page${description ? ` (${oneLine(description)})` : ''}; nothing was saved`
          : `Apollo refused the authorization: ${oneLine(error)}${description ? ` (${oneLine(description)})` : ''}; nothing was saved`,
    });
  }
  const apolloStatus = params.get('status_code');
  if (apolloStatus !== null || params.has('error_message')) {
    return err({
      code:
        apolloStatus === '401' || apolloStatus === '403' ? 'access_denied' : 'authorization_failed',
      message: `Apollo refused the authorization${apolloStatus ? ` (${oneLine(apolloStatus)})` : ''}: ${oneLine(params.get('error_message') ?? 'no reason given')}; nothing was saved`,
    });
  }
  if (!params.get('code')) {
    return err({
      code: 'authorization_failed',
      message: 'the callback carried neither a code nor an error; nothing was saved',
    });
  }
  try {
    return ok(
      oauth.validateAuthResponse(
        authServer(endpoints),
        { client_id: clientId },
        params,
        expectedState,
      ),
    );
  } catch (e) {
    return err({
      code: 'authorization_failed',
      message: `the callback is not a valid authorization response (${(e as Error).message}); nothing was saved`,
    });
  }
}

/** Exchanges the code from a checked callback (authorization_code grant, client secret in the body). */
export async function exchangeCode(
  options: TokenRequestOptions,
  callback: CheckedCallback,
  redirectUri: string,
  codeVerifier: string,
): Promise<Result<TokenSet, OAuthFailure>> {
  return tokenRequest(options, 'code exchange', async (as, client, auth, http) =>
    oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(
        as,
        client,
        auth,
        callback,
        redirectUri,
        codeVerifier,
        http,
      ),
    ),
  );
}

/** Trades a refresh token for new tokens; Apollo rotates the refresh token. */
export async function refreshTokens(
  options: TokenRequestOptions,
  refreshToken: string,
): Promise<Result<TokenSet, OAuthFailure>> {
  return tokenRequest(options, 'token refresh', async (as, client, auth, http) =>
    oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, auth, refreshToken, http),
    ),
  );
}

function authServer(endpoints: OAuthEndpoints): oauth.AuthorizationServer {
  return { issuer: endpoints.issuer, token_endpoint: endpoints.tokenUrl };
}

type Exchange = (
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  auth: oauth.ClientAuth,
  http: oauth.TokenEndpointRequestOptions,
) => Promise<oauth.TokenEndpointResponse>;

async function tokenRequest(
  options: TokenRequestOptions,
  what: string,
  exchange: Exchange,
): Promise<Result<TokenSet, OAuthFailure>> {
  const started = options.now();
  const send = options.fetch ?? fetch;
  const http: oauth.TokenEndpointRequestOptions = {
    signal: AbortSignal.timeout(options.timeoutMs),
    [oauth.customFetch]: (url, init) => send(url, init as RequestInit),
    // The upstream URL is the operator's choice; plain http is how the sandbox is reached.
    [oauth.allowInsecureRequests]: new URL(options.endpoints.tokenUrl).protocol === 'http:',
  };
  try {
    const body = await exchange(
      authServer(options.endpoints),
      { client_id: options.client.clientId },
      // Apollo reads client_id and client_secret from the form body.
      oauth.ClientSecretPost(options.client.clientSecret),
      http,
    );
    const expiresIn = typeof body.expires_in === 'number' ? body.expires_in * 1000 : null;
    return ok({
      accessToken: body.access_token,
      refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : null,
      // Counted from when the request left, so clock drift during the call errs early.
      expiresAt: started + (expiresIn ?? defaultAccessTokenLifetimeMs),
      scopes: typeof body.scope === 'string' ? body.scope.split(/\s+/).filter(Boolean) : null,
    });
  } catch (e) {
    return err(await describeTokenFailure(e, what, options.endpoints.tokenUrl));
  }
}

async function describeTokenFailure(
  e: unknown,
  what: string,
  tokenUrl: string,
): Promise<OAuthFailure> {
  let error: string | undefined;
  let description: string | undefined;
  let status: number | undefined;
  if (e instanceof oauth.ResponseBodyError) {
    ({ error, error_description: description, status } = e);
  } else if (e instanceof oauth.WWWAuthenticateChallengeError) {
    // A 401 with a challenge (the sandbox's invalid_client): the OAuth error is still in the body.
    status = e.status;
    const body = (await e.response.json().catch(() => null)) as Record<string, unknown> | null;
    error =
      typeof body?.error === 'string' ? body.error : status === 401 ? 'invalid_client' : undefined;
    description = typeof body?.error_description === 'string' ? body.error_description : undefined;
  }
  if (error !== undefined) {
    const code: OAuthFailureCode =
      error === 'invalid_grant' || error === 'invalid_client' ? error : 'token_error';
    const hint =
      code === 'invalid_client'
        ? ' (check the client id and secret)'
        : code === 'invalid_grant' && what === 'token refresh'
          ? ' (the refresh token was revoked or already used: connect again)'
          : '';
    return {
      code,
      message: `Apollo refused the ${what}: ${oneLine(error)}${description ? `, ${oneLine(description)}` : ''}${hint}`,
    };
  }
  if (e instanceof oauth.OperationProcessingError || e instanceof oauth.UnsupportedOperationError) {
    return {
      code: 'invalid_response',
      message: `the ${what} at ${tokenUrl} answered unexpectedly${status ? ` (HTTP ${status})` : ''}: ${oneLine(e.message)}`,
    };
  }
  const name = e instanceof Error ? e.name : '';
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : '';
  return {
    code: 'unreachable',
    message:
      name === 'TimeoutError' || name === 'AbortError'
        ? `the ${what} at ${tokenUrl} did not answer in time`
        : `could not reach ${tokenUrl} for the ${what}${cause ? `: ${oneLine(cause)}` : ''}`,
  };
}

/** Keeps text from the network to one bounded line. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}
