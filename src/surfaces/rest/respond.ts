import { httpStatusFor, retryAfterFor, type GatewayError } from '../../core/index.js';
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

/**
 * The REST mapping of every gateway error: an Apollo-shaped JSON body. The status and Retry-After
 * are core's one mapping (`httpStatusFor`, `retryAfterFor`), the same MCP and the admin API use.
 */
export function answerFailure(f: GatewayFailure): RestAnswer {
  const e: GatewayError = f.error;
  const retry = retryAfterFor(e);
  const headers: Record<string, string> = {
    ...(f.auditId ? { 'x-gatehouse-audit-id': f.auditId } : {}),
    ...(retry !== null ? { 'retry-after': String(retry) } : {}),
  };
  const answer = (body: unknown, extra: Record<string, string> = {}): RestAnswer => ({
    status: httpStatusFor(e),
    headers: { ...headers, ...extra },
    body,
  });
  const audit = { audit_id: f.auditId };
  switch (e.code) {
    case 'unauthenticated':
      return answer(
        { error: e.message, error_code: 'UNAUTHENTICATED', ...audit },
        { 'www-authenticate': 'Bearer' },
      );
    case 'bad_request':
      return answer({ error: e.message, error_code: e.problem.toUpperCase(), ...audit });
    case 'unsafe_input':
      return answer({
        error: e.message,
        error_code: 'UNSAFE_INPUT',
        problem: e.problem,
        path: e.path,
        ...audit,
      });
    case 'unknown_action':
      return answer({ error: e.message, error_code: 'UNKNOWN_ACTION', ...audit });
    case 'invalid_input':
      return answer({
        error: e.message,
        error_code: 'INVALID_INPUT',
        issues: e.issues ?? [],
        ...audit,
      });
    case 'unknown_parameter':
      return answer({
        error: e.message,
        error_code: 'UNKNOWN_PARAMETER',
        unknown: e.unknown,
        ...audit,
      });
    case 'not_granted':
      return answer({
        error: 'Denied by Gatehouse',
        reason: e.message,
        rule: e.rule ?? null,
        action: f.action?.id ?? null,
        ...audit,
      });
    case 'approval_pending':
      // Not an error for the agent: the call waits for an admin; poll where the body says.
      return answer({
        status: 'pending',
        approval_id: e.approvalId,
        poll: approvalStatusPath(e.approvalId),
        expires_at: e.expiresAt ?? null,
        message: e.message,
        rule: e.rule ?? null,
        ...audit,
      });
    case 'approval_rejected':
    case 'approval_expired':
      return answer({
        error: e.message,
        error_code: e.code.toUpperCase(),
        approval_id: e.approvalId,
        ...audit,
      });
    case 'credential_missing':
      return answer({ error: e.message, error_code: 'NOT_CONNECTED', ...audit });
    case 'credential_unreadable':
      return answer({ error: e.message, error_code: 'CREDENTIAL_UNREADABLE', ...audit });
    // Gatehouse's database did not answer: usually no record could be written, so no audit id.
    case 'store_unavailable':
      return answer({
        error: e.message,
        error_code: 'STORE_UNAVAILABLE',
        retry_after_seconds: e.retryAfterSeconds,
        audit_id: f.auditId || null,
      });
    case 'agent_rate_limited':
      return answer({
        error: e.message,
        error_code: 'AGENT_RATE_LIMITED',
        requests_per_minute: e.perMinute,
        retry_after_seconds: e.retryAfterSeconds,
        ...audit,
      });
    // Apollo's own 429, as Apollo's clients expect it.
    case 'rate_limited':
      return answer({
        message: e.message,
        error: e.message,
        error_code: 'RATE_LIMITED',
        retry_after_seconds: e.retryAfterSeconds ?? null,
        ...audit,
      });
    // Gatehouse's own refusals: Apollo was not called and refused nothing.
    case 'gatehouse_busy':
      return answer({
        message: e.message,
        error: e.message,
        error_code: 'GATEHOUSE_BUSY',
        reason: e.reason,
        window: e.window ?? null,
        waiting: e.waiting,
        retry_after_seconds: e.retryAfterSeconds,
        ...audit,
      });
    case 'shared_state_unavailable':
      return answer({
        error: e.message,
        error_code: 'SHARED_STATE_UNAVAILABLE',
        state: e.state,
        retry_after_seconds: e.retryAfterSeconds,
        ...audit,
      });
    case 'gatehouse_shutting_down':
      return answer({
        error: e.message,
        error_code: 'GATEHOUSE_SHUTTING_DOWN',
        retry_after_seconds: e.retryAfterSeconds,
        ...audit,
      });
    case 'budget_exhausted':
      return answer({
        error: e.message,
        error_code: 'BUDGET_EXHAUSTED',
        budget: e.budget,
        ...(e.retryAfterSeconds !== undefined ? { retry_after_seconds: e.retryAfterSeconds } : {}),
        ...audit,
      });
    case 'upstream_error': {
      const up = e.upstream;
      const apolloBody = up?.body;
      const note = { explanation: e.message, apollo_status: up?.status ?? null, ...audit };
      return answer(
        apolloBody && typeof apolloBody === 'object' && !Array.isArray(apolloBody)
          ? { ...(apolloBody as Record<string, unknown>), gatehouse: note }
          : {
              error: typeof apolloBody === 'string' && apolloBody ? apolloBody : e.message,
              gatehouse: note,
            },
      );
    }
    case 'upstream_unreachable':
      return answer({ error: e.message, error_code: 'UPSTREAM_UNREACHABLE', ...audit });
    case 'write_outcome_unknown':
      // Not a plain failure: the write may have happened. Clients that retry 502/504 on their own
      // see the header and the code; the body says how to check first.
      return answer(
        {
          error: e.message,
          error_code: 'WRITE_OUTCOME_UNKNOWN',
          outcome: 'unknown',
          check_before_retry: e.check,
          apollo_status: e.upstreamStatus,
          ...audit,
        },
        { 'x-gatehouse-write-outcome': 'unknown' },
      );
    case 'internal':
      return answer({ error: e.message, error_code: 'INTERNAL', ...audit });
  }
}
