import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';

import { serve, type ServerType } from '@hono/node-server';

import type { Logger } from '../ports/index.js';
import { traceRequests } from '../surfaces/http/trace-requests.js';

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

/**
 * Listens on host:port (HTTPS when `tls` is given); port 0 picks a free one. On close, /readyz
 * answers 503 for `delayMs` while calls are still served (GATEHOUSE_SHUTDOWN_DELAY_MS).
 */
export function listen(
  app: GatehouseApp,
  port: number,
  host: string,
  logger: Logger,
  tls?: TlsFiles,
  delayMs = 0,
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
      // Each agent's request is the root span of its trace (a no-op unless tracing is on).
      const traced = traceRequests(app.app.fetch);
      // Once stopping, every answer closes its connection: a client (or a balancer) that keeps a
      // connection alive and sends on it again would otherwise hold close() open indefinitely,
      // since close() only ends idle connections; its next call opens a new connection, which
      // the closed listener refuses and a balancer sends elsewhere.
      let stopping = false;
      const fetch: typeof traced = async (...args) => {
        const res = await traced(...args);
        return stopping ? closingConnection(res) : res;
      };
      server = serve({ fetch, port, hostname: host, ...secure }, async (info) => {
        const scheme = tls ? 'https' : 'http';
        const url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${info.port}`;
        let metrics: ServerType | null = null;
        try {
          metrics = app.metricsListener ? await listenForMetrics(app.metricsListener) : null;
        } catch (e) {
          server.close();
          reject(e as Error);
          return;
        }
        if (metrics) logger.info({ port: app.metricsListener!.port }, 'metrics on 127.0.0.1');
        let closing: Promise<void> | null = null;
        resolve({
          url,
          port: info.port,
          close() {
            closing ??= (async () => {
              // Readiness goes first, while calls are still served, for `delayMs` (a balancer
              // polling /readyz stops sending here); then new calls get a JSON refusal on the
              // open listener while those in flight finish; then the listener closes.
              app.beginDrain();
              stopping = true;
              if (delayMs > 0) {
                logger.info({ delayMs }, 'stopping: /readyz answers 503 while calls are served');
                await new Promise((r) => setTimeout(r, delayMs));
              }
              await app.drain();
              const stopped = new Promise<void>((done) => server.close(() => done()));
              const metricsStopped = new Promise<void>((done) =>
                metrics ? metrics.close(() => done()) : done(),
              );
              // Idle keep-alive sockets would hold close() open; calls in flight have finished.
              const sockets = server as unknown as {
                closeIdleConnections?: () => void;
                closeAllConnections?: () => void;
              };
              sockets.closeIdleConnections?.();
              // What is still open after that holds no call of ours (drain() waited for them):
              // an MCP event stream, a client that never reads its answer. It gets a deadline.
              const deadline = setTimeout(() => sockets.closeAllConnections?.(), closeDeadlineMs);
              deadline.unref();
              await stopped;
              clearTimeout(deadline);
              await metricsStopped;
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

/** How long a stopping server waits for connections that hold no call before it ends them. */
export const closeDeadlineMs = 5_000;

/** The same answer with `Connection: close`, so the client does not send on this connection again. */
function closingConnection(res: Response): Response {
  try {
    res.headers.set('connection', 'close');
    return res;
  } catch {
    // Headers of a fetched or frozen Response are immutable: answer with a copy.
    const headers = new Headers(res.headers);
    headers.set('connection', 'close');
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
  }
}

/**
 * /metrics alone on loopback (GATEHOUSE_METRICS_PORT): a scraper on the same machine or a sidecar
 * reaches it, the network in front of the main port does not.
 */
function listenForMetrics(listener: NonNullable<GatehouseApp['metricsListener']>) {
  return new Promise<ServerType>((resolve, reject) => {
    const server = serve(
      { fetch: listener.app.fetch, port: listener.port, hostname: '127.0.0.1' },
      () => resolve(server),
    );
    server.on('error', reject);
  });
}
