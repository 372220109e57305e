// The MCP authorization routes: Protected Resource Metadata (RFC 9728) for /mcp, the authorization
// server's metadata (RFC 8414) and endpoints under /oauth/* (served by oidc-provider), and the
// consent API the console's Connect page uses.
//
// Consent is the admin console's: the authorization endpoint sends the browser to
// /oauth/interaction/<uid>, which opens the console at #/connect/<uid>. Only a logged-in admin
// (the console's session cookie) may read the request or answer it, and the answer is a
// state-changing POST that must carry the session's CSRF token. Anyone else is refused with a
// sentence saying so: a person who is not a Gatehouse admin cannot complete a connection.
import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { z } from 'zod';

import type { McpAuthorization } from '../../auth/mcp-authorization.js';
import type { Logger, SessionStore } from '../../ports/index.js';
import type { ConsoleIdentity, ConsolePeople } from '../../services/admin/people.js';
import { sameSecret } from '../admin/admin-auth.js';
import { sessionCookieName, sessionIdentity } from '../admin/identity.js';

/** Options for the routes. */
export interface OAuthServerRoutesOptions {
  readonly server: McpAuthorization;
  /** The console's sessions (the same store the admin API logs in to). */
  readonly sessions: SessionStore;
  readonly isHttps: (c: Context) => boolean;
  readonly clientIp: (c: Context) => string | null;
  /** The console's idle timeout (ms), restarted by each use as the admin API does. */
  readonly idleMs?: number;
  /** Whether the admin API is on (GATEHOUSE_ADMIN_TOKEN set): without it nobody can consent. */
  readonly adminEnabled: boolean;
  /** Console people: a person may consent when their role is admin. */
  readonly people: ConsolePeople;
  readonly logger: Logger;
}

const uidShape = /^[A-Za-z0-9_-]{1,64}$/;

/** The admin's answer, as the Connect page sends it. */
export const connectDecisionBody = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('approve'), agent_id: z.string().min(1).max(64) }).strict(),
  z.object({ decision: z.literal('deny') }).strict(),
]);

// oidc-provider's own paths under /oauth (the Apollo connection's /oauth/callback is not one).
const providerPaths = [
  '/oauth/authorize',
  '/oauth/authorize/*',
  '/oauth/token',
  '/oauth/register',
  '/oauth/register/*',
  '/oauth/revoke',
  '/oauth/jwks',
  '/.well-known/openid-configuration',
];

/** Creates the routes. */
export function createOAuthServerRoutes(options: OAuthServerRoutesOptions): Hono {
  const { server, sessions } = options;
  const idleMs = options.idleMs ?? 30 * 60_000;
  // The admin API's session cookie: one name for both (surfaces/admin/identity.ts).
  const cookieName = (c: Context) => sessionCookieName(options.isHttps(c));
  const app = new Hono();

  const metadata = (c: Context) => {
    c.header('access-control-allow-origin', '*');
    c.header('cache-control', 'public, max-age=300');
    return c.json(server.protectedResourceMetadata());
  };
  app.get('/.well-known/oauth-protected-resource', metadata);
  app.get('/.well-known/oauth-protected-resource/mcp', metadata);

  const provider = (c: Context, pathAndQuery?: string) =>
    server.handle(c.req.raw, options.clientIp(c), pathAndQuery);
  // RFC 8414's document is oidc-provider's discovery document, which says the same and more.
  app.get('/.well-known/oauth-authorization-server', (c) =>
    provider(c, '/.well-known/openid-configuration'),
  );
  for (const path of providerPaths) app.all(path, (c) => provider(c));

  /** Who is asking: an admin's live console session, or the refusal to send. */
  async function admin(
    c: Context,
    change: boolean,
  ): Promise<{ refused: Response } | { identity: ConsoleIdentity }> {
    c.header('cache-control', 'no-store');
    const refuse = (response: Response) => ({ refused: response });
    if (!options.adminEnabled && !(await options.people.any())) {
      return refuse(
        c.json(
          {
            error:
              'Connecting an app needs a Gatehouse admin, and the admin console is off: set GATEHOUSE_ADMIN_TOKEN and restart Gatehouse, or add a console person with gatehouse admin add <email> --role admin.',
          },
          503,
        ),
      );
    }
    const id = getCookie(c, cookieName(c));
    const session = id && id.length <= 100 ? await sessions.touch(id, idleMs) : null;
    const identity = session ? await sessionIdentity(options.people, session) : null;
    if (!session || !identity) {
      return refuse(
        c.json(
          {
            error:
              'Only a Gatehouse admin can approve an app connection: log in to the console first. A person who is not an admin cannot complete this connection; ask an admin to approve it.',
          },
          401,
        ),
      );
    }
    if (change && !sameSecret(c.req.header('x-csrf-token') ?? '', session.csrf)) {
      return refuse(
        c.json({ error: 'Missing or wrong X-CSRF-Token: reload the console and try again.' }, 403),
      );
    }
    if (identity.role !== 'admin') {
      await options.people.refused(
        identity,
        `${c.req.method} /oauth/interaction (an app connection)`,
        'admin',
      );
      return refuse(
        c.json(
          {
            error: `Only a Gatehouse admin can approve an app connection, and ${identity.person?.email ?? 'you'} signed in as ${identity.role}: ask an admin to approve it.`,
          },
          403,
        ),
      );
    }
    return { identity };
  }

  app.get('/oauth/interaction/:uid', (c) => {
    const uid = c.req.param('uid');
    if (!uidShape.test(uid)) return c.json({ error: 'Unknown connection request.' }, 404);
    return c.redirect(`/#/connect/${uid}`, 303);
  });

  app.get('/oauth/interaction/:uid/details', async (c) => {
    const asking = await admin(c, false);
    if ('refused' in asking) return asking.refused;
    const found = await server.details(c.req.raw, c.req.param('uid'));
    if (!found.ok) return c.json({ error: found.error.message }, found.error.status);
    const r = found.value;
    return c.json({
      uid: r.uid,
      client_id: r.clientId,
      client_name: r.clientName,
      client_uri: r.clientUri,
      redirect_uri: r.redirectUri,
      metadata_document: r.metadataDocument,
      resource: r.resource,
      scope: r.scope,
      expires_at: r.expiresAt,
    });
  });

  app.post('/oauth/interaction/:uid/decision', async (c) => {
    const asking = await admin(c, true);
    if ('refused' in asking) return asking.refused;
    const text = await c.req.text();
    let raw: unknown;
    try {
      raw = text.length > 4096 ? undefined : JSON.parse(text);
    } catch {
      raw = undefined;
    }
    const parsed = connectDecisionBody.safeParse(raw);
    if (!parsed.success) {
      return c.json(
        {
          error:
            'Send {"decision":"approve","agent_id":"<agent id>"} or {"decision":"deny"}: nothing was decided.',
        },
        400,
      );
    }
    const decision =
      parsed.data.decision === 'approve'
        ? { decision: 'approve' as const, agentId: parsed.data.agent_id }
        : { decision: 'deny' as const };
    const done = await server.decide(c.req.raw, c.req.param('uid'), decision, asking.identity.by);
    if (!done.ok) return c.json({ error: done.error.message }, done.error.status);
    return c.json({ redirect_to: done.value.redirectTo });
  });

  return app;
}
