// Asynchronous enrichment. Apollo answers a phone reveal or a waterfall
// twice: at once with a request_id, then later by POSTing the data to the call's webhook_url (and
// keeping it 30 days at webhook_result/{request_id}). Agents never give Apollo a URL of their own:
// the pipeline substitutes a Gatehouse receiver with an unguessable secret, so personal data
// cannot be sent around the audit trail and the agent's redaction settings. Here:
//   - `receiver` mints that URL (only the secret's SHA-256 is stored);
//   - `expect` records that the agent awaits the delivery and opens its audit record;
//   - `accept` takes Apollo's POST: unknown receivers are refused and logged, repeats change nothing;
//   - `pollDue` falls back to webhook_result for deliveries no webhook brought (e.g. when Apollo
//     cannot reach Gatehouse), with backoff, until Apollo answers or Gatehouse gives up;
//   - `result` answers the agent in Apollo's own webhook_result shape, its own deliveries only.
import { createHash, randomBytes } from 'node:crypto';

import { canonicalRequestId } from '../catalog/index.js';
import {
  completeDeliveryRecord,
  openDeliveryRecord,
  parseApolloJson,
  redactFields,
  type DeliveryOutcome,
  type Surface,
} from '../core/index.js';
import type { AuditSink, Clock, DeliveryStore, Logger, StoredDelivery } from '../ports/index.js';

/**
 * What polling Apollo's webhook_result found. `ready` carries Apollo's 200 body: its envelope
 * (`{request_id, webhook_status, request_type, last_dispatched_at, failure_reason,
 * webhook_result}`), or a bare payload from a server that answers without one.
 */
export type PollAnswer =
  | { readonly kind: 'ready'; readonly payload: unknown }
  | { readonly kind: 'pending'; readonly retryAfterSeconds: number }
  | { readonly kind: 'unknown' | 'expired' | 'invalid'; readonly message: string }
  /** Apollo could not be asked (not connected, paced, network, 5xx): try again later. */
  | { readonly kind: 'error'; readonly message: string; readonly retryAfterSeconds?: number };

/** Options for {@link createDeliveries}. */
export interface DeliveryOptions {
  readonly store: DeliveryStore;
  readonly audit: AuditSink;
  readonly clock: Pick<Clock, 'now'>;
  readonly logger: Logger;
  /** Gatehouse's address as Apollo reaches it (read per call: known once the server listens). */
  readonly publicUrl: () => string;
  /** Asks Apollo's webhook_result (paced, with the team's credential). */
  readonly poll: (requestId: string) => Promise<PollAnswer>;
  /** How long the webhook gets before the first poll (default 30 s). */
  readonly firstPollAfterMs?: number;
  /** When to stop polling and fail the delivery (default 24 h). */
  readonly giveUpAfterMs?: number;
}

/** Where a webhook POST ended, and the HTTP status the receiver answers with. */
export type AcceptResult =
  | { readonly kind: 'accepted'; readonly status: 200 }
  /** Already settled (Apollo retries; nothing is signed): acknowledged, nothing changed. */
  | { readonly kind: 'repeat'; readonly status: 200 }
  | { readonly kind: 'unknown'; readonly status: 404; readonly message: string }
  | { readonly kind: 'invalid'; readonly status: 400; readonly message: string };

/** The answer to an agent asking for a delivery, in Apollo's webhook_result shape. */
export interface ResultAnswer {
  /** What the agent's ask found: an id of the wrong form, none of its own, or a delivery's state. */
  readonly kind: 'invalid' | 'unknown' | 'pending' | 'empty' | 'failed' | 'delivered';
  readonly status: 200 | 400 | 404 | 410;
  readonly body: unknown;
  /** Seconds until asking again is useful (pending only). */
  readonly retryAfterSeconds?: number;
  /** How many fields the agent's redaction removed. */
  readonly redacted: number;
}

