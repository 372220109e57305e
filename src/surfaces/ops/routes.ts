import { Hono } from 'hono';

/** One readiness check: a name, whether it passes, and a detail for operators. */
export interface ReadinessCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  /** A warning does not fail readiness (e.g. an old credential). */
  readonly warning?: string;
}

/** What the ops routes need from the app. */
export interface OpsOptions {
  readonly checks: () => Promise<readonly ReadinessCheck[]>;
  readonly draining: () => boolean;
}

/** /healthz (the process answers) and /readyz (store and upstream usable). */
export function createOpsRoutes(options: OpsOptions): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    if (options.draining()) return c.json({ status: 'draining', checks: [] }, 503);
    const checks = await options.checks();
    const ready = checks.every((x) => x.ok);
    return c.json({ status: ready ? 'ready' : 'not_ready', checks }, ready ? 200 : 503);
  });
  return app;
}
