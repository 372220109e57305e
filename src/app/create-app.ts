import { Hono } from 'hono';

import type { Config } from '../config/config.js';
import { createEnrichmentCache, type EnrichmentCache } from '../cache/index.js';
import { observeAuditSink } from '../gateway/observe.js';
import { createMetrics, type Metrics } from '../metrics/index.js';
import type { Pacer } from '../pacing/index.js';
import {
  createApprovalRepository,
  createDeliveryRepository,
  createEnrichmentCacheRepository,
  createMcpSessionRepository,
  createRedisMcpSessions,
  createRedisShared,
  createAgentRateLimiter,
  createAuthThrottle,
  type AuthThrottleLimits,
} from '../store/index.js';
import { createDeliveries, type Deliveries } from '../deliveries/deliveries.js';
import { createGateway, type Gateway } from '../gateway/pipeline.js';
import { createWebhookRoutes } from '../surfaces/webhooks/routes.js';
import { createAdminAuth } from '../surfaces/admin/admin-auth.js';
import { memorySessions } from '../surfaces/admin/memory-sessions.js';
import { createCredentialNotes } from '../auth/credential-notes.js';
import { createMcpAuthorization } from '../auth/mcp-authorization.js';
import {
  explainOAuthRefusal,
  refuseOAuthTokenOnRest,
  withOAuthAccessTokens,
  type OAuthTokenSource,
} from '../auth/oauth-agents.js';
import { bearerToken } from '../surfaces/admin/routes.js';
import type { AgentIdentity, AuditSink, Clock, Logger, Upstream } from '../ports/index.js';
import type { AlertEvaluator, EvaluatorOptions } from '../alerts/index.js';
import { gatewayError } from '../core/index.js';
import { createMetricsRoutes, createOpsRoutes } from '../surfaces/ops/routes.js';
import { loggablePath } from '../deliveries/receiver-path.js';
import { createRequestIds } from '../surfaces/http/request-id.js';
import {
  clientIpReader,
  httpsDetector,
  isLoopback,
  requestLog,
  securityHeaders,
} from '../surfaces/http/middleware.js';
import { createMcpRoutes, type McpHttp } from '../surfaces/mcp/http.js';
import { createRestRoutes } from '../surfaces/rest/routes.js';

import {
  createAgentDirectory,
  createAuditReader,
  createAuditSink,
  createCreditLedger,
  createGrantSource,
  createReachRecorder,
  enrichmentCachePort,
} from './adapters.js';
import { createDeliveryPoll } from '../jobs/delivery-poll.js';
import { createNotifier, type Notify } from './notify.js';
import { createOAuthCallbackRoutes } from './oauth-callback.js';
import type { StoreServices } from '../store/open-store.js';
import { serveConsole } from './console.js';
import { mountConsole } from './console-wiring.js';
import { readiness, sharedCheck } from './readiness.js';
import { callVersions } from './read-cache.js';
import { createAlerts, withAddressWatch } from './alerts-wiring.js';
import { createUpstreamPath } from './upstream-path.js';
import { cacheNamespace, type UpstreamWiring } from './upstream-wiring.js';

export { cacheNamespace, embeddedSandboxLabel, type UpstreamWiring } from './upstream-wiring.js';

/** Everything createApp needs. */
export interface AppOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly store: StoreServices;
  readonly upstream: UpstreamWiring;
  readonly clock?: Clock;
  /** How often open MCP sessions re-read their grants (ms; tests shorten it). */
  readonly mcpRefreshMs?: number;
  /** Sends notifications (default: the configured webhook, if any). */
  readonly notify?: Notify;
  /** The admin token when not configured (`gatehouse start` mints one for a sandbox session). */
  readonly adminToken?: string;
  /**
   * The admin-authentication throttle: its Redis key prefix (default `gatehouse:admin-auth`; a
   * test gives its own) and its limits (default 5 free failures, then 1, 2, 4 … 60 minutes).
   */
  readonly adminThrottle?: {
    readonly keyPrefix?: string;
    readonly limits?: Partial<AuthThrottleLimits>;
  };
  /**
   * How anomaly alerts are evaluated (tests shorten the interval and the settle time);
   * `evaluate: false` leaves the evaluation to the other processes on the database.
   */
  readonly alerts?: EvaluatorOptions & { readonly evaluate?: boolean };
}