/** What the pipeline tells the service once Apollo accepted the asynchronous part of a call. */
export interface Expectation {
  readonly receiverHash: string;
  readonly agent: { readonly id: string; readonly name: string };
  readonly surface: Surface;
  readonly actionId: string;
  readonly what: string;
  readonly callAuditId: string;
  readonly requestId: string;
  readonly rule: string;
}

/** The asynchronous-delivery service. */
export interface Deliveries {
  /** A fresh receiver URL for one call; only `hash` is ever stored. */
  receiver(): { readonly url: string; readonly hash: string };
  /** Records that the agent awaits Apollo's delivery; returns the delivery's audit id. */
  expect(expectation: Expectation): Promise<string>;
  /** Takes Apollo's webhook POST for `secret` (the last path segment). */
  accept(secret: string, bodyText: string): Promise<AcceptResult>;
  /** The agent's delivery for Apollo's request id, redacted as the agent's settings say. */
  result(
    agent: { readonly id: string; readonly redactedFields: readonly string[] },
    requestId: string,
  ): Promise<ResultAnswer>;
  /** Polls webhook_result for due deliveries (at most `limit`); returns how many settled. */
  pollDue(limit?: number): Promise<number>;
  /** Deletes deliveries created before `olderThan` (personal data); returns how many. */
  prune(olderThan: number): Promise<number>;
}

/** Deliveries are kept as long as Apollo keeps a result for polling, no longer. */
export const deliveryRetentionMs = 30 * 24 * 3_600_000;

/** The receiver path; the secret follows it. */
export const webhookReceiverPath = '/webhooks/apollo';

const secretPattern = /^[A-Za-z0-9_-]{43}$/;
const minPollMs = 10_000;
const maxPollMs = 10 * 60_000;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Reads Apollo's webhook_result envelope: the payload is under `webhook_result`, and a 200 whose
 * `webhook_result` is still null is not finished (`webhook_status` in_progress: ask again later);
 * `webhook_status` describes delivering the callback, so a failed one still carries the payload,
 * and only a failed one without it means nothing will come. A body without the envelope's keys is
 * taken as the payload itself.
 */
export function readEnvelope(answer: PollAnswer): PollAnswer {
  if (answer.kind !== 'ready') return answer;
  const body = answer.payload;
  if (!body || typeof body !== 'object' || Array.isArray(body) || !('webhook_status' in body)) {
    return answer;
  }
  const envelope = body as {
    webhook_status?: unknown;
    webhook_result?: unknown;
    failure_reason?: unknown;
  };
  const result = envelope.webhook_result;
  if (result && typeof result === 'object') return { kind: 'ready', payload: result };
  if (envelope.webhook_status === 'failed') {
    const reason = typeof envelope.failure_reason === 'string' ? envelope.failure_reason : null;
    return {
      kind: 'invalid',
      message: `Apollo reports the delivery failed${reason ? ` (${reason})` : ''} and keeps no result`,
    };
  }
  return { kind: 'pending', retryAfterSeconds: 10 };
}

