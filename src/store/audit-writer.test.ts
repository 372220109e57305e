// Group commit: writes issued together share one transaction, each caller still learns its own
// result only after the commit, order is kept, and one failing write does not fail its neighbours.
import { describe, expect, it } from 'vitest';

import { createTestClock, describeEachDatabase } from '../../test/store/databases.js';
import { ok } from '../core/result.js';
import { createAuditRepository } from './audit-repository.js';
import type { AuditRepository, AuditWrite, OpenAuditInput } from './audit-repository.js';
import { createAuditWriter } from './audit-writer.js';

const record: OpenAuditInput = {
  agentId: 'agt_1',
  agentName: 'Outreach bot',
  surface: 'rest',
  action: 'people.search',
  params: { page: 1 },
  decision: 'allowed',
  rule: 'people=read',
  sentence: 'Outreach bot searched the people database',
};

function must<T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

describeEachDatabase('audit writer', (t) => {
  it('commits writes issued in the same turn in one transaction, in order', async () => {
    const repository = createAuditRepository(t.handle.db, createTestClock());
    const batches: number[] = [];
    const writer = createAuditWriter({
      writeBatch: (writes) => {
        batches.push(writes.length);
        return repository.writeBatch(writes);
      },
    });
    const opened = await Promise.all(Array.from({ length: 20 }, () => writer.open(record)));
    expect(batches).toEqual([20]);
    const ids = opened.map((r) => must(r).id);
    expect(new Set(ids).size).toBe(20);
    expect([...ids].sort()).toEqual(ids);

    // Each promise resolved after its commit: the rows are there, open.
    for (const id of ids) expect((await repository.get(id))?.completedAt).toBeNull();

    const completed = await Promise.all(
      ids.map((id, i) => writer.complete(id, { upstreamStatus: 200, credits: i })),
    );
    expect(batches).toEqual([20, 20]);
    expect(completed.map((r) => must(r).credits)).toEqual(ids.map((_, i) => i));
    const page = await repository.query({ limit: 100 });
    expect(page.records.filter((r) => r.completedAt !== null)).toHaveLength(20);
  });

  it('applies a completion issued right after its open in the same batch', async () => {
    const repository = createAuditRepository(t.handle.db, createTestClock());
    const writer = createAuditWriter(repository);
    const opening = writer.open(record);
    // The id is known only once the open resolves; a second record's open and the first's
    // completion then share a batch.
    const id = must(await opening).id;
    const [second, done] = await Promise.all([
      writer.open(record),
      writer.complete(id, { upstreamStatus: 200 }),
    ]);
    expect(must(done).completedAt).not.toBeNull();
    expect(must(second).completedAt).toBeNull();
    // A second completion of the same record is refused, through the writer as directly.
    const again = await writer.complete(id, { upstreamStatus: 500 });
    expect(again.ok ? 'completed twice' : again.error.code).toBe('audit_already_completed');
  });

  it('returns a validation failure to its caller without failing the batch', async () => {
    const repository = createAuditRepository(t.handle.db, createTestClock());
    const writer = createAuditWriter(repository);
    const [good, bad] = await Promise.all([
      writer.open(record),
      writer.open({ ...record, surface: 'carrier-pigeon' as OpenAuditInput['surface'] }),
    ]);
    expect(good.ok).toBe(true);
    expect(bad.ok).toBe(false);
    expect(await repository.count()).toBe(1);
  });
});

describe('audit writer failures', () => {
  it('retries a failed transaction write by write so only the bad write fails', async () => {
    const written: string[] = [];
    const repository: Pick<AuditRepository, 'writeBatch'> = {
      writeBatch: (writes: readonly AuditWrite[]) => {
        if (writes.some((w) => w.kind === 'open' && w.record.agentName === 'poison')) {
          return Promise.reject(new Error('disk I/O error'));
        }
        for (const w of writes) if (w.kind === 'open') written.push(w.record.agentName ?? '');
        return Promise.resolve(writes.map(() => ok({ id: 'aud_x' } as never)));
      },
    };
    const writer = createAuditWriter(repository);
    const results = await Promise.allSettled([
      writer.open({ ...record, agentName: 'a' }),
      writer.open({ ...record, agentName: 'poison' }),
      writer.open({ ...record, agentName: 'b' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(written).toEqual(['a', 'b']);
    expect(writer.queued()).toBe(0);
  });

  it('splits long queues into batches of at most maxBatch', async () => {
    const sizes: number[] = [];
    const writer = createAuditWriter(
      {
        writeBatch: (writes) => {
          sizes.push(writes.length);
          return Promise.resolve(writes.map(() => ok({ id: 'aud_x' } as never)));
        },
      },
      { maxBatch: 4 },
    );
    await Promise.all(Array.from({ length: 10 }, () => writer.open(record)));
    expect(sizes).toEqual([4, 4, 2]);
  });
});
