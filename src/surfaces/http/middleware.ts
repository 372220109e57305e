// Middleware every Gatehouse answer goes through: security headers (HSTS on HTTPS only), whether a
// request arrived over HTTPS, and the one request log line.
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

import { loggablePath } from '../../deliveries/receiver-path.js';
import type { Logger } from '../../ports/index.js';

/** Strict-Transport-Security, sent on HTTPS answers only (browsers ignore it over plain HTTP). */
export const hstsValue = 'max-age=31536000; includeSubDomains';

/** Health probes and scrapes, logged at debug. */
const probePaths: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

/** HTTPS directly, or (when the proxy is trusted) through a TLS-terminating proxy. */
export function httpsDetector(trustProxy: boolean): (c: Context) => boolean {
  return (c) => {
    const forwarded = trustProxy ? c.req.header('x-forwarded-proto') : undefined;
    return c.req.url.startsWith('https:') || forwarded?.split(',')[0]?.trim() === 'https';
  };
}

/**
 * The caller's address. Behind a trusted proxy it is the last X-Forwarded-For entry: the one the
 * proxy appended. Entries to its left are whatever the client sent, so trusting the first would
 * let anyone choose their address (and take a fresh one per guess past the admin-authentication
 * throttle).
 */
export function clientIpReader(trustProxy: boolean): (c: Context) => string | null {
  return (c) => {
    if (trustProxy) {
      const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
      if (forwarded) return forwarded;
    }
    try {
      return getConnInfo(c).remote.address ?? null;
    } catch {
      return null; // app.request() in tests has no socket
    }
  };
}

/** The console's strict CSP and the usual headers, and HSTS when the request came over HTTPS. */
export function securityHeaders(isHttps: (c: Context) => boolean): MiddlewareHandler[] {
  return [
    secureHeaders({
      // Sent below, on HTTPS only.
      strictTransportSecurity: false,
      referrerPolicy: 'no-referrer',
      xFrameOptions: 'DENY',
      xContentTypeOptions: 'nosniff',
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
      },
    }),
    async (c, next) => {
      await next();
      if (isHttps(c)) c.header('strict-transport-security', hstsValue);
    },
  ];
}

/**
 * One line per request. Path only: a query string may carry what a careless client put there. A
 * webhook receiver's path is its secret, so that part is logged as a hash prefix. Probes are
 * polled every few seconds: their lines are debug, so they do not drown the calls at info.
 */
export function requestLog(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const path = new URL(c.req.url).pathname;
    const line = probePaths.has(path) ? logger.debug : logger.info;
    line(
      {
        method: c.req.method,
        path: loggablePath(path),
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 100) / 100,
        audit_id: c.res.headers.get('x-gatehouse-audit-id') ?? undefined,
      },
      'request',
    );
  };
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host.toLowerCase());
}
