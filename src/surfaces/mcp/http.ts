// MCP over streamable HTTP at /mcp: Bearer agent tokens checked on every request, sessions bound
// to the agent that opened them, Origin and Host checks against DNS rebinding, bounded sessions.
import { randomUUID } from 'node:crypto';

import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

import {
  gatewayError,
  httpStatusFor,
  type BadRequestProblem,
  type GatewayError,
} from '../../core/index.js';
import { readBodyText } from '../http/body.js';
import { credentialInUrl, credentialInUrlMessage, tokenFrom } from '../http/credentials.js';

import { createMcpSession, type McpDeps, type McpSession } from './session.js';

/** Options for the /mcp routes. */
export interface McpHttpOptions extends McpDeps {
  readonly clientIp: (c: Context) => string | null;
  /** Browser origins allowed besides loopback ones (http://localhost:3000 …). */
  readonly allowedOrigins: readonly string[];
  /** When Gatehouse listens on loopback only, the Host header must name loopback too. */
  readonly loopbackOnly: boolean;
  readonly maxBodyBytes: number;
  /** Sessions one agent may hold; the least recently used is closed beyond it. */
  readonly maxSessionsPerAgent?: number;
  /** A session unused this long is closed (ms). */
  readonly idleMs?: number;
}

/** The routes and their sessions. */
export interface McpHttp {
  readonly app: Hono;
  /** Open sessions now. */
  sessionCount(): number;
  /** Closes every session (shutdown). */
  closeAll(): Promise<void>;
}

interface Entry {
  readonly session: McpSession;
  readonly transport: WebStandardStreamableHTTPServerTransport;
  readonly agentId: string;
  lastSeen: number;
}

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
  const sessions = new Map<string, Entry>();
  const maxPerAgent = options.maxSessionsPerAgent ?? 10;
  const idleMs = options.idleMs ?? 30 * 60 * 1000;
  const allowed = new Set(options.allowedOrigins.map((o) => o.toLowerCase()));

  const drop = async (id: string) => {
    const entry = sessions.get(id);
    if (!entry) return;
    sessions.delete(id);
    await entry.session.close().catch(() => undefined);
  };

  const sweeper = setInterval(
    () => {
      const cutoff = Date.now() - idleMs;
      for (const [id, e] of sessions) if (e.lastSeen < cutoff) void drop(id);
    },
    Math.min(idleMs, 60_000),
  );
  sweeper.unref();

  function originAllowed(origin: string): boolean {
    if (allowed.has(origin.toLowerCase())) return true;
    try {
      return loopbackHosts.has(new URL(origin).hostname.toLowerCase());
    } catch {
      return false;
    }
  }

  const app = new Hono();

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
      return rpcError(c, error, error.message, { 'www-authenticate': 'Bearer realm="gatehouse"' });
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

    const sessionId = c.req.header('mcp-session-id');
    if (sessionId) {
      const entry = sessions.get(sessionId);
      // Another agent's session id is answered exactly like an unknown one.
      if (!entry || entry.agentId !== agent.id) {
        return refused(
          c,
          'unknown_session',
          'Session not found: it expired or was closed. Initialize a new one.',
          'unknown session',
        );
      }
      entry.lastSeen = Date.now();
      return handled(entry.transport);
    }
    if (c.req.method !== 'POST') {
      return refused(c, 'protocol', 'No session: POST an initialize request first.', 'no session');
    }

    const session = createMcpSession(options, { token, ip, agent });
    const transport: WebStandardStreamableHTTPServerTransport =
      new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        maxRequestBodySize: options.maxBodyBytes,
        onsessioninitialized: (id) => {
          sessions.set(id, { session, transport, agentId: agent.id, lastSeen: Date.now() });
          const mine = [...sessions].filter(([, e]) => e.agentId === agent.id);
          if (mine.length > maxPerAgent) {
            mine.sort(([, a], [, b]) => a.lastSeen - b.lastSeen);
            for (const [oldId] of mine.slice(0, mine.length - maxPerAgent)) void drop(oldId);
          }
        },
        onsessionclosed: (id) => void drop(id),
      });
    await session.connect(transport);
    const response = await handled(transport);
    if (!transport.sessionId) await session.close();
    return response;
  });

  return {
    app,
    sessionCount: () => sessions.size,
    async closeAll() {
      clearInterval(sweeper);
      await Promise.all([...sessions.keys()].map((id) => drop(id)));
    },
  };
}
