import { hostname } from 'node:os';

import { pino, type DestinationStream, type Logger as Pino } from 'pino';

import type { Logger } from '../ports/index.js';
import { activeSpanIds } from '../telemetry/index.js';

/**
 * Every path that could hold a secret, censored by pino before a line is written. Gatehouse never
 * logs request headers or bodies on purpose; this is the net under that rule.
 */
export const redactPaths = [
  'token',
  'apiKey',
  'key',
  'secret',
  'password',
  'credential',
  'accessToken',
  'refreshToken',
  'clientSecret',
  'authorization',
  'cookie',
  '*.token',
  '*.apiKey',
  '*.key',
  '*.secret',
  '*.password',
  '*.credential',
  '*.accessToken',
  '*.access_token',
  '*.refreshToken',
  '*.refresh_token',
  '*.clientSecret',
  '*.client_secret',
  '*.authorization',
  '*.cookie',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
];

/** Options for the default logger. */
export interface LoggerOptions {
  readonly level: string;
  /** Where lines go; stdout by default. Tests pass a stream to capture them. */
  readonly destination?: DestinationStream;
  /**
   * Names this process among replicas on every line (`replica`); GATEHOUSE_REPLICA_ID, by default
   * the host name and process id, as the configuration's default.
   */
  readonly replicaId?: string;
}

/** The pino logger behind the Logger port, JSON lines with secrets censored. */
export function createLogger(
  options: LoggerOptions,
): Logger & { child(bindings: object): Logger; raw: Pino } {
  const raw = pino(
    {
      level: options.level,
      base: { service: 'gatehouse', replica: options.replicaId ?? `${hostname()}:${process.pid}` },
      redact: { paths: redactPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Inside a traced request, each line names its trace and span (docs/tracing.md). A fresh
      // object each time: pino merges the line's fields into what the mixin returns.
      mixin: () => activeSpanIds() ?? {},
    },
    options.destination,
  );
  const wrap = (p: Pino) => ({
    debug: (o: object, m?: string) => p.debug(o, m),
    info: (o: object, m?: string) => p.info(o, m),
    warn: (o: object, m?: string) => p.warn(o, m),
    error: (o: object, m?: string) => p.error(o, m),
  });
  return { ...wrap(raw), child: (b: object) => wrap(raw.child(b)), raw };
}
