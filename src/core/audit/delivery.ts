// The audit record of an asynchronous delivery (phone numbers, waterfall results that Apollo sends
// after the call's answer). The call's own record completes when Apollo answers; this second
// record is opened at that moment, linked to it, and completed when the data arrives, when Apollo
// says there is none, or when Gatehouse gives up, carrying the credits the delivery cost.
import { formatCredits, formatDuration } from '../format.js';

import type { AuditRecord, Surface } from './record.js';

/** What is known when Apollo accepts the asynchronous part of a call. */
export interface DeliveryOpening {
  readonly now: number;
  readonly agent: { readonly id: string; readonly name: string };
  readonly surface: Surface;
  readonly action: string;
  /** What Apollo will send, in words ("phone numbers"). */
  readonly what: string;
  /** The call's own audit record. */
  readonly callAuditId: string;
  /** Apollo's request id. */
  readonly requestId: string;
  /** The rule that allowed the call. */
  readonly rule: string;
}

/** How a delivery ended. */
export type DeliveryOutcome =
  | {
      readonly state: 'delivered';
      readonly via: 'webhook' | 'poll';
      readonly credits: number;
      /** From the call's answer to the delivery. */
      readonly afterMs: number;
    }
  | {
      readonly state: 'empty' | 'failed';
      /** Apollo's words or Gatehouse's reason ("request_id_unknown", "no result after 24 h"). */
      readonly detail: string;
      readonly afterMs: number;
    };

const who = (r: Pick<AuditRecord, 'agentName' | 'agentId'>) =>
  r.agentName || `Agent ${r.agentId ?? 'unknown'}`;

/** The open record: "Outreach bot awaits phone numbers from Apollo for call aud_… (request …)". */
export function openDeliveryRecord(o: DeliveryOpening): AuditRecord {
  const target = `${o.what} for call ${o.callAuditId} (Apollo request ${o.requestId})`;
  return {
    id: '',
    time: o.now,
    agentId: o.agent.id,
    agentName: o.agent.name,
    surface: o.surface,
    action: o.action,
    target,
    params: { request_id: o.requestId, call: o.callAuditId },
    decision: 'allowed',
    rule: o.rule,
    reason: null,
    upstreamStatus: null,
    upstreamErrorCode: null,
    credits: null,
    durationMs: null,
    sentence: `${o.agent.name} awaits ${target} from Apollo: allowed by ${o.rule}; waiting for Apollo's delivery.`,
    errorCode: null,
    completed: false,
  };
}

/** The record once the delivery ended: sentence redone, credits set, completed. */
export function completeDeliveryRecord(
  record: AuditRecord,
  what: string,
  outcome: DeliveryOutcome,
): AuditRecord {
  const after = formatDuration(outcome.afterMs);
  const call = record.params && (record.params as { call?: unknown }).call;
  const request = record.params && (record.params as { request_id?: unknown }).request_id;
  const ref = `call ${String(call)} (Apollo request ${String(request)})`;
  let sentence: string;
  let credits = 0;
  if (outcome.state === 'delivered') {
    credits = outcome.credits;
    const how =
      outcome.via === 'webhook'
        ? `Apollo delivered by webhook the ${what}`
        : `Gatehouse fetched from Apollo's webhook_result the ${what}`;
    sentence = `${how} ${who(record)} asked for in ${ref}, ${after} after the answer; ${
      credits ? `${formatCredits(credits)} spent` : 'no credits spent'
    }.`;
  } else if (outcome.state === 'empty') {
    sentence = `Apollo found no ${what} for ${who(record)}'s ${ref} (${outcome.detail}), ${after} after the answer; no credits spent.`;
  } else {
    sentence = `Apollo never delivered the ${what} ${who(record)} asked for in ${ref}: ${outcome.detail}; gave up ${after} after the answer; no credits spent.`;
  }
  return {
    ...record,
    credits,
    durationMs: outcome.afterMs,
    errorCode: outcome.state === 'failed' ? 'upstream_error' : null,
    sentence,
    completed: true,
  };
}
