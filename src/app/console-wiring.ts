// The console's server side, composed: one store of console sessions (Redis with replicas, so no
// sticky sessions are needed) shared by the admin API, the identity-provider sign-in and the MCP
// connection consent, and the console people who sign in to them.
import type { Context, Hono } from 'hono';

import { createOidcSignIn } from '../auth/oidc-signin.js';
import type { McpAuthorization } from '../auth/mcp-authorization.js';
import type { Config } from '../config/config.js';
import type { Gateway } from '../gateway/pipeline.js';
import type { DeliveryStore, Logger, SessionStore } from '../ports/index.js';
import { createConsolePeople } from '../services/admin/people.js';
import { createAdminServices } from '../services/admin/views.js';
import type { StoreServices } from '../store/open-store.js';
import type { AdminAuth } from '../surfaces/admin/admin-auth.js';
import { createOidcRoutes } from '../surfaces/admin/oidc-routes.js';
import { createAdminRoutes } from '../surfaces/admin/routes.js';
import { createOAuthServerRoutes } from '../surfaces/oauth-server/routes.js';

import { embeddedSandboxLabel, type UpstreamWiring } from './upstream-wiring.js';

export interface ConsoleWiring {
  readonly store: StoreServices;
  readonly deliveries: Pick<DeliveryStore, 'forCall'>;
  readonly gateway: Gateway;
  readonly config: Config;
  readonly upstream: UpstreamWiring;
  readonly adminToken: string | undefined;
  readonly now: () => number;
  readonly publicUrl: () => string;
  readonly sessions: SessionStore;
  readonly isHttps: (c: Context) => boolean;
  readonly clientIp: (c: Context) => string | null;
  readonly logger: Logger;
  readonly adminAuth: AdminAuth;
  readonly oauthServer: McpAuthorization | null;
}

/** Mounts the MCP consent, the identity-provider sign-in and the admin API on `app`. */
export function mountConsole(app: Hono, w: ConsoleWiring): void {
  const { config, sessions, isHttps, logger } = w;
  const people = createConsolePeople({ store: w.store, now: w.now });
  if (w.oauthServer) {
    app.route(
      '/',
      createOAuthServerRoutes({
        server: w.oauthServer,
        sessions,
        isHttps,
        clientIp: w.clientIp,
        adminEnabled: Boolean(w.adminToken),
        people,
        logger,
      }),
    );
  }
  const { oidcIssuer: issuer, oidcClientId: clientId, oidcClientSecret: clientSecret } = config;
  app.route(
    '/',
    createOidcRoutes({
      oidc:
        issuer && clientId && clientSecret
          ? createOidcSignIn({
              issuer,
              clientId,
              clientSecret,
              redirectUri: () => `${w.publicUrl()}/admin/oidc/callback`,
            })
          : null,
      name: config.oidcName,
      people,
      sessions,
      isHttps,
      logger,
    }),
  );
  app.route(
    '/',
    createAdminRoutes({
      services: createAdminServices({
        store: w.store,
        gateway: w.gateway,
        upstreamLabel: w.upstream.label,
        simulated: w.upstream.label === embeddedSandboxLabel,
        upstreamUrl: w.upstream.baseUrl,
        publicUrl: w.publicUrl,
        config,
        deliveries: w.deliveries,
        now: w.now,
      }),
      adminToken: w.adminToken,
      sessions,
      people,
      isHttps,
      auth: w.adminAuth,
    }),
  );
}
