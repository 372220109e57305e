import type { Result } from '../core/result.js';

import type {
  AuditCompletion,
  AuditWritten,
  AuditRepository,
  AuditWrite,
  OpenAuditInput,
} from './audit-repository.js';
import type { StoreError } from './errors.js';

/** Opens and completes audit records with group commit; see {@link createAuditWriter}. */
export interface AuditWriter {
  open(record: OpenAuditInput): Promise<Result<AuditWritten, StoreError>>;
  complete(id: string, fields: AuditCompletion): Promise<Result<AuditWritten, StoreError>>;
  /** Writes issued so far and not yet committed. */
  queued(): number;
  /**
   * Resolves once every write issued before the call has been committed (or has failed): a read
   * that waits for it sees this process's own writes. Resolves at once when none is outstanding.
   */
  flushed(): Promise<void>;
}

/** Most writes one transaction carries. */
export const maxAuditBatch = 256;

interface Queued {
  write: AuditWrite;
  resolve(result: Result<AuditWritten, StoreError>): void;
  reject(error: unknown): void;
}

/**
 * Group commit for the audit trail. Each commit costs a write to the WAL, and under load the two
 * writes of every call (open before Apollo, completion after) would queue behind one another. The
 * writer collects the writes issued in the same turn of the event loop, and those issued while a
 * transaction is being written, into one transaction. Every promise still resolves only once its
 * own write is committed, so "the record is on disk before Apollo is called" holds as before; an
 * idle gateway pays one `setImmediate` of delay. Writes are applied in the order they were issued;
 * if a transaction fails, its writes are retried one per transaction so only the bad one fails.
 */
export function createAuditWriter(
  repository: Pick<AuditRepository, 'writeBatch'>,
  options: { maxBatch?: number } = {},
): AuditWriter {
  const maxBatch = options.maxBatch ?? maxAuditBatch;
  let queue: Queued[] = [];
  let draining = false;
  // Writes are settled in the order they were issued, so one counter says how far it has come.
  let issued = 0;
  let settled = 0;
  let waiters: Array<{ upTo: number; resolve: () => void }> = [];

  function advance(count: number): void {
    settled += count;
    if (!waiters.length) return;
    const still = [];
    for (const w of waiters) {
      if (w.upTo <= settled) w.resolve();
      else still.push(w);
    }
    waiters = still;
  }

  async function drain(): Promise<void> {
    while (queue.length) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      try {
        const results = await repository.writeBatch(batch.map((q) => q.write));
        batch.forEach((q, i) => q.resolve(results[i]!));
      } catch (error) {
        if (batch.length === 1) batch[0]!.reject(error);
        // One failing write must not take its neighbours down: write them one by one.
        else for (const q of batch) await writeAlone(q);
      }
      advance(batch.length);
    }
    draining = false;
  }

  async function writeAlone(q: Queued): Promise<void> {
    try {
      const [result] = await repository.writeBatch([q.write]);
      q.resolve(result!);
    } catch (error) {
      q.reject(error);
    }
  }

  function enqueue(write: AuditWrite): Promise<Result<AuditWritten, StoreError>> {
    issued += 1;
    return new Promise((resolve, reject) => {
      queue.push({ write, resolve, reject });
      if (!draining) {
        draining = true;
        setImmediate(() => void drain());
      }
    });
  }

  return {
    open: (record) => enqueue({ kind: 'open', record }),
    complete: (id, fields) => enqueue({ kind: 'complete', id, fields }),
    queued: () => queue.length,
    flushed: () =>
      settled >= issued
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ upTo: issued, resolve })),
  };
}
