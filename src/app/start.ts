import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { findSharedSandbox, noSandboxMessage, publishSandbox } from './shared-sandbox.js';
import { getAction } from '../catalog/index.js';
import { configSchema, loadConfig, type Config } from '../config/config.js';
import type { Logger } from '../ports/index.js';
import { createSandbox, type Sandbox, type SandboxOptions } from '../sandbox/index.js';
import { createWorld } from '../sandbox/world/index.js';

import { fixedCredential, storedCredential } from './adapters.js';
import { createOAuthCredentialSource } from '../services/oauth/credential.js';
import { createLogger } from './logger.js';
import { createRedisShared, isPostgresUrl } from '../store/index.js';
import {
  cacheNamespace,
  createApp,
  embeddedSandboxLabel,
  type GatehouseApp,
  type UpstreamWiring,
} from './create-app.js';
import { backgroundJobs, createUsagePoll, startScheduler } from '../jobs/index.js';
import { recordAdminToken, staleSecrets } from '../services/secret-ages.js';
import { checkReplicaSafety } from './replica-safety.js';
import { listen, type RunningServer } from './server.js';
import { startTelemetry } from '../telemetry/sdk.js';
import {
  CredentialUnreadable,
  loadConnection,
  openStore,
  type StoreServices,
} from '../store/open-store.js';

/** The demo agent `gatehouse start` creates once when it runs on the embedded sandbox. */
export const demoAgent = { name: 'demo', grants: ['people', 'organizations'] } as const;

/** A running Gatehouse: server, store and (maybe) the embedded sandbox. */
export interface StartedGatehouse {
  readonly url: string;
  readonly server: RunningServer;
  readonly app: GatehouseApp;
  readonly store: StoreServices;
  /** Present when Gatehouse runs against its embedded sandbox. */
  readonly sandbox: Sandbox | null;
  /** The demo agent's token, only on the start that created it. */
  readonly demoToken: string | null;
  /**
   * An admin token minted for this run when none is configured and Gatehouse runs on its embedded
   * sandbox (so `npm start` opens a usable console); null otherwise.
   */
  readonly mintedAdminToken: string | null;
  readonly upstreamLabel: string;
  /** Stops accepting calls, finishes calls in flight, flushes the audit, closes the store. */
  close(): Promise<void>;
}

/** Options beyond the configuration (tests pass a sandbox configuration or a logger). */
export interface StartOptions {
  readonly logger: Logger;
  readonly sandboxOptions?: SandboxOptions;
  /** Create the demo agent when running on the sandbox (default true). */
  readonly createDemoAgent?: boolean;
  /** How often open MCP sessions re-read their grants (ms). */
  readonly mcpRefreshMs?: number;
}

/** An upstream answered by the in-process sandbox: no port, no network. */
export function sandboxUpstream(sandbox: Sandbox): UpstreamWiring {
  const base = 'http://sandbox.gatehouse.internal';
  return {
    baseUrl: base,
    label: embeddedSandboxLabel,
    fetch: async (input, init) => sandbox.app.fetch(new Request(input, init)),
    credential: fixedCredential({ kind: 'apikey', key: sandbox.keys.master[0]! }),
  };
}

/** The database a first `npm start` creates when GATEHOUSE_DB is not set. */
const zeroSetupDb = resolve(String(configSchema.shape.db.parse(undefined)));

/**
 * True when Gatehouse may stand in its sandbox for a missing Apollo connection: asked for
 * explicitly (`--sandbox`, GATEHOUSE_SANDBOX=true), or the zero-setup start on the default SQLite
 * file. Anywhere else (Postgres, a SQLite file an operator chose) a missing connection is reported
 * as such: fake data served as "ready", and a demo agent in a production database, are worse.
 */
export function sandboxFallback(config: Config): boolean {
  return config.sandbox || (!isPostgresUrl(config.db) && resolve(config.db) === zeroSetupDb);
}

/** What an operator reads when Gatehouse starts with no Apollo connection and no sandbox. */
export const notConnectedMessage =
  "Apollo is not connected, so agents' calls are refused (503 NOT_CONNECTED) and /readyz reports credential_missing. " +
  'Connect it with: echo "$APOLLO_KEY" | gatehouse connect apikey (or gatehouse connect oauth --client-id <id> --client-secret-file <path>), on this same database. ' +
  'The embedded sandbox stands in for Apollo only when asked for (gatehouse start --sandbox, GATEHOUSE_SANDBOX=true) or on the zero-setup SQLite start.';

