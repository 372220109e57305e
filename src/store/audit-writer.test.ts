// Group commit: writes issued together share one transaction, each caller still learns its own
// result only after the commit, order is kept, and one failing write does not fail its neighbours.
import { sql } from 'kysely';
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
  // On SQLite, batches are written with precompiled statements; Kysely's path (Postgres's) is
  // tested on both databases too.
  const repo = (precompiled = true) =>
    createAuditRepository(t.handle.db, {
      ...createTestClock(),
      ...(precompiled && t.handle.sqlite ? { sqlite: t.handle.sqlite } : {}),
    });

  it.each([true, false])(
    'commits writes issued in the same turn in one transaction, in order (precompiled: %s)',
    async (precompiled) => {
      const repository = repo(precompiled);
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
      expect(completed.map((r) => must(r).id)).toEqual(ids);
      for (const [i, id] of ids.entries()) {
        expect(await repository.get(id)).toMatchObject({ credits: i, upstreamStatus: 200 });
      }
      const page = await repository.query({ limit: 100 });
      expect(page.records.filter((r) => r.completedAt !== null)).toHaveLength(20);
    },
  );

  it('applies a completion issued right after its open in the same batch', async () => {
    const repository = repo();
    const writer = createAuditWriter(repository);
    const opening = writer.open(record);
    // The id is known only once the open resolves; a second record's open and the first's
    // completion then share a batch.
    const id = must(await opening).id;
    const [second, done] = await Promise.all([
      writer.open(record),
      writer.complete(id, { upstreamStatus: 200 }),
    ]);
    expect((await repository.get(must(done).id))?.completedAt).not.toBeNull();
    expect((await repository.get(must(second).id))?.completedAt).toBeNull();
    // A second completion of the same record is refused, through the writer as directly.
    const again = await writer.complete(id, { upstreamStatus: 500 });
    expect(again.ok ? 'completed twice' : again.error.code).toBe('audit_already_completed');
  });

  it.each([true, false])(
    'refuses a completion the record does not allow, saying why (precompiled: %s)',
    async (precompiled) => {
      const repository = repo(precompiled);
      const [opened, pending] = await repository.writeBatch([
        { kind: 'open', record },
        { kind: 'open', record: { ...record, decision: 'pending' } },
      ]);
      const codes = (
        await repository.writeBatch([
          { kind: 'complete', id: 'aud_missing', fields: { upstreamStatus: 200 } },
          { kind: 'complete', id: must(pending!).id, fields: { upstreamStatus: 200 } },
          { kind: 'complete', id: must(opened!).id, fields: { decision: 'approved' } },
          { kind: 'complete', id: must(pending!).id, fields: { decision: 'approved' } },
          { kind: 'complete', id: must(pending!).id, fields: { decision: 'rejected' } },
        ])
      ).map((r) => (r.ok ? 'ok' : r.error.code));
      expect(codes).toEqual([
        'audit_not_found',
        'audit_invalid_transition',
        'audit_invalid_transition',
        'ok',
        'audit_already_completed',
      ]);
      expect(await repository.get(must(pending!).id)).toMatchObject({ decision: 'approved' });
    },
  );

  if (t.dialect === 'postgres') {
    it('commits a completion alone in one statement that skips the WAL flush, leaving the session as it was', async () => {
      const repository = repo(false);
      const [opened] = await repository.writeBatch([{ kind: 'open', record }]);
      t.queries.length = 0;
      const [done] = await repository.writeBatch([
        { kind: 'complete', id: must(opened!).id, fields: { upstreamStatus: 200 } },
      ]);
      expect(must(done!).id).toBe(must(opened!).id);
      expect(t.queries).toHaveLength(1);
      expect(t.queries[0]).toMatch(/^update .*set_config\('synchronous_commit', 'off', true\)/);
      expect((await repository.get(must(opened!).id))?.upstreamStatus).toBe(200);
      // The setting is the statement's own transaction's: in force as it ends (so at its
      // commit), gone after it on the same connection.
      const seen = await t.handle.db.connection().execute(async (conn) => {
        const during = await sql<{ setting: string }>`
          update audit_records set sentence = sentence
          where id = ${must(opened!).id} and set_config('synchronous_commit', 'off', true) is not null
          returning current_setting('synchronous_commit') as setting`.execute(conn);
        const after = await sql<{
          setting: string;
        }>`select current_setting('synchronous_commit') as setting`.execute(conn);
        return [during.rows[0]?.setting, after.rows[0]?.setting];
      });
      expect(seen).toEqual(['off', 'on']);
      // An opening record alone is still committed durably: no setting in its statement.
      t.queries.length = 0;
      await repository.writeBatch([{ kind: 'open', record }]);
      expect(t.queries.join(' ')).not.toMatch(/synchronous_commit/);
    });
  }

  it('never writes a batch inside another caller’s open transaction', async () => {
    const repository = repo();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    // Another caller's transaction, rolled back once the batch has been issued.
    const other = t.handle.db
      .transaction()
      .execute(async () => {
        entered();
        await held;
        throw new Error('rolled back');
      })
      .catch((e: Error) => e.message);
    await inside;
    const writing = repository.writeBatch([{ kind: 'open', record }]);
    await new Promise((r) => setImmediate(r));
    release();
    expect(await other).toBe('rolled back');
    const [written] = await writing;
    // Written after the rollback, in its own transaction: it stands.
    expect(await repository.get(must(written!).id)).toMatchObject({ action: 'people.search' });
  });

  it('returns a validation failure to its caller without failing the batch', async () => {
    const repository = repo();
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

describe('audit writer flushed', () => {
  it('resolves once every write issued before it has settled, not later ones', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const batches: number[] = [];
    const writer = createAuditWriter({
      writeBatch: async (writes: readonly AuditWrite[]) => {
        batches.push(writes.length);
        if (batches.length === 1) await gate;
        return writes.map(() => ok({ id: 'aud_x' }));
      },
    });
    await writer.flushed();
    const first = writer.open(record);
    let flushed = false;
    const flushing = writer.flushed().then(() => (flushed = true));
    await new Promise((r) => setImmediate(r));
    // The first batch is being written; a write issued now goes in the next one.
    const second = writer.open(record);
    await new Promise((r) => setImmediate(r));
    expect(flushed).toBe(false);
    release();
    await flushing;
    await first;
    await second;
    expect(batches).toEqual([1, 1]);
  });
});
