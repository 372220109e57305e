// MCP over streamable HTTP at /mcp: Bearer agent tokens checked on every request, sessions bound
// to the agent that opened them, Origin and Host checks against DNS rebinding, bounded sessions.
//
// Sessions are shared by replicas: the session's record (its agent and the client's half of the
// initialize handshake) lives in a store every replica reads (Redis, else the database), under a
// hash of the session id. Every request is checked against that record, so a session ended on one
// replica (DELETE, idle expiry, the agent's bound) is ended on all of them at their next request. A
// replica that receives a session it does not hold in memory rebuilds its server by replaying the
// stored initialize handshake to a fresh transport created with the same session id; so a
// round-robin load balancer needs no sticky sessions for correctness.
//
// What stays per replica: a GET event stream, and the notifications it carries (tools/list_changed
// after a grant change), reach the client only from the replica holding that stream; each replica
// serving the session watches the agent's grants itself. Stickiness (by Mcp-Session-Id) only makes
// those notifications arrive through the same replica; it changes no answer.
import { createHash, randomUUID } from 'node:crypto';

import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { isInitializeRequest, type InitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

import {
  faultOf,
  gatewayError,
  httpStatusFor,
  retryAfterFor,
  type BadRequestProblem,
  type GatewayError,
} from '../../core/index.js';
import type { McpSessionRecord, McpSessionStore } from '../../ports/mcp-sessions.js';
import { readBodyText } from '../http/body.js';
import { credentialInUrl, credentialInUrlMessage, tokenFrom } from '../http/credentials.js';

import { memoryMcpSessions } from './memory-sessions.js';
import { failureResult } from './results.js';
import { createMcpSession, type McpCaller, type McpDeps, type McpSession } from './session.js';

/** Options for the /mcp routes. */
export interface McpHttpOptions extends McpDeps {
  readonly clientIp: (c: Context) => string | null;
  /** Browser origins allowed besides loopback ones (http://localhost:3000 …). */
  readonly allowedOrigins: readonly string[];
  /** When Gatehouse listens on loopback only, the Host header must name loopback too. */
  readonly loopbackOnly: boolean;
  readonly maxBodyBytes: number;
  /** Sessions one agent may hold (default 10); the least recently used is ended beyond it. */
  readonly maxSessionsPerAgent?: number;
  /** A session no replica has served for this long has ended (ms; default 30 minutes). */
  readonly idleMs?: number;
  /**
   * Where sessions live so that every replica can serve them: Redis or the database when
   * replicas share them; this process's memory by default.
   */
  readonly sessionStore?: McpSessionStore;
  /** How often held sessions are checked against the store and expired ones pruned (ms). */
  readonly sweepMs?: number;
  /** The clock (epoch ms). */
  readonly now?: () => number;
  /**
   * MCP authorization (GATEHOUSE_MCP_OAUTH): a 401 names the resource's metadata (RFC 9728) so an
   * MCP client can find the authorization server, and says why an OAuth token was refused.
   */
  readonly oauth?: {
    resourceMetadataUrl(): string;
    /** Why this token was refused, when it is (or looks like) an OAuth token; else null. */
    explain(token: string): Promise<string | null>;
  };
}

/** The routes and their sessions. */
export interface McpHttp {
  readonly app: Hono;
  /** Sessions this replica holds in memory now. */
  sessionCount(): number;
  /** Checks held sessions against the store and prunes expired ones (the sweeper's work). */
  sweep(): Promise<void>;
  /**
   * Closes every session this replica holds (shutdown). Their records stay: other replicas go on
   * serving them.
   */
  closeAll(): Promise<void>;
}

interface Entry {
  readonly session: McpSession;
  readonly transport: WebStandardStreamableHTTPServerTransport;
  readonly agentId: string;
  /** The session's key in the store. */
  readonly key: string;
  /** When this replica last served it (its own bound on sessions held in memory). */
  lastSeen: number;
}

/** The store's key for a session id: the id is a bearer secret and is never stored or logged. */
export function mcpSessionKey(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('hex');
}

/** The initialize request's params when the body is one (alone, or alone in a batch). */
function initializeOf(body: unknown): InitializeRequest['params'] | null {
  const message = Array.isArray(body) && body.length === 1 ? (body[0] as unknown) : body;
  return isInitializeRequest(message) ? message.params : null;
}

// The replayed handshake never leaves the process; the transport needs a URL and these headers.
const replayUrl = 'http://gatehouse.internal/mcp';
const replayHeaders = {
  accept: 'application/json, text/event-stream',
  'content-type': 'application/json',
};

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function hostnameOf(hostHeader: string): string {
  // eslint-disable-next-line security/detect-unsafe-regex -- alternatives over disjoint characters, no nested repetition: linear
  const m = /^(\[[^\]]+\]|[^:]+)(?::\d+)?$/.exec(hostHeader.trim().toLowerCase());
  return m?.[1] ?? '';
}

