// The one mapping from a Gatehouse error to HTTP: its status and its Retry-After. REST answers
// with them, MCP over HTTP refuses with them and the admin API reports them, so a refusal has the
// same status whichever door it came through. No surface picks a status of its own.
import type { GatewayError, PublicGatewayError } from './error-codes.js';

/**
 * The HTTP status every surface uses for an error. Apollo's own 400/404/422 pass through, since
 * they describe the agent's request; Apollo refusing the team's key (401/403) or failing is a
 * gateway problem, 502, so the agent never mistakes it for its own token or grant. Gatehouse's own
 * refusals are its own: 429 when its queue protects Apollo's windows, 503 while it cannot serve.
 */
export function httpStatusFor(error: GatewayError | PublicGatewayError): number {
  switch (error.code) {
    case 'unauthenticated':
      return 401;
    case 'bad_request':
      return (
        {
          method_not_allowed: 405,
          body_too_large: 413,
          origin_not_allowed: 403,
          host_not_allowed: 403,
          unknown_session: 404,
        }[error.problem as string] ?? 400
      );
    case 'unsafe_input':
      return 400;
    case 'unknown_action':
      return 404;
    case 'invalid_input':
    case 'unknown_parameter':
      return 422;
    case 'not_granted':
    case 'approval_rejected':
      return 403;
    case 'approval_pending':
      return 202;
    case 'approval_expired':
      return 410;
    // 402, not 429: clients retry 429 with backoff, which cannot help before the budget resets.
    case 'budget_exhausted':
      return 402;
    case 'agent_rate_limited':
    case 'rate_limited':
      return 429;
    // 429 as Apollo would answer: the team's windows (by Gatehouse's count) or the queue for them
    // are the limit, and Retry-After says when a retry finds room.
    case 'gatehouse_busy':
      return 429;
    case 'shared_state_unavailable':
    case 'gatehouse_shutting_down':
    case 'store_unavailable':
    case 'credential_missing':
    case 'credential_unreadable':
      return 503;
    // Apollo's own refusals pass through with their status (the body says whose fault it is);
    // a 401 becomes 502, or an Apollo client would blame its own key (the agent's Gatehouse token)
    // for the team's Apollo credential; Apollo's 5xx become 502, the gateway's word for them.
    case 'upstream_error':
      return [400, 403, 404, 409, 410, 422].includes(error.upstream.status)
        ? error.upstream.status
        : 502;
    // No answer in time is 504; a refused or reset connection, or an answer cut off, is 502.
    case 'upstream_unreachable':
    case 'write_outcome_unknown':
      return error.timedOut === true ? 504 : 502;
    case 'internal':
      return 500;
  }
}

/**
 * Whole seconds for a Retry-After header: when a retry can succeed. Null when no wait helps
 * (the agent must change something) or nobody knows how long. A held call is polled every 10 s.
 */
export function retryAfterFor(error: GatewayError | PublicGatewayError): number | null {
  const seconds = (s: number | null | undefined) =>
    s === null || s === undefined || !Number.isFinite(s) ? null : Math.max(1, Math.ceil(s));
  switch (error.code) {
    case 'approval_pending':
      return 10;
    case 'budget_exhausted':
    case 'rate_limited':
      return seconds(error.retryAfterSeconds);
    case 'agent_rate_limited':
    case 'gatehouse_busy':
    case 'shared_state_unavailable':
    case 'gatehouse_shutting_down':
    case 'store_unavailable':
      return seconds(error.retryAfterSeconds);
    default:
      return null;
  }
}
