// The polling fallback for asynchronous enrichments: Apollo's GET webhook_result/{request_id},
// asked with the team's credential under the pacer (its own bucket, Gatehouse as the caller), and
// read as Apollo's states (in progress, done, failed).
import { webhookResult } from '../catalog/index.js';
import type { PollAnswer } from '../deliveries/deliveries.js';
import type { Pacer } from '../pacing/index.js';
import type { CredentialSource } from '../ports/index.js';
import type { ApolloClient } from '../upstream/index.js';

/** The pacer's caller id for Gatehouse's own calls. */
const gatehouseCaller = 'gatehouse';

/** Returns the poll function the delivery service uses. */
export function createDeliveryPoll(deps: {
  readonly client: Pick<ApolloClient, 'webhookResult'>;
  readonly credentials: CredentialSource;
  readonly pacer: Pick<Pacer, 'acquire' | 'observe' | 'hold'>;
  readonly maxWaitMs: number;
}): (requestId: string) => Promise<PollAnswer> {
  return async (requestId) => {
    const credential = await deps.credentials.current();
    if (!credential) return { kind: 'error', message: 'Apollo is not connected' };
    const grant = await deps.pacer.acquire(webhookResult.id, gatehouseCaller, {
      maxWaitMs: deps.maxWaitMs,
    });
    if (!grant.ok) {
      return {
        kind: 'error',
        message: "Apollo's webhook_result window is spent",
        retryAfterSeconds: grant.retryAfterSeconds,
      };
    }
    const answer = await deps.client.webhookResult(requestId, credential);
    const rate = answer.ok ? answer.value.rate : 'rate' in answer.error ? answer.error.rate : null;
    if (rate) deps.pacer.observe(grant, rate);
    if (answer.ok) return { kind: 'ready', payload: answer.value.body };
    const e = answer.error;
    if (e.kind === 'rate_limited') {
      deps.pacer.hold(webhookResult.id, e.retryAfterSeconds, e.window);
      return { kind: 'error', message: e.message, retryAfterSeconds: e.retryAfterSeconds ?? 60 };
    }
    const code = 'errorCode' in e ? e.errorCode : null;
    switch (code) {
      case 'result_pending': {
        const body = 'body' in e ? (e.body as { retry_after_seconds?: unknown } | null) : null;
        const hint = Number(body?.retry_after_seconds);
        return {
          kind: 'pending',
          retryAfterSeconds: Number.isFinite(hint) && hint > 0 ? hint : 10,
        };
      }
      case 'request_id_unknown':
        return { kind: 'unknown', message: 'Apollo keeps no result for this request' };
      case 'request_id_expired':
        return { kind: 'expired', message: 'Apollo no longer keeps this result (after 30 days)' };
      case 'invalid_request_id':
        return { kind: 'invalid', message: 'Apollo refused the request id as invalid' };
      default:
        return { kind: 'error', message: e.message };
    }
  };
}

/** How often due deliveries are polled. */
export const deliveryPollIntervalMs = 5_000;
