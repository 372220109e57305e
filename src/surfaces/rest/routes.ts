import { Hono, type Context } from 'hono';

import {
  decodeQuery,
  findActionByRoute,
  isCatalogPath,
  webhookResult,
} from '../../catalog/index.js';
import { gatewayError, type GatewayError } from '../../core/index.js';
import type { Gateway } from '../../gateway/pipeline.js';

import { credentialInUrl, credentialInUrlMessage, tokenFrom } from '../http/credentials.js';

import { readBodyText } from '../http/body.js';
import { answerFailure, answerSuccess, approvalStatusRoute, type RestAnswer } from './respond.js';
import { writeApolloJson } from './json.js';

/** Options for the REST drop-in proxy. */
export interface RestOptions {
  readonly gateway: Gateway;
  readonly maxBodyBytes: number;
  /** Returns the caller's IP (honours the trust-proxy setting). */
  readonly clientIp: (c: Context) => string | null;
  /**
   * A token this surface refuses whatever it would authenticate as (an MCP OAuth access token is
   * bound to /mcp): the refusal and its rule, or null.
   */
  readonly refuseToken?: (
    token: string,
  ) => Promise<{ readonly error: GatewayError; readonly rule: string } | null>;
}

/** The most characters of an agent's stated reason kept for the admin. */
const maxReasonLength = 1000;

/** `X-Gatehouse-Reason`: what the agent says a call is for, shown to the admin if it is held. */
function reasonFrom(c: Context): { reason?: string } {
  const raw = c.req.header('x-gatehouse-reason')?.trim();
  return raw ? { reason: raw.slice(0, maxReasonLength) } : {};
}

function send(c: Context, answer: RestAnswer): Response {
  return new Response(writeApolloJson(answer.body), {
    status: answer.status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...answer.headers },
  });
}

/**
 * The drop-in proxy: Apollo's own paths, methods, query strings and bodies under /api/v1 (and the
 * legacy /v1), answered through the gateway pipeline.
 */