/**
 * The upstream Gatehouse calls: the configured Apollo host with the stored credential; the
 * sandbox when the configuration asks for it, or when no connection is stored and
 * {@link sandboxFallback} allows it. With neither, Apollo's host with the stored credential
 * anyway: every call is refused as not connected until `gatehouse connect` stores one (seen on
 * the next call, no restart). There is one sandbox per deployment: the one a running server
 * serves (see shared-sandbox.ts). A server finding none creates it (`published` is then the
 * embedded one to serve); a command finding none refuses with the fix.
 */
export async function chooseUpstream(
  config: Config,
  store: StoreServices,
  sandboxOptions?: SandboxOptions,
  logger?: Logger,
  role: 'server' | 'command' = 'command',
): Promise<{ upstream: UpstreamWiring; sandbox: Sandbox | null }> {
  const connection = await store.connection.info();
  const onSandbox = config.sandbox || (!connection && sandboxFallback(config));
  // A command on a SQLite file without a connection still uses the sandbox its server serves.
  const commandOnSandbox = role === 'command' && !connection && !isPostgresUrl(config.db);
  if (onSandbox || commandOnSandbox) {
    const shared = await findSharedSandbox(store);
    if (shared.ok) {
      return {
        upstream: {
          baseUrl: shared.value.url,
          label: embeddedSandboxLabel,
          credential: fixedCredential({ kind: 'apikey', key: shared.value.key }),
        },
        sandbox: null,
      };
    }
    if (role === 'command') throw new Error(noSandboxMessage(shared.error));
    const sandbox = createSandbox({ seed: config.sandboxSeed, createWorld, ...sandboxOptions });
    return { upstream: sandboxUpstream(sandbox), sandbox };
  }
  if (!connection) {
    if (role === 'command') throw new Error(notConnectedMessage);
    return {
      upstream: {
        baseUrl: config.upstreamUrl,
        label: new URL(config.upstreamUrl).host,
        credential: storedCredential(store),
      },
      sandbox: null,
    };
  }
  // Replicas share one OAuth refresh through a Redis lock.
  const lock =
    connection.kind === 'oauth' && config.redisUrl
      ? createRedisShared(config.redisUrl, { namespace: cacheNamespace(config.upstreamUrl) })
      : null;
  return {
    upstream: {
      baseUrl: config.upstreamUrl,
      label: new URL(config.upstreamUrl).host,
      // An OAuth connection refreshes its token; an API key is used as stored.
      credential:
        connection.kind === 'oauth'
          ? createOAuthCredentialSource({
              store,
              upstreamUrl: config.upstreamUrl,
              timeoutMs: config.upstreamTimeoutMs,
              logger: logger ?? createLogger({ level: 'silent' }),
              ...(lock ? { lock } : {}),
            })
          : storedCredential(store),
      ...(lock ? { close: () => lock.close() } : {}),
    },
    sandbox: null,
  };
}

/** The gateway assembled without a listener, for commands that act in process (mcp, enrich). */
export interface OpenGateway {
  readonly app: GatehouseApp;
  readonly store: StoreServices;
  /** Drains calls in flight and closes the sandbox (if embedded) and the store. */
  close(): Promise<void>;
}

