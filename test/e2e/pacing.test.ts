// Pacing through the gateway: once Apollo's headers show a window is spent, Gatehouse answers 429
// with Retry-After itself (Apollo is not called and never answers 429), audited in plain English.
import { afterEach, describe, expect, it } from 'vitest';

import { actions, getAction } from '../../src/catalog/index.js';
import { createHarness, type Harness } from '../helpers/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('pacing under Apollo windows', () => {
  it('refuses the call that would overrun a spent window instead of letting Apollo answer 429', async () => {
    type Limits = { minute: number | null; hour: number | null; day: number | null };
    const limits: Record<string, Limits> = Object.fromEntries(
      actions.map((a): [string, Limits] => [a.id, { minute: null, hour: null, day: null }]),
    );
    limits['people.search'] = { minute: 3, hour: null, day: null };
    h = await createHarness({ sandbox: { limits }, config: { maxQueueWaitMs: 1000 } });
    const token = await h.agent('eager', ['people=read', 'contacts=read']);
    const search = () =>
      h!.request('POST', getAction('people.search').path, { token, body: { per_page: 1 } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await search()).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);

    const refused = await search();
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(1);
    const body = (await refused.json()) as { error_code: string; error: string };
    // Gatehouse refused, and says so: not dressed as Apollo's 429.
    expect(body.error_code).toBe('GATEHOUSE_BUSY');
    expect(body.error).toMatch(/^Gatehouse /);
    expect(body.error).toMatch(/the team's per-minute window for search people is spent/);
    expect(body.error).not.toMatch(/Apollo's .*rate limit .*used up/);

    // Apollo counted exactly its limit: it never had to refuse anything.
    const counters = h.sandbox.state().counters as Record<string, { minute: { count: number } }>;
    expect(counters['people.search']?.minute.count).toBe(3);
    const [record] = (await h.store.audit.query({ limit: 1 })).records;
    expect(record).toMatchObject({ errorCode: 'gatehouse_busy', upstreamStatus: null });
    expect(record!.sentence).not.toMatch(/Apollo answered 429/);

    // Other endpoints have their own windows: a contacts search goes through while people
    // searches are still refused.
    const other = await h.request('POST', getAction('contacts.search').path, { token, body: {} });
    expect(other.status).toBe(200);
    expect((await search()).status).toBe(429);
  });

  it("records a 429 Apollo really answered as Apollo's, when others spent the team's window", async () => {
    type Limits = { minute: number | null; hour: number | null; day: number | null };
    const limits: Record<string, Limits> = {
      'people.search': { minute: 2, hour: null, day: null },
    };
    h = await createHarness({ sandbox: { limits } });
    const token = await h.agent('late', ['people=read']);
    // Another client of the team's key spends the window, out of Gatehouse's sight.
    for (let i = 0; i < 2; i++) {
      const direct = await h.sandbox.app.request(getAction('people.search').path, {
        method: 'POST',
        headers: { 'x-api-key': h.sandbox.keys.master[0]!, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(direct.status).toBe(200);
    }
    const res = await h.request('POST', getAction('people.search').path, {
      token,
      body: { per_page: 1 },
    });
    expect(res.status).toBe(429);
    const body = (await res.json()) as { error_code: string; error: string };
    expect(body.error_code).toBe('RATE_LIMITED');
    expect(body.error).toMatch(/Apollo/);
    const [record] = (await h.store.audit.query({ limit: 1 })).records;
    expect(record).toMatchObject({ upstreamStatus: 429 });
    expect(record!.sentence).toMatch(/Apollo answered 429.*: Apollo's rate limit was reached/);
  });
});
