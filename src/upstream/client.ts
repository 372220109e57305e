import { SpanStatusCode } from '@opentelemetry/api';
import type { z } from 'zod';

import {
  apiProfile,
  authHealth,
  webhookResult,
  type ActionSpec,
  type EndpointSpec,
  type Window,
} from '../catalog/index.js';
import { parseApolloJson } from '../core/apollo-json.js';
import { err, ok, type Result } from '../core/result.js';

import { attr, traceOutgoing } from '../telemetry/index.js';

import { parseRateLimitHeaders } from './headers.js';
import { buildRequest, type BuiltRequest } from './request.js';
import {
  fetchTransport,
  httpTransport,
  TransportTimeout,
  mayHaveArrived,
  type Transport,
  type TransportResponse,
} from './transport.js';
import type { Credential, RateLimitInfo, UpstreamError, UpstreamSuccess } from './types.js';

/**
 * Options for the Apollo client. Requests go over node:http(s) unless a `transport` or a `fetch`
 * function (the embedded sandbox, tests) is given.
 */
export interface ApolloClientOptions {
  /** The API host, e.g. https://api.apollo.io (paths in the catalog start with /api/v1). */
  readonly baseUrl: string;
  /** Milliseconds before a call is abandoned as a timeout. Default 30 s. */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
  readonly transport?: Transport;
  readonly now?: () => number;
  readonly userAgent?: string;
  /**
   * Check each success answer against the action's output schema (default true), reporting any
   * mismatch as `schemaWarnings`. The schemas are loose objects without transforms (the catalog's
   * tests check both), so the answer passed on is Apollo's either way; the gateway turns this off:
   * on its hot path the check cost as much as a database write, and nothing reads its warnings.
   */
  readonly validateAnswers?: boolean;
}

/** Options for one call. */
export interface CallOptions {
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

/** A typed Apollo client generated from the catalog. It never retries: pacing is the gateway's job. */
export interface ApolloClient {
  call<I extends z.ZodType, O extends z.ZodType>(
    action: ActionSpec<I, O>,
    input: z.output<I> | Record<string, unknown>,
    credential: Credential,
    options?: CallOptions,
  ): Promise<Result<UpstreamSuccess<z.output<O>>, UpstreamError>>;
  /** Calls a non-action endpoint (identity, health, async results). */
  callEndpoint(
    endpoint: EndpointSpec,
    input: Record<string, unknown>,
    credential: Credential,
    options?: CallOptions,
  ): Promise<Result<UpstreamSuccess<unknown>, UpstreamError>>;
  /** The user behind the credential (GET users/api_profile). */
  profile(
    credential: Credential,
    options?: CallOptions,
  ): Promise<Result<UpstreamSuccess<unknown>, UpstreamError>>;
  /** Whether Apollo accepts the credential (GET auth/health). */
  health(
    credential: Credential,
    options?: CallOptions,
  ): Promise<Result<UpstreamSuccess<unknown>, UpstreamError>>;
  /** The stored result of an asynchronous enrichment. */
  webhookResult(
    requestId: string,
    credential: Credential,
    options?: CallOptions,
  ): Promise<Result<UpstreamSuccess<unknown>, UpstreamError>>;
}

const defaultTimeoutMs = 30_000;

/** Creates the client. */
export function createApolloClient(options: ApolloClientOptions): ApolloClient {
  const transport =
    options.transport ?? (options.fetch ? fetchTransport(options.fetch) : httpTransport());
  const now = options.now ?? (() => performance.now());
  const userAgent = options.userAgent ?? 'gatehouse';
  const validateAnswers = options.validateAnswers ?? true;

  /**
   * Sends one request to Apollo: in a traced call, as a CLIENT span (HTTP attributes, the path's
   * template rather than the URL, whose query string holds the parameters) whose `traceparent`
   * Apollo receives.
   */
  function send(
    built: BuiltRequest,
    output: z.ZodType | null,
    callOptions: CallOptions = {},
    spec: { readonly path: string; readonly id?: string } = { path: '' },
  ): Promise<Result<UpstreamSuccess<unknown>, UpstreamError>> {
    return traceOutgoing(
      `${built.method} ${spec.path}`,
      {},
      built.headers,
      async (headers, span) => {
        if (span) {
          const url = new URL(built.url);
          span.setAttributes({
            'http.request.method': built.method,
            'server.address': url.hostname,
            'server.port': Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
            'url.scheme': url.protocol.slice(0, -1),
            'url.template': spec.path,
            ...(spec.id ? { [attr.action]: spec.id } : {}),
          });
        }
        const answer = await sendNow({ ...built, headers }, output, callOptions);
        if (span) {
          const status = answer.ok
            ? answer.value.status
            : 'status' in answer.error
              ? answer.error.status
              : null;
          if (typeof status === 'number') span.setAttribute('http.response.status_code', status);
          if (!answer.ok) {
            span.setAttribute(
              'error.type',
              typeof status === 'number' ? String(status) : answer.error.kind,
            );
            if (typeof status !== 'number' || status >= 500)
              span.setStatus({ code: SpanStatusCode.ERROR });
          }
        }
        return answer;
      },
    );
  }

  async function sendNow(
    built: BuiltRequest,
    output: z.ZodType | null,
    callOptions: CallOptions,
  ): Promise<Result<UpstreamSuccess<unknown>, UpstreamError>> {
    const timeoutMs = callOptions.timeoutMs ?? options.timeoutMs ?? defaultTimeoutMs;
    const started = now();
    let response: TransportResponse;
    try {
      response = await transport({ ...built, timeoutMs, signal: callOptions.signal });
    } catch (e) {
      const durationMs = now() - started;
      if (e instanceof TransportTimeout) {
        return err({
          kind: 'timeout',
          message: `Apollo did not answer within ${timeoutMs} ms`,
          timeoutMs,
          durationMs,
          sent: e.sent,
        });
      }
      // The cause is described, never the request: its headers hold the credential.
      return err({
        kind: 'network',
        message: `could not reach Apollo: ${describeCause(e)}`,
        durationMs,
        sent: mayHaveArrived(e),
      });
    }
    return interpret(response, now() - started, output);
  }

  return {
    call(action, input, credential, callOptions) {
      const built = buildRequest(
        options.baseUrl,
        action,
        input as Record<string, unknown>,
        credential,
        userAgent,
      );
      return send(built, validateAnswers ? action.output : null, callOptions, action) as never;
    },
    callEndpoint(endpoint, input, credential, callOptions) {
      return send(
        buildRequest(options.baseUrl, endpoint, input, credential, userAgent),
        null,
        callOptions,
        endpoint,
      );
    },
    profile(credential, callOptions) {
      return send(
        buildRequest(options.baseUrl, apiProfile, {}, credential, userAgent),
        null,
        callOptions,
        apiProfile,
      );
    },
    health(credential, callOptions) {
      return send(
        buildRequest(options.baseUrl, authHealth, {}, credential, userAgent),
        null,
        callOptions,
        authHealth,
      );
    },
    webhookResult(requestId, credential, callOptions) {
      return send(
        buildRequest(
          options.baseUrl,
          webhookResult,
          { request_id: requestId },
          credential,
          userAgent,
        ),
        null,
        callOptions,
        webhookResult,
      );
    },
  };
}

function describeCause(e: unknown): string {
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause : e;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' ? `${code} ${cause.message}` : cause.message;
  }
  return String(cause);
}