/** A JSON-RPC error answering a refused request, with the status core maps the refusal to. */
function rpcError(c: Context, error: GatewayError, message: string, headers = {}, code = -32000) {
  const status = httpStatusFor(error) as ContentfulStatusCode;
  return c.json({ jsonrpc: '2.0', error: { code, message }, id: null }, status, headers);
}

/** Creates the /mcp routes. */
export function createMcpRoutes(options: McpHttpOptions): McpHttp {
  // Held in memory by session id; the store knows them only by key.
  const sessions = new Map<string, Entry>();
  const resuming = new Map<string, Promise<Entry>>();
  const maxPerAgent = options.maxSessionsPerAgent ?? 10;
  const idleMs = options.idleMs ?? 30 * 60 * 1000;
  const limits = { idleMs, maxPerAgent };
  const store = options.sessionStore ?? memoryMcpSessions();
  const now = options.now ?? Date.now;
  const allowed = new Set(options.allowedOrigins.map((o) => o.toLowerCase()));

  const drop = async (id: string) => {
    const entry = sessions.get(id);
    if (!entry) return;
    sessions.delete(id);
    await entry.session.close().catch(() => undefined);
  };

  /** Holds a session in memory, letting go of the agent's least recently served beyond the bound. */
  const hold = (id: string, entry: Entry) => {
    sessions.set(id, entry);
    const mine = [...sessions].filter(([, e]) => e.agentId === entry.agentId);
    if (mine.length > maxPerAgent) {
      mine.sort(([, a], [, b]) => a.lastSeen - b.lastSeen);
      for (const [oldId] of mine.slice(0, mine.length - maxPerAgent)) void drop(oldId);
    }
  };

  // A session held here but ended elsewhere (DELETE on another replica, expiry, the agent's bound)
  // is let go at the next sweep, closing the event stream this replica holds for it. A session
  // idle here but used through other replicas stays: its event stream may be here.
  let sweeping: Promise<void> | null = null;
  const sweepOnce = async () => {
    const held = [...sessions].map(([id, e]) => ({ id, key: e.key }));
    const alive = await store.alive(
      held.map((h) => h.key),
      now(),
      idleMs,
    );
    for (const h of held) if (!alive.has(h.key)) await drop(h.id);
    await store.prune?.(now(), idleMs);
  };
  const sweep = () => {
    sweeping ??= sweepOnce()
      .catch((e: unknown) =>
        options.logger.warn({ err: e }, 'could not check MCP sessions against the shared store'),
      )
      .finally(() => (sweeping = null));
    return sweeping;
  };
  const sweeper = setInterval(() => void sweep(), options.sweepMs ?? Math.min(idleMs, 15_000));
  sweeper.unref();

  /**
   * Rebuilds a session another replica opened: a new server and a transport created with the
   * session's id, brought to the initialized state by replaying the client's stored initialize
   * request and initialized notification, as the SDK's public API handles them.
   */
  const rebuild = async (
    id: string,
    key: string,
    record: McpSessionRecord,
    caller: McpCaller,
  ): Promise<Entry> => {
    const session = createMcpSession(options, caller, { resumed: true });
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => id,
      maxRequestBodySize: options.maxBodyBytes,
      enableJsonResponse: true,
      onsessionclosed: (closed) => void drop(closed),
    });
    await session.connect(transport);
    const authInfo = { token: caller.token, clientId: caller.agent.id, scopes: [] as string[] };
    const replay = async (message: unknown, headers: Record<string, string> = {}) => {
      const answer = await transport.handleRequest(
        new Request(replayUrl, {
          method: 'POST',
          headers: { ...replayHeaders, ...headers },
          body: JSON.stringify(message),
        }),
        { authInfo, parsedBody: message },
      );
      await answer.text();
      return answer.status;
    };
    const initialized = await replay({
      jsonrpc: '2.0',
      id: 'gatehouse-resume',
      method: 'initialize',
      params: {
        protocolVersion: record.protocolVersion,
        capabilities: record.clientCapabilities,
        clientInfo: record.clientInfo,
      },
    });
    if (initialized !== 200 || transport.sessionId !== id) {
      await session.close();
      throw new Error(
        `could not rebuild a shared MCP session (initialize answered ${initialized})`,
      );
    }
    await replay(
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { 'mcp-session-id': id, 'mcp-protocol-version': record.protocolVersion },
    );
    const entry: Entry = { session, transport, agentId: caller.agent.id, key, lastSeen: now() };
    hold(id, entry);
    return entry;
  };

  /** The session held here, or rebuilt once however many of its requests arrive at once. */
  const resume = (id: string, key: string, record: McpSessionRecord, caller: McpCaller) => {
    const held = sessions.get(id);
    if (held) return Promise.resolve(held);
    let pending = resuming.get(id);
    if (!pending) {
      pending = rebuild(id, key, record, caller).finally(() => resuming.delete(id));
      resuming.set(id, pending);
    }
    return pending;
  };

  function originAllowed(origin: string): boolean {
    if (allowed.has(origin.toLowerCase())) return true;
    try {
      return loopbackHosts.has(new URL(origin).hostname.toLowerCase());
    } catch {
      return false;
    }
  }

  const app = new Hono();
  // A fault thrown while checking the token (Gatehouse's database did not answer): a tool call
  // gets an isError result saying so, anything else a JSON-RPC error with the fault's status.
  app.onError(async (e, c) => {
    const error = faultOf(e);
    if (!error) throw e;
    const retry = retryAfterFor(error);
    const headers: Record<string, string> = retry === null ? {} : { 'retry-after': String(retry) };
    const message = await c.req
      .json()
      .then((m: unknown) => m as { method?: unknown; id?: unknown })
      .catch(() => null);
    if (message?.method === 'tools/call' && message.id !== undefined) {
      return c.json(
        { jsonrpc: '2.0', id: message.id, result: failureResult(error, '') },
        200,
        headers,
      );
    }
    return rpcError(c, error, error.message, headers);
  });

  /** Answers a refused request with a JSON-RPC error, after recording it (naming the agent). */
  const refused = async (
    c: Context,
    problem: BadRequestProblem,
    message: string,
    rule: string,
    code = -32000,
  ): Promise<Response> => {
    const error = gatewayError.badRequest(problem, message);
    const failure = await options.gateway.refuseRequest({
      surface: 'mcp',
      token: tokenFrom(c.req.raw.headers),
      ip: options.clientIp(c),
      route: `${c.req.method.toUpperCase()} ${new URL(c.req.url).pathname}`,
      rule,
      error,
    });
    return rpcError(c, error, `${message} (audit ${failure.auditId})`, {}, code);
  };

  /**
   * The session store did not answer: the request is refused (503, retry), since serving it
   * without its record could serve a session that was ended or is another agent's.
   */
  const storeUnavailable = async (c: Context, cause: unknown): Promise<Response> => {
    options.logger.warn({ err: cause }, 'could not reach the shared MCP session store');
    const failure = await options.gateway
      .refuseRequest({
        surface: 'mcp',
        token: tokenFrom(c.req.raw.headers),
        ip: options.clientIp(c),
        route: `${c.req.method.toUpperCase()} ${new URL(c.req.url).pathname}`,
        rule: 'session store unavailable',
        error: gatewayError.internal(cause),
      })
      .catch(() => null);
    const audit = failure ? ` (audit ${failure.auditId})` : '';
    return c.json(
      {
        jsonrpc: '2.0',
        error: {
          code: -32000,
          message: `Gatehouse could not reach the store its replicas share MCP sessions in, so it did nothing with this request. Retry in a second; if it keeps failing, tell an admin.${audit}`,
        },
        id: null,
      },
      503,
      { 'retry-after': '1' },
    );
  };
  app.all('/mcp', async (c) => {
    const origin = c.req.header('origin');
    if (origin && !originAllowed(origin)) {
      return refused(
        c,
        'origin_not_allowed',
        `Origin ${origin} may not use this MCP server. Browser clients must be listed in GATEHOUSE_MCP_ALLOWED_ORIGINS.`,
        'origin not allowed',
      );
    }
    const host = c.req.header('host') ?? '';
    if (options.loopbackOnly && !loopbackHosts.has(hostnameOf(host))) {
      return refused(
        c,
        'host_not_allowed',
        `Host ${host || '(none)'} is not this server's loopback address.`,
        'host not allowed',
      );
    }

    const query = new URL(c.req.url).searchParams;
    const leaked = credentialInUrl(query);
    if (leaked) {
      return refused(
        c,
        'credential_in_url',
        credentialInUrlMessage(leaked, 'Send your token as Authorization: Bearer <token>.'),
        'credential in URL',
      );
    }
    const ip = options.clientIp(c);
    const token = tokenFrom(c.req.raw.headers);
    const agent = token ? await options.gateway.identify(token) : null;
    if (!token || !agent) {
      // Audited like any refused call.
      const outcome = await options.gateway.handle({
        surface: 'mcp',
        token,
        ip,
        actionId: 'mcp.session',
        input: {},
      });
      // The gateway's message already says how to send the token.
      const error = outcome.ok ? gatewayError.unauthenticated('unknown') : outcome.error.error;
      const explained = token && options.oauth ? await options.oauth.explain(token) : null;
      const challenge = options.oauth
        ? `Bearer realm="gatehouse", resource_metadata="${options.oauth.resourceMetadataUrl()}"${token ? ', error="invalid_token"' : ''}`
        : 'Bearer realm="gatehouse"';
      return rpcError(c, error, explained ?? error.message, { 'www-authenticate': challenge });
    }
    const authInfo = { token, clientId: agent.id, scopes: [] as string[] };

    // The body is read here, not by the transport, so a body too large or not JSON is refused
    // with a record like every other refusal (the transport would answer it unrecorded).
    let parsedBody: unknown;
    if (c.req.method === 'POST') {
      const read = await readBodyText(c, options.maxBodyBytes);
      if (!read.ok) {
        const message = `Request body too large: the limit is ${options.maxBodyBytes} bytes.`;
        return refused(c, 'body_too_large', message, 'body too large');
      }
      try {
        parsedBody = JSON.parse(read.text);
      } catch {
        const message = 'Parse error: the request body is not valid JSON-RPC (JSON).';
        return refused(c, 'invalid_json', message, 'invalid JSON', -32700);
      }
    }
    const handled = (transport: WebStandardStreamableHTTPServerTransport) =>
      transport.handleRequest(c.req.raw, {
        authInfo,
        ...(parsedBody !== undefined ? { parsedBody } : {}),
      });

    const caller: McpCaller = { token, ip, agent };
    const sessionId = c.req.header('mcp-session-id');
    if (sessionId) {
      const key = mcpSessionKey(sessionId);
      let record: McpSessionRecord | null;
      try {
        record = await store.touch(key, now(), idleMs);
      } catch (e) {
        return storeUnavailable(c, e);
      }
      if (!record) void drop(sessionId);
      // Another agent's session id is answered exactly like an unknown one, and left alone.
      if (!record || record.agentId !== agent.id) {
        return refused(
          c,
          'unknown_session',
          'Session not found: it expired or was closed. Initialize a new one.',
          'unknown session',
        );
      }
      const entry = await resume(sessionId, key, record, caller);
      entry.lastSeen = now();
      if (c.req.method === 'DELETE') {
        // Ended in the store first, so every other replica refuses it from its next request.
        try {
          await store.remove(key);
        } catch (e) {
          return storeUnavailable(c, e);
        }
      }
      return handled(entry.transport);
    }
    if (c.req.method !== 'POST') {
      return refused(c, 'protocol', 'No session: POST an initialize request first.', 'no session');
    }

    const id = randomUUID();
    const key = mcpSessionKey(id);
    const init = initializeOf(parsedBody);
    // Recorded before the client can learn the id, so its next request finds it on any replica.
    if (init) {
      const at = now();
      try {
        await store.create(
          key,
          {
            agentId: agent.id,
            protocolVersion: init.protocolVersion,
            clientInfo: init.clientInfo,
            clientCapabilities: init.capabilities,
            createdAt: at,
            lastSeenAt: at,
          },
          limits,
        );
      } catch (e) {
        return storeUnavailable(c, e);
      }
    }
    const session = createMcpSession(options, caller);
    const transport: WebStandardStreamableHTTPServerTransport =
      new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: () => id,
        maxRequestBodySize: options.maxBodyBytes,
        // A POST is answered with its JSON-RPC answer as application/json, not an SSE stream of
        // one event: nothing Gatehouse sends rides on a request's stream (tools/list_changed goes
        // on the session's GET stream), and the framing cost a tool call about a millisecond.
        enableJsonResponse: true,
        onsessioninitialized: (opened) => {
          hold(opened, { session, transport, agentId: agent.id, key, lastSeen: now() });
        },
        onsessionclosed: (closed) => void drop(closed),
      });
    await session.connect(transport);
    const response = await handled(transport);
    if (!transport.sessionId || !init) {
      // Not an initialize request, or the transport refused it: no session came of it.
      if (sessions.has(id)) await drop(id);
      else await session.close();
      if (init) await store.remove(key).catch(() => undefined);
    }
    return response;
  });

  return {
    app,
    sessionCount: () => sessions.size,
    sweep,
    async closeAll() {
      clearInterval(sweeper);
      await Promise.all([...sessions.keys()].map((id) => drop(id)));
    },
  };
}
