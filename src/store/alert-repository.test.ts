// Pins the alert store on SQLite and Postgres: an alert key is stored once however many replicas
// raise it at the same moment; an acknowledgement is made once and never overwritten; a new address
// is new to exactly one caller; the evaluation lease is held by one holder at a time, changes
// epoch when it changes hands and refuses a stale holder's watermark; the evaluator's view of the
// audit table leaves out admins' changes; and upgrading seeds each agent's last known address.
import { Migrator, sql } from 'kysely';
import { expect, it } from 'vitest';

import { createTestClock, describeEachDatabase } from '../../test/store/databases.js';
import type { NewAlert } from '../ports/alerts.js';

import { createAgentRepository } from './agent-repository.js';
import { createAlertRepository, maxAlertNoteLength } from './alert-repository.js';
import { createAuditRepository } from './audit-repository.js';
import type { OpenAuditInput } from './audit-repository.js';
import {
  migrateToLatest,
  migrationLockTableName,
  migrationProvider,
  migrationTableName,
} from './migrate.js';

const alert = (n: number, over: Partial<NewAlert> = {}): NewAlert => ({
  kind: 'denial_burst',
  time: 1_000 * n,
  agentId: 'agt_scout',
  agentName: 'scout',
  message: `scout was denied ${n} times in 5 minutes.`,
  auditIds: [`aud_${n}`],
  key: `denial_burst:agt_scout:${n}`,
  ...over,
});

