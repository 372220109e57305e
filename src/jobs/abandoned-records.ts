// Audit records a process left open when it ended with calls in flight (SIGKILL, a crash, the
// machine lost): nothing will complete them, so they would read "waiting for Apollo" for ever. A
// record is only ever this old while open if its process is gone: a live call gives up after the
// longest queue wait plus the upstream timeout. Past that (and a margin), the record is completed
// as what it is: the outcome is unknown, since the call may have reached Apollo. Held calls
// (pending an admin's answer) are open by design and are left alone.
import { describe, stoppedBeforeAnswer } from '../core/index.js';
import type { Logger } from '../ports/index.js';
import type { Store } from '../store/index.js';

/** How often the running server looks for them. */
export const abandonedRecordsIntervalMs = 30_000;
/** Added to the longest a live call can take, for clocks and slow completions. */
export const abandonedMarginMs = 5_000;

/** Records completed per run at most: a huge backlog is worked through over several runs. */
const perRun = 1_000;

/**
 * Completes the open records of calls older than `olderThanMs` (allowed or approved ones, never a
 * held one) as "outcome unknown: Gatehouse stopped before Apollo answered"; returns how many.
 */
export async function completeAbandonedRecords(options: {
  readonly store: Pick<Store, 'audit'>;
  readonly olderThanMs: number;
  readonly logger: Logger;
  readonly now?: () => number;
}): Promise<number> {
  const now = options.now ?? Date.now;
  const until = now() - options.olderThanMs;
  let completed = 0;
  const stale = options.store.audit.stream(
    { open: true, until, decision: ['allowed', 'approved'] },
    { batchSize: 200 },
  );
  for await (const r of stale) {
    const fields = {
      upstreamStatus: null,
      credits: 0,
      durationMs: null,
      errorCode: 'write_outcome_unknown',
      reason: stoppedBeforeAnswer,
    } as const;
    const done = await options.store.audit.complete(r.id, {
      ...fields,
      sentence: describe({ ...r, ...fields, rule: r.rule ?? '', completed: true }),
    });
    // Completed meanwhile (a slow call that did finish): its own completion stands.
    if (done.ok) completed += 1;
    if (completed >= perRun) break;
  }
  if (completed > 0) {
    options.logger.warn(
      { completed },
      'completed audit records left open by a Gatehouse process that stopped with calls in flight: their outcome is unknown',
    );
  }
  return completed;
}
