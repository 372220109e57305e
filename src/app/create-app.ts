import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type Context } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

import type { Config } from '../config/config.js';
import { createGateway, type Gateway } from '../gateway/pipeline.js';
import type { Clock, CredentialSource, Logger } from '../ports/index.js';
import { createOpsRoutes, type ReadinessCheck } from '../surfaces/ops/routes.js';
import { createRestRoutes } from '../surfaces/rest/routes.js';
import { createApolloClient } from '../upstream/index.js';

import { createAgentDirectory, createAuditSink, createGrantSource } from './adapters.js';
import type { StoreServices } from './services.js';

/** Where Apollo is and how to reach it. */
export interface UpstreamWiring {
  readonly baseUrl: string;
  /** Injected fetch (the embedded sandbox answers in process). */
  readonly fetch?: typeof fetch;
  readonly credential: CredentialSource;
  /** Says what the upstream is, for /readyz ("embedded sandbox", "api.apollo.io"). */
  readonly label: string;
}

/** Everything createApp needs. */
export interface AppOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly store: StoreServices;
  readonly upstream: UpstreamWiring;
  readonly clock?: Clock;
}

/** The assembled application. */
export interface GatehouseApp {
  readonly app: Hono;
  readonly gateway: Gateway;
  /** Stops accepting work, waits for calls in flight, flushes pending writes. */
  drain(): Promise<void>;
}

const systemClock: Clock = { now: () => Date.now(), monotonic: () => performance.now() };

/** Wires the pipeline and the surfaces. The only place that knows every concrete piece. */
export function createApp(options: AppOptions): GatehouseApp {
  const { config, logger, store } = options;
  const clock = options.clock ?? systemClock;
  const agents = createAgentDirectory(store, logger);
  const upstream = createApolloClient({
    baseUrl: options.upstream.baseUrl,
    timeoutMs: config.upstreamTimeoutMs,
    ...(options.upstream.fetch ? { fetch: options.upstream.fetch } : {}),
    userAgent: 'gatehouse/0.1',
  });
  const gateway = createGateway({
    agents,
    grants: createGrantSource(store),
    audit: createAuditSink(store, clock.now),
    credentials: options.upstream.credential,
    upstream,
    clock,
    logger,
    auditKeepPersonal: config.auditKeepPersonal,
  });
  let draining = false;

  const clientIp = (c: Context): string | null => {
    if (config.trustProxy) {
      const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
      if (forwarded) return forwarded;
    }
    try {
      return getConnInfo(c).remote.address ?? null;
    } catch {
      return null; // app.request() in tests has no socket
    }
  };

  const app = new Hono();
  app.use(
    '*',
    secureHeaders({
      strictTransportSecurity: 'max-age=31536000; includeSubDomains',
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
  );
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    // Path only: a query string may carry what a careless client put there.
    logger.info(
      {
        method: c.req.method,
        path: new URL(c.req.url).pathname,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 100) / 100,
        audit_id: c.res.headers.get('x-gatehouse-audit-id') ?? undefined,
      },
      'request',
    );
  });
  app.route(
    '/',
    createOpsRoutes({ draining: () => draining, checks: () => readiness(store, options.upstream) }),
  );
  app.route('/', createRestRoutes({ gateway, maxBodyBytes: config.maxBodyBytes, clientIp }));
  app.notFound((c) =>
    c.json(
      { error: `Nothing at ${new URL(c.req.url).pathname}. Apollo's API is under /api/v1.` },
      404,
    ),
  );
  app.onError((e, c) => {
    logger.error({ err: e }, 'unhandled error');
    return c.json(
      { error: 'Gatehouse failed while handling this request; it has been logged.' },
      500,
    );
  });

  return {
    app,
    gateway,
    async drain() {
      draining = true;
      await gateway.drain();
      await agents.flush();
      agents.stop();
    },
  };
}

async function readiness(
  store: StoreServices,
  upstream: UpstreamWiring,
): Promise<ReadinessCheck[]> {
  const checks: ReadinessCheck[] = [];
  try {
    await store.settings.get('readiness-probe');
    checks.push({ name: 'store', ok: true, detail: `${store.handle.dialect} reachable` });
  } catch (e) {
    checks.push({ name: 'store', ok: false, detail: `store unreachable: ${(e as Error).message}` });
  }
  const credential = await upstream.credential.current().catch(() => null);
  checks.push({
    name: 'upstream',
    ok: credential !== null,
    detail: credential
      ? `connected to ${upstream.label} with ${credential.kind === 'apikey' ? 'an API key' : 'OAuth'}`
      : 'Apollo is not connected (gatehouse connect)',
  });
  return checks;
}
