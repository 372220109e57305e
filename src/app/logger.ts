import { pino, type DestinationStream, type Logger as Pino } from 'pino';

import type { Logger } from '../ports/index.js';

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
}

/** The pino logger behind the Logger port, JSON lines with secrets censored. */
export function createLogger(
  options: LoggerOptions,
): Logger & { child(bindings: object): Logger; raw: Pino } {
  const raw = pino(
    {
      level: options.level,
      base: { service: 'gatehouse' },
      redact: { paths: redactPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
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