/** Opens the store, picks the upstream like `start` does, and wires the app (no HTTP listener). */
export async function openGateway(config: Config, logger: Logger): Promise<OpenGateway> {
  const store = await openStore(config, logger);
  try {
    const { upstream, sandbox } = await chooseUpstream(config, store, undefined, logger);
    const app = createApp({ config, logger, store, upstream });
    return {
      app,
      store,
      async close() {
        await app.drain();
        sandbox?.close();
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}

/**
 * Starts Gatehouse. With `sandbox` set, or with no Apollo connection on the zero-setup SQLite
 * file, it runs against an embedded sandbox and creates a demo agent once; otherwise it proxies
 * to the configured upstream with the stored, sealed credential, and without one it starts
 * anyway, refusing calls as not connected and saying in the log how to connect.
 */
export async function startGatehouse(
  config: Config,
  options: StartOptions,
): Promise<StartedGatehouse> {
  const { logger } = options;
  const replicaLock = await checkReplicaSafety(config, logger);
  let store: StoreServices;
  try {
    store = await openStore(config, logger, Date.now, { backgroundCheckpoints: true });
  } catch (e) {
    await replicaLock?.release();
    throw e;
  }
  let sandbox: Sandbox | null = null;
  let published: { close(): Promise<void> } | null = null;
  // Traces, when configured (docs/tracing.md); flushed last on close.
  const telemetry = startTelemetry(config, logger);
  try {
    const chosen = await chooseUpstream(config, store, options.sandboxOptions, logger, 'server');
    sandbox = chosen.sandbox;
    // The sandbox this server created is the deployment's: served on loopback for the others.
    if (sandbox) published = await publishSandbox(store, sandbox, logger);
    const upstream = chosen.upstream;
    let demoToken: string | null = null;
    const onSandbox = upstream.label === embeddedSandboxLabel;
    if (!onSandbox) await reportConnection(store, logger);
    if (
      onSandbox &&
      options.createDemoAgent !== false &&
      !(await store.agents.get(demoAgent.name))
    ) {
      const created = await store.agents.create({
        name: demoAgent.name,
        description: 'Demo agent created by gatehouse start for the embedded sandbox',
        grants: demoAgent.grants.map((target) => ({
          target,
          level: 'read' as const,
          requiresApproval: false,
        })),
        by: 'gatehouse start',
      });
      if (created.ok) demoToken = created.value.token;
    }
    // A sandbox run without GATEHOUSE_ADMIN_TOKEN gets one for this process only, printed once.
    const mintedAdminToken =
      onSandbox && !config.adminToken ? `gh_admin_${randomBytes(32).toString('base64url')}` : null;
    const app = createApp({
      config,
      logger,
      store,
      upstream,
      ...(options.mcpRefreshMs ? { mcpRefreshMs: options.mcpRefreshMs } : {}),
      ...(mintedAdminToken ? { adminToken: mintedAdminToken } : {}),
    });
    const tls =
      config.tlsCert && config.tlsKey ? { cert: config.tlsCert, key: config.tlsKey } : undefined;
    const server = await listen(app, config.port, config.host, logger, tls, config.shutdownDelayMs);
    app.setListeningUrl(server.url);
    const jobs = startScheduler(
      backgroundJobs({
        store,
        auditRetentionDays: config.auditRetentionDays,
        // A call waits for room, then may take three upstream timeouts: Apollo, an OAuth refresh, the retry.
        longestCallMs: config.maxQueueWaitMs + 3 * config.upstreamTimeoutMs,
        enrichment: app.enrichment,
        deliveries: app.deliveries,
        approvals: app.gateway,
        pollUsage: createUsagePoll({
          upstream: app.pacedUpstream,
          credentials: upstream.credential,
          pacer: app.pacer,
          logger,
          monotonic: () => performance.now(),
        }),
        logger,
      }),
      logger,
    );
    await recordAdminToken(store, config.adminToken, Date.now());
    for (const w of (await staleSecrets(store, config, Date.now())).warnings) {
      logger.warn({ subject: w.subject, ageDays: w.ageDays }, w.message);
    }
    let closing: Promise<void> | null = null;
    return {
      url: server.url,
      server,
      app,
      store,
      sandbox,
      demoToken,
      mintedAdminToken,
      upstreamLabel: upstream.label,
      close() {
        closing ??= (async () => {
          // Stop taking calls first, then let a job in progress finish before the store closes.
          await server.close();
          await jobs.stop();
          await published?.close();
          sandbox?.close();
          await store.close();
          await replicaLock?.release();
          await telemetry?.shutdown();
        })();
        return closing;
      },
    };
  } catch (e) {
    await published?.close();
    sandbox?.close();
    await store.close();
    await replicaLock?.release();
    await telemetry?.shutdown();
    throw e;
  }
}

/**
 * Says in the log, at start, what stands between Gatehouse and Apollo: no connection (and how to
 * make one), or a stored connection this process cannot open (the data key is wrong). Neither
 * stops the start: /readyz and every agent's call say the same until an operator fixes it.
 */
async function reportConnection(store: StoreServices, logger: Logger): Promise<void> {
  try {
    if (!(await loadConnection(store)))
      logger.warn({ reason: 'not_connected' }, notConnectedMessage);
  } catch (e) {
    if (!(e instanceof CredentialUnreadable)) throw e;
    logger.error(
      { reason: 'credential_unreadable' },
      `Apollo cannot be called: ${e.operatorMessage} Until then agents' calls are refused (503 CREDENTIAL_UNREADABLE) and /readyz is not ready.`,
    );
  }
}

/** A curl that searches people through Gatehouse, for the start banner and the README. */
export function exampleCurl(baseUrl: string, token: string): string {
  const path = getAction('people.search')!.path;
  return `curl -s ${baseUrl}${path} -H 'X-Api-Key: ${token}' -H 'Content-Type: application/json' -d '{"person_titles":["VP Sales"],"person_locations":["Germany"],"per_page":5}'`;
}

/**
 * Runs Gatehouse as a child process for tests and benchmarks: configuration from GATEHOUSE_*
 * variables, silent logs, "LISTENING <url>" on stdout once it accepts calls, SIGTERM stops it.
 */
export async function serveFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const started = await startGatehouse(loadConfig({ env }), {
    logger: createLogger({ level: 'silent' }),
    createDemoAgent: false,
  });
  process.stdout.write(`LISTENING ${started.url}\n`);
  process.once('SIGTERM', () => void started.close().then(() => process.exit(0)));
}
