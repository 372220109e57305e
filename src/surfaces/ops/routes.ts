// /healthz and /readyz answer without authentication, so /readyz tells an anonymous caller only
// whether Gatehouse is ready and the codes of the checks that fail; each check's detail (which
// Apollo account is connected, when its token expires, how old the credentials are) goes only to
// a caller holding the admin token.
import { Hono, type Context } from 'hono';

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
}

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
    const status = reasons.length === 0 ? 'ready' : 'not_ready';
    return c.json({ status, reasons, ...(full ? { checks } : {}) }, status === 'ready' ? 200 : 503);
  });
  return app;
}