function messageOf(body: unknown, text: string): { message: string; errorCode: string | null } {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    const message = [b.error, b.message, b.error_message, b.error_description].find(
      (v): v is string => typeof v === 'string' && v.length > 0,
    );
    const errorCode = typeof b.error_code === 'string' ? b.error_code : null;
    return { message: message ?? errorCode ?? text.slice(0, 500), errorCode };
  }
  return { message: text.trim().slice(0, 500), errorCode: null };
}

const windowFromMessage = (message: string): Window | null => {
  const m = /times per (minute|hour|day)/.exec(message);
  return (m?.[1] as Window | undefined) ?? null;
};

function interpret(
  response: TransportResponse,
  durationMs: number,
  output: z.ZodType | null,
): Result<UpstreamSuccess<unknown>, UpstreamError> {
  const { status, text } = response;
  const rate: RateLimitInfo | null = parseRateLimitHeaders(response.headers);
  const isJson = (response.headers.get('content-type') ?? '').includes('json');
  let body: unknown = text;
  if (isJson || (status >= 200 && status < 300)) {
    try {
      body = text.length ? parseApolloJson(text) : null;
    } catch {
      if (status >= 200 && status < 300) {
        return err({
          kind: 'malformed_response',
          status,
          message: `Apollo answered ${status} with a body that is not valid JSON`,
          rate,
          durationMs,
        });
      }
      body = text;
    }
  }
  if (status >= 200 && status < 300) {
    const warnings: string[] = [];
    let value = body;
    if (output) {
      const parsed = output.safeParse(body);
      if (parsed.success) value = parsed.data;
      else
        warnings.push(
          ...parsed.error.issues
            .slice(0, 5)
            .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`),
        );
    }
    return ok({ status, body: value, rate, durationMs, schemaWarnings: warnings });
  }
  const { message, errorCode } = messageOf(body, text);
  const base = { message, errorCode, body, rate, durationMs };
  switch (status) {
    case 401:
      return err({ kind: 'unauthorized', status, ...base });
    case 403:
      return err({ kind: 'forbidden', status, ...base });
    case 404:
      return err({ kind: 'not_found', status, ...base });
    case 400:
    case 422:
      return err({ kind: 'invalid_request', status, ...base });
    case 429:
      return err({
        kind: 'rate_limited',
        status,
        ...base,
        retryAfterSeconds: rate?.retryAfterSeconds ?? null,
        window: windowFromMessage(message),
      });
    default:
      return err(
        status >= 500
          ? { kind: 'server_error', status, ...base }
          : { kind: 'unexpected_status', status, ...base },
      );
  }
}
