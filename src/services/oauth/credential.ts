// The team's OAuth connection as a CredentialSource: it hands out the access token and refreshes
// it a day before it expires, or at once after Apollo rejects it, one refresh at a time however
// many calls are waiting. A refresh that fails leaves the old token in service while it is valid
// and records the failure in the connection's metadata, where /readyz and the console see it.
import type { ConnectionMetadata } from '../../store/index.js';
import type { Credential, CredentialSource, Logger, SharedLock } from '../../ports/index.js';
import { oauthEndpoints, refreshTokens, type OAuthFailure } from '../../upstream/index.js';

import { loadConnection } from '../../store/open-store.js';
import { oauthCredentialSchema, type OAuthCredential } from './connect.js';
import type { StoreServices } from '../../store/open-store.js';

/**
 * Refresh when less than this is left of the token's 30 days: early enough that a failing refresh
 * leaves a day to notice (readiness warning) and reconnect before calls start failing.
 */
export const refreshMarginMs = 24 * 3600_000;

/**
 * After a refresh fails, wait this long before trying again ahead of expiry, so a revoked refresh
 * token does not send every call to Apollo's token endpoint.
 */
export const refreshRetryDelayMs = 5 * 60_000;

/** A failed refresh as recorded in the connection's metadata (`metadata.refreshError`). */
export interface RefreshError {
  readonly code: OAuthFailure['code'];
  readonly message: string;
  /** Epoch ms. */
  readonly at: number;
}

/** Options of the OAuth credential source. */
export interface OAuthCredentialOptions {
  readonly store: Pick<StoreServices, 'connection' | 'reloadKeys'>;
  /** The API host; the token endpoint goes with it (see oauthEndpoints). */
  readonly upstreamUrl: string;
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** Wall time in epoch ms; tests move it. */
  readonly clock?: { now(): number };
  /** The sandbox in process and tests; default: the network. */
  readonly fetch?: typeof fetch;
  readonly refreshMarginMs?: number;
  readonly retryDelayMs?: number;
  /**
   * Replicas share one refresh: the replica holding this lock refreshes, the others wait for its
   * saved tokens (Apollo rotates refresh tokens, so two refreshes would waste one).
   */
  readonly lock?: SharedLock;
  /** How long a replica waits for another's refresh before trying itself (default 10 s). */
  readonly lockWaitMs?: number;
}

/** A credential source whose OAuth token can be refreshed on demand. */
export interface OAuthCredentialSource extends CredentialSource {
  refreshAfterRejection(rejected: Credential): Promise<Credential | null>;
}

type Loaded =
  | { kind: 'apikey'; key: string }
  | { kind: 'oauth'; credential: OAuthCredential; metadata: ConnectionMetadata };

const bearer = (c: OAuthCredential): Credential => ({ kind: 'oauth', accessToken: c.accessToken });

/** The refresh failure recorded in a connection's metadata, if any. */
export function refreshErrorOf(metadata: ConnectionMetadata | undefined): RefreshError | null {
  const e = metadata?.refreshError as Partial<RefreshError> | undefined;
  return e && typeof e.message === 'string' && typeof e.at === 'number'
    ? { code: e.code ?? 'token_error', message: e.message, at: e.at }
    : null;
}

/** For readiness: a warning while the stored OAuth connection's last refresh failed; never throws. */
export async function oauthRefreshWarning(
  store: Pick<StoreServices, 'connection'>,
): Promise<{ warning?: string }> {
  const info = await store.connection.info().catch(() => undefined);
  const e = info?.kind === 'oauth' ? refreshErrorOf(info.metadata) : null;
  return e
    ? { warning: `the OAuth token refresh failed at ${new Date(e.at).toISOString()}: ${e.message}` }
    : {};
}

