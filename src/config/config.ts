import { readFileSync } from 'node:fs';

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
});

/** The parsed, frozen configuration. */
export type Config = Readonly<z.output<typeof configSchema>>;

/** Environment variable names for each key. */
export const envNames: Readonly<Record<keyof Config, string>> = Object.freeze({
  port: 'GATEHOUSE_PORT',
  host: 'GATEHOUSE_HOST',
  db: 'GATEHOUSE_DB',
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
  approvalTtlMinutes: 'GATEHOUSE_APPROVAL_TTL_MINUTES',
  notifyWebhookUrl: 'GATEHOUSE_NOTIFY_WEBHOOK_URL',
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
  if ('secretKey' in data || 'adminToken' in data) {
    throw new ConfigError(
      `${path}: keep secrets out of the config file; use GATEHOUSE_SECRET_KEY / GATEHOUSE_ADMIN_TOKEN`,
    );
  }
  return data as Record<string, unknown>;
}
