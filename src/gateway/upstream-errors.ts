import { gatewayError, type GatewayError } from '../core/index.js';
import type { UpstreamError } from '../ports/index.js';

import { pacedErrorCode, sharedUnavailableCode } from './paced-upstream.js';

/**
 * Turns Apollo's failure into the error an agent sees, saying whose fault it is (the agent's input,
 * the team's Apollo key or plan, Apollo's limits, Apollo itself). Apollo's status, error_code and
 * body are kept so the REST surface can pass them through.
 */
export function explainUpstreamError(e: UpstreamError): GatewayError {
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
      if (e.errorCode === sharedUnavailableCode) {
        return gatewayError.rateLimited({
          scope: 'gatehouse',
          retryAfterSeconds: e.retryAfterSeconds,
        });
      }
      return gatewayError.rateLimited({
        scope: 'apollo',
        retryAfterSeconds: e.retryAfterSeconds,
        ...(e.window ? { window: e.window } : {}),
        // Gatehouse's own pacing refusal never reached Apollo: no upstream details to show.
        ...(e.errorCode === pacedErrorCode
          ? {}
          : { upstream: { status: e.status, errorCode: e.errorCode, body: e.body } }),
      });
    default:
      return gatewayError.upstreamError({
        status: e.status,
        errorCode: e.errorCode,
        apolloMessage: e.message,
        body: e.body,
      });
  }
}
