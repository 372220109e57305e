// /healthz and /readyz answer without authentication, so /readyz tells an anonymous caller only
// whether Gatehouse is ready and the codes of the checks that fail; each check's detail (which
// Apollo account is connected, when its token expires, how old the credentials are) goes only to
// a caller holding the admin token. /metrics serves Prometheus's text, behind a bearer token when
// one is configured.
import { createHash, timingSafeEqual } from 'node:crypto';

import { Hono, type Context } from 'hono';

/**
 * Checks of what every replica shares (the database, Redis): when only these fail, /readyz
 * answers 200 `degraded`, not 503. Taking every replica out of a load balancer at once helps no
 * one: agents would get the balancer's bare 503 page instead of Gatehouse's JSON refusal, which
 * says what happened and when to retry. The reasons are still listed, and /metrics reports
 * gatehouse_dependency_up, for monitoring.
 */
export const sharedDependencyCodes: ReadonlySet<ReadinessCode> = new Set([
  'store_unreachable',
  'redis_unreachable',
]);

/** The stable machine code of each readiness check, reported in `reasons` when it fails. */
export type ReadinessCode =
  | 'store_unreachable'
  | 'credential_missing'
  | 'webhooks_unavailable'
  | 'secrets_unchecked'
  | 'redis_unreachable';

/** One readiness check: a name, whether it passes, and a detail for operators. */
export interface ReadinessCheck {
  readonly name: string;
  /** What a load balancer or monitor sees when this check fails (the detail stays private). */
  readonly code: ReadinessCode;
  readonly ok: boolean;
  readonly detail: string;
  /** A warning does not fail readiness (e.g. an old credential). */
  readonly warning?: string;
}

/** What the ops routes need from the app. */
export interface OpsOptions {
  readonly checks: () => Promise<readonly ReadinessCheck[]>;
  readonly draining: () => boolean;
  /** True when the request carries the admin credential; only then are checks shown in full. */
  readonly isAdmin: (c: Context) => Promise<boolean>;
  /** Serves /metrics on these routes; absent when metrics are off or served on their own port. */
  readonly metrics?: MetricsRouteOptions;
}

/** What /metrics needs. */
export interface MetricsRouteOptions {
  /** The exposition text and its content type. */
  readonly render: () => Promise<{ readonly contentType: string; readonly body: string }>;
  /** When set, only `Authorization: Bearer <token>` is answered. */
  readonly token?: string;
}

/** GET /metrics, alone: for the main app, or for its own listener on loopback. */
export function createMetricsRoutes(options: MetricsRouteOptions): Hono {
  const app = new Hono();
  // Compared as digests, so the comparison takes the same time whatever the guess's length.
  const expected = options.token === undefined ? null : digest(options.token);
  app.get('/metrics', async (c) => {
    c.header('cache-control', 'no-store');
    if (expected) {
      const given = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
      if (!given || !timingSafeEqual(digest(given), expected)) {
        c.header('www-authenticate', 'Bearer realm="gatehouse-metrics"');
        return c.json({ error: 'GATEHOUSE_METRICS_TOKEN is set: send it as a bearer token.' }, 401);
      }
    }
    const { contentType, body } = await options.render();
    return c.body(body, 200, { 'content-type': contentType });
  });
  return app;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** /healthz (the process answers) and /readyz (store and upstream usable). */
export function createOpsRoutes(options: OpsOptions): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    // The answer depends on the Authorization header: no shared cache may keep the full one.
    c.header('cache-control', 'no-store');
    c.header('vary', 'authorization');
    // A wrong or missing token is not an error: it gets the same short answer as no token.
    const full = await options.isAdmin(c);
    if (options.draining()) {
      return c.json({ status: 'draining', reasons: [], ...(full ? { checks: [] } : {}) }, 503);
    }
    const checks = await options.checks();
    const reasons = checks.filter((x) => !x.ok).map((x) => x.code);
    const status =
      reasons.length === 0
        ? 'ready'
        : reasons.every((r) => sharedDependencyCodes.has(r))
          ? 'degraded'
          : 'not_ready';
    return c.json(
      { status, reasons, ...(full ? { checks } : {}) },
      status === 'not_ready' ? 503 : 200,
    );
  });
  if (options.metrics) app.route('/', createMetricsRoutes(options.metrics));
  return app;
}
