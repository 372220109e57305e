// GET /oauth/callback: where Apollo sends the admin's browser back after they grant Gatehouse
// access. Only a state Gatehouse issued (and has not seen used or expire) is accepted; anything
// else is refused before a code is exchanged, so a forged or replayed redirect saves nothing.
import { createHash, timingSafeEqual } from 'node:crypto';

import { Hono } from 'hono';
import { deleteCookie, getCookie } from 'hono/cookie';

import type { Result } from '../../core/result.js';
import type { Logger } from '../../ports/index.js';
import type {
  OAuthConnectError,
  OAuthConnected,
  PendingAuthorization,
  PendingAuthorizations,
} from '../../services/oauth/types.js';

import { oauthCallbackPath } from '../../services/oauth/types.js';

export { oauthCallbackPath };
export type {
  OAuthConnectError,
  OAuthConnected,
  PendingAuthorization,
  PendingAuthorizations,
} from '../../services/oauth/types.js';

/** What the callback route needs. */
export interface OAuthRouteOptions {
  readonly pending: PendingAuthorizations;
  /** Checks the callback, exchanges the code, identifies the user and saves the connection. */
  readonly complete: (
    pending: PendingAuthorization,
    state: string,
    callback: URLSearchParams,
  ) => Promise<Result<OAuthConnected, OAuthConnectError>>;
  readonly logger: Logger;
}

/**
 * The cookie binding an authorization to the browser that started it. SameSite=Lax, not Strict:
 * Apollo's redirect back is a cross-site top-level navigation, which Strict cookies do not follow.
 */
export const oauthBindingCookie = 'gh_oauth_binding';

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

// Failures on Apollo's side or ours are not the admin's doing.
const statusFor = (code: string): 400 | 500 | 502 =>
  code === 'save_failed'
    ? 500
    : ['unreachable', 'invalid_response', 'profile_failed'].includes(code)
      ? 502
      : 400;

/** The callback route, as a Hono app to mount at the root. */
export function createOAuthRoutes(options: OAuthRouteOptions): Hono {
  const app = new Hono();
  app.get(oauthCallbackPath, async (c) => {
    // The query holds a one-time code: no cache may keep this answer.
    c.header('cache-control', 'no-store');
    const params = new URL(c.req.url).searchParams;
    const state = params.get('state');
    const pending = state ? await options.pending.take(state) : null;
    if (!state || !pending) {
      options.logger.warn(
        { state: state ? 'unknown' : 'missing' },
        'refused an OAuth callback whose state Gatehouse did not issue, already used, or let expire',
      );
      return c.json(
        {
          error:
            'This OAuth callback does not belong to an authorization Gatehouse started (its state is unknown, already used or expired). Nothing was saved; start connecting Apollo again.',
        },
        400,
      );
    }
    // The state must come back to the browser that asked for it (RFC 9700 §4.7: bind it to the
    // user agent), so a callback link handed to someone else cannot connect their Apollo account.
    if (pending.bindingHash !== undefined) {
      const held = getCookie(c, oauthBindingCookie) ?? '';
      const same =
        held.length > 0 &&
        timingSafeEqual(Buffer.from(sha256Hex(held)), Buffer.from(pending.bindingHash));
      if (!same) {
        options.logger.warn({}, 'refused an OAuth callback from a browser that did not start it');
        return c.json(
          {
            error:
              'This OAuth callback reached a different browser session than the one that started connecting Apollo. Nothing was saved; start again from the console in this browser.',
          },
          400,
        );
      }
      deleteCookie(c, oauthBindingCookie, { path: oauthCallbackPath });
    }
    const done = await options.complete(pending, state, params);
    if (!done.ok) {
      options.logger.warn({ code: done.error.code }, 'connecting Apollo over OAuth failed');
      return c.json(
        { error: `Apollo was not connected: ${done.error.message}.`, code: done.error.code },
        statusFor(done.error.code),
      );
    }
    const { user, expiresAt, scopes } = done.value;
    options.logger.info({ userId: user.id }, 'connected Apollo over OAuth');
    return c.json({
      connected: true,
      kind: 'oauth',
      user,
      expires_at: new Date(expiresAt).toISOString(),
      scopes,
    });
  });
  return app;
}