export function createRestRoutes(options: RestOptions): Hono {
  const app = new Hono();

  /** A request that cannot become a call: refused with one audit record naming its agent. */
  const refuse = async (c: Context, error: GatewayError, rule: string): Promise<Response> => {
    const url = new URL(c.req.url);
    const failure = await options.gateway.refuseRequest({
      surface: 'rest',
      token: tokenFrom(c.req.raw.headers),
      ip: options.clientIp(c),
      route: `${c.req.method.toUpperCase()} ${url.pathname}`,
      error,
      rule,
    });
    return send(c, answerFailure(failure));
  };

  // Every route of the proxy, Gatehouse's own polling paths included.
  app.use('*', async (c, next) => {
    const leaked = credentialInUrl(new URL(c.req.url).searchParams);
    if (!leaked) return next();
    const message = credentialInUrlMessage(
      leaked,
      'Send your token in the X-Api-Key header or as Authorization: Bearer.',
    );
    return refuse(c, gatewayError.badRequest('credential_in_url', message), 'credential in URL');
  });
  // The proxy's own paths only: this app is mounted at the root beside the other surfaces.
  for (const path of ['/api/v1/*', '/v1/*']) {
    app.use(path, async (c, next) => {
      const token = options.refuseToken ? tokenFrom(c.req.raw.headers) : null;
      const refusal = token ? await options.refuseToken!(token) : null;
      return refusal ? refuse(c, refusal.error, refusal.rule) : next();
    });
  }

  /** The request's JSON object body ({} when empty), or the refusal to send. */
  const readBody = async (
    c: Context,
  ): Promise<{ ok: true; body: Record<string, unknown> } | { ok: false; refused: Response }> => {
    const read = await readBodyText(c, options.maxBodyBytes);
    if (!read.ok) {
      const message = `Request body too large: the limit is ${options.maxBodyBytes} bytes. Send fewer records per call.`;
      const refused = await refuse(
        c,
        gatewayError.badRequest('body_too_large', message),
        'body too large',
      );
      return { ok: false, refused };
    }
    if (!read.text.trim()) return { ok: true, body: {} };
    let parsed: unknown;
    try {
      parsed = JSON.parse(read.text);
    } catch {
      parsed = undefined;
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      const message =
        parsed === undefined
          ? 'The request body is not valid JSON. Send a JSON object (Content-Type: application/json).'
          : 'The request body must be a JSON object.';
      const refused = await refuse(
        c,
        gatewayError.badRequest('invalid_json', message),
        'invalid JSON',
      );
      return { ok: false, refused };
    }
    return { ok: true, body: parsed as Record<string, unknown> };
  };

  const handler = async (c: Context): Promise<Response> => {
    const url = new URL(c.req.url);
    const path = url.pathname.startsWith('/v1/') ? `/api${url.pathname}` : url.pathname;
    const method = c.req.method.toUpperCase();
    const route = findActionByRoute(method, path);
    if (!route && isCatalogPath(path)) {
      const message = `${method} is not accepted on ${path}. See docs/actions.md for the method each Apollo action takes.`;
      return refuse(
        c,
        gatewayError.badRequest('method_not_allowed', message),
        'method not allowed',
      );
    }
    let body: Record<string, unknown> = {};
    if (method !== 'GET' && method !== 'HEAD') {
      const read = await readBody(c);
      if (!read.ok) return read.refused;
      body = read.body;
    }
    const input = { ...decodeQuery(url.searchParams), ...body, ...(route?.params ?? {}) };
    const outcome = await options.gateway.handle({
      surface: 'rest',
      token: tokenFrom(c.req.raw.headers),
      ip: options.clientIp(c),
      actionId: route?.action.id ?? `${method} ${path}`,
      route: { method, path },
      input,
      ...reasonFrom(c),
    });
    return send(c, outcome.ok ? answerSuccess(outcome.value) : answerFailure(outcome.error));
  };

  // Apollo's polling path for asynchronous enrichments, answered from what Gatehouse received for
  // this agent (never forwarded: another agent's request id must not reach its data).
  const deliveryHandler = async (c: Context): Promise<Response> => {
    const requestId = c.req.param('request_id') ?? '';
    const outcome = await options.gateway.deliveryResult({
      surface: 'rest',
      token: tokenFrom(c.req.raw.headers),
      ip: options.clientIp(c),
      requestId,
      route: `GET ${new URL(c.req.url).pathname}`,
    });
    if (!outcome.ok) return send(c, answerFailure(outcome.error));
    const a = outcome.value;
    return send(c, {
      status: a.status,
      headers: a.retryAfterSeconds ? { 'retry-after': String(a.retryAfterSeconds) } : {},
      body: a.body,
    });
  };
  // A held call's status and, once an admin answered and it ran, its result.
  app.get(approvalStatusRoute, async (c) => {
    const outcome = await options.gateway.approvalStatus({
      surface: 'rest',
      token: tokenFrom(c.req.raw.headers),
      ip: options.clientIp(c),
      approvalId: c.req.param('approval_id') ?? '',
      route: `GET ${new URL(c.req.url).pathname}`,
    });
    if (!outcome.ok) return send(c, answerFailure(outcome.error));
    const a = outcome.value;
    return send(c, {
      status: a.status,
      headers: {
        'x-gatehouse-approval-state': a.state,
        ...(a.retryAfterSeconds ? { 'retry-after': String(a.retryAfterSeconds) } : {}),
      },
      body: a.body,
    });
  });
  const deliveryPath = webhookResult.path.replace(/\{(\w+)\}/g, ':$1');
  app.get(deliveryPath, deliveryHandler);
  app.get(deliveryPath.replace(/^\/api/, ''), deliveryHandler);
  app.all('/api/v1/*', handler);
  app.all('/v1/*', handler);
  return app;
}
