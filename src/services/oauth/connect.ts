// Connecting Apollo over OAuth, shared by `gatehouse connect oauth` (a loopback callback) and the
// server's /oauth/callback (the console, later): start an authorization, then check the callback,
// exchange the code, identify the user and seal the tokens. Nothing is saved unless every step
// succeeds.
import { createHash } from 'node:crypto';

import { z } from 'zod';

import { actions, apiProfile, oauthScopes, webhookResult } from '../../catalog/index.js';
import { err, ok, type Result } from '../../core/result.js';
import type { ConnectionMetadata } from '../../store/index.js';
import type { OAuthConnected, PendingAuthorizations } from './types.js';
import {
  buildAuthorizationUrl,
  checkCallback,
  createApolloClient,
  exchangeCode,
  newAuthorizationSecrets,
  oauthEndpoints,
  type OAuthFailureCode,
} from '../../upstream/index.js';

import type { StoreServices } from '../../store/open-store.js';

/** The sealed credential of an OAuth connection (everything a refresh needs). */
export const oauthCredentialSchema = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  /** Epoch ms. */
  expiresAt: z.number(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
});
export type OAuthCredential = z.infer<typeof oauthCredentialSchema>;

/** The Apollo user behind a token, as api_profile describes them. */
export interface OAuthUser {
  id?: string;
  name?: string;
  email?: string;
}

/** Why connecting failed: the protocol's reasons, plus identifying the user and saving. */
export interface ConnectFailure {
  readonly code: OAuthFailureCode | 'profile_failed' | 'save_failed';
  readonly message: string;
}

/** Gatehouse identifies the user with it; Apollo grants it to every app anyway. */
const profileScope = apiProfile.oauthScope ?? 'read_user_profile';

/** What Gatehouse asks for by default: every catalog action's scope, the profile and async results. */
export const defaultOAuthScopes: readonly string[] = Object.freeze([
  ...new Set([
    profileScope,
    ...actions.flatMap((a) => (a.oauthScope ? [a.oauthScope] : [])),
    ...(webhookResult.oauthScope ? [webhookResult.oauthScope] : []),
  ]),
]);

/**
 * Reads a scope list ("a,b" or "a b"): each must be one Apollo recognises, and the profile scope
 * is always added. The error names the unknown ones.
 */
