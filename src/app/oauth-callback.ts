// The server's /oauth/callback route wired to the store and the connect service.
import type { Hono } from 'hono';

import type { Config } from '../config/config.js';
import type { Logger } from '../ports/index.js';
import {
  finishAuthorization,
  settingsPendingAuthorizations,
  type FinishDeps,
} from '../services/oauth/connect.js';
import type { PendingAuthorization } from '../services/oauth/types.js';
import type { StoreServices } from '../store/open-store.js';
import { createOAuthRoutes } from '../surfaces/oauth/routes.js';

/** The server's /oauth/callback, wired to the store (mounted by createApp). */
export function createOAuthCallbackRoutes(options: {
  store: StoreServices;
  config: Pick<Config, 'upstreamTimeoutMs'>;
  logger: Logger;
  fetch?: typeof fetch;
  now?: () => number;
}): Hono {
  const { store, config, logger } = options;
  const deps: FinishDeps = {
    store,
    timeoutMs: config.upstreamTimeoutMs,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.now ? { now: options.now } : {}),
  };
  return createOAuthRoutes({
    pending: settingsPendingAuthorizations(store, options.now),
    complete: (pending: PendingAuthorization, state, callback) =>
      finishAuthorization(deps, { ...pending, state }, callback),
    logger,
  });
}
