// Signing in to the console with the team's identity provider over OpenID Connect (authorization
// code with PKCE, a nonce and state), with oauth4webapi as the client. The provider proves who the
// person is; Gatehouse decides what they may do: the verified email must belong to a console
// person (`gatehouse admin add <email> --role … --no-password`), whose role applies. Nobody is
// created by signing in.
import * as oauth from 'oauth4webapi';

/** The identity provider, as configured. */
export interface OidcSettings {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /**
   * Where the provider sends the browser back: `<public URL>/admin/oidc/callback` (read on each
   * sign-in: the listening address is known only once Gatehouse listens).
   */
  readonly redirectUri: () => string;
  readonly fetch?: typeof fetch;
}

/** What the browser keeps between the two legs (in an HttpOnly cookie), never the provider's. */
export interface OidcPending {
  readonly state: string;
  readonly nonce: string;
  readonly verifier: string;
}

export interface OidcSignIn {
  /** The provider's authorization URL and what to keep until the callback. */
  start(): Promise<{ url: string; pending: OidcPending }>;
  /**
   * Finishes the callback: the verified email of the person who signed in, or why not (one
   * sentence for the person).
   */
  finish(
    callbackUrl: URL,
    pending: OidcPending,
  ): Promise<{ ok: true; email: string; subject: string } | { ok: false; message: string }>;
}

const loopback = (u: URL) => ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);

/** The OIDC client; the provider's metadata is discovered on first use and kept. */
export function createOidcSignIn(settings: OidcSettings): OidcSignIn {
  const issuer = new URL(settings.issuer);
  // Plain HTTP only to a provider on this machine (a local test provider).
  const insecure = issuer.protocol === 'http:' && loopback(issuer);
  const options = {
    ...(insecure ? { [oauth.allowInsecureRequests]: true } : {}),
    ...(settings.fetch ? { [oauth.customFetch]: settings.fetch } : {}),
  };
  const client: oauth.Client = { client_id: settings.clientId };
  const auth = oauth.ClientSecretPost(settings.clientSecret);
  let server: Promise<oauth.AuthorizationServer> | undefined;
  const discover = () => {
    server ??= oauth
      .discoveryRequest(issuer, { ...options, algorithm: 'oidc' })
      .then((r) => oauth.processDiscoveryResponse(issuer, r))
      .catch((e: unknown) => {
        server = undefined; // try again on the next sign-in
        throw e;
      });
    return server;
  };

  return {
    async start() {
      const as = await discover();
      if (!as.authorization_endpoint) throw new Error('the provider has no authorization endpoint');
      const pending = {
        state: oauth.generateRandomState(),
        nonce: oauth.generateRandomNonce(),
        verifier: oauth.generateRandomCodeVerifier(),
      };
      const url = new URL(as.authorization_endpoint);
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: settings.clientId,
        redirect_uri: settings.redirectUri(),
        scope: 'openid email',
        state: pending.state,
        nonce: pending.nonce,
        code_challenge: await oauth.calculatePKCECodeChallenge(pending.verifier),
        code_challenge_method: 'S256',
      }).toString();
      return { url: url.href, pending };
    },

    async finish(callbackUrl, pending) {
      const as = await discover();
      try {
        const params = oauth.validateAuthResponse(as, client, callbackUrl, pending.state);
        const response = await oauth.authorizationCodeGrantRequest(
          as,
          client,
          auth,
          params,
          settings.redirectUri(),
          pending.verifier,
          options,
        );
        const result = await oauth.processAuthorizationCodeResponse(as, client, response, {
          expectedNonce: pending.nonce,
          requireIdToken: true,
        });
        const idToken = oauth.getValidatedIdTokenClaims(result);
        if (!idToken) throw new Error('no ID token');
        // Many providers put the email in the ID token; a strict one (claims for the userinfo
        // endpoint when an access token is issued) answers it at userinfo, for the same subject.
        let claims: { sub: string; email?: unknown; email_verified?: unknown } = idToken;
        if (typeof claims.email !== 'string' && as.userinfo_endpoint) {
          const info = await oauth.userInfoRequest(as, client, result.access_token, options);
          claims = await oauth.processUserInfoResponse(as, client, idToken.sub, info);
        }
        const email = typeof claims.email === 'string' ? claims.email : null;
        if (!email) {
          return {
            ok: false,
            message:
              'The identity provider did not say which email you signed in with (Gatehouse asks for the email scope).',
          };
        }
        if (claims.email_verified !== true) {
          return {
            ok: false,
            message: `The identity provider has not verified ${email}, so Gatehouse cannot trust it.`,
          };
        }
        return { ok: true, email, subject: idToken.sub };
      } catch (e) {
        const detail =
          e instanceof oauth.AuthorizationResponseError
            ? `${e.error}${e.error_description ? `: ${e.error_description}` : ''}`
            : e instanceof Error
              ? e.message
              : String(e);
        return { ok: false, message: `Signing in with the identity provider failed (${detail}).` };
      }
    },
  };
}
