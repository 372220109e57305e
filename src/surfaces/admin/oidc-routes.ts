// Console sign-in with the team's identity provider (src/auth/oidc-signin.ts does the protocol):
//   GET /admin/oidc/config    whether it is on, and the provider's name for the button (open)
//   GET /admin/oidc/login     to the provider, with state, nonce and PKCE kept in a short-lived
//                             HttpOnly cookie on /admin/oidc (SameSite=Lax: the provider's
//                             redirect back is a top-level navigation from another site)
//   GET /admin/oidc/callback  back from it: the verified email must be a console person's; then a
//                             console session for them, exactly as a password sign-in makes one
// A refusal is a small page saying what happened and what to do, never a stack or a token.
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';

import type { OidcPending, OidcSignIn } from '../../auth/oidc-signin.js';
import { escapeHtml } from '../../core/index.js';
import type { Logger, SessionStore } from '../../ports/index.js';
import type { ConsolePeople } from '../../services/admin/people.js';

import { openSession } from './identity.js';

export interface OidcRoutesOptions {
  /** Null: no identity provider is configured. */
  readonly oidc: OidcSignIn | null;
  readonly name: string;
  readonly people: ConsolePeople;
  readonly sessions: SessionStore;
  readonly isHttps: (c: Context) => boolean;
  readonly logger: Logger;
  readonly idleMs?: number;
}

const pendingCookie = 'gh_oidc';
const pendingShape = z.strictObject({
  state: z.string().min(20).max(200),
  nonce: z.string().min(20).max(200),
  verifier: z.string().min(43).max(128),
});
/** How long a sign-in at the provider may take. */
const pendingMaxAgeSeconds = 600;

export function createOidcRoutes(options: OidcRoutesOptions): Hono {
  const app = new Hono();
  const idleMs = options.idleMs ?? 30 * 60_000;
  const refuse = (c: Context, status: 400 | 403 | 404 | 502, sentence: string) => {
    c.header('cache-control', 'no-store');
    return c.html(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Gatehouse sign-in</title></head><body><h1>Not signed in</h1><p role="alert">${escapeHtml(sentence)}</p><p><a href="/">Back to the console</a></p></body></html>`,
      status,
    );
  };

  app.get('/admin/oidc/config', (c) => {
    c.header('cache-control', 'no-store');
    return c.json({ enabled: options.oidc !== null, name: options.oidc ? options.name : null });
  });

  app.get('/admin/oidc/login', async (c) => {
    if (!options.oidc) return refuse(c, 404, 'Signing in with an identity provider is not set up.');
    let started: Awaited<ReturnType<OidcSignIn['start']>>;
    try {
      started = await options.oidc.start();
    } catch (e) {
      options.logger.warn({ err: e }, 'console sign-in: the identity provider could not be read');
      return refuse(
        c,
        502,
        `Gatehouse could not reach ${options.name} to sign you in. Try again, or sign in with your email and password.`,
      );
    }
    setCookie(
      c,
      pendingCookie,
      Buffer.from(JSON.stringify(started.pending)).toString('base64url'),
      {
        httpOnly: true,
        sameSite: 'Lax',
        secure: options.isHttps(c),
        path: '/admin/oidc',
        maxAge: pendingMaxAgeSeconds,
      },
    );
    c.header('cache-control', 'no-store');
    return c.redirect(started.url, 302);
  });

  app.get('/admin/oidc/callback', async (c) => {
    if (!options.oidc) return refuse(c, 404, 'Signing in with an identity provider is not set up.');
    const raw = getCookie(c, pendingCookie);
    deleteCookie(c, pendingCookie, { path: '/admin/oidc', secure: options.isHttps(c) });
    let pending: OidcPending | null;
    try {
      const parsed = pendingShape.safeParse(
        JSON.parse(Buffer.from(raw ?? '', 'base64url').toString('utf8')),
      );
      pending = parsed.success ? parsed.data : null;
    } catch {
      pending = null;
    }
    if (!pending) {
      return refuse(
        c,
        400,
        'This sign-in was not started here or took longer than 10 minutes: start again from the console.',
      );
    }
    const done = await options.oidc.finish(new URL(c.req.url), pending);
    if (!done.ok) {
      options.logger.warn(
        { reason: done.message },
        'console sign-in with the identity provider refused',
      );
      return refuse(c, 403, done.message);
    }
    const person = await options.people.signInVerified(done.email);
    if (!person) {
      options.logger.warn(
        { email: done.email, subject: done.subject },
        'console sign-in refused: the identity provider vouched for someone who is not a console person',
      );
      return refuse(
        c,
        403,
        `${done.email} signed in with ${options.name}, but is not a Gatehouse console person. Ask a Gatehouse admin to add you: gatehouse admin add ${done.email} --role viewer --no-password.`,
      );
    }
    await openSession(
      c,
      { sessions: options.sessions, idleMs, isHttps: options.isHttps },
      person.id,
    );
    options.logger.info(
      { email: person.email, role: person.role },
      'console sign-in with the identity provider',
    );
    c.header('cache-control', 'no-store');
    return c.redirect('/#/overview', 303);
  });

  return app;
}
