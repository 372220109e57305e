import type { ActionSpec } from '../catalog/index.js';
import { gatewayError, type GatewayError } from '../core/index.js';
import type { UpstreamError } from '../ports/index.js';

/**
 * True when the call may have reached Apollo but no answer says what Apollo did: it timed out, the
 * connection broke after it was made, or a success status came with a body cut off or unreadable.
 * (An error status is Apollo's own word that the call failed.)
 */
function answerLost(e: UpstreamError): boolean {
  switch (e.kind) {
    case 'timeout':
    case 'network':
      return e.sent;
    case 'malformed_response':
      return e.status >= 200 && e.status < 300;
    default:
      return false;
  }
}

/**
 * Turns Apollo's failure into the error an agent sees, saying whose fault it is (the agent's input,
 * the team's Apollo key or plan, Apollo's limits, Apollo itself). Apollo's status, error_code and
 * body are kept so the REST surface can pass them through.
 *
 * A write whose answer was lost is not a failure but an unknown outcome: Apollo may have done it,
 * and a blind retry could do it twice (a second contact). The agent is told how to check first.
 */
export function explainUpstreamError(
  e: UpstreamError,
  action?: Pick<ActionSpec, 'access' | 'title' | 'verify' | 'retrySafe'>,
  input: Record<string, unknown> = {},
): GatewayError {
  if (action?.access === 'write' && answerLost(e)) {
    return gatewayError.writeOutcomeUnknown({
      what: action.title.charAt(0).toLowerCase() + action.title.slice(1),
      timedOut: e.kind === 'timeout',
      upstreamStatus: e.kind === 'malformed_response' ? e.status : null,
      retrySafe: action.retrySafe(input),
      check: action.verify(input),
      cause: e.message,
    });
  }
  switch (e.kind) {
    case 'network':
      return gatewayError.upstreamUnreachable({ timedOut: false, cause: e.message });
    case 'timeout':
      return gatewayError.upstreamUnreachable({ timedOut: true, cause: e.message });
    case 'malformed_response':
      return gatewayError.upstreamError({
        status: 502,
        apolloMessage: e.message,
        cause: e.message,
      });
    case 'rate_limited':
      // Apollo's own 429 (the pacer's refusals are `not_sent`, below).
      return gatewayError.rateLimited({
        scope: 'apollo',
        retryAfterSeconds: e.retryAfterSeconds,
        ...(e.window ? { window: e.window } : {}),
        upstream: { status: e.status, errorCode: e.errorCode, body: e.body },
      });
    case 'not_sent':
      return explainNotSent(e, action);
    default:
      return gatewayError.upstreamError({
        status: e.status,
        // Apollo's newer errors carry their code in error_details (BILLING.LIMIT.CREDITS_EXHAUSTED).
        errorCode: e.errorCode ?? detailsCode(e.body),
        apolloMessage: e.message,
        body: e.body,
      });
  }
}

/**
 * Gatehouse's pacer refused the call, so Apollo never saw it: the agent is told it was Gatehouse,
 * and why (its queue, its shutdown, its shared state), never that Apollo's limit is used up.
 */
function explainNotSent(
  e: Extract<UpstreamError, { kind: 'not_sent' }>,
  action?: Pick<ActionSpec, 'title'>,
): GatewayError {
  switch (e.reason) {
    case 'queue_full':
    case 'wait_too_long':
      return gatewayError.gatehouseBusy({
        reason: e.reason,
        retryAfterSeconds: e.retryAfterSeconds,
        window: e.window,
        waiting: e.waiting,
        ...(action ? { endpoint: action.title.toLowerCase() } : {}),
      });
    case 'closed':
      return gatewayError.shuttingDown({ retryAfterSeconds: e.retryAfterSeconds });
    case 'shared_unavailable':
      return gatewayError.sharedStateUnavailable({
        state: 'rate_windows',
        retryAfterSeconds: e.retryAfterSeconds,
        cause: e.message,
      });
    // The paced upstream passes no abort signal, so nothing cancels a wait: a bug if it happens.
    case 'cancelled':
      return gatewayError.internal(e.message);
  }
}

/** `error_details.code` of an Apollo error body, when it has one. */
function detailsCode(body: unknown): string | null {
  const details = (body as { error_details?: { code?: unknown } } | null)?.error_details;
  return typeof details?.code === 'string' ? details.code : null;
}
