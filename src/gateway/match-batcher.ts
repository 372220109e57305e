// Auto-batching: concurrent single people.match calls arriving within a short window are sent as
// one people.bulk_match of up to 10 and the answers split back to each caller. Each caller still
// runs its own pipeline (policy, budget, audit record and credit charge); only the trip to Apollo
// is shared. An Upstream decorator, so the pipeline does not know it happens.
import type { z } from 'zod';

import { bulkMatchLimit, getAction, type ActionSpec } from '../catalog/index.js';
import { ok, type Result } from '../core/result.js';
import type {
  Credential,
  Upstream,
  UpstreamCallContext,
  UpstreamError,
  UpstreamSuccess,
} from '../ports/index.js';

/** Options for {@link createMatchBatcher}. */
export interface MatchBatcherOptions {
  /** How long the first call of a batch waits for others (ms); 0 turns batching off. */
  readonly windowMs: number;
  /** Most people per bulk call (Apollo takes 10). */
  readonly maxBatch?: number;
  /**
   * Pairs a bulk answer's `matches` with the details sent, one person or null per detail (Apollo
   * does not promise aligned answers). The enrichment cache's `alignMatches` does this by
   * identity; it is passed in because the gateway does not depend on the cache.
   */
  readonly align: (
    details: readonly Record<string, unknown>[],
    matches: readonly unknown[],
  ) => ReadonlyArray<Record<string, unknown> | null>;
  /** Injectable timers for tests. */
  readonly setTimer?: (fn: () => void, ms: number) => () => void;
}

/** Default wait for companions. */
export const defaultBatchWindowMs = 25;

const identityFields = [
  'id',
  'email',
  'hashed_email',
  'linkedin_url',
  'first_name',
  'last_name',
  'name',
  'domain',
  'organization_name',
] as const;
const flagFields = [
  'reveal_personal_emails',
  'reveal_phone_number',
  'run_waterfall_email',
  'run_waterfall_phone',
] as const;

type Answer = Result<UpstreamSuccess<unknown>, UpstreamError>;

interface Waiting {
  readonly input: Record<string, unknown>;
  readonly context: UpstreamCallContext | undefined;
  resolve(answer: Answer): void;
  reject(error: unknown): void;
}

interface Batch {
  readonly credential: Credential;
  readonly flags: Record<string, unknown>;
  readonly waiting: Waiting[];
  cancel: (() => void) | null;
}

/** True for matches that may share a bulk call: no webhook (phone/waterfall deliveries). */
function batchable(input: Record<string, unknown>): boolean {
  return input.webhook_url === undefined && Object.keys(input).some((k) => k !== 'webhook_url');
}

function credentialKey(c: Credential): string {
  return c.kind === 'apikey' ? `k:${c.key}` : `o:${c.accessToken}`;
}

/** Wraps an upstream so concurrent plain people.match calls share people.bulk_match calls. */
export function createMatchBatcher(upstream: Upstream, options: MatchBatcherOptions): Upstream {
  const maxBatch = Math.min(options.maxBatch ?? bulkMatchLimit, bulkMatchLimit);
  const setTimer =
    options.setTimer ??
    ((fn: () => void, ms: number) => {
      const t = setTimeout(fn, ms);
      return () => clearTimeout(t);
    });
  const open = new Map<string, Batch>();
  const bulk = getAction('people.bulk_match');

  async function flush(key: string): Promise<void> {
    const batch = open.get(key);
    if (!batch) return;
    open.delete(key);
    batch.cancel?.();
    try {
      await send(batch);
    } catch (error) {
      for (const w of batch.waiting) w.reject(error);
    }
  }

  async function send(batch: Batch): Promise<void> {
    const { waiting, credential, flags } = batch;
    if (waiting.length === 1) {
      const [only] = waiting;
      only!.resolve(
        await upstream.call(getAction('people.match'), only!.input, credential, only!.context),
      );
      return;
    }
    const details = waiting.map((w) =>
      Object.fromEntries(
        identityFields.filter((f) => w.input[f] !== undefined).map((f) => [f, w.input[f]]),
      ),
    );
    // The bulk call is paced under the first caller's share (the others wait in the same batch).
    const answer = await upstream.call(
      bulk,
      { ...flags, details },
      credential,
      waiting[0]!.context,
    );
    if (!answer.ok) {
      for (const w of waiting) w.resolve(answer);
      return;
    }
    const body = (answer.value.body ?? {}) as { matches?: unknown[] };
    const people = options.align(details, Array.isArray(body.matches) ? body.matches : []);
    waiting.forEach((w, i) =>
      w.resolve(
        ok({
          ...answer.value,
          body: { person: people[i] ?? null },
          schemaWarnings: answer.value.schemaWarnings ?? [],
        }),
      ),
    );
  }

  return {
    call<I extends z.ZodType, O extends z.ZodType>(
      action: ActionSpec<I, O>,
      input: Record<string, unknown>,
      credential: Credential,
      context?: UpstreamCallContext,
    ) {
      if (options.windowMs <= 0 || action.id !== 'people.match' || !batchable(input)) {
        return upstream.call(action, input, credential, context);
      }
      const flags = Object.fromEntries(
        flagFields.filter((f) => input[f] !== undefined).map((f) => [f, input[f]]),
      );
      const key = `${credentialKey(credential)}|${JSON.stringify(flags)}`;
      return new Promise<Answer>((resolve, reject) => {
        let batch = open.get(key);
        if (!batch) {
          batch = { credential, flags, waiting: [], cancel: null };
          open.set(key, batch);
          batch.cancel = setTimer(() => void flush(key), options.windowMs);
        }
        batch.waiting.push({ input, context, resolve, reject });
        if (batch.waiting.length >= maxBatch) void flush(key);
      }) as ReturnType<Upstream['call']> as never;
    },
  };
}
