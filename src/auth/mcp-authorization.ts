// The authorization server MCP clients (Claude.ai, ChatGPT, Cursor, mcp-remote …) use to connect to
// Gatehouse's /mcp, per the MCP authorization specification (revisions 2025-06-18 and 2025-11-25):
// oidc-provider does the OAuth (RFC 8414 metadata, authorization code with PKCE S256 only, RFC 8707
// resource indicators, RFC 7591 dynamic registration, Client ID Metadata Documents, rotating
// refresh tokens, RFC 7009 revocation); Gatehouse supplies the storage (its database, so replicas
// share it), the keys (derived from the data key), the consent (an admin in the console chooses
// which agent the app acts as) and the audience (the /mcp URL, the only resource it issues for).
//
// An access token is opaque and stored (hashed), so revoking it, its grant or its agent ends it at
// once. The token's subject is the agent's id; grants are read from the agent at every call, so a
// token carries exactly the agent's grants, as the agent's static token does.
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';

import type { Config } from '../config/config.js';
import { escapeHtml } from '../core/format.js';
import { err, ok, type Result } from '../core/result.js';
import type { Logger } from '../ports/index.js';
import { deriveOAuthKeys } from '../store/oauth-keys.js';
import { createOAuthRecords, type OAuthRecords } from '../store/oauth-records.js';
import type { StoreServices } from '../store/open-store.js';
import { loadKeyring } from '../store/vault.js';

import { BodyTooLarge, nodePair } from './node-bridge.js';

/** The one scope: act, through MCP, as the agent an admin chose. */
export const mcpScope = 'mcp';

/** An agent as consent and token resolution see it. */
export interface OAuthAgent {
  readonly id: string;
  readonly name: string;
  readonly active: boolean;
}

/** Where an OAuth access token leads. */
export interface OAuthAccess {
  readonly agentId: string;
  readonly clientId: string;
}

/** What the admin is asked to approve. */
export interface ConnectRequest {
  readonly uid: string;
  readonly clientId: string;
  readonly clientName: string | null;
  readonly clientUri: string | null;
  readonly redirectUri: string | null;
  /** True when the client identified itself with a Client ID Metadata Document URL. */
  readonly metadataDocument: boolean;
  readonly resource: string;
  readonly scope: string;
  readonly expiresAt: string;
}

/** Why consent could not go ahead. */
export interface ConsentProblem {
  readonly status: 400 | 404 | 409;
  readonly message: string;
}

/** The admin's answer. */
export type ConsentDecision =
  { readonly decision: 'approve'; readonly agentId: string } | { readonly decision: 'deny' };

/** Options for {@link createMcpAuthorization}. */
export interface McpAuthorizationOptions {
  readonly config: Config;
  readonly store: StoreServices;
  /** Gatehouse's public base URL (GATEHOUSE_PUBLIC_URL, else the listening address). */
  readonly publicUrl: () => string;
  /** An agent by id, revoked ones included (null: no such agent). */
  readonly agent: (id: string) => Promise<OAuthAgent | null>;
  readonly logger: Logger;
  readonly now?: () => number;
}

/** The MCP authorization server. */
export interface McpAuthorization {
  /** The issuer (Gatehouse's public base URL). */
  issuer(): string;
  /** The protected resource: `<public URL>/mcp`, the only audience tokens are issued for. */
  resourceUrl(): string;
  /** Where the resource's RFC 9728 metadata is. */
  resourceMetadataUrl(): string;
  /** RFC 9728 Protected Resource Metadata for /mcp. */
  protectedResourceMetadata(): Record<string, unknown>;
  /** Hands a request to oidc-provider (`pathAndQuery` rewrites what it sees). */
  handle(request: Request, remoteAddress: string | null, pathAndQuery?: string): Promise<Response>;
  /** The pending authorization behind this browser's interaction cookie, for the admin to review. */
  details(request: Request, uid: string): Promise<Result<ConnectRequest, ConsentProblem>>;
  /**
   * Records the admin's answer and returns where the browser goes next (the authorization
   * endpoint resumes and redirects to the app). Approving writes an admin audit record.
   */
  decide(
    request: Request,
    uid: string,
    decision: ConsentDecision,
    by: string,
  ): Promise<Result<{ readonly redirectTo: string; readonly agentName?: string }, ConsentProblem>>;
  /** The agent and client behind an access token for /mcp, or null (unknown, expired, revoked). */
  resolveAccessToken(token: string): Promise<OAuthAccess | null>;
}

