import { httpStatusFor, type GatewayError } from '../../core/index.js';
import type { GatewayFailure, GatewaySuccess } from '../../gateway/pipeline.js';
import { fillPath, rateLimitHeaders, webhookResult, windows } from '../../catalog/index.js';
import type { RateLimitInfo } from '../../ports/index.js';

/** Where an agent polls its held call (Gatehouse's own path beside Apollo's). */
export const approvalStatusRoute = '/api/v1/gatehouse/approvals/:approval_id';

/** The poll path of one held call. */
export function approvalStatusPath(approvalId: string): string {
  return approvalStatusRoute.replace(':approval_id', encodeURIComponent(approvalId));
}

/** A response as status, headers and JSON-able body. */
export interface RestAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

/** Apollo's rate headers passed through, so Apollo clients that pace themselves keep working. */
export function rateHeaders(rate: RateLimitInfo | null): Record<string, string> {
  if (!rate) return {};
  const out: Record<string, string> = {};
  for (const w of windows) {
    const limit = rate.limit[w];
    out[rateLimitHeaders.limit[w]] = limit === null ? '' : String(limit);
    if (rate.usage[w] !== null) out[rateLimitHeaders.usage[w]] = String(rate.usage[w]);
    if (rate.left[w] !== null) out[rateLimitHeaders.left[w]] = String(rate.left[w]);
  }
  return out;
}

/** A success: Apollo's body as Apollo sent it. */
export function answerSuccess(s: GatewaySuccess): RestAnswer {
  return {
    status: s.status,
    headers: {
      'x-gatehouse-audit-id': s.auditId,
      ...rateHeaders(s.rate),
      ...(s.waitedMs ? { 'x-gatehouse-waited-ms': String(Math.round(s.waitedMs)) } : {}),
      ...(s.cache
        ? {
            'x-gatehouse-cache': s.cache.hit === 'full' ? 'hit' : 'partial',
            'x-gatehouse-credits-saved': String(s.cache.savedCredits),
          }
        : {}),
      // Where the rest of the answer will be: Apollo's own polling path, served by Gatehouse.
      ...(s.delivery
        ? {
            'x-gatehouse-delivery': fillPath(webhookResult.path, {
              request_id: s.delivery.requestId,
            }),
          }
        : {}),
    },
    body: s.body,
  };
}

