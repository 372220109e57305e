import { dayMs } from '../core/index.js';
import type { Logger } from '../ports/index.js';

import type { StoreServices } from './services.js';

/** How often the running server prunes audit records past their retention (every 6 hours). */
export const retentionIntervalMs = 6 * 60 * 60 * 1000;

/**
 * Deletes audit records older than `days`, once now and then every `intervalMs`, in the
 * background. A failure is logged and retried at the next interval; it never stops the server.
 */
export function startAuditRetention(options: {
  store: Pick<StoreServices, 'audit'>;
  days: number;
  logger: Logger;
  now?: () => number;
  intervalMs?: number;
}): { runOnce(): Promise<number>; stop(): void } {
  const now = options.now ?? Date.now;
  let running: Promise<number> | null = null;
  const runOnce = () => {
    running ??= (async () => {
      try {
        const removed = await options.store.audit.prune({
          olderThan: now() - options.days * dayMs,
        });
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
      } finally {
        running = null;
      }
    })();
    return running;
  };
  void runOnce();
  const timer = setInterval(() => void runOnce(), options.intervalMs ?? retentionIntervalMs);
  timer.unref();
  return { runOnce, stop: () => clearInterval(timer) };
}
