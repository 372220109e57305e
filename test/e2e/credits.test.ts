// Credits: a call that could take an agent past its daily budget is refused before Apollo with
// the figures and when it resets; concurrent calls cannot overspend; concurrent single matches
// share bulk calls while each caller keeps its own audit record and charge.
import { afterEach, describe, expect, it } from 'vitest';

import { getAction } from '../../src/catalog/index.js';
import { createHarness, type Harness } from '../helpers/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function personIds(harness: Harness, n: number): Promise<string[]> {
  const found = await harness.apollo('POST', getAction('people.search').path, {
    person_titles: ['Director'],
    per_page: n,
  });
  return (found.people as Array<{ id: string }>).map((p) => p.id);
}

describe('credit budgets', () => {
  it('refuses the call that would exceed the daily budget, before Apollo, with the figures', async () => {
    h = await createHarness();
    const token = await h.agent('enricher', ['people=read']);
    await h.store.agents.setLimits('enricher', { creditBudgetDay: 2 });
    const ids = await personIds(h, 3);
    const match = (id: string) =>
      h!.request('POST', getAction('people.match').path, { token, body: { id } });

    expect((await match(ids[0]!)).status).toBe(200);
    expect((await match(ids[1]!)).status).toBe(200);
    const before = h.sandbox.credits();
    const refused = await match(ids[2]!);
    expect(refused.status).toBe(402);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await refused.json()) as { error_code: string; budget: object; error: string };
    expect(body.error_code).toBe('BUDGET_EXHAUSTED');
    expect(body.budget).toEqual({ limit: 2, spent: 2, needed: 1, period: 'day' });
    expect(body.error).toMatch(/daily credit budget is spent: 2 credits of 2 used/);
    expect(h.sandbox.credits()).toEqual(before);

    const [record] = (await h.store.audit.query({ limit: 1 })).records;
    expect(record).toMatchObject({ decision: 'denied', rule: 'credit budget per day' });
    // Free actions still work.
    const search = await h.request('POST', getAction('people.search').path, { token, body: {} });
    expect(search.status).toBe(200);
  });

  it('counts calls in flight, so concurrent calls cannot overspend', async () => {
    h = await createHarness();
    const token = await h.agent('burst', ['people=read']);
    await h.store.agents.setLimits('burst', { creditBudgetDay: 3 });
    const ids = await personIds(h, 8);
    const statuses = await Promise.all(
      ids.map((id) =>
        h!
          .request('POST', getAction('people.match').path, { token, body: { id } })
          .then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 402)).toHaveLength(5);
    expect(
      await h.store.audit.sumCredits({ agentId: (await h.store.agents.get('burst'))!.id }),
    ).toBe(3);
  });
});

describe('auto-batching through the gateway', () => {
  it('sends 20 concurrent matches as 2 bulk calls, each caller with its own record and charge', async () => {
    // A window wide enough that all 20 arrive inside it on either database (authentication reads
    // the store first, and Postgres takes longer than SQLite to answer 20 at once).
    h = await createHarness({ config: { batchWindowMs: 1000 } });
    const token = await h.agent('batcher', ['people=read']);
    const ids = await personIds(h, 20);
    const answers = await Promise.all(
      ids.map((id) =>
        h!
          .request('POST', getAction('people.match').path, { token, body: { id } })
          .then(async (r) => ({
            status: r.status,
            person: ((await r.json()) as { person: { id: string } }).person,
          })),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(ids.map(() => 200));
    expect(answers.map((a) => a.person.id)).toEqual(ids);
    const counters = h.sandbox.state().counters as Record<string, { minute: { count: number } }>;
    expect(counters['people.bulk_match']?.minute.count).toBe(2);
    expect(counters['people.match']).toBeUndefined();
    const records = (await h.store.audit.query({ limit: 100, action: 'people.match' })).records;
    expect(records).toHaveLength(20);
    expect(records.every((r) => r.credits === 1 && r.decision === 'allowed')).toBe(true);
  });
});

describe('enrichment cache through the gateway', () => {
  it('never pays twice: a repeat is served from cache, audited, redacted, and free', async () => {
    h = await createHarness();
    const token = await h.agent('repeat', ['people=read']);
    const [id] = await personIds(h, 1);
    const match = () => h!.request('POST', getAction('people.match').path, { token, body: { id } });
    const first = await match();
    expect(first.status).toBe(200);
    const firstBody = (await first.json()) as { person: { id: string } };
    const spent = h.sandbox.credits();

    const second = await match();
    expect(second.status).toBe(200);
    expect(second.headers.get('x-gatehouse-cache')).toBe('hit');
    expect(second.headers.get('x-gatehouse-credits-saved')).toBe('1');
    expect(((await second.json()) as { person: { id: string } }).person.id).toBe(
      firstBody.person.id,
    );
    expect(h.sandbox.credits()).toEqual(spent);

    const [latest] = (await h.store.audit.query({ limit: 1 })).records;
    expect(latest).toMatchObject({ decision: 'allowed', credits: 0 });
    expect(latest!.sentence).toMatch(/served from cache, saved 1 credit/);

    // Redaction applies to cached answers too.
    await h.store.agents.setLimits('repeat', { redactedFields: ['email'] });
    const redacted = (await (await match()).json()) as { person: Record<string, unknown> };
    expect(redacted.person).not.toHaveProperty('email');
  });

  it('sends only the unknown people of a bulk request to Apollo and merges the answer in order', async () => {
    h = await createHarness({ config: { batchWindowMs: 0 } });
    const token = await h.agent('bulk', ['people=read']);
    const ids = await personIds(h, 4);
    const bulk = (details: Array<{ id: string }>) =>
      h!.request('POST', getAction('people.bulk_match').path, { token, body: { details } });
    await bulk([{ id: ids[0]! }, { id: ids[1]! }]);
    const res = await bulk(ids.map((id) => ({ id })));
    expect(res.headers.get('x-gatehouse-cache')).toBe('partial');
    const body = (await res.json()) as { matches: Array<{ id: string }> };
    expect(body.matches.map((m) => m.id)).toEqual(ids);
    const [latest] = (await h.store.audit.query({ limit: 1 })).records;
    expect(latest!.credits).toBe(2);
  });
});
