// Pins the alert evaluation over the shared audit table, on SQLite and Postgres: records are
// evaluated once they are settleMs old; one evaluator at a time holds the lease and the others do
// nothing; a replica taking over (after a release or an expired lease) neither misses records nor
// raises an alert again, even over records evaluated twice; a new deployment starts from now; the
// credit-pace rule reads the agent's budget; and a new address is alerted by one replica only.
import { expect, it } from 'vitest';

import { createTestClock, describeEachDatabase } from '../../test/store/databases.js';
import type { StoredAlert } from '../ports/alerts.js';
import type { Logger } from '../ports/index.js';
import { createAlertRepository } from '../store/alert-repository.js';
import { createAuditRepository } from '../store/audit-repository.js';
import type { OpenAuditInput } from '../store/audit-repository.js';

import { createAddressWatch } from './addresses.js';
import { auditEvaluationLease, createAlertEvaluator, type EvaluatorDeps } from './evaluator.js';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const settleMs = 1000;
const leaseMs = 10_000;

describeEachDatabase('alert evaluator', (t) => {
  const setup = () => {
    const clock = createTestClock(Date.parse('2026-11-23T12:00:00Z'));
    const store = createAlertRepository(t.handle.db, clock);
    const audit = createAuditRepository(t.handle.db, clock);
    const raised: Array<{ by: string; alert: StoredAlert }> = [];
    const evaluator = (holder: string, over: Partial<EvaluatorDeps> = {}) =>
      createAlertEvaluator({
        store,
        holder,
        now: clock.now,
        logger: silent,
        budget: async () => null,
        onRaised: (alert) => raised.push({ by: holder, alert }),
        options: { settleMs, leaseMs },
        ...over,
      });
    const record = async (input: Partial<OpenAuditInput>) => {
      const r = await audit.open({
        time: clock.now(),
        agentId: 'agt_scout',
        agentName: 'scout',
        surface: 'rest',
        action: 'deals.list',
        decision: 'denied',
        rule: 'no grant for deals',
        completedAt: input.time ?? clock.now(),
        ...input,
      });
      if (!r.ok) throw new Error(r.error.message);
      return r.value.id;
    };
    return { clock, store, audit, raised, evaluator, record };
  };

  it('reads a busy stretch in slices of about sliceRecords, letting calls run between, and raises the same alerts', async () => {
    const { clock, store, evaluator, record } = setup();
    let reads = 0;
    let sawCall = false;
    let callRan = false;
    const counted = {
      ...store,
      auditEvents: (range: Parameters<typeof store.auditEvents>[0]) => {
        reads += 1;
        if (callRan) sawCall = true;
        return store.auditEvents(range);
      },
    };
    const a = evaluator('replica-a', {
      store: counted,
      options: { settleMs, leaseMs, sliceRecords: 3 },
    });
    expect(await a.evaluateOnce()).toEqual([]);
    const burst = async (agentId: string, agentName: string) => {
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) {
        clock.advance(100);
        ids.push(await record({ agentId, agentName }));
      }
      clock.advance(settleMs);
      return ids;
    };
    // The first busy stretch teaches the evaluator how dense the records are.
    const first = await burst('agt_scout', 'scout');
    const [scout] = await a.evaluateOnce();
    expect(scout).toMatchObject({ kind: 'denial_burst', auditIds: first.slice(0, 5) });
    const second = await burst('agt_closer', 'closer');
    reads = 0;
    // A call waiting on the event loop when the evaluation starts runs before it ends.
    setImmediate(() => (callRan = true));
    const [closer] = await a.evaluateOnce();
    expect(closer).toMatchObject({
      kind: 'denial_burst',
      agentName: 'closer',
      auditIds: second.slice(0, 5),
    });
    expect(reads).toBeGreaterThan(4);
    expect(sawCall).toBe(true);
  });

  it('raises a denial burst once its records have settled, and only once', async () => {
    const { clock, store, raised, evaluator, record } = setup();
    const a = evaluator('replica-a');
    expect(await a.evaluateOnce()).toEqual([]); // the deployment's first evaluation starts now
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      clock.advance(10_000);
      ids.push(await record({}));
    }
    // The last denial is not yet settleMs old: four denials are no burst.
    clock.advance(settleMs - 1);
    expect(await a.evaluateOnce()).toEqual([]);
    clock.advance(1);
    const [alert] = await a.evaluateOnce();
    expect(alert).toMatchObject({
      kind: 'denial_burst',
      agentName: 'scout',
      auditIds: ids,
      message: 'scout was denied 5 times in 5 minutes.',
    });
    expect(raised.map((r) => r.alert.id)).toEqual([alert!.id]);
    clock.advance(5000);
    expect(await a.evaluateOnce()).toEqual([]);
    expect(await store.list({ limit: 10 })).toHaveLength(1);
  });

  it('lets one evaluator at a time work, and a successor neither misses nor repeats', async () => {
    const { clock, store, raised, evaluator, record } = setup();
    const a = evaluator('replica-a');
    const b = evaluator('replica-b');
    await a.evaluateOnce();
    for (let i = 0; i < 4; i++) {
      clock.advance(5000);
      await record({});
    }
    clock.advance(settleMs);
    // Both try at once: A holds the lease, B does nothing.
    await Promise.all([a.evaluateOnce(), b.evaluateOnce(), a.evaluateOnce(), b.evaluateOnce()]);
    // A shuts down and gives the lease up; B takes over where A stopped.
    await a.stop();
    clock.advance(5000);
    await record({});
    clock.advance(settleMs);
    const stored = await b.evaluateOnce();
    expect(stored.map((s) => s.kind)).toEqual(['denial_burst']);
    // B's detector was rebuilt from the records A had evaluated: the burst spans both.
    expect(stored[0]!.auditIds).toHaveLength(5);
    expect(raised.map((r) => r.by)).toEqual(['replica-b']);
    // More denials within the quiet time raise nothing, and A, stopped, evaluates nothing.
    clock.advance(5000);
    await record({});
    clock.advance(settleMs);
    expect(await b.evaluateOnce()).toEqual([]);
    expect(await a.evaluateOnce()).toEqual([]);
    expect(await store.list({ limit: 10 })).toHaveLength(1);
  });

  it('takes over from a holder that stopped without releasing, once its lease runs out', async () => {
    const { clock, store, raised, evaluator, record } = setup();
    const a = evaluator('replica-a');
    const b = evaluator('replica-b');
    await a.evaluateOnce();
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      await record({});
    }
    clock.advance(settleMs);
    expect(await a.evaluateOnce()).toHaveLength(1);
    // A dies before storing how far it got: put the watermark back to before the burst.
    await t.handle.db
      .updateTable('alert_evaluation')
      .set({ watermark: clock.now() - 60_000 })
      .where('name', '=', auditEvaluationLease)
      .execute();
    expect(await b.evaluateOnce()).toEqual([]); // A's lease still runs
    clock.advance(leaseMs);
    // B evaluates the same records again: the stored alert's key and quiet time hold.
    expect(await b.evaluateOnce()).toEqual([]);
    expect(raised.map((r) => r.by)).toEqual(['replica-a']);
    // A comes back: it lost the lease and evaluates nothing.
    clock.advance(1000);
    await record({});
    clock.advance(settleMs);
    expect(await a.evaluateOnce()).toEqual([]);
    expect(await store.list({ limit: 10 })).toHaveLength(1);
  });

  it('starts a new deployment from now, not from the records written before', async () => {
    const { clock, store, evaluator, record } = setup();
    for (let i = 0; i < 10; i++) {
      clock.advance(1000);
      await record({});
    }
    clock.advance(settleMs);
    expect(await evaluator('replica-a').evaluateOnce()).toEqual([]);
    const row = await t.handle.db
      .selectFrom('alert_evaluation')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(row.watermark).toBe(clock.now() - settleMs);
    expect(await store.list({ limit: 10 })).toEqual([]);
  });

  it('evaluates credit pace against the budget the agent has', async () => {
    const { clock, audit, evaluator } = setup();
    clock.set(Date.parse('2026-11-23T03:00:00Z'));
    const budgets: string[] = [];
    const a = evaluator('replica-a', {
      budget: async (agentId) => {
        budgets.push(agentId);
        return { day: 100, spentToday: 40 };
      },
    });
    await a.evaluateOnce();
    clock.advance(1000);
    const opened = await audit.open({
      agentId: 'agt_scout',
      agentName: 'scout',
      surface: 'mcp',
      action: 'people.match',
      decision: 'allowed',
      rule: 'people=read',
    });
    if (!opened.ok) throw new Error(opened.error.message);
    clock.advance(500);
    await audit.complete(opened.value.id, { credits: 9, upstreamStatus: 200 });
    clock.advance(settleMs);
    const [alert] = await a.evaluateOnce();
    expect(alert).toMatchObject({ kind: 'credit_pace', auditIds: [opened.value.id] });
    expect(alert!.message).toMatch(/spent 40 of its 100 daily credits by 03:00 UTC/);
    expect(budgets).toEqual(['agt_scout']);
  });

  it('alerts a new address once across replicas, and never the first or a known one', async () => {
    const { clock, store } = setup();
    const raised: string[] = [];
    const watch = (name: string) =>
      createAddressWatch({ store, logger: silent, onRaised: (a) => raised.push(name + a.id) });
    const [a, b] = [watch('a:'), watch('b:')];
    const agent = { id: 'agt_scout', name: 'scout' };
    a.noteUse(agent, '10.0.0.1', clock.now());
    await a.settled();
    b.noteUse(agent, '10.0.0.1', clock.now());
    a.noteUse(agent, null, clock.now());
    await b.settled();
    expect(raised).toEqual([]);
    a.noteUse(agent, '203.0.113.9', clock.now());
    b.noteUse(agent, '203.0.113.9', clock.now());
    await Promise.all([a.settled(), b.settled()]);
    expect(raised).toHaveLength(1);
    const [stored] = await store.list({ limit: 10 });
    expect(stored).toMatchObject({ kind: 'new_ip', agentId: 'agt_scout', auditIds: [] });
    expect(stored!.message).toContain('203.0.113.9');
    // Known now on both: a later call from there costs no query and raises nothing.
    t.queries.length = 0;
    a.noteUse(agent, '203.0.113.9', clock.now());
    await a.settled();
    expect(t.queries).toEqual([]);
    expect(raised).toHaveLength(1);
  });
});