/** The assembled application. */
export interface GatehouseApp {
  readonly app: Hono;
  readonly gateway: Gateway;
  readonly mcp: McpHttp;
  /** Paces calls under Apollo's windows (snapshots for whoami and admin views). */
  readonly pacer: Pacer;
  /** Apollo through the pacer, for Gatehouse's own calls (usage stats). */
  readonly pacedUpstream: Upstream;
  /** The enrichment cache (pruned by the server's retention job). */
  readonly enrichment: EnrichmentCache;
  /** Asynchronous enrichment deliveries (polled by the server's timer). */
  readonly deliveries: Deliveries;
  /** The anomaly-alert evaluator (runs on its own timer; tests may call it directly). */
  readonly alerts: AlertEvaluator;
  /** The Prometheus metrics; null with GATEHOUSE_METRICS=false. */
  readonly metrics: Metrics | null;
  /**
   * With GATEHOUSE_METRICS_PORT: the app serving /metrics alone, which the server listens with on
   * 127.0.0.1 at `port` (the main app then has no /metrics).
   */
  readonly metricsListener: { readonly app: Hono; readonly port: number } | null;
  /** Tells the app where the server listens (the webhook address when no public URL is set). */
  setListeningUrl(url: string): void;
  /**
   * The first step of a graceful stop: /readyz answers 503 `draining` (a load balancer stops
   * sending here) while calls are still served.
   */
  beginDrain(): void;
  /**
   * Refuses new calls (503 GATEHOUSE_SHUTTING_DOWN, recorded), waits for calls in flight, flushes
   * pending writes.
   */
  drain(): Promise<void>;
}

/** Where the built console lives (the same path from src/ under tsx and from dist/). */

/** HSTS for a year, subdomains included (Apollo's Marketplace bar). */

const systemClock: Clock = { now: () => Date.now(), monotonic: () => performance.now() };

