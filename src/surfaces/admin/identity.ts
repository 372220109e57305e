// Who an admin API request is from and what it may do: the contract's route a request is for (its
// least role, contracts.ts), and the identity a console session stands for. Shared by the admin
// API and the MCP connection consent, which accept the same sessions.
import { randomBytes } from 'node:crypto';

import type { Context } from 'hono';
import { setCookie } from 'hono/cookie';

import type { ConsoleSession, SessionStore } from '../../ports/index.js';
import type { ConsoleIdentity, ConsolePeople } from '../../services/admin/people.js';

import { adminRoutes, type AdminRoute } from './contracts.js';

/** The route of the contract a request is for, matched by method and path. */
const routeMatchers = (adminRoutes as readonly AdminRoute[]).map((r) => ({
  route: r,
  // eslint-disable-next-line security/detect-non-literal-regexp -- built from the contract's own paths
  pattern: new RegExp(`^${r.path.replace(/\{\w+\}/g, '[^/]+')}$`),
}));
export function routeFor(method: string, path: string): AdminRoute | undefined {
  const m = method.toLowerCase() === 'head' ? 'get' : method.toLowerCase();
  return routeMatchers.find((r) => r.route.method === m && r.pattern.test(path))?.route;
}

/** The identity a console session stands for; null when its person was removed since. */
export async function sessionIdentity(
  people: ConsolePeople,
  session: ConsoleSession,
): Promise<ConsoleIdentity | null> {
  return session.person === null
    ? { by: 'admin:console', role: 'admin', person: null }
    : people.identify(session.person);
}

/** The console session cookie: `__Host-` on HTTPS (Secure, path /, no Domain). */
export const sessionCookieName = (https: boolean) => (https ? '__Host-gh_session' : 'gh_session');

/**
 * Starts a console session for the admin token (`person` null) or a person: stores it, sets the
 * HttpOnly, SameSite=Strict cookie (Secure on HTTPS), and answers its CSRF token.
 */
export async function openSession(
  c: Context,
  options: { sessions: SessionStore; idleMs: number; isHttps: (c: Context) => boolean },
  person: string | null,
): Promise<string> {
  const id = randomBytes(32).toString('base64url');
  const csrf = randomBytes(32).toString('base64url');
  await options.sessions.create(id, { csrf, person }, options.idleMs);
  setCookie(c, sessionCookieName(options.isHttps(c)), id, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: options.isHttps(c),
    path: '/',
    maxAge: Math.floor(options.idleMs / 1000),
  });
  return csrf;
}