export function parseScopes(list: string): Result<string[], string> {
  const asked = list.split(/[\s,]+/).filter(Boolean);
  if (asked.length === 0) return err('--scopes is empty');
  const unknown = asked.filter((s) => !oauthScopes.includes(s));
  if (unknown.length > 0) {
    return err(`unknown OAuth scope${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
  }
  return ok([...new Set([profileScope, ...asked])]);
}

/** Who connected, from api_profile: Apollo clients disagree on whether it is wrapped in `user`. */
export function profileUser(body: unknown): OAuthUser {
  const top = isRecord(body) ? body : {};
  const u = isRecord(top.user) ? top.user : top;
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
  const name =
    text(u.name) ?? text([text(u.first_name), text(u.last_name)].filter(Boolean).join(' '));
  const user: OAuthUser = {};
  const id = text(u.id);
  const email = text(u.email);
  if (id) user.id = id;
  if (name) user.name = name;
  if (email) user.email = email;
  return user;
}

/** "Olivia Owner <olivia@example.com>", or whatever part is known. */
export function describeUser(user: OAuthUser): string {
  if (user.name && user.email) return `${user.name} <${user.email}>`;
  return user.name ?? user.email ?? (user.id ? `Apollo user ${user.id}` : 'an unnamed Apollo user');
}

/** How finishing reaches Apollo and the store. */
export interface FinishDeps {
  readonly store: Pick<StoreServices, 'connection'>;
  readonly timeoutMs: number;
  readonly now?: () => number;
  /** The sandbox in process and tests; default: the network. */
  readonly fetch?: typeof fetch;
}

/** One authorization in flight, as its starter remembers it. */
export interface AuthorizationAttempt {
  readonly upstreamUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  readonly state: string;
  readonly codeVerifier: string;
  readonly scopes: readonly string[];
}

/**
 * Finishes an authorization from its callback: checks the state (constant time) and any error,
 * exchanges the code with the client secret and PKCE verifier, asks api_profile who the user is,
 * then seals the tokens in the store. Any failure leaves the store untouched.
 */
export async function finishAuthorization(
  deps: FinishDeps,
  attempt: AuthorizationAttempt,
  callback: URLSearchParams,
): Promise<Result<OAuthConnected, ConnectFailure>> {
  const now = deps.now ?? Date.now;
  const endpoints = oauthEndpoints(attempt.upstreamUrl);
  const checked = checkCallback(endpoints, attempt.clientId, callback, attempt.state);
  if (!checked.ok) return checked;
  const tokens = await exchangeCode(
    {
      endpoints,
      client: { clientId: attempt.clientId, clientSecret: attempt.clientSecret },
      timeoutMs: deps.timeoutMs,
      now,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    },
    checked.value,
    attempt.redirectUri,
    attempt.codeVerifier,
  );
  if (!tokens.ok) return tokens;
  const { accessToken, refreshToken, expiresAt } = tokens.value;
  if (!refreshToken) {
    return err({
      code: 'invalid_response',
      message:
        'Apollo issued no refresh token, so Gatehouse could not keep the connection alive; nothing was saved',
    });
  }
  const client = createApolloClient({
    baseUrl: attempt.upstreamUrl,
    timeoutMs: deps.timeoutMs,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  const profile = await client.callEndpoint(apiProfile, {}, { kind: 'oauth', accessToken });
  if (!profile.ok) {
    return err({
      code: 'profile_failed',
      message: `Apollo did not say who the new token belongs to (${profile.error.message}); nothing was saved`,
    });
  }
  const user = profileUser(profile.value.body);
  const scopes = [...(tokens.value.scopes ?? attempt.scopes)];
  const metadata: ConnectionMetadata = {
    oauthUser: user,
    expiresAt,
    scopes,
    upstreamUrl: attempt.upstreamUrl,
    connectedAt: new Date(now()).toISOString(),
  };
  const credential: OAuthCredential = {
    accessToken,
    refreshToken,
    expiresAt,
    clientId: attempt.clientId,
    clientSecret: attempt.clientSecret,
  };
  const saved = await deps.store.connection.save({ kind: 'oauth', credential, metadata });
  if (!saved.ok) return err({ code: 'save_failed', message: saved.error.message });
  return ok({ user, expiresAt, scopes });
}

/** A pending authorization expires after this (as long as Apollo's codes live). */
export const pendingAuthorizationTtlMs = 10 * 60_000;

const pendingKeyPrefix = 'oauth.pending.';

const pendingSchema = z.object({
  upstreamUrl: z.string(),
  clientId: z.string(),
  clientSecret: z.string(),
  redirectUri: z.string(),
  codeVerifier: z.string(),
  scopes: z.array(z.string()),
  bindingHash: z.string().optional(),
  createdAt: z.number(),
  expiresAt: z.number(),
});

const storedPendingSchema = z.object({ sealed: z.string(), expiresAt: z.number() });

/**
 * Pending authorizations in the settings table, so any replica and a restart still recognise the
 * callback. The row is named by a hash of the state (the state itself is never stored) and sealed
 * by the vault, since it holds the client secret and the PKCE verifier. Single use comes from the
 * delete: only the caller whose delete removed the row goes on.
 */
export function settingsPendingAuthorizations(
  store: Pick<StoreServices, 'settings' | 'vault'>,
  now: () => number = Date.now,
): PendingAuthorizations {
  const keyFor = (state: string) =>
    `${pendingKeyPrefix}${createHash('sha256').update(state).digest('base64url')}`;
  return {
    async put(state, pending) {
      const key = keyFor(state);
      const sealed = store.vault.seal(JSON.stringify(pending), key);
      const set = await store.settings.set(key, { sealed, expiresAt: pending.expiresAt });
      if (!set.ok) throw new Error(`could not remember the authorization: ${set.error.message}`);
    },
    async take(state) {
      // States Gatehouse issues are 43 characters; anything far longer is not one of them.
      if (state.length === 0 || state.length > 256) return null;
      const key = keyFor(state);
      const stored = storedPendingSchema.safeParse(await store.settings.get(key));
      if (!stored.success || !(await store.settings.remove(key))) return null;
      if (now() >= stored.data.expiresAt) return null;
      const opened = store.vault.open(stored.data.sealed, key);
      if (!opened.ok) return null;
      const pending = pendingSchema.safeParse(JSON.parse(opened.value));
      return pending.success && now() < pending.data.expiresAt ? pending.data : null;
    },
  };
}

/** The stored form of a browser binding (SHA-256, hex). */
export function bindingHash(binding: string): string {
  return createHash('sha256').update(binding).digest('hex');
}

/** A started authorization: the URL to send the admin to. */
export interface StartedAuthorization {
  readonly url: string;
  readonly state: string;
  /** Epoch ms after which the callback is refused. */
  readonly expiresAt: number;
}

/**
 * Starts an authorization whose callback the server's /oauth/callback will accept: fresh state and
 * PKCE, remembered for 10 minutes. The console calls this for the signed-in admin; `redirectUri`
 * is Gatehouse's own public /oauth/callback URL, registered with the Apollo app.
 */
export async function startAuthorization(
  deps: { pending: PendingAuthorizations; now?: () => number },
  request: {
    upstreamUrl: string;
    clientId: string;
    clientSecret: string;
    redirectUri: string;
    scopes?: readonly string[];
    /**
     * A secret held by the admin's browser (a cookie): the callback is accepted only from the
     * browser that started the authorization, so a callback URL sent to someone else saves nothing.
     */
    binding: string;
  },
): Promise<StartedAuthorization> {
  const now = (deps.now ?? Date.now)();
  const secrets = await newAuthorizationSecrets();
  const scopes = [...(request.scopes ?? defaultOAuthScopes)];
  const expiresAt = now + pendingAuthorizationTtlMs;
  await deps.pending.put(secrets.state, {
    upstreamUrl: request.upstreamUrl,
    clientId: request.clientId,
    clientSecret: request.clientSecret,
    redirectUri: request.redirectUri,
    codeVerifier: secrets.codeVerifier,
    scopes,
    bindingHash: bindingHash(request.binding),
    createdAt: now,
    expiresAt,
  });
  const url = buildAuthorizationUrl(oauthEndpoints(request.upstreamUrl), {
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    scopes,
    state: secrets.state,
    codeChallenge: secrets.codeChallenge,
  });
  return { url, state: secrets.state, expiresAt };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