/** Wires the pipeline and the surfaces. The only place that knows every concrete piece. */
export function createApp(options: AppOptions): GatehouseApp {
  const { config, store } = options;
  // Every line logged while a request runs names it (request_id), whatever module writes it.
  const requestIds = createRequestIds();
  const logger = requestIds.logger(options.logger);
  const clock = options.clock ?? systemClock;
  const metrics = config.metrics ? createMetrics({ replicaId: config.replicaId }) : null;
  const observer = metrics?.observer;
  // Metric timings are real elapsed time, whatever clock the app is given.
  const elapsedClock = () => performance.now();
  const notify = options.notify ?? createNotifier(config.notifyWebhookUrl, logger);
  const agents = createAgentDirectory(store, logger);
  const shared = config.redisUrl
    ? createRedisShared(config.redisUrl, { namespace: cacheNamespace(options.upstream.baseUrl) })
    : null;
  const { client, pacer, observedPacer, paced, upstream } = createUpstreamPath({
    config,
    wiring: options.upstream,
    clock,
    logger,
    observer,
    shared,
  });
  const reach = createReachRecorder(store, logger);
  // Cached answers are namespaced by upstream, so sandbox people never answer for real Apollo.
  const enrichment = createEnrichmentCache({
    store: createEnrichmentCacheRepository(store.handle.db, { sealer: store.sealer }),
    enabled: config.cacheTtlDays > 0,
    // The TTL must be positive even when the cache is off (0 days means "off").
    ttlMs: (config.cacheTtlDays || 30) * 86_400_000,
    namespace: cacheNamespace(options.upstream.baseUrl),
    logger,
  });
  // The agents the pipeline authenticated, so a new-address alert can name the agent.
  const seen = new Map<string, AgentIdentity>();
  const ledger = createCreditLedger(store);
  const { evaluator: alertEvaluator, addresses } = createAlerts({
    store,
    config,
    clock,
    logger,
    notify,
    ledger,
    options: options.alerts,
  });
  const storedAudit: AuditSink = createAuditSink(store, clock.now, {
    requestId: requestIds.current,
  });
  // The pipeline's writes count requests (one record each); the deliveries' follow a counted call.
  const audit: AuditSink = observer
    ? observeAuditSink(storedAudit, observer, { monotonic: elapsedClock, countRequests: false })
    : storedAudit;
  // A call made with an MCP OAuth access token says so in its record's sentence.
  const credentialNotes = createCredentialNotes();
  const gatewayAudit: AuditSink = credentialNotes.sink(
    observer
      ? observeAuditSink(storedAudit, observer, { monotonic: elapsedClock, countRequests: true })
      : storedAudit,
  );
  const watchedAgents = withAddressWatch(agents, addresses, seen);

  // Until the server listens, the configured port stands in for the listening address.
  let listeningUrl: string | null = null;
  const publicUrl = () => config.publicUrl ?? listeningUrl ?? `http://127.0.0.1:${config.port}`;
  // MCP authorization (docs/mcp-oauth.md): OAuth access tokens become agents where static agent
  // tokens do, so every surface gets them from the one directory.
  const oauthAgent = async (id: string) => {
    const found = await store.agents.get(id);
    return found && found.id === id
      ? { id: found.id, name: found.name, active: found.revokedAt === null }
      : null;
  };
  const oauthServer = config.mcpOauth
    ? createMcpAuthorization({
        config,
        store,
        publicUrl,
        logger,
        now: clock.now,
        agent: oauthAgent,
      })
    : null;
  const oauthTokens: OAuthTokenSource | null = oauthServer
    ? { resolve: (token) => oauthServer.resolveAccessToken(token), agent: oauthAgent }
    : null;
  const gatewayAgents = oauthTokens
    ? withOAuthAccessTokens(watchedAgents, oauthTokens, (agent) => {
        seen.set(agent.id, agent);
        credentialNotes.noteOAuth();
      })
    : watchedAgents;
  const deliveryStore = createDeliveryRepository(store.handle.db, { sealer: store.sealer });
  const deliveries = createDeliveries({
    store: deliveryStore,
    audit,
    clock,
    logger,
    publicUrl,
    poll: createDeliveryPoll({
      client,
      credentials: options.upstream.credential,
      pacer,
      maxWaitMs: config.maxQueueWaitMs,
    }),
  });
  const unscoped = createGateway({
    agents: gatewayAgents,
    grants: createGrantSource(store),
    audit: gatewayAudit,
    credentials: options.upstream.credential,
    upstream,
    clock,
    logger,
    auditKeepPersonal: config.auditKeepPersonal,
    unknownParams: config.unknownParams,
    reach,
    ledger,
    cache: enrichmentCachePort(enrichment),
    pacer,
    deliveries,
    ...(shared ? { reservations: shared } : {}),
    // Agent ids are random, so one prefix serves every deployment on a Redis without collisions.
    agentRate: createAgentRateLimiter({
      redis: shared ?? undefined,
      keyPrefix: 'gatehouse',
      logger,
    }),
    approvals: createApprovalRepository(store.handle.db, { sealer: store.sealer }),
    approvalTtlMs: config.approvalTtlMinutes * 60_000,
    onApprovalRequested: (held, sentence) =>
      void notify(
        `Gatehouse: ${sentence} Approve or reject it in the console or with \`gatehouse approvals approve ${held.id}\` / \`reject ${held.id}\` before ${new Date(held.expiresAt).toISOString()}.`,
      ),
  });
  // On Postgres the lookups of one call (its agent, grants and connection) share one read of the
  // change version instead of reading their rows each (read-cache.ts); on SQLite this costs nothing.
  const versions = callVersions(store.handle.changeVersion);
  const gateway: Gateway = {
    ...unscoped,
    handle: (req) => versions.within(() => unscoped.handle(req)),
  };
  let draining = false;

  const clientIp = clientIpReader(config.trustProxy);

  // Every check of the admin token (bearer, console login, whatever else accepts it) goes through
  // this one throttle, counted in Redis when replicas share it.
  const adminAuth = createAdminAuth({
    token: options.adminToken ?? config.adminToken,
    throttle: createAuthThrottle({
      keyPrefix: options.adminThrottle?.keyPrefix ?? 'gatehouse:admin-auth',
      ...(shared ? { redis: shared } : {}),
      ...(options.adminThrottle?.limits ? { limits: options.adminThrottle.limits } : {}),
      logger,
    }),
    clientIp,
    logger,
  });

  const isHttps = httpsDetector(config.trustProxy);
  const app = new Hono();
  app.use('*', requestIds.middleware());
  app.use('*', credentialNotes.middleware());
  app.use('*', ...securityHeaders(isHttps));
  app.use('*', requestLog(logger));
  const readinessChecks = async () => [
    ...(await readiness(store, options.upstream, config, clock.now(), publicUrl())),
    ...(shared ? [await sharedCheck(shared)] : []),
  ];
  const metricsRoute = metrics
    ? {
        render: () => metrics.render(),
        ...(config.metricsToken ? { token: config.metricsToken } : {}),
      }
    : null;
  app.route(
    '/',
    createOpsRoutes({
      ...(metricsRoute && config.metricsPort === undefined ? { metrics: metricsRoute } : {}),
      draining: () => draining,
      // A wrong token here counts toward the address's lockout: the fuller answer would
      // otherwise tell a guesser, unthrottled, which guess was right.
      isAdmin: (c) =>
        adminAuth.isAdmin(c, bearerToken(c.req.header('authorization')), 'admin:readyz'),
      checks: readinessChecks,
    }),
  );
  app.route(
    '/',
    createRestRoutes({
      gateway,
      maxBodyBytes: config.maxBodyBytes,
      clientIp,
      ...(oauthServer && oauthTokens
        ? {
            async refuseToken(token: string) {
              const refused = await refuseOAuthTokenOnRest(
                token,
                oauthTokens,
                oauthServer.resourceUrl(),
              );
              return refused
                ? {
                    error: { ...gatewayError.unauthenticated('unknown'), message: refused.message },
                    rule: 'OAuth token outside /mcp',
                  }
                : null;
            },
          }
        : {}),
    }),
  );
  app.route(
    '/',
    createOAuthCallbackRoutes({
      store,
      config,
      logger,
      ...(options.upstream.fetch ? { fetch: options.upstream.fetch } : {}),
    }),
  );
  app.route('/', createWebhookRoutes({ deliveries, maxBodyBytes: config.maxBodyBytes }));
  mountConsole(app, {
    store,
    deliveries: deliveryStore,
    gateway,
    config,
    upstream: options.upstream,
    adminToken: options.adminToken ?? config.adminToken,
    now: clock.now,
    publicUrl,
    sessions: shared ?? memorySessions(),
    isHttps,
    clientIp,
    logger,
    adminAuth,
    oauthServer,
  });
  const mcp = createMcpRoutes({
    gateway,
    audit: createAuditReader(store),
    logger,
    clientIp,
    allowedOrigins: config.mcpAllowedOrigins,
    loopbackOnly: isLoopback(config.host),
    maxBodyBytes: config.maxBodyBytes,
    // Any replica serves any session: the records are in Redis, else in the database.
    sessionStore: shared
      ? createRedisMcpSessions(shared)
      : createMcpSessionRepository(store.handle.db),
    ...(options.mcpRefreshMs ? { refreshMs: options.mcpRefreshMs } : {}),
    ...(oauthServer && oauthTokens
      ? {
          oauth: {
            resourceMetadataUrl: () => oauthServer.resourceMetadataUrl(),
            explain: (token: string) =>
              explainOAuthRefusal(token, oauthTokens, config.mcpOauthAccessTokenTtlSeconds),
          },
        }
      : {}),
  });
  app.route('/', mcp.app);
  metrics?.attach({
    ...(observedPacer ? { pacer: observedPacer } : {}),
    mcpSessions: () => mcp.sessionCount(),
    // As the console's overview counts them.
    pendingApprovals: async () =>
      (await gateway.listApprovals({ states: ['pending'], limit: 1000 })).length,
    health: async () =>
      (await readinessChecks())
        .filter((check) => check.name === 'store' || check.name === 'redis')
        .map((check) => ({
          dependency: check.name === 'store' ? store.handle.dialect : 'redis',
          up: check.ok,
        })),
  });
  serveConsole(app);
  app.notFound((c) =>
    c.json(
      { error: `Nothing at ${new URL(c.req.url).pathname}. Apollo's API is under /api/v1.` },
      404,
    ),
  );
  app.onError((e, c) => {
    logger.error(
      { err: e, method: c.req.method, path: loggablePath(new URL(c.req.url).pathname) },
      'unhandled error',
    );
    return c.json(
      { error: 'Gatehouse failed while handling this request; it has been logged.' },
      500,
    );
  });

  return {
    app,
    gateway,
    mcp,
    enrichment,
    pacer,
    pacedUpstream: paced,
    deliveries,
    alerts: alertEvaluator,
    metrics,
    metricsListener:
      metricsRoute && config.metricsPort !== undefined
        ? { app: createMetricsRoutes(metricsRoute), port: config.metricsPort }
        : null,
    setListeningUrl(url) {
      // A wildcard bind is not an address anyone can send to; loopback is, on this machine.
      listeningUrl = url.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:');
    },
    beginDrain() {
      draining = true;
    },
    async drain() {
      draining = true;
      gateway.stopAccepting();
      await gateway.drain();
      await reach.settled();
      await addresses.settled();
      await alertEvaluator.stop();
      pacer.close();
      await shared?.close();
      await options.upstream.close?.();
      // Open MCP sessions hold event streams; calls in flight have finished, so close them.
      await mcp.closeAll();
      await agents.flush();
      agents.stop();
    },
  };
}
