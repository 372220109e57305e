// Learns Apollo's own view of every endpoint's windows from usage_stats/api_usage_stats, at start
// and then periodically, so calls made by other clients of the same Apollo account count against
// the pacer's windows too. The poll itself goes through the pacer like any other call.
import { actions, getAction, usageKey, windows, type Window } from '../catalog/index.js';
import type { Pacer } from '../pacing/index.js';
import type { CredentialSource, Logger, Upstream } from '../ports/index.js';

/** How often the server asks Apollo for its usage figures. */
export const usagePollIntervalMs = 10 * 60 * 1000;

interface WindowFigures {
  limit: number | null;
  consumed: number;
  left_over: number;
}

const opaque = (key: string) => key.replace(/\s+/g, '');

/** Feeds one usage_stats answer to the pacer; returns how many endpoints it updated. */
export function applyUsageStats(pacer: Pacer, body: unknown, requestedAt: number): number {
  if (!body || typeof body !== 'object') return 0;
  const byKey = new Map(
    Object.entries(body as Record<string, unknown>).map(([k, v]) => [opaque(k), v]),
  );
  let updated = 0;
  for (const action of actions) {
    const entry = byKey.get(opaque(usageKey(action)));
    if (!entry || typeof entry !== 'object') continue;
    const stats: Partial<Record<Window, WindowFigures>> = {};
    for (const w of windows) {
      const f = (entry as Record<string, unknown>)[w] as Partial<WindowFigures> | undefined;
      if (f && typeof f.consumed === 'number') {
        stats[w] = {
          limit: typeof f.limit === 'number' ? f.limit : null,
          consumed: f.consumed,
          left_over: typeof f.left_over === 'number' ? f.left_over : 0,
        };
      }
    }
    if (Object.keys(stats).length) {
      pacer.observeUsageStats(action.id, stats, requestedAt);
      updated += 1;
    }
  }
  return updated;
}

/**
 * One poll of Apollo's usage stats, fed to the pacer; returns how many endpoints it updated.
 * A failure (a scoped key gets 403) is logged once, not at every poll.
 */
export function createUsagePoll(options: {
  upstream: Upstream;
  credentials: CredentialSource;
  pacer: Pacer;
  logger: Logger;
  monotonic: () => number;
}): () => Promise<number> {
  let warned = false;
  return async (): Promise<number> => {
    const credential = await options.credentials.current().catch(() => null);
    if (!credential) return 0;
    const requestedAt = options.monotonic();
    const answer = await options.upstream.call(getAction('usage.stats'), {}, credential, {
      agentId: 'gatehouse',
    });
    if (!answer.ok) {
      if (!warned) {
        warned = true;
        options.logger.warn(
          { reason: answer.error.message },
          "could not read Apollo's usage stats (a scoped key may lack that endpoint); pacing learns from rate headers instead",
        );
      }
      return 0;
    }
    return applyUsageStats(options.pacer, answer.value.body, requestedAt);
  };
}