// Opaque token values are 43 base64url characters; anything else is not worth a lookup.
const tokenShape = /^[A-Za-z0-9_-]{20,128}$/;
const uidShape = /^[A-Za-z0-9_-]{1,64}$/;

/** "Claude" from whatever a client registered: printable, short, on one line. */
export function cleanName(value: unknown, max = 80): string | null {
  if (typeof value !== 'string') return null;
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  const cleaned = value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').trim();
  return cleaned ? cleaned.slice(0, max) : null;
}

/** Creates the authorization server; oidc-provider itself is built on first use. */
export function createMcpAuthorization(options: McpAuthorizationOptions): McpAuthorization {
  const { config, store, logger } = options;
  const now = options.now ?? Date.now;
  const base = () => options.publicUrl().replace(/\/+$/, '');
  const resourceUrl = () => `${base()}/mcp`;
  // oidc-provider reads the real clock for expiry, so its rows expire by the real clock too.
  const records: OAuthRecords = createOAuthRecords(store.handle.db, { sealer: store.sealer });
  let building: Promise<Provider> | null = null;

  async function build(): Promise<Provider> {
    const loaded = await loadKeyring({
      secretKey: config.secretKey,
      previousSecretKeys: config.previousSecretKeys,
      keyFile: config.keyFile,
    });
    if (!loaded.ok) throw new Error(loaded.error.message);
    const keys = deriveOAuthKeys(loaded.value.keyring);
    const issuer = base();
    const resource = `${issuer}/mcp`;
    const accessTokenTTL = config.mcpOauthAccessTokenTtlSeconds;
    const refreshTtl = config.mcpOauthRefreshTokenTtlDays * 86_400;

    const configuration: Configuration = {
      adapter: (name: string) => records.adapterFor(name),
      clients: [],
      jwks: { keys: keys.jwks.keys.map((k) => ({ ...k })) },
      cookies: {
        keys: [...keys.cookieKeys],
        long: { signed: true, httpOnly: true, sameSite: 'lax' },
        short: { signed: true, httpOnly: true, sameSite: 'lax' },
        names: {
          session: 'gh_oauth_session',
          interaction: 'gh_oauth_interaction',
          resume: 'gh_oauth_resume',
        },
      },
      routes: {
        authorization: '/oauth/authorize',
        token: '/oauth/token',
        registration: '/oauth/register',
        revocation: '/oauth/revoke',
        jwks: '/oauth/jwks',
        end_session: '/oauth/session/end',
        userinfo: '/oauth/userinfo',
        introspection: '/oauth/introspect',
        pushed_authorization_request: '/oauth/par',
      },
      scopes: [mcpScope, 'openid', 'offline_access'],
      responseTypes: ['code'],
      pkce: { required: () => true },
      clientDefaults: {
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        id_token_signed_response_alg: 'ES256',
      },
      enabledJWA: { idTokenSigningAlgValues: ['ES256'] },
      features: {
        devInteractions: { enabled: false },
        // Open registration (RFC 7591), as MCP clients expect: a registered client can do nothing
        // until an admin approves one of its authorization requests, choosing the agent.
        registration: { enabled: true },
        revocation: { enabled: true },
        introspection: { enabled: false },
        userinfo: { enabled: false },
        rpInitiatedLogout: { enabled: false },
        // Client ID Metadata Documents (MCP 2025-11-25): oidc-provider fetches the https client_id
        // with its own SSRF guard, which refuses sockets to loopback, private and other
        // special-use addresses whatever the name resolves to; so a local URL cannot be used.
        clientIdMetadataDocument: { enabled: true, ack: 'draft-02' },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => resource,
          useGrantedResource: () => true,
          getResourceServerInfo(_ctx, indicator) {
            if (indicator !== resource) {
              throw new errors.InvalidTarget(
                `this authorization server issues tokens only for ${resource}`,
              );
            }
            return {
              scope: mcpScope,
              audience: resource,
              accessTokenTTL,
              accessTokenFormat: 'opaque',
            };
          },
        },
      },
      ttl: {
        AccessToken: accessTokenTTL,
        AuthorizationCode: 60,
        Interaction: 15 * 60,
        Session: 15 * 60,
        IdToken: 10 * 60,
        Grant: refreshTtl,
        RefreshToken: refreshTtl,
      },
      rotateRefreshToken: true,
      issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
      // Never a remembered grant: every authorization request goes to an admin. Only the grant this
      // interaction's consent created is used.
      async loadExistingGrant(ctx: KoaContextWithOIDC) {
        const grantId = ctx.oidc.result?.consent?.grantId;
        return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
      },
      async findAccount(_ctx, sub) {
        const agent = await options.agent(sub);
        if (!agent?.active) return undefined;
        return { accountId: agent.id, claims: () => ({ sub: agent.id }) };
      },
      interactions: { url: (_ctx, interaction) => `/oauth/interaction/${interaction.uid}` },
      async renderError(ctx, out) {
        ctx.type = 'html';
        const description = out.error_description ? `: ${out.error_description}` : '';
        ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Gatehouse: authorization refused</title></head><body><h1>Gatehouse could not authorize this app</h1><p>${escapeHtml(`${out.error}${description}`)}</p><p>Start the connection again from the app. If it keeps failing, tell a Gatehouse admin.</p></body></html>`;
      },
    };
    const provider = new Provider(issuer, configuration);
    provider.proxy = false;
    // Koa would print unexpected errors itself; they go to Gatehouse's log instead (no values).
    provider.silent = true;
    provider.on('server_error', (_ctx: unknown, e: Error) =>
      logger.error({ err: e }, 'MCP authorization server error'),
    );
    (provider as unknown as NodeJS.EventEmitter).on('error', (e: Error) =>
      logger.error({ err: e }, 'MCP authorization server error'),
    );
    return provider;
  }

  const ready = (): Promise<Provider> => {
    building ??= build().catch((e: unknown) => {
      building = null;
      throw e;
    });
    return building;
  };

  const bridged = (request: Request, remoteAddress: string | null, pathAndQuery?: string) =>
    nodePair(request, {
      origin: base(),
      remoteAddress,
      ...(pathAndQuery ? { pathAndQuery } : {}),
    });

  const lost: ConsentProblem = {
    status: 404,
    message:
      'This connection request is not open in this browser: it expired (15 minutes), was already answered, or was started in another browser. Start the connection again from the app.',
  };

  /** The interaction behind the browser's cookie, checked against the page's uid. */
  async function interaction(provider: Provider, request: Request, uid: string) {
    if (!uidShape.test(uid)) return null;
    // Only the cookies matter here; the body (the admin's answer) was read by the route.
    const pair = await bridged(new Request(request.url, { headers: request.headers }), null);
    try {
      const found = await provider.interactionDetails(pair.req, pair.res);
      return found.uid === uid ? { found, pair } : null;
    } catch (e) {
      if (e instanceof errors.SessionNotFound) return null;
      throw e;
    }
  }

  async function audit(
    by: string,
    agent: { id: string; name: string } | null,
    verb: string,
    sentence: string,
    params: Record<string, unknown>,
  ) {
    const t = now();
    const opened = await store.audit.open({
      time: t,
      agentId: agent?.id ?? null,
      agentName: agent?.name ?? null,
      surface: 'admin',
      action: `admin.${verb}`,
      target: agent?.name ?? String(params.client_name ?? params.client_id ?? ''),
      params,
      decision: 'allowed',
      rule: by,
      sentence,
      credits: 0,
      completedAt: t,
    });
    if (!opened.ok)
      throw new Error(`MCP connection answered but not audited: ${opened.error.message}`);
  }

  return {
    issuer: base,
    resourceUrl,
    resourceMetadataUrl: () => `${base()}/.well-known/oauth-protected-resource/mcp`,
    protectedResourceMetadata: () => ({
      resource: resourceUrl(),
      authorization_servers: [base()],
      scopes_supported: [mcpScope],
      bearer_methods_supported: ['header'],
      resource_name: 'Gatehouse (Apollo.io through Gatehouse)',
      resource_documentation: `${base()}/admin/docs`,
    }),

    async handle(request, remoteAddress, pathAndQuery) {
      const provider = await ready();
      let pair;
      try {
        pair = await bridged(request, remoteAddress, pathAndQuery);
      } catch (e) {
        if (!(e instanceof BodyTooLarge)) throw e;
        return Response.json(
          { error: 'invalid_request', error_description: 'request body too large' },
          { status: 413 },
        );
      }
      void provider.callback()(pair.req, pair.res);
      return pair.finished;
    },

    async details(request, uid) {
      const provider = await ready();
      const found = await interaction(provider, request, uid);
      if (!found) return err(lost);
      const params = found.found.params;
      const clientId = typeof params.client_id === 'string' ? params.client_id : '';
      const client = await provider.Client.find(clientId).catch(() => undefined);
      if (!client) return err(lost);
      return ok({
        uid,
        clientId,
        clientName: cleanName(client.clientName),
        clientUri: cleanName(client.clientUri, 300),
        redirectUri: typeof params.redirect_uri === 'string' ? params.redirect_uri : null,
        metadataDocument: /^https:\/\//i.test(clientId),
        resource: resourceUrl(),
        scope: typeof params.scope === 'string' ? params.scope : '',
        expiresAt: new Date(found.found.exp * 1000).toISOString(),
      });
    },

    async decide(request, uid, decision, by) {
      const provider = await ready();
      const found = await interaction(provider, request, uid);
      if (!found) return err(lost);
      const { params } = found.found;
      const clientId = typeof params.client_id === 'string' ? params.client_id : '';
      const client = await provider.Client.find(clientId).catch(() => undefined);
      if (!client) return err(lost);
      const clientName = cleanName(client.clientName) ?? clientId;
      const redirectUri = typeof params.redirect_uri === 'string' ? params.redirect_uri : '';
      const described = { client_id: clientId.slice(0, 300), client_name: clientName };
      if (decision.decision === 'deny') {
        const redirectTo = await provider.interactionResult(
          found.pair.req,
          found.pair.res,
          {
            error: 'access_denied',
            error_description: 'A Gatehouse admin denied this connection.',
          },
          { mergeWithLastSubmission: false },
        );
        await audit(
          by,
          null,
          'mcp_connect_deny',
          `An admin (${by}) denied the app "${clientName}" a connection to Gatehouse's MCP server.`,
          described,
        );
        return ok({ redirectTo });
      }
      const agent = await options.agent(decision.agentId);
      if (!agent) return err({ status: 404, message: `No agent with id '${decision.agentId}'.` });
      if (!agent.active) {
        return err({
          status: 409,
          message: `The agent ${agent.name} is revoked: choose an active agent, or create one first.`,
        });
      }
      const grant = new provider.Grant({ accountId: agent.id, clientId });
      grant.addResourceScope(resourceUrl(), mcpScope);
      const requested = new Set(typeof params.scope === 'string' ? params.scope.split(' ') : []);
      // `mcp` is also one of the provider's own scopes (so discovery lists it): granted as both.
      const oidc = [mcpScope, 'openid', 'offline_access'].filter((s) => requested.has(s));
      if (oidc.length) grant.addOIDCScope(oidc.join(' '));
      const grantId = await grant.save();
      const redirectTo = await provider.interactionResult(
        found.pair.req,
        found.pair.res,
        { login: { accountId: agent.id, remember: false }, consent: { grantId } },
        { mergeWithLastSubmission: false },
      );
      let redirectHost = '';
      try {
        redirectHost = new URL(redirectUri).host;
      } catch {
        // keep it empty
      }
      await audit(
        by,
        agent,
        'mcp_connect',
        `An admin (${by}) let the app "${clientName}"${redirectHost ? ` (returning to ${redirectHost})` : ''} connect to Gatehouse's MCP server as ${agent.name}, with ${agent.name}'s grants.`,
        { ...described, redirect_host: redirectHost },
      );
      return ok({ redirectTo, agentName: agent.name });
    },

    async resolveAccessToken(token) {
      if (!tokenShape.test(token)) return null;
      const provider = await ready();
      const found = await provider.AccessToken.find(token).catch(() => undefined);
      if (!found || found.isExpired) return null;
      // Audience-bound (RFC 8707): a token for anything but /mcp is refused.
      const audience = Array.isArray(found.aud) ? found.aud : [found.aud];
      if (audience.length !== 1 || audience[0] !== resourceUrl()) return null;
      if (!found.accountId || !found.grantId) return null;
      const grant = await provider.Grant.find(found.grantId).catch(() => undefined);
      if (!grant || grant.accountId !== found.accountId) return null;
      return { agentId: found.accountId, clientId: found.clientId ?? '' };
    },
  };
}
