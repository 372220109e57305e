// Pins usage_stats/api_usage_stats: Apollo's keys and the live numbers of the sandbox's counters.
import { describe, expect, it } from 'vitest';

import { actions, getAction, usageKey } from '../catalog/index.js';

import { createSandbox } from './index.js';
import { createStubWorld, manualClock } from '../../test/helpers/sandbox/clock.js';

const usageStats = getAction('usage.stats')!;

function setup() {
  const clock = manualClock();
  const sb = createSandbox({ clock, masterKeys: ['mk'], createWorld: () => createStubWorld() });
  const post = (p: string) =>
    sb.app.request(p, { method: 'POST', headers: { 'x-api-key': 'mk' }, body: '{}' });
  const stats = async () => {
    const res = await post(usageStats.path);
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, Record<string, unknown>>;
  };
  return { sb, clock, post, stats };
}

describe('usage stats', () => {
  it('keys every action as Apollo does and parses with the catalog’s schema', async () => {
    const { stats } = setup();
    const body = await stats();
    for (const action of actions) expect(body).toHaveProperty([usageKey(action)]);
    expect(body).toHaveProperty(['["api/v1/mixed_people", "api_search"]']);
    expect(body).toHaveProperty(['["api/v1/opportunities", "search"]']);
    expect(usageStats.output.safeParse(body).success).toBe(true);
  });

  it('reports the calls consumed and left in each window', async () => {
    const { post, stats } = setup();
    const search = getAction('people.search')!;
    for (let i = 0; i < 3; i++) await post(search.path);
    const body = await stats();
    expect(body[usageKey(search)]).toEqual({
      day: { limit: 50_000, consumed: 3, left_over: 49_997 },
      hour: { limit: 6_000, consumed: 3, left_over: 5_997 },
      minute: { limit: 200, consumed: 3, left_over: 197 },
    });
    // The stats call is itself a call.
    expect(body[usageKey(usageStats)]?.minute).toEqual({ limit: 200, consumed: 1, left_over: 199 });
  });

  it('reports unlimited windows with null limit and left_over', async () => {
    const { stats } = setup();
    const body = await stats();
    expect(body[usageKey(getAction('people.match')!)]).toEqual({
      day: { limit: null, consumed: 0, left_over: null },
      hour: { limit: null, consumed: 0, left_over: null },
      minute: { limit: 1000, consumed: 0, left_over: 1000 },
    });
  });

  it('shows a window as empty again once it has ended', async () => {
    const { post, stats, clock } = setup();
    const search = getAction('people.search')!;
    await post(search.path);
    clock.advance(61_000);
    const body = await stats();
    expect(body[usageKey(search)]?.minute).toEqual({ limit: 200, consumed: 0, left_over: 200 });
    expect(body[usageKey(search)]?.hour).toEqual({ limit: 6000, consumed: 1, left_over: 5999 });
  });
});
