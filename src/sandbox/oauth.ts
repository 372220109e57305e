import { createHash, timingSafeEqual } from 'node:crypto';

import { randomSecret } from './random.js';
import type { Clock } from './types.js';

// Apollo's OAuth 2.0 authorization-code flow as Apollo documents it (Doorkeeper style):
// codes live 10 minutes and work once, access tokens 30 days, refresh tokens rotate. The sandbox
// consents automatically as the team's owner, so scripts and tests need no browser.

/** A registered OAuth application. */
export interface OAuthClient {
  readonly clientId: string;
  readonly clientSecret: string;
  /**
   * Exact redirect URIs, or patterns `scheme://host:*\/*` where `:*` allows any port (or none) and
   * a trailing `/*` any path.
   */
  readonly redirectUris: readonly string[];
}

/** What an access token grants. */
export interface TokenGrant {
  readonly userId: string;
  readonly clientId: string;
  readonly scopes: ReadonlySet<string>;
}

export type TokenCheck =
  { ok: true; grant: TokenGrant } | { ok: false; reason: 'unknown' | 'expired' };

/** An HTTP answer from the OAuth endpoints. */
export type OAuthAnswer =
  | { kind: 'redirect'; location: string }
  | {
      kind: 'json';
      status: number;
      body: Record<string, unknown>;
      headers?: Record<string, string>;
    };

export interface OAuthServer {
  readonly clients: readonly OAuthClient[];
  authorize(params: URLSearchParams): OAuthAnswer;
  token(params: Record<string, unknown>, authorization: string | undefined): OAuthAnswer;
  verify(accessToken: string): TokenCheck;
}

export interface OAuthOptions {
  clock: Clock;
  clients: readonly OAuthClient[];
  /** Every scope Apollo would recognise. */
  knownScopes: ReadonlySet<string>;
  /** The user who consents (the team's owner). */
  consentingUserId: () => string;
}

/** Scopes Apollo adds to every app. */
export const defaultScopes = ['read_user_profile', 'app_scopes'] as const;

export const codeLifetimeMs = 10 * 60_000;
export const accessTokenLifetimeSeconds = 30 * 24 * 3600;

/** The default client's redirect patterns: any http(s) URL on the loopback host. */
export const loopbackRedirects = [
  'http://localhost:*/*',
  'http://127.0.0.1:*/*',
  'https://localhost:*/*',
  'https://127.0.0.1:*/*',
];

/** True when a redirect URI is registered for the client (exactly, or by a pattern). */
export function redirectAllowed(patterns: readonly string[], uri: string): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  if (url.hash) return false;
  return patterns.some((pattern) => {
    if (!pattern.includes('*')) return pattern === uri;
    // eslint-disable-next-line security/detect-unsafe-regex -- disjoint parts, no nested repetition; a registered redirect pattern
    const m = /^(https?):\/\/([^/:]+)(?::(\*|\d+))?(\/.*)?$/.exec(pattern);
    if (!m) return false;
    const [, scheme, host, port, path = '/'] = m;
    if (url.protocol !== `${scheme}:` || url.hostname !== host) return false;
    if (port !== '*' && url.port !== (port ?? '')) return false;
    return path.endsWith('*') ? url.pathname.startsWith(path.slice(0, -1)) : url.pathname === path;
  });
}

interface CodeRecord {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  userId: string;
  challenge?: string;
  expiresAt: number;
  used: boolean;
  grantId: string;
}

interface AccessRecord extends TokenGrant {
  expiresAt: number;
  grantId: string;
}

