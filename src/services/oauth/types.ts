// What connecting Apollo over OAuth remembers and reports, shared by the callback route and the
// connect service.

/** What Gatehouse remembers between sending the admin to Apollo and Apollo sending them back. */
export interface PendingAuthorization {
  /** The upstream the authorization was started against: the code is exchanged there. */
  readonly upstreamUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  readonly codeVerifier: string;
  readonly scopes: readonly string[];
  /** SHA-256 (hex) of the secret in the starting browser's binding cookie. */
  readonly bindingHash?: string | undefined;
  /** Epoch ms. */
  readonly createdAt: number;
  readonly expiresAt: number;
}

/** Pending authorizations by state; each one works once. */
export interface PendingAuthorizations {
  put(state: string, pending: PendingAuthorization): Promise<void>;
  /**
   * Removes and returns the authorization this state names; null when Gatehouse never issued it,
   * it was already used, or it expired. Concurrent takes of one state: at most one gets it.
   */
  take(state: string): Promise<PendingAuthorization | null>;
}

/** A finished connection, as the route reports it (no secret in it). */
export interface OAuthConnected {
  readonly user: { readonly id?: string; readonly name?: string; readonly email?: string };
  /** Epoch ms. */
  readonly expiresAt: number;
  readonly scopes: readonly string[];
}

/** Why finishing failed; `message` is safe to show the admin. */
export interface OAuthConnectError {
  readonly code: string;
  readonly message: string;
}

/** Path of the callback route (design.md). */
export const oauthCallbackPath = '/oauth/callback';
