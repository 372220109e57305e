// Gatehouse's background jobs, all on the one scheduler: what runs, how often, and what each does.
import { deliveryRetentionMs } from '../deliveries/deliveries.js';
import type { Logger } from '../ports/index.js';
import type { Store } from '../store/index.js';

import {
  abandonedMarginMs,
  abandonedRecordsIntervalMs,
  completeAbandonedRecords,
} from './abandoned-records.js';
import { pruneAuditRecords, retentionIntervalMs } from './audit-retention.js';
import type { Job } from './scheduler.js';
import { usagePollIntervalMs } from './usage-poll.js';

export { completeAbandonedRecords } from './abandoned-records.js';
export { pruneAuditRecords, retentionIntervalMs } from './audit-retention.js';
export { startScheduler, type Job, type Scheduler } from './scheduler.js';
export { applyUsageStats, createUsagePoll, usagePollIntervalMs } from './usage-poll.js';

/** How often due asynchronous deliveries are polled at Apollo. */
export const deliveryPollIntervalMs = 5_000;
/** How often held calls nobody answered are expired. */
export const approvalExpiryIntervalMs = 30_000;

/** What the jobs work on. */
export interface JobDeps {
  readonly store: Pick<Store, 'audit'>;
  readonly auditRetentionDays: number;
  /** The longest a live call can take (queue wait plus upstream timeout), in ms. */
  readonly longestCallMs: number;
  readonly enrichment: { prune(now: number): Promise<unknown> };
  readonly deliveries: { prune(before: number): Promise<unknown>; pollDue(): Promise<unknown> };
  readonly approvals: { expireApprovals(): Promise<unknown> };
  /** One poll of Apollo's usage stats (see usage-poll.ts). */
  readonly pollUsage: () => Promise<unknown>;
  readonly logger: Logger;
  readonly now?: () => number;
}

/** The server's background jobs. */
export function backgroundJobs(deps: JobDeps): Job[] {
  const now = deps.now ?? Date.now;
  return [
    {
      name: 'prune audit records past their retention',
      everyMs: retentionIntervalMs,
      runAtStart: true,
      run: () =>
        pruneAuditRecords({
          store: deps.store,
          days: deps.auditRetentionDays,
          logger: deps.logger,
          now,
        }),
    },
    {
      name: 'complete audit records left open by a stopped process',
      // A record becomes due `olderThan` after its call began: look at least twice that often.
      everyMs: Math.min(
        abandonedRecordsIntervalMs,
        Math.max(1_000, Math.round((deps.longestCallMs + abandonedMarginMs) / 2)),
      ),
      runAtStart: true,
      run: () =>
        completeAbandonedRecords({
          store: deps.store,
          olderThanMs: deps.longestCallMs + abandonedMarginMs,
          logger: deps.logger,
          now,
        }),
    },
    {
      name: 'prune the enrichment cache and old deliveries',
      everyMs: retentionIntervalMs,
      run: async () => {
        await deps.enrichment.prune(now());
        // Delivered phones and emails are personal data: kept as long as Apollo keeps them.
        await deps.deliveries.prune(now() - deliveryRetentionMs);
      },
    },
    {
      name: 'expire held calls',
      everyMs: approvalExpiryIntervalMs,
      run: () => deps.approvals.expireApprovals(),
    },
    {
      name: 'poll for asynchronous deliveries',
      everyMs: deliveryPollIntervalMs,
      run: () => deps.deliveries.pollDue(),
    },
    {
      name: "read Apollo's usage stats",
      everyMs: usagePollIntervalMs,
      runAtStart: true,
      run: () => deps.pollUsage(),
    },
  ];
}
