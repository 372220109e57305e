import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

import { z } from 'zod';

import { describeInputShapeProblem, inspectInputShape } from '../catalog/index.js';

// One schema for every setting. Sources, weakest first: gatehouse.config.json < GATEHOUSE_*
// environment variables < command-line flags. Nothing outside src/config reads process.env.

const port = z.coerce.number().int().min(0).max(65_535);
const bool = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1'),
]);
const positiveInt = z.coerce.number().int().positive();

/** Every configuration value, with its default and the variable that sets it. */
export const configSchema = z.object({
  port: port.default(8787).describe('GATEHOUSE_PORT: the port Gatehouse listens on'),
  host: z
    .string()
    .min(1)
    .default('127.0.0.1')
    .describe('GATEHOUSE_HOST: the address to bind (0.0.0.0 for all)'),
  db: z
    .string()
    .min(1)
    .default('./gatehouse.db')
    .describe('GATEHOUSE_DB: a SQLite file path or a postgres:// URL'),
  pgPoolSize: positiveInt
    .max(1000)
    .default(10)
    .describe('GATEHOUSE_PG_POOL_SIZE: Postgres only: connections each Gatehouse process keeps'),
  pgConnectTimeoutMs: positiveInt
    .default(3000)
    .describe(
      'GATEHOUSE_PG_CONNECT_TIMEOUT_MS: Postgres only: how long a request waits for a database connection before it is answered 503 STORE_UNAVAILABLE',
    ),
  pgStatementTimeoutMs: positiveInt
    .default(5000)
    .describe(
      'GATEHOUSE_PG_STATEMENT_TIMEOUT_MS: Postgres only: the longest one statement may run (a frozen or unanswering database is given up on one second later) before the request is answered 503 STORE_UNAVAILABLE',
    ),
  upstreamUrl: z
    .url({ protocol: /^https?$/ })
    .default('https://api.apollo.io')
    .describe("GATEHOUSE_UPSTREAM_URL: Apollo's API host"),
  upstreamTimeoutMs: positiveInt
    .default(30_000)
    .describe('GATEHOUSE_UPSTREAM_TIMEOUT_MS: give up on Apollo after this'),
  sandbox: bool
    .default(false)
    .describe(
      'GATEHOUSE_SANDBOX: always use the embedded sandbox instead of Apollo (also when a credential exists)',
    ),
  sandboxSeed: z.coerce
    .number()
    .int()
    .default(1)
    .describe('GATEHOUSE_SANDBOX_SEED: seed of the embedded sandbox data'),
  secretKey: z
    .string()
    .optional()
    .describe(
      'GATEHOUSE_SECRET_KEY: 32 bytes, base64; the data key that seals credentials (else a key file)',
    ),
  previousSecretKeys: z
    .union([
      z.array(z.string()),
      z.string().transform((v) =>
        v
          .split(',')
          .map((k) => k.trim())
          .filter(Boolean),
      ),
    ])
    .default([])
    .describe(
      'GATEHOUSE_PREVIOUS_SECRET_KEYS: comma-separated older data keys (base64) that still open values sealed before a rotation',
    ),
  keyFile: z
    .string()
    .default('./.gatehouse/secret.key')
    .describe(
      'GATEHOUSE_KEY_FILE: where the generated data key lives (created 0600 on first start)',
    ),
  adminToken: z
    .string()
    .min(32)
    .optional()
    .describe('GATEHOUSE_ADMIN_TOKEN: bearer token for /admin/api'),
  redisUrl: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')
    .optional()
    .describe('GATEHOUSE_REDIS_URL: shared counters for several replicas'),
  logLevel: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('GATEHOUSE_LOG_LEVEL'),
  maxBodyBytes: positiveInt
    .default(1_048_576)
    .describe('GATEHOUSE_MAX_BODY_BYTES: largest request body accepted'),
  unknownParams: z
    .enum(['refuse', 'forward'])
    .default('refuse')
    .describe(
      'GATEHOUSE_UNKNOWN_PARAMS: refuse (422 UNKNOWN_PARAMETER, nothing sent) or forward parameters Apollo does not document (audited)',
    ),
  auditKeepPersonal: bool
    .default(false)
    .describe(
      'GATEHOUSE_AUDIT_KEEP_PERSONAL: store emails, phones and names unmasked in audit records',
    ),
  auditRetentionDays: positiveInt
    .default(400)
    .describe('GATEHOUSE_AUDIT_RETENTION_DAYS: audit records older than this are pruned'),
  mcpAllowedOrigins: z
    .union([
      z.array(z.url()),
      z
        .string()
        .transform((v) =>
          v
            .split(',')
            .map((o) => o.trim())
            .filter(Boolean),
        )
        .pipe(z.array(z.url())),
    ])
    .default([])
    .describe(
      'GATEHOUSE_MCP_ALLOWED_ORIGINS: comma-separated browser origins allowed on /mcp besides loopback ones',
    ),
  tlsCert: z
    .string()
    .optional()
    .describe(
      'GATEHOUSE_TLS_CERT: PEM certificate (chain) file; with GATEHOUSE_TLS_KEY, serve HTTPS',
    ),
  tlsKey: z
    .string()
    .optional()
    .describe('GATEHOUSE_TLS_KEY: PEM private key file for GATEHOUSE_TLS_CERT'),
  apolloPlan: z
    .enum(['free', 'basic', 'professional', 'organization'])
    .default('basic')
    .describe(
      "GATEHOUSE_APOLLO_PLAN: the team's Apollo plan, whose rate windows apply until Apollo's headers say otherwise",
    ),
  maxQueueWaitMs: z.coerce
    .number()
    .int()
    .min(0)
    .max(3_600_000)
    .default(30_000)
    .describe(
      "GATEHOUSE_MAX_QUEUE_WAIT_MS: the longest a call waits for room in Apollo's windows before Gatehouse answers 429 with Retry-After",
    ),
  cacheTtlDays: z.coerce
    .number()
    .min(0)
    .max(3650)
    .default(30)
    .describe(
      'GATEHOUSE_CACHE_TTL_DAYS: how long enrichment answers are reused instead of paying again (0: cache off)',
    ),
  batchWindowMs: z.coerce
    .number()
    .int()
    .min(0)
    .max(1000)
    .default(25)
    .describe(
      'GATEHOUSE_BATCH_WINDOW_MS: concurrent people matches within this many ms share one bulk call (0: off)',
    ),
  maxSecretAgeDays: positiveInt
    .default(90)
    .describe(
      'GATEHOUSE_MAX_SECRET_AGE_DAYS: agent tokens, the admin token and the Apollo credential older than this are flagged for rotation',
    ),
  trustProxy: bool
    .default(false)
    .describe('GATEHOUSE_TRUST_PROXY: believe X-Forwarded-For/-Proto from a proxy in front'),
  approvalTtlMinutes: positiveInt
    .max(7 * 24 * 60)
    .default(60)
    .describe(
      'GATEHOUSE_APPROVAL_TTL_MINUTES: a call held for approval expires unanswered after this many minutes',
    ),
  notifyWebhookUrl: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
    .optional()
    .describe(
      'GATEHOUSE_NOTIFY_WEBHOOK_URL: a Slack-compatible incoming webhook told when a call waits for approval',
    ),
  publicUrl: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
    .refine((u) => !/[?#]/.test(u), 'must not have a query or fragment')
    .optional()
    .describe(
      "GATEHOUSE_PUBLIC_URL: Gatehouse's address as Apollo reaches it, for asynchronous enrichment webhooks (default: the listening address; real Apollo needs public HTTPS, otherwise results are polled)",
    ),
  oidcIssuer: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
    .optional()
    .describe(
      "GATEHOUSE_OIDC_ISSUER: the team's OpenID Connect identity provider (its issuer URL); people sign in to the console with it",
    ),
  oidcClientId: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe("GATEHOUSE_OIDC_CLIENT_ID: Gatehouse's client id at the identity provider"),
  oidcClientSecret: z
    .string()
    .min(1)
    .max(500)
    .optional()
    .describe("GATEHOUSE_OIDC_CLIENT_SECRET: Gatehouse's client secret at the identity provider"),
  oidcName: z
    .string()
    .min(1)
    .max(60)
    .default('your identity provider')
    .describe('GATEHOUSE_OIDC_NAME: the sign-in button says "Sign in with <name>"'),
  metrics: bool
    .default(true)
    .describe('GATEHOUSE_METRICS: serve Prometheus metrics at /metrics (false: no /metrics)'),
  metricsToken: z
    .string()
    .min(16)
    .optional()
    .describe(
      'GATEHOUSE_METRICS_TOKEN: when set, /metrics answers only `Authorization: Bearer <this token>`',
    ),
  metricsPort: port
    .optional()
    .describe(
      'GATEHOUSE_METRICS_PORT: serve /metrics on this port of 127.0.0.1 instead of the main port',
    ),
  replicaId: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1-128 of A-Z a-z 0-9 . _ : -')
    .default(() => `${hostname()}:${process.pid}`)
    .describe('GATEHOUSE_REPLICA_ID: names this process in every log line and in gatehouse_info'),
  singleReplica: bool
    .default(false)
    .describe(
      "GATEHOUSE_SINGLE_REPLICA: on Postgres without GATEHOUSE_REDIS_URL, start anyway: the operator promises this is the only replica (Apollo's windows, credit budgets and login throttles are then counted in this process alone)",
    ),
  shutdownDelayMs: z.coerce
    .number()
    .int()
    .min(0)
    .max(120_000)
    .default(0)
    .describe(
      "GATEHOUSE_SHUTDOWN_DELAY_MS: on SIGTERM, how long /readyz answers 503 while calls are still served, so a load balancer stops sending here before new calls are refused (set it above the balancer's health-check interval × its fall count)",
    ),
  mcpOauth: bool
    .default(true)
    .describe(
      'GATEHOUSE_MCP_OAUTH: MCP authorization (OAuth 2.1) for connector apps at /oauth/* and /.well-known/*: an app gets a token only when an admin approves it in the console and chooses the agent it acts as (false: /mcp takes static agent tokens only)',
    ),
  mcpOauthAccessTokenTtlSeconds: positiveInt
    .max(86_400)
    .default(600)
    .describe(
      'GATEHOUSE_MCP_OAUTH_ACCESS_TOKEN_TTL_SECONDS: how long an MCP OAuth access token lives; the app refreshes it with its rotating refresh token',
    ),
  mcpOauthRefreshTokenTtlDays: positiveInt
    .max(365)
    .default(14)
    .describe(
      'GATEHOUSE_MCP_OAUTH_REFRESH_TOKEN_TTL_DAYS: how long an approved MCP connection lasts without a new approval (each refresh rotates the refresh token)',
    ),
  // Traces (docs/tracing.md): the standard OTEL_* names, so a collector's usual settings work.
  traces: bool
    .optional()
    .describe(
      'GATEHOUSE_TRACES: export OpenTelemetry traces (default: on when an OTLP endpoint is set; true without one sends to http://localhost:4318)',
    ),
  otlpEndpoint: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe('OTEL_EXPORTER_OTLP_ENDPOINT: the OTLP/HTTP collector; traces go to <it>/v1/traces'),
  otlpTracesEndpoint: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe(
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: the full OTLP/HTTP traces URL (beats the above)',
    ),
  otlpHeaders: z
    .string()
    .optional()
    .describe('OTEL_EXPORTER_OTLP_HEADERS: key=value,… headers sent to the collector (its auth)'),
  otelServiceName: z
    .string()
    .min(1)
    .default('gatehouse')
    .describe('OTEL_SERVICE_NAME: service.name on every span'),
  tracesSampler: z
    .enum([
      'always_on',
      'always_off',
      'traceidratio',
      'parentbased_always_on',
      'parentbased_always_off',
      'parentbased_traceidratio',
    ])
    .default('parentbased_always_on')
    .describe('OTEL_TRACES_SAMPLER: which traces are recorded'),
  tracesSamplerArg: z.coerce
    .number()
    .min(0)
    .max(1)
    .default(1)
    .describe('OTEL_TRACES_SAMPLER_ARG: the ratio for the traceidratio samplers'),
});

/** The parsed, frozen configuration. */
export type Config = Readonly<z.output<typeof configSchema>>;

/** Environment variable names for each key. */
export const envNames: Readonly<Record<keyof Config, string>> = Object.freeze({
  port: 'GATEHOUSE_PORT',
  host: 'GATEHOUSE_HOST',
  db: 'GATEHOUSE_DB',
  pgPoolSize: 'GATEHOUSE_PG_POOL_SIZE',
  pgConnectTimeoutMs: 'GATEHOUSE_PG_CONNECT_TIMEOUT_MS',
  pgStatementTimeoutMs: 'GATEHOUSE_PG_STATEMENT_TIMEOUT_MS',
  upstreamUrl: 'GATEHOUSE_UPSTREAM_URL',
  upstreamTimeoutMs: 'GATEHOUSE_UPSTREAM_TIMEOUT_MS',
  sandbox: 'GATEHOUSE_SANDBOX',
  sandboxSeed: 'GATEHOUSE_SANDBOX_SEED',
  secretKey: 'GATEHOUSE_SECRET_KEY',
  previousSecretKeys: 'GATEHOUSE_PREVIOUS_SECRET_KEYS',
  keyFile: 'GATEHOUSE_KEY_FILE',
  adminToken: 'GATEHOUSE_ADMIN_TOKEN',
  redisUrl: 'GATEHOUSE_REDIS_URL',
  logLevel: 'GATEHOUSE_LOG_LEVEL',
  maxBodyBytes: 'GATEHOUSE_MAX_BODY_BYTES',
  auditKeepPersonal: 'GATEHOUSE_AUDIT_KEEP_PERSONAL',
  unknownParams: 'GATEHOUSE_UNKNOWN_PARAMS',
  auditRetentionDays: 'GATEHOUSE_AUDIT_RETENTION_DAYS',
  mcpAllowedOrigins: 'GATEHOUSE_MCP_ALLOWED_ORIGINS',
  tlsCert: 'GATEHOUSE_TLS_CERT',
  tlsKey: 'GATEHOUSE_TLS_KEY',
  apolloPlan: 'GATEHOUSE_APOLLO_PLAN',
  maxQueueWaitMs: 'GATEHOUSE_MAX_QUEUE_WAIT_MS',
  cacheTtlDays: 'GATEHOUSE_CACHE_TTL_DAYS',
  batchWindowMs: 'GATEHOUSE_BATCH_WINDOW_MS',
  maxSecretAgeDays: 'GATEHOUSE_MAX_SECRET_AGE_DAYS',
  trustProxy: 'GATEHOUSE_TRUST_PROXY',
  publicUrl: 'GATEHOUSE_PUBLIC_URL',
  oidcIssuer: 'GATEHOUSE_OIDC_ISSUER',
  oidcClientId: 'GATEHOUSE_OIDC_CLIENT_ID',
  oidcClientSecret: 'GATEHOUSE_OIDC_CLIENT_SECRET',
  oidcName: 'GATEHOUSE_OIDC_NAME',
  approvalTtlMinutes: 'GATEHOUSE_APPROVAL_TTL_MINUTES',
  notifyWebhookUrl: 'GATEHOUSE_NOTIFY_WEBHOOK_URL',
  metrics: 'GATEHOUSE_METRICS',
  metricsToken: 'GATEHOUSE_METRICS_TOKEN',
  metricsPort: 'GATEHOUSE_METRICS_PORT',
  replicaId: 'GATEHOUSE_REPLICA_ID',
  singleReplica: 'GATEHOUSE_SINGLE_REPLICA',
  shutdownDelayMs: 'GATEHOUSE_SHUTDOWN_DELAY_MS',
  mcpOauth: 'GATEHOUSE_MCP_OAUTH',
  mcpOauthAccessTokenTtlSeconds: 'GATEHOUSE_MCP_OAUTH_ACCESS_TOKEN_TTL_SECONDS',
  mcpOauthRefreshTokenTtlDays: 'GATEHOUSE_MCP_OAUTH_REFRESH_TOKEN_TTL_DAYS',
  traces: 'GATEHOUSE_TRACES',
  otlpEndpoint: 'OTEL_EXPORTER_OTLP_ENDPOINT',
  otlpTracesEndpoint: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  otlpHeaders: 'OTEL_EXPORTER_OTLP_HEADERS',
  otelServiceName: 'OTEL_SERVICE_NAME',
  tracesSampler: 'OTEL_TRACES_SAMPLER',
  tracesSamplerArg: 'OTEL_TRACES_SAMPLER_ARG',
});

/** Where configuration comes from; all optional so tests pass exactly what they need. */
export interface ConfigSources {
  env?: Record<string, string | undefined>;
  flags?: Partial<Record<keyof Config, unknown>>;
  /** Path of gatehouse.config.json; absent or missing file = no file layer. */
  file?: string;
}

/** A configuration problem, phrased for the person who must fix it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses configuration once and fails fast with a readable message naming the variable. */
export function loadConfig(sources: ConfigSources = {}): Config {
  const fromFile = readConfigFile(sources.file);
  const fromEnv: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(envNames)) {
    const v = sources.env?.[name];
    if (v !== undefined && v !== '') fromEnv[key] = v;
  }
  const fromFlags = Object.fromEntries(
    Object.entries(sources.flags ?? {}).filter(([, v]) => v !== undefined),
  );
  const parsed = configSchema.safeParse({ ...fromFile, ...fromEnv, ...fromFlags });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0] ?? '');
    const name = envNames[key as keyof Config] ?? key;
    throw new ConfigError(`${name} (${key}) is invalid: ${issue.message}`);
  }
  if (parsed.data.secretKey !== undefined) {
    const bytes = Buffer.from(parsed.data.secretKey, 'base64');
    if (
      bytes.length !== 32 ||
      bytes.toString('base64').replace(/=+$/, '') !== parsed.data.secretKey.replace(/=+$/, '')
    ) {
      throw new ConfigError(
        'GATEHOUSE_SECRET_KEY must be 32 bytes, base64 (e.g. `openssl rand -base64 32`)',
      );
    }
  }
  const oidc = [parsed.data.oidcIssuer, parsed.data.oidcClientId, parsed.data.oidcClientSecret];
  if (oidc.some((v) => v !== undefined) && !oidc.every((v) => v !== undefined)) {
    throw new ConfigError(
      'GATEHOUSE_OIDC_ISSUER, GATEHOUSE_OIDC_CLIENT_ID and GATEHOUSE_OIDC_CLIENT_SECRET go together: give all three to sign in with an identity provider, or none.',
    );
  }
  if ((parsed.data.tlsCert === undefined) !== (parsed.data.tlsKey === undefined)) {
    throw new ConfigError(
      'GATEHOUSE_TLS_CERT and GATEHOUSE_TLS_KEY go together: give both to serve HTTPS, or neither.',
    );
  }
  return Object.freeze(parsed.data);
}

function readConfigFile(path: string | undefined): Record<string, unknown> {
  if (!path) return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError(`cannot read ${path}: ${(e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ConfigError(`${path} is not valid JSON`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data))
    throw new ConfigError(`${path} must hold a JSON object`);
  const shape = inspectInputShape(data);
  if (shape) throw new ConfigError(`${path}: ${describeInputShapeProblem(shape)}`);
  const unknownKeys = Object.keys(data).filter((k) => !Object.hasOwn(envNames, k));
  if (unknownKeys.length)
    throw new ConfigError(`${path}: unknown setting ${unknownKeys.join(', ')}`);
  if (
    'secretKey' in data ||
    'adminToken' in data ||
    'otlpHeaders' in data ||
    'oidcClientSecret' in data
  ) {
    throw new ConfigError(
      `${path}: keep secrets out of the config file; use GATEHOUSE_SECRET_KEY / GATEHOUSE_ADMIN_TOKEN / OTEL_EXPORTER_OTLP_HEADERS / GATEHOUSE_OIDC_CLIENT_SECRET`,
    );
  }
  return data as Record<string, unknown>;
}
