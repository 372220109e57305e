import { canonicalRequestId } from '../catalog/index.js';

import { toJson } from './json.js';
import type { Ledger } from './ledger.js';
import type { AsyncDelivery, Clock } from './types.js';

// Asynchronous enrichment: the synchronous answer carries a request_id; later Apollo
// POSTs the result to the caller's webhook_url and keeps it 30 days for
// GET webhook_result/{request_id}. Apollo signs nothing and may retry, so every attempt sends the
// same bytes and receivers must be idempotent.

/** How long Apollo keeps a result for polling. */
export const resultRetentionMs = 30 * 24 * 3_600_000;

/** Waits between delivery attempts (three attempts in all). */
const retryDelaysMs = [1_000, 5_000];

/**
 * Apollo's webhook_result answer: an envelope whose `webhook_status` is about delivering the
 * callback, with the payload under `webhook_result` (null while the delivery is in progress).
 */
export interface ResultEnvelope {
  request_id: string;
  webhook_status: 'in_progress' | 'success' | 'failed';
  request_type: 'email' | 'phone' | 'waterfall';
  last_dispatched_at: string | null;
  failure_reason: string | null;
  webhook_result: unknown;
}

/** What polling a request id finds. */
export type ResultLookup =
  | { kind: 'invalid' }
  | { kind: 'unknown' }
  | { kind: 'expired' }
  | { kind: 'pending'; retryAfterSeconds: number }
  | { kind: 'ready'; envelope: ResultEnvelope };

/** One delivery, as the state endpoint shows it. */
export interface DeliveryStatus {
  requestId: string;
  actionId: string;
  webhookUrl: string;
  state: 'pending' | 'processing' | 'ready';
  dueAt: number;
  attempts: number;
  delivered: boolean;
  /** When the last POST to the webhook was attempted. */
  lastAttemptAt?: number;
  lastError?: string;
}

/** The queue of asynchronous deliveries and the store of their results. */
export interface Deliveries {
  schedule(actionId: string, deliveries: readonly AsyncDelivery[]): void;
  lookup(requestId: string): ResultLookup;
  /** Processes every pending delivery now, retrying without waiting, and awaits them all. */
  flush(): Promise<void>;
  list(): DeliveryStatus[];
  /** Stops the timers; pending deliveries stay pending (flush still delivers them). */
  stop(): void;
}

interface Entry {
  status: DeliveryStatus;
  createdAt: number;
  delivery: AsyncDelivery;
  timer?: ReturnType<typeof setTimeout>;
  running?: Promise<void>;
  /** Set by flush: retry at once instead of waiting. */
  hurry: boolean;
  /** Ends the current wait between attempts early. */
  wake?: () => void;
}

export interface DeliveryOptions {
  clock: Clock;
  fetch: typeof fetch;
  ledger: Ledger;
}

function pause(entry: Entry, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    entry.wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });
}

/**
 * The envelope for a result being or having been delivered. While the webhook POSTs are under
 * way the status is in_progress with no result yet; after them, success with the payload, or
 * failed with the reason and the payload all the same (polling is the fallback for failed
 * deliveries).
 */
function envelopeOf(entry: Entry): ResultEnvelope {
  const { status, delivery } = entry;
  const done = status.state === 'ready';
  const payload = delivery.payload as { target_fields?: unknown } | null;
  return {
    request_id: status.requestId,
    webhook_status: !done ? 'in_progress' : status.delivered ? 'success' : 'failed',
    request_type:
      payload && typeof payload === 'object' && 'target_fields' in payload ? 'waterfall' : 'phone',
    last_dispatched_at:
      status.lastAttemptAt === undefined ? null : new Date(status.lastAttemptAt).toISOString(),
    failure_reason: done && !status.delivered ? (status.lastError ?? 'delivery failed') : null,
    webhook_result: done ? delivery.payload : null,
  };
}

export function createDeliveries(options: DeliveryOptions): Deliveries {
  const entries = new Map<string, Entry>();

  async function post(entry: Entry): Promise<void> {
    const body = toJson(entry.delivery.payload);
    for (let attempt = 0; attempt <= retryDelaysMs.length; attempt++) {
      if (attempt > 0 && !entry.hurry) await pause(entry, retryDelaysMs[attempt - 1] ?? 0);
      entry.status.attempts++;
      entry.status.lastAttemptAt = options.clock.now();
      try {
        const res = await options.fetch(entry.delivery.webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'apollo-sandbox-webhooks' },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        if (res.ok) {
          entry.status.delivered = true;
          delete entry.status.lastError;
          return;
        }
        entry.status.lastError = `webhook answered ${res.status}`;
      } catch (err) {
        entry.status.lastError = err instanceof Error ? err.message : String(err);
      }
    }
  }

  function process(entry: Entry): Promise<void> {
    if (entry.running) return entry.running;
    if (entry.timer) clearTimeout(entry.timer);
    // The result exists once the enrichment is done, whether or not the webhook accepts it:
    // polling is the fallback for failed deliveries.
    entry.status.state = 'processing';
    options.ledger.charge(entry.status.actionId, entry.delivery.credits);
    entry.running = post(entry).finally(() => {
      entry.status.state = 'ready';
    });
    return entry.running;
  }

  return {
    schedule(actionId, deliveries) {
      const now = options.clock.now();
      for (const delivery of deliveries) {
        const requestId = canonicalRequestId(delivery.requestId);
        if (!requestId)
          throw new Error(`world produced an invalid request id: ${delivery.requestId}`);
        const delay = Math.max(0, delivery.delayMs);
        const entry: Entry = {
          hurry: false,
          createdAt: now,
          delivery,
          status: {
            requestId,
            actionId,
            webhookUrl: delivery.webhookUrl,
            state: 'pending',
            dueAt: now + delay,
            attempts: 0,
            delivered: false,
          },
        };
        const previous = entries.get(requestId)?.timer;
        if (previous) clearTimeout(previous);
        entries.set(requestId, entry);
        entry.timer = setTimeout(() => void process(entry), delay);
        entry.timer.unref();
      }
    },

    lookup(raw) {
      const requestId = canonicalRequestId(raw);
      if (!requestId) return { kind: 'invalid' };
      const entry = entries.get(requestId);
      if (!entry) return { kind: 'unknown' };
      const now = options.clock.now();
      if (now - entry.createdAt > resultRetentionMs) return { kind: 'expired' };
      if (entry.status.state === 'pending') {
        const seconds = Math.ceil((entry.status.dueAt - now) / 1000);
        return { kind: 'pending', retryAfterSeconds: Math.max(1, seconds) };
      }
      return { kind: 'ready', envelope: envelopeOf(entry) };
    },

    async flush() {
      const all = [...entries.values()];
      for (const entry of all) {
        entry.hurry = true;
        entry.wake?.();
      }
      await Promise.all(all.map(process));
    },

    list: () => [...entries.values()].map((e) => ({ ...e.status })),

    stop() {
      for (const entry of entries.values()) {
        if (entry.timer) clearTimeout(entry.timer);
      }
    },
  };
}