/** The REST mapping of every gateway error: status and an Apollo-shaped JSON body. */
export function answerFailure(f: GatewayFailure): RestAnswer {
  const e: GatewayError = f.error;
  const auditHeaders: Record<string, string> = f.auditId
    ? { 'x-gatehouse-audit-id': f.auditId }
    : {};
  const audit = { audit_id: f.auditId };
  switch (e.code) {
    case 'unauthenticated':
      return {
        status: 401,
        headers: { ...auditHeaders, 'www-authenticate': 'Bearer' },
        body: { error: e.message, error_code: 'UNAUTHENTICATED', ...audit },
      };
    case 'bad_request':
      return {
        status: httpStatusFor(e),
        headers: auditHeaders,
        body: { error: e.message, error_code: e.problem.toUpperCase(), ...audit },
      };
    case 'unsafe_input':
      return {
        status: httpStatusFor(e),
        headers: auditHeaders,
        body: {
          error: e.message,
          error_code: 'UNSAFE_INPUT',
          problem: e.problem,
          path: e.path,
          ...audit,
        },
      };
    case 'unknown_action':
      return {
        status: 404,
        headers: auditHeaders,
        body: { error: e.message, error_code: 'UNKNOWN_ACTION', ...audit },
      };
    case 'invalid_input':
      return {
        status: 422,
        headers: auditHeaders,
        body: { error: e.message, error_code: 'INVALID_INPUT', issues: e.issues ?? [], ...audit },
      };
    case 'unknown_parameter':
      return {
        status: httpStatusFor(e),
        headers: auditHeaders,
        body: { error: e.message, error_code: 'UNKNOWN_PARAMETER', unknown: e.unknown, ...audit },
      };
    case 'not_granted':
      return {
        status: 403,
        headers: auditHeaders,
        body: {
          error: 'Denied by Gatehouse',
          reason: e.message,
          rule: e.rule ?? null,
          action: f.action?.id ?? null,
          ...audit,
        },
      };
    case 'approval_pending':
      // Not an error for the agent: the call waits for an admin; poll where the body says.
      return {
        status: 202,
        headers: { ...auditHeaders, 'retry-after': '10' },
        body: {
          status: 'pending',
          approval_id: e.approvalId,
          poll: approvalStatusPath(e.approvalId),
          expires_at: e.expiresAt ?? null,
          message: e.message,
          rule: e.rule ?? null,
          ...audit,
        },
      };
    case 'approval_rejected':
    case 'approval_expired':
      return {
        status: httpStatusFor(e),
        headers: auditHeaders,
        body: {
          error: e.message,
          error_code: e.code.toUpperCase(),
          approval_id: e.approvalId,
          ...audit,
        },
      };
    case 'credential_missing':
      return {
        status: 503,
        headers: auditHeaders,
        body: { error: e.message, error_code: 'NOT_CONNECTED', ...audit },
      };
    case 'agent_rate_limited':
      return {
        status: httpStatusFor(e),
        headers: { ...auditHeaders, 'retry-after': String(Math.ceil(e.retryAfterSeconds)) },
        body: {
          error: e.message,
          error_code: 'AGENT_RATE_LIMITED',
          requests_per_minute: e.perMinute,
          retry_after_seconds: e.retryAfterSeconds,
          ...audit,
        },
      };
    case 'rate_limited': {
      const retry = e.retryAfterSeconds ?? null;
      return {
        status: 429,
        headers: {
          ...auditHeaders,
          ...(retry !== null ? { 'retry-after': String(Math.ceil(retry)) } : {}),
        },
        body: {
          message: e.message,
          error: e.message,
          error_code: 'RATE_LIMITED',
          retry_after_seconds: retry,
          ...audit,
        },
      };
    }
    case 'budget_exhausted': {
      const retry = e.retryAfterSeconds;
      return {
        status: httpStatusFor(e),
        headers: {
          ...auditHeaders,
          ...(retry !== undefined ? { 'retry-after': String(Math.ceil(retry)) } : {}),
        },
        body: {
          error: e.message,
          error_code: 'BUDGET_EXHAUSTED',
          budget: e.budget,
          ...(retry !== undefined ? { retry_after_seconds: retry } : {}),
          ...audit,
        },
      };
    }
    case 'upstream_error': {
      const up = e.upstream;
      const status = httpStatusFor(e);
      const apolloBody = up?.body;
      const note = { explanation: e.message, apollo_status: up?.status ?? null, ...audit };
      const body =
        apolloBody && typeof apolloBody === 'object' && !Array.isArray(apolloBody)
          ? { ...(apolloBody as Record<string, unknown>), gatehouse: note }
          : {
              error: typeof apolloBody === 'string' && apolloBody ? apolloBody : e.message,
              gatehouse: note,
            };
      return { status, headers: auditHeaders, body };
    }
    case 'upstream_unreachable':
      return {
        status: httpStatusFor(e),
        headers: auditHeaders,
        body: { error: e.message, error_code: 'UPSTREAM_UNREACHABLE', ...audit },
      };
    case 'write_outcome_unknown':
      // Not a plain failure: the write may have happened. Clients that retry 502/504 on their own
      // see the header and the code; the body says how to check first.
      return {
        status: httpStatusFor(e),
        headers: { ...auditHeaders, 'x-gatehouse-write-outcome': 'unknown' },
        body: {
          error: e.message,
          error_code: 'WRITE_OUTCOME_UNKNOWN',
          outcome: 'unknown',
          check_before_retry: e.check,
          apollo_status: e.upstreamStatus,
          ...audit,
        },
      };
    default:
      return {
        status: 500,
        headers: auditHeaders,
        body: { error: e.message, error_code: e.code.toUpperCase(), ...audit },
      };
  }
}