/** Creates the OAuth credential source over the stored connection. */
export function createOAuthCredentialSource(
  options: OAuthCredentialOptions,
): OAuthCredentialSource {
  const { store, logger } = options;
  const clock = options.clock ?? { now: () => Date.now() };
  const margin = options.refreshMarginMs ?? refreshMarginMs;
  const retryDelay = options.retryDelayMs ?? refreshRetryDelayMs;
  const endpoints = oauthEndpoints(options.upstreamUrl);
  let cached: { stamp: string; value: Loaded | null } | null = null;
  let inflight: Promise<Credential | null> | null = null;
  let failedAt: number | null = null;
  // Tokens refreshed but not saved (the store failed): Apollo has already spent the old refresh
  // token, so these are the only live ones; used while the store still holds what they replaced.
  let unsaved: { replaced: string; credential: OAuthCredential } | null = null;

  // Unsealing costs a decryption, so the unsealed connection is kept while the row is unchanged
  // (same update time and key id); a save by another process is seen on the next call.
  async function load(): Promise<Loaded | null> {
    const info = await store.connection.info();
    if (!info) return (cached = null);
    const stamp = `${info.updatedAt}:${info.keyId}`;
    if (cached?.stamp !== stamp) {
      const c = await loadConnection(store);
      cached = c ? { stamp: `${c.updatedAt}:${c.keyId}`, value: toLoaded(c) } : null;
    }
    const value = cached?.value ?? null;
    if (value?.kind === 'oauth' && unsaved?.replaced === value.credential.accessToken) {
      return { ...value, credential: unsaved.credential };
    }
    return value;
  }

  const coolingDown = () => failedAt !== null && clock.now() - failedAt < retryDelay;

  function refreshOnce(from: OAuthCredential): Promise<Credential | null> {
    inflight ??= refresh(from).finally(() => {
      inflight = null;
    });
    return inflight;
  }

  async function refresh(from: OAuthCredential): Promise<Credential | null> {
    if (!options.lock) return refreshNow(from);
    const waitUntil = clock.now() + (options.lockWaitMs ?? 10_000);
    for (;;) {
      const release = await options.lock.acquire('oauth-refresh', 30_000).catch(() => null);
      if (release) {
        try {
          return await refreshNow(from);
        } finally {
          await release();
        }
      }
      // Another replica is refreshing: use its tokens once saved.
      await new Promise((r) => setTimeout(r, 200));
      const latest = await load();
      if (latest?.kind === 'oauth' && latest.credential.accessToken !== from.accessToken) {
        return bearer(latest.credential);
      }
      if (clock.now() >= waitUntil) return refreshNow(from);
    }
  }

  async function refreshNow(from: OAuthCredential): Promise<Credential | null> {
    // Someone may have refreshed since the caller looked (an earlier flight, or `gatehouse mcp`
    // beside the server): Apollo rotates refresh tokens, so ours would be spent already.
    const latest = await load();
    if (latest?.kind !== 'oauth') return latest ? { kind: 'apikey', key: latest.key } : null;
    if (latest.credential.accessToken !== from.accessToken) return bearer(latest.credential);
    const current = latest.credential;
    const result = await refreshTokens(
      {
        endpoints,
        client: { clientId: current.clientId, clientSecret: current.clientSecret },
        timeoutMs: options.timeoutMs,
        now: () => clock.now(),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      },
      current.refreshToken,
    );
    if (!result.ok) return recordFailure(current, latest.metadata, result.error);

    const next: OAuthCredential = {
      ...current,
      accessToken: result.value.accessToken,
      refreshToken: result.value.refreshToken ?? current.refreshToken,
      expiresAt: result.value.expiresAt,
    };
    const { refreshError: _cleared, ...kept } = latest.metadata;
    const metadata: ConnectionMetadata = {
      ...kept,
      expiresAt: next.expiresAt,
      scopes: result.value.scopes ? [...result.value.scopes] : kept.scopes,
      refreshedAt: clock.now(),
    };
    failedAt = null;
    try {
      const saved = await store.connection.save({ kind: 'oauth', credential: next, metadata });
      if (!saved.ok) throw new Error(saved.error.message);
      cached = {
        stamp: `${saved.value.updatedAt}:${saved.value.keyId}`,
        value: { kind: 'oauth', credential: next, metadata },
      };
      unsaved = null;
    } catch (e) {
      unsaved = { replaced: current.accessToken, credential: next };
      logger.error(
        { err: e instanceof Error ? e.message : String(e) },
        'refreshed the Apollo OAuth token but could not save it; this process keeps using it, and a restart will need gatehouse connect oauth',
      );
    }
    logger.info(
      { expiresAt: new Date(next.expiresAt).toISOString() },
      'refreshed the Apollo OAuth token',
    );
    return bearer(next);
  }

  async function recordFailure(
    current: OAuthCredential,
    metadata: ConnectionMetadata,
    failure: OAuthFailure,
  ): Promise<Credential | null> {
    // A refresh token spent by another process that saved its new tokens is no failure.
    const after = await load();
    if (after?.kind === 'oauth' && after.credential.refreshToken !== current.refreshToken) {
      return bearer(after.credential);
    }
    failedAt = clock.now();
    const refreshError: RefreshError = {
      code: failure.code,
      message: failure.message,
      at: failedAt,
    };
    const valid = clock.now() < current.expiresAt;
    logger.warn(
      { code: failure.code, expiresAt: new Date(current.expiresAt).toISOString() },
      `Apollo OAuth token refresh failed: ${failure.message}; ${valid ? 'still using the current token until it expires' : 'the current token has expired: run gatehouse connect oauth'}`,
    );
    await store.connection
      .updateMetadata({ ...metadata, refreshError })
      .catch((e: unknown) =>
        logger.error(
          { err: e instanceof Error ? e.message : String(e) },
          'could not record the refresh failure',
        ),
      );
    return null;
  }

  return {
    async current() {
      const c = await load();
      if (!c) return null;
      // Reconnected with an API key since this source was chosen: use it.
      if (c.kind === 'apikey') return { kind: 'apikey', key: c.key };
      if (clock.now() < c.credential.expiresAt - margin || coolingDown()) {
        return bearer(c.credential);
      }
      // While refreshing fails the old token keeps serving; once expired, Apollo's 401 says so.
      return (await refreshOnce(c.credential)) ?? bearer(c.credential);
    },

    async refreshAfterRejection(rejected) {
      if (rejected.kind !== 'oauth') return null;
      const c = await load();
      if (!c) return null;
      if (c.kind === 'apikey') return { kind: 'apikey', key: c.key };
      if (c.credential.accessToken !== rejected.accessToken) return bearer(c.credential);
      if (!inflight && coolingDown()) return null;
      return refreshOnce(c.credential);
    },
  };
}

function toLoaded(c: {
  kind: string;
  credential: Record<string, unknown>;
  metadata: ConnectionMetadata;
}): Loaded {
  if (c.kind === 'apikey' && typeof c.credential.key === 'string') {
    return { kind: 'apikey', key: c.credential.key };
  }
  const parsed = oauthCredentialSchema.safeParse(c.credential);
  if (c.kind !== 'oauth' || !parsed.success) {
    throw new Error('the stored Apollo credential is incomplete: run gatehouse connect again');
  }
  return { kind: 'oauth', credential: parsed.data, metadata: c.metadata };
}
