import { dayMs } from '../core/index.js';
import type { Logger } from '../ports/index.js';

import type { Store } from '../store/index.js';

/** How often the running server prunes audit records past their retention (every 6 hours). */
export const retentionIntervalMs = 6 * 60 * 60 * 1000;

/**
 * Deletes audit records older than `days`; returns how many. A failure is logged and answered
 * with 0 (the scheduler tries again at its next tick); it never stops the server.
 */
export async function pruneAuditRecords(options: {
  store: Pick<Store, 'audit'>;
  days: number;
  logger: Logger;
  now?: () => number;
}): Promise<number> {
  const now = options.now ?? Date.now;
  try {
    const removed = await options.store.audit.prune({ olderThan: now() - options.days * dayMs });
    if (removed > 0) {
      options.logger.info(
        { removed, retentionDays: options.days },
        'pruned audit records past their retention',
      );
    }
    return removed;
  } catch (error) {
    options.logger.warn({ err: error }, 'could not prune old audit records; will retry');
    return 0;
  }
}