describeEachDatabase('alert repository', (t) => {
  const setup = () => {
    const clock = createTestClock();
    return { clock, alerts: createAlertRepository(t.handle.db, clock) };
  };

  it('stores an alert once per key, even when raised from several replicas at once', async () => {
    const { alerts, clock } = setup();
    const first = await alerts.raise(alert(1));
    expect(first).toMatchObject({
      kind: 'denial_burst',
      time: 1_000,
      agentName: 'scout',
      auditIds: ['aud_1'],
      createdAt: clock.now(),
      acknowledgedAt: null,
      acknowledgedBy: null,
      acknowledgedNote: null,
    });
    expect(first!.id).toMatch(/^alr_[0-9a-z]{26}$/);
    expect(await alerts.raise(alert(1, { message: 'again' }))).toBeNull();
    // Three replicas, one connection pool each in production; here one pool racing itself.
    const replicas = [1, 2, 3].map(() => createAlertRepository(t.handle.db, clock));
    const raced = await Promise.all(replicas.map((r) => r.raise(alert(2))));
    expect(raced.filter((a) => a !== null)).toHaveLength(1);
    expect((await alerts.list({ limit: 10 })).map((a) => a.time)).toEqual([2_000, 1_000]);
  });

  it('lists newest first, open ones unless asked for all, from a time and up to a limit', async () => {
    const { alerts } = setup();
    for (const n of [3, 1, 2, 4]) await alerts.raise(alert(n));
    const all = await alerts.list({ limit: 10 });
    expect(all.map((a) => a.time)).toEqual([4_000, 3_000, 2_000, 1_000]);
    await alerts.acknowledge(all[1]!.id, { by: 'admin:api', at: 9_000 });
    expect((await alerts.list({ limit: 10 })).map((a) => a.time)).toEqual([4_000, 2_000, 1_000]);
    expect(
      (await alerts.list({ includeAcknowledged: true, limit: 10 })).map((a) => a.time),
    ).toEqual([4_000, 3_000, 2_000, 1_000]);
    expect((await alerts.list({ since: 2_000, limit: 10 })).map((a) => a.time)).toEqual([
      4_000, 2_000,
    ]);
    expect(await alerts.list({ limit: 2 })).toHaveLength(2);
  });

  it('acknowledges once: a second acknowledgement is told who did, and changes nothing', async () => {
    const { alerts } = setup();
    const raised = (await alerts.raise(alert(1)))!;
    const first = await alerts.acknowledge(raised.id, {
      by: 'admin:console',
      at: 5_000,
      note: 'expected: a new deployment',
    });
    expect(first).toEqual({
      status: 'acknowledged',
      alert: {
        ...raised,
        acknowledgedAt: 5_000,
        acknowledgedBy: 'admin:console',
        acknowledgedNote: 'expected: a new deployment',
      },
    });
    if (first.status !== 'acknowledged') throw new Error('not acknowledged');
    const second = await alerts.acknowledge(raised.id, { by: 'cli:alice', at: 6_000, note: 'x' });
    expect(second).toEqual({ status: 'already_acknowledged', alert: first.alert });
    expect(await alerts.get(raised.id)).toEqual(first.alert);
    expect(await alerts.acknowledge('alr_missing', { by: 'admin:api', at: 1 })).toEqual({
      status: 'not_found',
    });
    await expect(
      alerts.acknowledge(raised.id, { by: 'admin:api', at: 1, note: 'n'.repeat(1001) }),
    ).rejects.toThrow(`at most ${maxAlertNoteLength}`);
    await expect(alerts.acknowledge(raised.id, { by: '', at: 1 })).rejects.toThrow(/who/);
  });

  it('lets exactly one of two simultaneous acknowledgements win', async () => {
    const { alerts } = setup();
    const raised = (await alerts.raise(alert(1)))!;
    const outcomes = await Promise.all(
      ['admin:console', 'cli:alice'].map((by) => alerts.acknowledge(raised.id, { by, at: 7_000 })),
    );
    expect(outcomes.map((o) => o.status).sort()).toEqual(['acknowledged', 'already_acknowledged']);
    const winner = outcomes.find((o) => o.status === 'acknowledged')!;
    expect((await alerts.get(raised.id))?.acknowledgedBy).toBe(
      winner.status === 'acknowledged' ? winner.alert.acknowledgedBy : null,
    );
  });

  it('refuses an alert without a kind, agent or usable key, or with a time that is not epoch ms', async () => {
    const { alerts } = setup();
    await expect(alerts.raise(alert(1, { key: '' }))).rejects.toThrow(/key/);
    await expect(alerts.raise(alert(1, { key: 'k'.repeat(301) }))).rejects.toThrow(/key/);
    await expect(alerts.raise(alert(1, { agentId: '' }))).rejects.toThrow(/agent/);
    await expect(alerts.raise(alert(1, { time: 1.5 }))).rejects.toThrow(/epoch ms/);
    const long = await alerts.raise(alert(2, { message: 'm'.repeat(5000) }));
    expect(long!.message).toHaveLength(2000);
  });

  it('prunes alerts by the time they happened', async () => {
    const { alerts } = setup();
    for (const n of [1, 2, 3]) await alerts.raise(alert(n));
    expect(await alerts.prune({ olderThan: 2_500 })).toBe(2);
    expect(
      (await alerts.list({ includeAcknowledged: true, limit: 10 })).map((a) => a.time),
    ).toEqual([3_000]);
  });

  it('says an address is new to exactly one caller, and how many others the agent had', async () => {
    const { alerts } = setup();
    expect(await alerts.noteIp('agt_a', '10.0.0.1', 1)).toEqual({ added: true, others: 0 });
    expect(await alerts.noteIp('agt_a', '10.0.0.1', 2)).toEqual({ added: false, others: 0 });
    expect(await alerts.noteIp('agt_b', '10.0.0.1', 3)).toEqual({ added: true, others: 0 });
    const raced = await Promise.all(
      [1, 2, 3, 4].map(() => alerts.noteIp('agt_a', '203.0.113.9', 4)),
    );
    expect(raced.filter((r) => r.added)).toEqual([{ added: true, others: 1 }]);
  });

  it('holds the evaluation lease for one holder at a time and fences a stale one', async () => {
    const { alerts } = setup();
    const ttl = 10_000;
    const a = await alerts.acquireLease('audit', 'replica-a', 1_000, ttl);
    expect(a).toEqual({ epoch: 1, watermark: null });
    expect(await alerts.acquireLease('audit', 'replica-b', 5_000, ttl)).toBeNull();
    // Renewing keeps the epoch; storing a watermark renews too.
    expect(await alerts.acquireLease('audit', 'replica-a', 6_000, ttl)).toEqual({
      epoch: 1,
      watermark: null,
    });
    expect(
      await alerts.advance({
        name: 'audit',
        holder: 'replica-a',
        epoch: 1,
        watermark: 4_000,
        now: 7_000,
        ttlMs: ttl,
      }),
    ).toBe(true);
    expect(await alerts.acquireLease('audit', 'replica-b', 16_000, ttl)).toBeNull();
    // A's lease runs out: B takes it under a new epoch and sees A's watermark.
    const b = await alerts.acquireLease('audit', 'replica-b', 17_001, ttl);
    expect(b).toEqual({ epoch: 2, watermark: 4_000 });
    // A comes back from a pause: its watermark is refused, and it cannot take the lease back.
    expect(
      await alerts.advance({
        name: 'audit',
        holder: 'replica-a',
        epoch: 1,
        watermark: 9_000,
        now: 18_000,
        ttlMs: ttl,
      }),
    ).toBe(false);
    expect(await alerts.acquireLease('audit', 'replica-a', 18_000, ttl)).toBeNull();
    expect(
      await alerts.advance({
        name: 'audit',
        holder: 'replica-b',
        epoch: 2,
        watermark: 12_000,
        now: 18_000,
        ttlMs: ttl,
      }),
    ).toBe(true);
    // B shuts down and gives it up: A takes over at once.
    await alerts.releaseLease('audit', 'replica-b');
    expect(await alerts.acquireLease('audit', 'replica-a', 18_001, ttl)).toEqual({
      epoch: 3,
      watermark: 12_000,
    });
    // Releasing a lease one does not hold changes nothing.
    await alerts.releaseLease('audit', 'replica-b');
    expect(await alerts.acquireLease('audit', 'replica-b', 18_002, ttl)).toBeNull();
  });

  it('grants a lease nobody holds to exactly one of several replicas asking at once', async () => {
    const { alerts } = setup();
    const granted = await Promise.all(
      ['a', 'b', 'c', 'd'].map((h) => alerts.acquireLease('fresh', h, 1_000, 10_000)),
    );
    expect(granted.filter((g) => g !== null)).toEqual([{ epoch: 1, watermark: null }]);
    const winner = ['a', 'b', 'c', 'd'][granted.findIndex((g) => g !== null)]!;
    // Expired: three others ask at once; one takes it over, with the next epoch.
    const others = ['e', 'f', 'g'];
    const expired = await Promise.all(
      others.map((h) => alerts.acquireLease('fresh', h, 20_000, 10_000)),
    );
    expect(expired.filter((g) => g !== null)).toEqual([{ epoch: 2, watermark: null }]);
    const taker = others[expired.findIndex((g) => g !== null)]!;
    // Expired again: its holder renews it while others try to take it over. Exactly one of
    // them holds it afterwards (a renewal keeps the epoch, so the check cannot be on it alone).
    const contenders = [taker, winner, 'h', 'i'];
    const raced = await Promise.all(
      contenders.map((h) => alerts.acquireLease('fresh', h, 40_000, 10_000)),
    );
    const holders = contenders.filter((_, i) => raced[i] !== null);
    expect(holders).toHaveLength(1);
    expect(raced.find((g) => g !== null)).toEqual({
      epoch: holders[0] === taker ? 2 : 3,
      watermark: null,
    });
  });

  it("reads agents' records opened and completed in a range, without admins' changes", async () => {
    const { alerts, clock } = setup();
    const audit = createAuditRepository(t.handle.db, clock);
    const open = async (input: Partial<OpenAuditInput>) => {
      const r = await audit.open({
        agentId: 'agt_scout',
        agentName: 'scout',
        surface: 'rest',
        action: 'people.search',
        decision: 'allowed',
        rule: 'people=read',
        ...input,
      });
      if (!r.ok) throw new Error(r.error.message);
      return r.value.id;
    };
    const early = await open({ time: 1_000 });
    const call = await open({ time: 2_000 });
    const denied = await open({
      time: 2_500,
      decision: 'denied',
      rule: 'no grant for deals',
      completedAt: 2_500,
    });
    await open({ time: 2_600, agentId: null, agentName: null, decision: 'denied' });
    await open({
      time: 2_700,
      surface: 'cli',
      action: 'admin.agent_create',
      completedAt: 2_700,
    });
    await open({ time: 2_800, surface: 'admin', action: 'admin.grant', completedAt: 2_800 });
    await audit.complete(early, { completedAt: 2_200, credits: 1.5, upstreamStatus: 200 });
    await audit.complete(call, { completedAt: 4_000, credits: 1, upstreamStatus: 200 });

    const range = await alerts.auditEvents({ after: 1_000, upTo: 3_000 });
    expect(range.opened.map((e) => e.id)).toEqual([call, denied]);
    expect(range.opened[1]).toEqual({
      id: denied,
      time: 2_500,
      agentId: 'agt_scout',
      agentName: 'scout',
      action: 'people.search',
      decision: 'denied',
      rule: 'no grant for deals',
      credits: 0,
      completedAt: 2_500,
    });
    // Only completions that spent credits: no rule reads the others.
    expect(range.completed.map((e) => [e.id, e.credits])).toEqual([[early, 1.5]]);
    // Every record opened or completed in the range, from the indexes: agentless and admin ones too.
    expect(await alerts.auditEventCount({ after: 1_000, upTo: 3_000 })).toBe(9);
    const later = await alerts.auditEvents({ after: 3_000, upTo: 4_000 });
    expect(later).toEqual({ opened: [], completed: [expect.objectContaining({ id: call })] });
    expect(await alerts.auditEventCount({ after: 3_000, upTo: 4_000 })).toBe(1);
  });

  it("seeds each agent's last address on upgrade, so upgrading raises no new-address alert", async () => {
    const { alerts, clock } = setup();
    const agents = createAgentRepository(t.handle.db, clock);
    const created = await agents.create({ name: 'seeded' });
    if (!created.ok) throw new Error(created.error.message);
    await agents.touch(created.value.agent.id, '198.51.100.7', clock.now());
    const schema =
      t.dialect === 'postgres'
        ? (await sql<{ s: string }>`select current_schema() as s`.execute(t.handle.db)).rows[0]?.s
        : undefined;
    const migrator = new Migrator({
      db: t.handle.db,
      provider: migrationProvider,
      migrationTableName,
      migrationLockTableName,
      ...(schema ? { migrationTableSchema: schema } : {}),
    });
    const down = await migrator.migrateTo('0007_retired_tokens');
    expect(down.error).toBeUndefined();
    const up = await migrateToLatest(t.handle.db);
    // Every migration after 0007 runs again, 0008 (which seeds the addresses) first.
    expect(up.ok).toBe(true);
    if (up.ok) expect(up.value[0]).toBe('0008_alerts');
    expect(await alerts.noteIp(created.value.agent.id, '198.51.100.7', clock.now())).toEqual({
      added: false,
      others: 0,
    });
  });
});
