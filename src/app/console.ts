// The console: static files built by Vite (npm run build), a hash-routed single page.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';

const consoleDir = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** Serves the built console at / (or says how to build it). */
export function serveConsole(app: Hono): void {
  if (existsSync(join(consoleDir, 'index.html'))) {
    app.use(
      '/assets/*',
      async (c, next) => {
        await next();
        // File names carry a content hash: cache them for good.
        if (c.res.ok) c.header('cache-control', 'public, max-age=31536000, immutable');
      },
      serveStatic({ root: consoleDir }),
    );
    app.get(
      '/favicon.svg',
      async (c, next) => {
        await next();
        if (c.res.ok) c.header('cache-control', 'public, max-age=86400');
      },
      serveStatic({ root: consoleDir, path: 'favicon.svg' }),
    );
    app.get(
      '/',
      async (c, next) => {
        await next();
        c.header('cache-control', 'no-store');
      },
      serveStatic({ root: consoleDir, path: 'index.html' }),
    );
  } else {
    app.get('/', (c) =>
      c.text('The console is not built here: run `npm run build`, then reload.', 503),
    );
  }
}