interface RefreshRecord {
  userId: string;
  clientId: string;
  scopes: string[];
  grantId: string;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

const noStore = { 'cache-control': 'no-store', pragma: 'no-cache' };

function tokenError(status: number, error: string, description: string): OAuthAnswer {
  const headers: Record<string, string> = { ...noStore };
  if (error === 'invalid_client') headers['www-authenticate'] = 'Basic realm="apollo-sandbox"';
  return { kind: 'json', status, body: { error, error_description: description }, headers };
}

/** Splits a scope parameter: Apollo uses spaces; commas and pluses are tolerated. */
function splitScopes(raw: string | undefined): string[] {
  return (raw ?? '').split(/[\s,+]+/).filter(Boolean);
}

export function createOAuthServer(options: OAuthOptions): OAuthServer {
  const codes = new Map<string, CodeRecord>();
  const access = new Map<string, AccessRecord>();
  const refresh = new Map<string, RefreshRecord>();
  const clients = options.clients;

  const findClient = (id: string | undefined) =>
    id === undefined ? undefined : clients.find((c) => c.clientId === id);

  function revokeGrant(grantId: string): void {
    for (const [t, r] of access) if (r.grantId === grantId) access.delete(t);
    for (const [t, r] of refresh) if (r.grantId === grantId) refresh.delete(t);
  }

  function issue(userId: string, clientId: string, scopes: string[], grantId: string): OAuthAnswer {
    const now = options.clock.now();
    const accessToken = randomSecret(32);
    const refreshToken = randomSecret(32);
    access.set(accessToken, {
      userId,
      clientId,
      scopes: new Set(scopes),
      expiresAt: now + accessTokenLifetimeSeconds * 1000,
      grantId,
    });
    refresh.set(refreshToken, { userId, clientId, scopes, grantId });
    return {
      kind: 'json',
      status: 200,
      headers: noStore,
      body: {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: accessTokenLifetimeSeconds,
        refresh_token: refreshToken,
        scope: scopes.join(' '),
        created_at: Math.floor(now / 1000),
      },
    };
  }

  /** Client credentials from the body or HTTP Basic (RFC 6749 §2.3.1). */
  function authenticateClient(
    params: Record<string, unknown>,
    authorization: string | undefined,
  ): OAuthClient | OAuthAnswer {
    let id = str(params.client_id);
    let secret = str(params.client_secret);
    const basic = authorization ? /^Basic\s+(\S+)$/i.exec(authorization) : null;
    if (basic) {
      const decoded = Buffer.from(basic[1] ?? '', 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) {
        id = decodeURIComponent(decoded.slice(0, colon));
        secret = decodeURIComponent(decoded.slice(colon + 1));
      }
    }
    const client = findClient(id);
    if (!client || secret === undefined || !safeEqual(client.clientSecret, secret)) {
      return tokenError(
        401,
        'invalid_client',
        'Client authentication failed: unknown client or wrong secret.',
      );
    }
    return client;
  }

  return {
    clients,

    authorize(params) {
      const clientId = params.get('client_id') ?? undefined;
      const client = findClient(clientId);
      if (!client) {
        return {
          kind: 'json',
          status: 400,
          body: {
            error: 'invalid_client',
            error_description: clientId
              ? `Unknown client_id '${clientId}'.`
              : 'client_id is required.',
          },
        };
      }
      const redirectUri = params.get('redirect_uri') ?? '';
      if (!redirectAllowed(client.redirectUris, redirectUri)) {
        return {
          kind: 'json',
          status: 400,
          body: {
            error: 'invalid_redirect_uri',
            error_description: redirectUri
              ? `redirect_uri '${redirectUri}' is not registered for this client.`
              : 'redirect_uri is required.',
          },
        };
      }
      const state = params.get('state');
      // Apollo reports authorize errors on the redirect with its own parameters rather than
      // RFC 6749's error/error_description.
      const redirectWith = (values: Record<string, string>): OAuthAnswer => {
        const url = new URL(redirectUri);
        for (const [k, v] of Object.entries(values)) url.searchParams.set(k, v);
        if (state !== null) url.searchParams.set('state', state);
        return { kind: 'redirect', location: url.toString() };
      };
      const fail = (status: number, message: string) =>
        redirectWith({ status_code: String(status), error_message: message });

      if (params.get('response_type') !== 'code') {
        return fail(400, "response_type must be 'code'");
      }
      const requested = splitScopes(params.get('scope') ?? undefined);
      const unknown = requested.filter((s) => !options.knownScopes.has(s));
      if (unknown.length > 0) return fail(403, `Invalid scope: ${unknown.join(' ')}`);
      const challenge = params.get('code_challenge') ?? undefined;
      if (challenge !== undefined) {
        if (params.get('code_challenge_method') !== 'S256') {
          return fail(400, "code_challenge_method must be 'S256'");
        }
        if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
          return fail(400, 'code_challenge must be a base64url SHA-256 digest');
        }
      }
      const code = randomSecret(24);
      codes.set(code, {
        clientId: client.clientId,
        redirectUri,
        scopes: [...new Set([...defaultScopes, ...requested])],
        userId: options.consentingUserId(),
        ...(challenge !== undefined ? { challenge } : {}),
        expiresAt: options.clock.now() + codeLifetimeMs,
        used: false,
        grantId: randomSecret(),
      });
      return redirectWith({ code });
    },

    token(params, authorization) {
      const grantType = str(params.grant_type);
      if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
        return grantType === undefined
          ? tokenError(400, 'invalid_request', 'grant_type is required.')
          : tokenError(
              400,
              'unsupported_grant_type',
              `grant_type '${grantType}' is not supported.`,
            );
      }
      const client = authenticateClient(params, authorization);
      if ('kind' in client) return client;

      if (grantType === 'authorization_code') {
        const code = str(params.code);
        if (!code) return tokenError(400, 'invalid_request', 'code is required.');
        const record = codes.get(code);
        if (!record || record.clientId !== client.clientId) {
          return tokenError(400, 'invalid_grant', 'The authorization code is invalid.');
        }
        if (record.used) {
          // A replayed code suggests it leaked: revoke what it issued (RFC 6749 §4.1.2).
          revokeGrant(record.grantId);
          return tokenError(400, 'invalid_grant', 'The authorization code has already been used.');
        }
        if (options.clock.now() >= record.expiresAt) {
          return tokenError(400, 'invalid_grant', 'The authorization code has expired.');
        }
        if (str(params.redirect_uri) !== record.redirectUri) {
          return tokenError(
            400,
            'invalid_grant',
            'redirect_uri does not match the authorization request.',
          );
        }
        if (record.challenge !== undefined) {
          const verifier = str(params.code_verifier);
          if (!verifier) return tokenError(400, 'invalid_grant', 'code_verifier is required.');
          if (!safeEqual(s256(verifier), record.challenge)) {
            record.used = true;
            return tokenError(
              400,
              'invalid_grant',
              'code_verifier does not match the code_challenge.',
            );
          }
        }
        record.used = true;
        return issue(record.userId, record.clientId, record.scopes, record.grantId);
      }

      const token = str(params.refresh_token);
      if (!token) return tokenError(400, 'invalid_request', 'refresh_token is required.');
      const record = refresh.get(token);
      if (!record || record.clientId !== client.clientId) {
        return tokenError(
          400,
          'invalid_grant',
          'The refresh token is invalid, revoked or already used.',
        );
      }
      let scopes = record.scopes;
      const asked = str(params.scope);
      if (asked !== undefined) {
        const narrowed = splitScopes(asked);
        const extra = narrowed.filter((s) => !record.scopes.includes(s));
        if (extra.length > 0) {
          return tokenError(
            400,
            'invalid_scope',
            `Scopes not granted originally: ${extra.join(' ')}`,
          );
        }
        scopes = narrowed;
      }
      // Rotation: the old refresh token dies with this use.
      refresh.delete(token);
      return issue(record.userId, record.clientId, scopes, record.grantId);
    },

    verify(accessToken) {
      const record = access.get(accessToken);
      if (!record) return { ok: false, reason: 'unknown' };
      if (options.clock.now() >= record.expiresAt) return { ok: false, reason: 'expired' };
      return { ok: true, grant: record };
    },
  };
}
