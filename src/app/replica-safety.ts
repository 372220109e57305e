// Whether this server may start as configured without overrunning what replicas must share.
// Replicas on one Postgres share agents, grants and the audit trail through it, but Apollo's rate
// windows, the credit budgets in flight and login throttles only through Redis: without it each
// replica counts alone, and together they overrun Apollo's windows (upstream 429s) and the
// budgets. So a Postgres start without GATEHOUSE_REDIS_URL is refused unless the operator says it
// is the only replica (GATEHOUSE_SINGLE_REPLICA=true), and that promise is then held by a lock a
// second such replica cannot take. A SQLite file without Redis is the same promise on one
// machine: a second server on the same file is refused by a lock beside it.
import type { Config } from '../config/config.js';
import { ConfigError } from '../config/config.js';
import type { Logger } from '../ports/index.js';
import {
  holdSingleReplicaLock,
  holdSqliteServerLock,
  isPostgresUrl,
  type SingleReplicaLock,
} from '../store/index.js';

/** What an operator reads when a Postgres replica is started without Redis or the promise. */
export const noRedisMessage =
  "GATEHOUSE_DB is Postgres but GATEHOUSE_REDIS_URL is not set. Replicas share Apollo's rate windows and the credit budgets only through Redis: without it, two replicas would each count alone and together overrun Apollo's windows. " +
  'Set GATEHOUSE_REDIS_URL (every replica, the same Redis), or, if this is the only replica, set GATEHOUSE_SINGLE_REPLICA=true (a second replica started that way is refused).';

/**
 * Refuses (throws a {@link ConfigError}) a start that would count shared limits apart; for a
 * promised single replica, takes the lock that holds the promise (release it on stop).
 */
export async function checkReplicaSafety(
  config: Config,
  logger: Logger,
): Promise<SingleReplicaLock | null> {
  if (config.redisUrl) return null;
  if (!isPostgresUrl(config.db)) return holdSqliteServerLock(config.db);
  if (!config.singleReplica) throw new ConfigError(noRedisMessage);
  const lock = await holdSingleReplicaLock(config.db, logger, config.pgConnectTimeoutMs);
  logger.warn(
    { reason: 'single_replica' },
    "running as the only replica on this Postgres (GATEHOUSE_SINGLE_REPLICA=true, no Redis): Apollo's windows and credit budgets are counted in this process; a second replica started this way is refused",
  );
  return lock;
}
