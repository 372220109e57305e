// Pins fault injection: latency, error rate, malformed bodies and forced statuses, deterministic
// for a seed, settable in code and over /__sandbox (master key only).
import { describe, expect, it } from 'vitest';

import { getAction } from '../catalog/index.js';

import { createSandbox, type SandboxOptions } from './index.js';
import { createStubWorld, manualClock } from '../../test/helpers/sandbox/clock.js';

const search = getAction('people.search')!;

function setup(options: SandboxOptions = {}) {
  const slept: number[] = [];
  const runs: string[] = [];
  const sb = createSandbox({
    clock: manualClock(),
    masterKeys: ['mk'],
    scopedKeys: [{ key: 'sk', endpoints: ['people.search'] }],
    sleep: async (ms) => {
      slept.push(ms);
    },
    createWorld: () =>
      createStubWorld((actionId) => {
        runs.push(actionId);
        return { ok: true, credits: 1, body: { total_entries: 1, people: [{ id: 'x' }] } };
      }),
    ...options,
  });
  const call = (key = 'mk') =>
    sb.app.request(search.path, { method: 'POST', headers: { 'x-api-key': key }, body: '{}' });
  const control = (method: string, p: string, body?: unknown, key = 'mk') =>
    sb.app.request(`/__sandbox${p}`, {
      method,
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  return { sb, slept, runs, call, control };
}

async function statuses(sb: ReturnType<typeof setup>, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await sb.call()).status);
  return out;
}

describe('fault injection', () => {
  it('adds latency before answering', async () => {
    const { sb, slept, call } = setup();
    sb.faults.set('people.search', { latencyMs: 250 });
    expect((await call()).status).toBe(200);
    expect(slept).toEqual([250]);
  });

  it('answers 500, 502 or 503 with a JSON body at the error rate, without doing the work', async () => {
    const { sb, runs, call } = setup();
    sb.faults.set('*', { errorRate: 1 });
    const res = await call();
    expect([500, 502, 503]).toContain(res.status);
    expect(await res.json()).toMatchObject({ error_code: 'SANDBOX_FAULT' });
    expect(res.headers.get('x-minute-usage')).toBe('1');
    expect(runs).toEqual([]);
  });

  it('fails the same calls for the same seed, and other calls for another seed', async () => {
    const a = setup({ seed: 7 });
    const b = setup({ seed: 7 });
    const c = setup({ seed: 8 });
    for (const s of [a, b, c]) s.sb.faults.set('people.search', { errorRate: 0.5 });
    const [sa, sb, sc] = [await statuses(a, 40), await statuses(b, 40), await statuses(c, 40)];
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
    const failed = sa.filter((s) => s !== 200).length;
    expect(failed).toBeGreaterThan(5);
    expect(failed).toBeLessThan(35);
  });

  it('cuts the JSON of a successful answer short, after doing (and charging) the work', async () => {
    const { sb, runs, call } = setup();
    sb.faults.set('people.search', { malformedRate: 1 });
    const res = await call();
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(() => JSON.parse(text) as unknown).toThrow();
    expect(runs).toEqual(['people.search']);
    expect(sb.credits().total).toBe(1);
  });

  it('forces a status on every call; a route’s own setting overrides `*`', async () => {
    const { sb, call } = setup();
    sb.faults.set('*', { status: 503 });
    expect((await call()).status).toBe(503);
    sb.faults.set('people.search', { status: 429 });
    expect((await call()).status).toBe(429);
    sb.faults.clear();
    expect((await call()).status).toBe(200);
  });

  it('refuses unknown targets and out-of-range settings', () => {
    const { sb } = setup();
    expect(() => sb.faults.set('people.teleport', { errorRate: 1 })).toThrow(
      /unknown fault target/,
    );
    expect(() => sb.faults.set('*', { errorRate: 2 })).toThrow(/invalid fault spec/);
  });
});

describe('the /__sandbox control routes', () => {
  it('sets, lists and clears faults over HTTP', async () => {
    const { call, control } = setup();
    const set = await control('POST', '/faults', { target: 'people.search', status: 502 });
    expect(set.status).toBe(200);
    expect(await set.json()).toEqual({ faults: { 'people.search': { status: 502 } } });
    expect((await call()).status).toBe(502);
    expect(await (await control('GET', '/faults')).json()).toEqual({
      faults: { 'people.search': { status: 502 } },
    });
    expect((await control('DELETE', '/faults')).status).toBe(200);
    expect((await call()).status).toBe(200);
  });

  it('answers 422 to a bad fault request', async () => {
    const { control } = setup();
    expect((await control('POST', '/faults', { target: 'nope', status: 500 })).status).toBe(422);
    expect((await control('POST', '/faults', { errorRate: -1 })).status).toBe(422);
    expect((await control('POST', '/faults', { surprise: true })).status).toBe(422);
  });

  it('needs a master key', async () => {
    const { control } = setup();
    expect((await control('GET', '/faults', undefined, 'sk')).status).toBe(401);
    expect((await control('GET', '/state', undefined, 'wrong')).status).toBe(401);
  });

  it('reports credits, counters and faults in /__sandbox/state', async () => {
    const { call, control } = setup();
    await call();
    const state = (await (await control('GET', '/state')).json()) as Record<string, unknown>;
    expect(state).toMatchObject({
      plan: 'basic',
      seed: 1,
      credits: { total: 1, byAction: { 'people.search': 1 } },
      counters: { 'people.search': { minute: { count: 1 } } },
      deliveries: [],
      faults: {},
    });
  });
});
