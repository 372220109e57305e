// Pins the audit trail's append-only contract: open before the call, complete exactly once,
// no update or delete, filters, newest-first keyset pages, constant-memory streaming, pruning by age.
import { expect, it } from 'vitest';

import { createTestClock, describeEachDatabase } from '../../test/store/databases.js';
import { createAuditRepository } from './audit-repository.js';
import type { AuditDecision, OpenAuditInput } from './audit-repository.js';
import type { AuditRecordsTable } from './db.js';
import { createUlidFactory } from './ids.js';

function must<T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

const base: OpenAuditInput = {
  agentId: 'agt_outreach',
  agentName: 'Outreach bot',
  surface: 'rest',
  action: 'people.search',
  target: "titles 'VP Sales' in Germany",
  params: { person_titles: ['VP Sales'], page: 2 },
  decision: 'allowed',
  rule: 'people=read',
  sentence: "Outreach bot searched the people database for titles 'VP Sales' in Germany",
};

describeEachDatabase('audit repository', (t) => {
  const setup = () => {
    const clock = createTestClock();
    return { clock, audit: createAuditRepository(t.handle.db, clock) };
  };

  it('offers no way to update or delete a record other than completing it and pruning by age', () => {
    const { audit } = setup();
    expect(Object.keys(audit).sort()).toEqual([
      'complete',
      'count',
      'get',
      'open',
      'prune',
      'query',
      'stream',
      'sumCredits',
      'writeBatch',
    ]);
  });

  it('opens a record before the call and completes it exactly once', async () => {
    const { audit, clock } = setup();
    const opened = must(await audit.open(base));
    expect(opened).toMatchObject({
      ...base,
      time: clock.now(),
      completedAt: null,
      upstreamStatus: null,
      credits: 0,
      durationMs: null,
      reason: null,
      errorCode: null,
    });
    expect(opened.id).toMatch(/^aud_[0-9a-z]{26}$/);
    expect(await audit.get(opened.id)).toEqual(opened);

    clock.advance(181);
    const completed = must(
      await audit.complete(opened.id, {
        upstreamStatus: 200,
        credits: 0,
        durationMs: 181,
        sentence: `${base.sentence}: allowed by people=read. Apollo answered 200 in 181 ms.`,
      }),
    );
    expect(completed).toMatchObject({
      id: opened.id,
      time: opened.time,
      completedAt: clock.now(),
      upstreamStatus: 200,
      durationMs: 181,
      decision: 'allowed',
      params: base.params,
      target: base.target,
    });
    expect(await audit.get(opened.id)).toEqual(completed);

    const again = await audit.complete(opened.id, { upstreamStatus: 500, credits: 99 });
    expect(again).toMatchObject({ ok: false, error: { code: 'audit_already_completed' } });
    expect(await audit.get(opened.id)).toEqual(completed);
    expect(await audit.complete('aud_nope', {})).toMatchObject({
      ok: false,
      error: { code: 'audit_not_found' },
    });
  });

  it('lets exactly one of two racing completions win', async () => {
    const { audit } = setup();
    const { id } = must(await audit.open(base));
    const results = await Promise.all([
      audit.complete(id, { upstreamStatus: 200 }),
      audit.complete(id, { upstreamStatus: 502 }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toMatchObject([
      { error: { code: 'audit_already_completed' } },
    ]);
  });

  it('writes a denial complete from the start, and refuses to complete it later', async () => {
    const { audit, clock } = setup();
    const denied = must(
      await audit.open({
        ...base,
        agentId: null,
        agentName: null,
        action: 'people.exfiltrate',
        decision: 'denied',
        rule: 'authenticate',
        reason: 'unknown token',
        errorCode: 'not_granted',
        completedAt: clock.now(),
      }),
    );
    expect(denied).toMatchObject({ agentId: null, decision: 'denied', completedAt: clock.now() });
    expect(await audit.complete(denied.id, { decision: 'denied' })).toMatchObject({
      ok: false,
      error: { code: 'audit_already_completed' },
    });
  });

  it('moves a pending record to its outcome, and only a pending one', async () => {
    const { audit } = setup();
    const held = must(
      await audit.open({ ...base, decision: 'pending', rule: 'contacts=full+approval' }),
    );
    expect(await audit.complete(held.id, { upstreamStatus: 200 })).toMatchObject({
      ok: false,
      error: { code: 'audit_invalid_transition' },
    });
    expect(await audit.complete(held.id, { decision: 'pending' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(
      must(await audit.complete(held.id, { decision: 'approved', rule: 'approved by alice' })),
    ).toMatchObject({ decision: 'approved', rule: 'approved by alice' });

    const allowed = must(await audit.open(base));
    expect(await audit.complete(allowed.id, { decision: 'approved' })).toMatchObject({
      ok: false,
      error: { code: 'audit_invalid_transition' },
    });
    expect(
      must(await audit.complete(allowed.id, { decision: 'allowed' })).completedAt,
    ).not.toBeNull();
  });

  it('accepts unknown action strings but refuses unknown surfaces, decisions and bad numbers', async () => {
    const { audit } = setup();
    const long = must(await audit.open({ ...base, action: `x${'y'.repeat(500)}` }));
    expect(long.action).toHaveLength(200);
    for (const bad of [
      { ...base, surface: 'email' as 'rest' },
      { ...base, decision: 'maybe' as AuditDecision },
      { ...base, action: '' },
      { ...base, credits: -1 },
      { ...base, params: { n: 1n } },
      { ...base, time: 1.5 },
    ]) {
      expect(await audit.open(bad)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    }
    expect(await audit.count()).toBe(1);
  });

  it('filters by agent, action, decision, time range and text, alone and combined', async () => {
    const { audit, clock } = setup();
    const seed: [string, string, AuditDecision, string][] = [
      ['agt_a', 'people.search', 'allowed', 'Searched for VP Sales in Germany'],
      ['agt_a', 'contacts.create', 'denied', 'Tried to create contact Jane Doe: 100% blocked'],
      ['agt_b', 'people.search', 'allowed', 'Searched for CTOs in France'],
      ['agt_b', 'deals.update', 'pending', 'Wants to update deal Acme_renewal'],
      ['agt_a', 'people.search', 'denied', 'Searched for vp sales in Spain'],
    ];
    const ids: string[] = [];
    for (const [agentId, action, decision, sentence] of seed) {
      clock.advance(1000);
      ids.push(
        must(await audit.open({ ...base, agentId, action, decision, sentence, target: '' })).id,
      );
    }
    const t0 = clock.now() - 5000;
    const found = async (filters: Parameters<typeof audit.query>[0]) =>
      (await audit.query(filters)).records.map((r) => ids.indexOf(r.id));

    expect(await found({ limit: 10 })).toEqual([4, 3, 2, 1, 0]);
    expect(await found({ limit: 10, agentId: 'agt_a' })).toEqual([4, 1, 0]);
    expect(await found({ limit: 10, action: 'people.search' })).toEqual([4, 2, 0]);
    // A group finds its actions; a partial word or a wildcard finds nothing it should not.
    expect(await found({ limit: 10, action: 'people' })).toEqual([4, 2, 0]);
    expect(await found({ limit: 10, action: 'People' })).toEqual([4, 2, 0]);
    expect(await found({ limit: 10, action: 'peop' })).toEqual([]);
    expect(await found({ limit: 10, action: 'deals' })).toEqual([3]);
    expect(await found({ limit: 10, action: '%' })).toEqual([]);
    expect(await found({ limit: 10, action: 'people_search' })).toEqual([]);
    expect(await found({ limit: 10, action: 'people.search.x' })).toEqual([]);
    expect(await found({ limit: 10, decision: 'denied' })).toEqual([4, 1]);
    expect(await found({ limit: 10, decision: ['pending', 'denied'] })).toEqual([4, 3, 1]);
    expect(await found({ limit: 10, decision: [] })).toEqual([]);
    expect(await found({ limit: 10, since: t0 + 2000, until: t0 + 4000 })).toEqual([2, 1]);
    expect(await found({ limit: 10, text: 'VP SALES' })).toEqual([4, 0]);
    expect(await found({ limit: 10, text: '100%' })).toEqual([1]);
    expect(await found({ limit: 10, text: '_renewal' })).toEqual([3]);
    expect(await found({ limit: 10, text: 'a_m' })).toEqual([]);
    expect(await found({ limit: 10, text: 'agt' })).toEqual([]);
    expect(await found({ limit: 10, text: 'outreach' })).toEqual([4, 3, 2, 1, 0]);
    expect(
      await found({ limit: 10, agentId: 'agt_a', action: 'people.search', decision: 'allowed' }),
    ).toEqual([0]);
    expect(await audit.count({ agentId: 'agt_a' })).toBe(3);
    expect(await audit.count({ text: 'searched', since: t0 + 2000 })).toBe(2);
  });

  it('pages newest first by keyset, also within one millisecond, with no gaps or repeats', async () => {
    const { audit, clock } = setup();
    const opened: string[] = [];
    for (let i = 0; i < 25; i++) {
      if (i % 10 === 0) clock.advance(1);
      opened.push(must(await audit.open({ ...base, target: `#${i}` })).id);
    }
    expect([...opened].sort()).toEqual(opened);
    const seen: string[] = [];
    let before: string | undefined;
    let pages = 0;
    do {
      const page = await audit.query({ limit: 10, ...(before ? { before } : {}) });
      seen.push(...page.records.map((r) => r.id));
      before = page.nextBefore ?? undefined;
      pages++;
    } while (before);
    expect(pages).toBe(3);
    expect(seen).toEqual([...opened].reverse());
    const times = (await audit.query({ limit: 1000 })).records.map((r) => r.time);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('streams 5,000 records in keyset batches, lazily, oldest first by default', async () => {
    const { audit, clock } = setup();
    const nextId = createUlidFactory('aud_');
    const rows: AuditRecordsTable[] = [];
    for (let i = 0; i < 5000; i++) {
      const time = clock.now() + Math.floor(i / 3);
      rows.push({
        id: nextId(time),
        time,
        agent_id: i % 2 === 0 ? 'agt_even' : 'agt_odd',
        agent_name: 'bot',
        surface: 'mcp',
        action: 'people.search',
        target: `#${i}`,
        params: '{}',
        decision: 'allowed',
        rule: 'people=read',
        reason: null,
        upstream_status: 200,
        credits: 0,
        duration_ms: 1,
        sentence: `call ${i}`,
        completed_at: time,
        error_code: null,
      });
    }
    for (let i = 0; i < rows.length; i += 500) {
      await t.handle.db
        .insertInto('audit_records')
        .values(rows.slice(i, i + 500))
        .execute();
    }
    t.queries.length = 0;
    const selects = () => t.queries.filter((q) => /^select/i.test(q)).length;

    const iterator = audit.stream({}, { batchSize: 500 });
    const first = await iterator.next();
    expect(first.value?.target).toBe('#0');
    expect(selects()).toBe(1);
    let n = 1;
    let previous = first.value?.id ?? '';
    for await (const record of iterator) {
      expect(record.id > previous).toBe(true);
      previous = record.id;
      n++;
    }
    expect(n).toBe(5000);
    // 10 full batches, then one empty read to learn there is no more.
    expect(selects()).toBe(11);

    t.queries.length = 0;
    let odd = 0;
    let last = '';
    for await (const record of audit.stream(
      { agentId: 'agt_odd' },
      { batchSize: 1000, order: 'desc' },
    )) {
      if (last) expect(record.id < last).toBe(true);
      last = record.id;
      odd++;
    }
    expect(odd).toBe(2500);
    expect(selects()).toBe(3);
    expect(await audit.count({ agentId: 'agt_even' })).toBe(2500);
  });

  it('prunes by age only and returns the count', async () => {
    const { audit, clock } = setup();
    const start = clock.now();
    for (let day = 0; day < 10; day++) {
      clock.set(start + day * 86_400_000);
      must(await audit.open(base));
      must(await audit.open({ ...base, decision: 'pending' }));
    }
    expect(await audit.prune({ olderThan: start + 3 * 86_400_000 })).toBe(6);
    expect(await audit.count()).toBe(14);
    expect(await audit.count({ until: start + 3 * 86_400_000 })).toBe(0);
    expect(await audit.prune({ olderThan: start })).toBe(0);
  });
});

describeEachDatabase('audit credit ledger', (t) => {
  it('sums the credits of matching records, zero when none match', async () => {
    const clock = createTestClock();
    const audit = createAuditRepository(t.handle.db, clock);
    const at = clock.now();
    for (const [agentId, credits, age] of [
      ['agt_a', 3, 0],
      ['agt_a', 2.5, 1000],
      ['agt_a', 7, 100_000],
      ['agt_b', 4, 0],
    ] as const) {
      must(await audit.open({ ...base, agentId, credits, time: at - age }));
    }
    expect(await audit.sumCredits({ agentId: 'agt_a' })).toBe(12.5);
    expect(await audit.sumCredits({ agentId: 'agt_a', since: at - 5000 })).toBe(5.5);
    expect(await audit.sumCredits({ agentId: 'agt_c' })).toBe(0);
  });
});
