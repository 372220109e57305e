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

/** Listens on host:port; port 0 picks a free one. */
export function listen(
  app: GatehouseApp,
  port: number,
  host: string,
  logger: Logger,
): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    let server: ServerType;
    try {
      server = serve({ fetch: app.app.fetch, port, hostname: host }, (info) => {
        const url = `http://${host.includes(':') ? `[${host}]` : host}:${info.port}`;
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
