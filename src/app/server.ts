import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';

import { serve, type ServerType } from '@hono/node-server';

import type { Logger } from '../ports/index.js';

import type { GatehouseApp } from './create-app.js';

/** A listening server. */
export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /** Stops accepting connections, finishes calls in flight, flushes the audit; idempotent. */
  close(): Promise<void>;
}

/** Certificate and key files for built-in HTTPS. */
export interface TlsFiles {
  readonly cert: string;
  readonly key: string;
}

/** The oldest TLS version Gatehouse accepts (Apollo's Marketplace bar: TLS 1.2 or later). */
export const minTlsVersion = 'TLSv1.2';

/**
 * The TLS 1.2 cipher suites Gatehouse accepts: Mozilla's "intermediate" profile, ECDHE key
 * exchange (forward secrecy) with an AEAD cipher (AES-GCM or ChaCha20-Poly1305) only, so the CBC
 * and static-RSA suites in Node's default list (AES128-SHA, AES256-SHA, AES128-SHA256…) are
 * refused. The list names no `TLS_*` suite, so TLS 1.3 keeps Node's defaults, all of them AEAD
 * with forward secrecy.
 */
export const tlsCiphers = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

function readPem(path: string, setting: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new Error(`cannot read the ${setting} file ${path}: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

/** Listens on host:port (HTTPS when `tls` is given); port 0 picks a free one. */
export function listen(
  app: GatehouseApp,
  port: number,
  host: string,
  logger: Logger,
  tls?: TlsFiles,
): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    let server: ServerType;
    try {
      const secure = tls
        ? {
            createServer: createHttpsServer,
            serverOptions: {
              cert: readPem(tls.cert, 'GATEHOUSE_TLS_CERT'),
              key: readPem(tls.key, 'GATEHOUSE_TLS_KEY'),
              minVersion: minTlsVersion,
              ciphers: tlsCiphers,
              // Among the suites both sides offer, the server's order above picks the one used.
              honorCipherOrder: true,
            } as const,
          }
        : {};
      server = serve({ fetch: app.app.fetch, port, hostname: host, ...secure }, (info) => {
        const scheme = tls ? 'https' : 'http';
        const url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${info.port}`;
        let closing: Promise<void> | null = null;
        resolve({
          url,
          port: info.port,
          close() {
            closing ??= (async () => {
              const stopped = new Promise<void>((done) => server.close(() => done()));
              await app.drain();
              // Idle keep-alive sockets would hold close() open; calls in flight have finished.
              (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
              await stopped;
              logger.info({}, 'server stopped');
            })();
            return closing;
          },
        });
      });
      server.on('error', reject);
    } catch (e) {
      reject(e as Error);
    }
  });
}
