// The shared rate windows against a real Redis: a take counts in every window or in none, so
// however many takes race, a window never admits more than its limit; a spent window answers
// with the time until it reopens and names itself; a hold stops everything; a released call is
// given back; counts that are unknown (a new or emptied Redis) let one probe through and hold the
// rest until Apollo's own counts are settled in; and an unreachable Redis throws (the pacer then
// fails closed).
import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { redisUrl, requireRedis } from '../../test/helpers/redis.js';
import type { SharedWindows } from '../ports/index.js';

import { createRedisShared } from './redis-shared.js';

const run = await requireRedis();
const opened: SharedWindows[] = [];
const windows = () => {
  const w = createRedisShared(redisUrl, { namespace: `test-${randomBytes(6).toString('hex')}` });
  opened.push(w);
  return w;
};
const zero = { minute: 0, hour: 0, day: 0 };
/** Marks a bucket's counts known (as the first answer from Apollo would), so takes count. */
const known = async (w: SharedWindows, ...buckets: string[]) => {
  for (const b of buckets) await w.settle(b, zero, false);
};
afterAll(async () => {
  for (const w of opened) await w.close();
});

describe.runIf(run)('shared rate windows (Redis)', () => {
  beforeAll(async () => {
    await windows().ping();
  });

  it('admits exactly the limit however many takes race, from several clients', async () => {
    // Three "replicas": three connections over one namespace, so the same keys.
    const ns = `race-${randomBytes(6).toString('hex')}`;
    const replicas = [1, 2, 3].map(() => createRedisShared(redisUrl, { namespace: ns }));
    opened.push(...replicas);
    await known(replicas[0]!, 'people.search');
    const limits = { minute: 50, hour: 200, day: null };
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, i) => replicas[i % 3]!.take('people.search', limits)),
    );
    expect(answers.filter((a) => a.ok)).toHaveLength(50);
    const refused = answers.find((a) => !a.ok);
    expect(refused).toMatchObject({ ok: false, window: 'minute' });
    expect(!refused!.ok && refused!.retryAfterMs).toBeGreaterThan(59_000);
    expect(!refused!.ok && refused!.retryAfterMs).toBeLessThanOrEqual(60_500);
  });

  it('counts in every window or none: a spent hour refuses without using the minute', async () => {
    const w = windows();
    const limits = { minute: 10, hour: 3, day: 100 };
    await known(w, 'b');
    for (let i = 0; i < 3; i++) expect((await w.take('b', limits)).ok).toBe(true);
    const fourth = await w.take('b', limits);
    expect(fourth).toMatchObject({ ok: false, window: 'hour' });
    // The refused take counted nowhere: with the hour lifted, the minute still has 7 left.
    const lifted = { minute: 10, hour: null, day: 100 };
    const more = await Promise.all(Array.from({ length: 10 }, () => w.take('b', lifted)));
    expect(more.filter((a) => a.ok)).toHaveLength(7);
  });

  it('gives back a released call and stops everything during a hold', async () => {
    const w = windows();
    const limits = { minute: 1, hour: null, day: null };
    await known(w, 'c');
    expect((await w.take('c', limits)).ok).toBe(true);
    expect((await w.take('c', limits)).ok).toBe(false);
    await w.release('c');
    const again = await w.take('c', limits);
    expect(again).toMatchObject({ ok: true, counts: { minute: 1, hour: null, day: null } });
    await w.release('c');
    await w.hold('c', 5_000);
    const held = await w.take('c', limits);
    expect(held).toMatchObject({ ok: false, window: null });
    expect(!held.ok && held.retryAfterMs).toBeGreaterThan(4_000);
    // A shorter hold never shortens a longer one.
    await w.hold('c', 10);
    expect((await w.take('c', limits)).ok).toBe(false);
  });

  it('sends one probe while the counts are unknown, then counts from what Apollo said', async () => {
    const ns = `probe-${randomBytes(6).toString('hex')}`;
    const [a, b] = [1, 2].map(() => createRedisShared(redisUrl, { namespace: ns }));
    opened.push(a!, b!);
    const limits = { minute: 50, hour: null, day: null };
    const first = await a!.take('s', limits);
    expect(first).toMatchObject({ ok: true, probe: true });
    // Every other take, from any replica, waits for the probe's answer and says why.
    const others = await Promise.all(Array.from({ length: 5 }, () => b!.take('s', limits)));
    for (const o of others) expect(o).toMatchObject({ ok: false, probing: true, window: null });
    expect(others.every((o) => !o.ok && o.retryAfterMs <= 100)).toBe(true);
    // Apollo says 47 of the minute's 50 are used (by others, or before Redis lost its counts).
    await a!.settle('s', { minute: 47, hour: null, day: null }, true);
    const after = await Promise.all(Array.from({ length: 10 }, () => b!.take('s', limits)));
    expect(after.filter((t) => t.ok)).toHaveLength(3);
    expect(after.every((t) => !t.ok || !t.probe)).toBe(true);
    // A lower count from Apollo never lowers ours (our calls on their way are not in Apollo's).
    await a!.settle('s', { minute: 1, hour: null, day: null }, false);
    expect((await a!.take('s', limits)).ok).toBe(false);
  });

  it('lets the next call probe when a probe ends unanswered or its replica dies', async () => {
    const ns = `probe-${randomBytes(6).toString('hex')}`;
    const w = createRedisShared(redisUrl, { namespace: ns, probeTtlMs: 300 });
    opened.push(w);
    const limits = { minute: 5, hour: null, day: null };
    expect(await w.take('u', limits)).toMatchObject({ ok: true, probe: true });
    // Ended without anything learnt (timed out, no rate headers): still unknown, next one probes.
    await w.settle('u', null, true);
    expect(await w.take('u', limits)).toMatchObject({ ok: true, probe: true });
    // This probe is never settled: the others wait until it expires, then one probes again.
    expect(await w.take('u', limits)).toMatchObject({ ok: false, probing: true });
    const started = Date.now();
    let next = await w.take('u', limits);
    while (!next.ok && Date.now() - started < 2_000) {
      await new Promise((r) => setTimeout(r, next.ok ? 0 : next.retryAfterMs));
      next = await w.take('u', limits);
    }
    expect(next).toMatchObject({ ok: true, probe: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('reserves credits only within every period, atomically, and gives them back', async () => {
    const r = windows();
    const periods = [
      { period: 'day' as const, limit: 10, spent: 4 },
      { period: 'month' as const, limit: 100, spent: 50 },
    ];
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => r.reserveCredits('agt_1', 1.5, periods)),
    );
    // 4 spent + 4 × 1.5 in flight = 10: a fifth would pass the day's 10.
    expect(answers.filter((a) => a.ok)).toHaveLength(4);
    expect(answers.find((a) => !a.ok)).toEqual({ ok: false, period: 'day', inFlight: 6 });
    await r.releaseCredits('agt_1', 1.5);
    expect(await r.reserveCredits('agt_1', 1.5, periods)).toEqual({ ok: true });
    const month = [{ period: 'month' as const, limit: 57, spent: 50 }];
    expect(await r.reserveCredits('agt_1', 1.5, month)).toEqual({
      ok: false,
      period: 'month',
      inFlight: 6,
    });
    expect(await r.reserveCredits('agt_2', 1.5, month)).toEqual({ ok: true });
  });

  it('takes a lock once until it is released', async () => {
    const r = windows();
    const release = await r.acquire('oauth-refresh', 5_000);
    expect(release).not.toBeNull();
    expect(await r.acquire('oauth-refresh', 5_000)).toBeNull();
    await release!();
    const again = await r.acquire('oauth-refresh', 5_000);
    expect(again).not.toBeNull();
    await again!();
  });

  it('throws when Redis cannot be reached', async () => {
    const w = createRedisShared('redis://127.0.0.1:1', { namespace: 'nowhere' });
    opened.push(w);
    await expect(w.take('x', { minute: 1, hour: null, day: null })).rejects.toThrow();
    await expect(w.ping()).rejects.toThrow();
  });
});
