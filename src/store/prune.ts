// Pruning in batches, so a large prune never holds the write lock long enough to stall live calls.

/** Rows one prune statement deletes at most. */
export const pruneBatchSize = 5000;

/**
 * Runs `deleteBatch` (which deletes up to `pruneBatchSize` rows and says how many) until a batch
 * comes back short; returns the total deleted.
 */
export async function pruneInBatches(
  deleteBatch: (limit: number) => Promise<number | bigint>,
): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = Number(await deleteBatch(pruneBatchSize));
    total += deleted;
    if (deleted < pruneBatchSize) return total;
  }
}