/** Creates the service. */
export function createDeliveries(options: DeliveryOptions): Deliveries {
  const { store, audit, clock, logger } = options;
  const firstPollAfterMs = options.firstPollAfterMs ?? 30_000;
  const giveUpAfterMs = options.giveUpAfterMs ?? 24 * 3_600_000;

  /** Completes the delivery's audit record from what the store kept (survives restarts). */
  async function complete(d: StoredDelivery, outcome: DeliveryOutcome): Promise<void> {
    const opened = openDeliveryRecord({
      now: d.createdAt,
      agent: { id: d.agentId, name: d.agentName },
      surface: d.surface as Surface,
      action: d.actionId,
      what: d.what,
      callAuditId: d.callAuditId,
      requestId: d.requestId,
      rule: d.rule,
    });
    await audit.complete(
      d.auditId,
      completeDeliveryRecord({ ...opened, id: d.auditId }, d.what, outcome),
    );
  }

  async function settle(
    d: StoredDelivery,
    outcome: DeliveryOutcome,
    payload?: string,
  ): Promise<boolean> {
    const at = clock.now();
    const settled = await store.settle(d.receiverHash, {
      state: outcome.state,
      at,
      ...(outcome.state === 'delivered'
        ? { via: outcome.via, credits: outcome.credits, ...(payload ? { payload } : {}) }
        : { detail: outcome.detail }),
    });
    if (!settled) return false;
    await complete(settled, outcome).catch((e: unknown) =>
      logger.error({ err: e, auditId: d.auditId }, 'delivery audit record not completed'),
    );
    return true;
  }

  function creditsOf(payload: unknown): number {
    const c = (payload as { credits_consumed?: unknown } | null)?.credits_consumed;
    const n = typeof c === 'number' ? c : typeof c === 'string' ? Number(c) : 0;
    return Number.isFinite(n) && n > 0 ? n : 0;
  }

  async function pollOne(d: StoredDelivery): Promise<boolean> {
    const now = clock.now();
    const answer = readEnvelope(
      await options
        .poll(d.requestId)
        .catch((e: unknown): PollAnswer => ({ kind: 'error', message: String(e) })),
    );
    const afterMs = now - d.createdAt;
    switch (answer.kind) {
      case 'ready':
        return settle(
          d,
          { state: 'delivered', via: 'poll', credits: creditsOf(answer.payload), afterMs },
          JSON.stringify(answer.payload),
        );
      // Apollo keeps no result when a reveal found nothing (it sends no webhook either).
      case 'unknown':
        return settle(d, { state: 'empty', detail: answer.message, afterMs });
      case 'expired':
      case 'invalid':
        return settle(d, { state: 'failed', detail: answer.message, afterMs });
      case 'pending':
      case 'error': {
        if (afterMs >= giveUpAfterMs) {
          const detail =
            answer.kind === 'pending'
              ? `still pending after ${Math.round(giveUpAfterMs / 3_600_000)} h`
              : `could not ask Apollo (${answer.message})`;
          return settle(d, { state: 'failed', detail, afterMs });
        }
        // Apollo's own hint, else exponential backoff from 10 s, at most 10 minutes apart.
        const backoff = minPollMs * 2 ** Math.min(d.polls, 6);
        const hinted = (answer.retryAfterSeconds ?? 0) * 1000;
        const wait = Math.min(maxPollMs, Math.max(minPollMs, hinted, backoff));
        await store.reschedule(d.receiverHash, now + wait);
        if (answer.kind === 'error') {
          logger.warn(
            { auditId: d.auditId, retryInMs: wait, reason: answer.message },
            'could not poll Apollo for an asynchronous delivery; will retry',
          );
        }
        return false;
      }
    }
  }

  return {
    receiver() {
      const secret = randomBytes(32).toString('base64url');
      const base = options.publicUrl().replace(/\/+$/, '');
      return { url: `${base}${webhookReceiverPath}/${secret}`, hash: sha256(secret) };
    },

    async expect(e) {
      const now = clock.now();
      const record = openDeliveryRecord({
        now,
        agent: e.agent,
        surface: e.surface,
        action: e.actionId,
        what: e.what,
        callAuditId: e.callAuditId,
        requestId: e.requestId,
        rule: e.rule,
      });
      const auditId = await audit.open(record);
      await store.create({
        receiverHash: e.receiverHash,
        agentId: e.agent.id,
        agentName: e.agent.name,
        rule: e.rule,
        actionId: e.actionId,
        callAuditId: e.callAuditId,
        auditId,
        surface: e.surface,
        what: e.what,
        requestId: e.requestId,
        createdAt: now,
        nextPollAt: now + firstPollAfterMs,
      });
      return auditId;
    },

    async accept(secret, bodyText) {
      const hash = secretPattern.test(secret) ? sha256(secret) : null;
      const d = hash ? await store.byReceiver(hash) : undefined;
      if (!d) {
        // Never log the secret: a prefix of its hash is enough to correlate attempts.
        logger.warn(
          { receiver: hash ? hash.slice(0, 12) : 'malformed' },
          'refused a webhook delivery to an unknown receiver',
        );
        return {
          kind: 'unknown',
          status: 404,
          message: 'No asynchronous enrichment is awaited at this address.',
        };
      }
      let payload: unknown;
      try {
        payload = parseApolloJson(bodyText);
      } catch {
        return { kind: 'invalid', status: 400, message: 'The delivery is not valid JSON.' };
      }
      if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
        return { kind: 'invalid', status: 400, message: 'The delivery must be a JSON object.' };
      }
      const said = (payload as { request_id?: unknown }).request_id;
      if (said !== undefined && canonicalRequestId(said) !== d.requestId) {
        logger.warn({ auditId: d.auditId }, 'refused a webhook delivery for another request id');
        return {
          kind: 'invalid',
          status: 400,
          message: 'The delivery names a different request_id than this address awaits.',
        };
      }
      if (d.state !== 'pending') return { kind: 'repeat', status: 200 };
      const afterMs = clock.now() - d.createdAt;
      const done = await settle(
        d,
        { state: 'delivered', via: 'webhook', credits: creditsOf(payload), afterMs },
        JSON.stringify(payload),
      );
      return done ? { kind: 'accepted', status: 200 } : { kind: 'repeat', status: 200 };
    },

    async result(agent, raw) {
      const requestId = canonicalRequestId(raw);
      if (!requestId) {
        return {
          kind: 'invalid',
          status: 400,
          redacted: 0,
          body: {
            error_code: 'invalid_request_id',
            error: 'request_id must be a signed 64-bit integer, as Apollo returned it.',
          },
        };
      }
      const d = await store.forAgent(agent.id, requestId);
      if (!d) {
        return {
          kind: 'unknown',
          status: 404,
          redacted: 0,
          body: {
            error_code: 'request_id_unknown',
            error:
              'No asynchronous enrichment of yours has this request_id. Use the request_id from your own people.match or people.bulk_match answer.',
          },
        };
      }
      if (d.state === 'pending') {
        const seconds = Math.max(1, Math.ceil((d.nextPollAt - clock.now()) / 1000));
        const retry = Math.min(seconds, 60);
        return {
          kind: 'pending',
          status: 404,
          redacted: 0,
          retryAfterSeconds: retry,
          body: {
            error_code: 'result_pending',
            retry_after_seconds: retry,
            error: `Apollo has not delivered the ${d.what} yet. Ask again in ${retry} s.`,
          },
        };
      }
      if (d.state === 'empty') {
        return {
          kind: 'empty',
          status: 404,
          redacted: 0,
          body: {
            error_code: 'request_id_unknown',
            error: `Apollo found no ${d.what} for this request, so there is nothing to deliver (no credits were spent on it).`,
          },
        };
      }
      if (d.state === 'failed' || d.payload === null) {
        return {
          kind: 'failed',
          status: 410,
          redacted: 0,
          body: {
            error_code: 'request_id_expired',
            error: `Apollo never delivered the ${d.what} for this request: ${d.detail ?? 'unknown reason'}.`,
          },
        };
      }
      const payload = parseApolloJson(d.payload);
      const redacted =
        agent.redactedFields.length > 0
          ? redactFields(payload, [...agent.redactedFields])
          : { value: payload, removed: 0 };
      return { kind: 'delivered', status: 200, body: redacted.value, redacted: redacted.removed };
    },

    async pollDue(limit = 20) {
      const due = await store.due(clock.now(), limit);
      let settled = 0;
      // One at a time: polling is background work and shares Apollo's windows with the agents.
      for (const d of due) if (await pollOne(d)) settled += 1;
      return settled;
    },

    prune: (olderThan) => store.prune(olderThan),
  };
}
