// Pins Apollo's fixed rate windows: the (N+1)th call is refused with 429 until its window, which
// starts at the first call, resets; every authenticated answer carries the §9.2 headers.
import { describe, expect, it } from 'vitest';

import { getAction, type WindowLimits } from '../catalog/index.js';

import { createSandbox } from './index.js';
import { createStubWorld, manualClock } from '../../test/helpers/sandbox/clock.js';

const path = (id: string) => getAction(id)!.path;

function setup(plan: 'free' | 'basic', limits?: Record<string, Partial<WindowLimits>>) {
  const clock = manualClock();
  const sb = createSandbox({
    plan,
    clock,
    masterKeys: ['mk'],
    ...(limits ? { limits } : {}),
    createWorld: () =>
      createStubWorld((actionId) =>
        actionId === 'contacts.update'
          ? { ok: false, status: 404, body: { error: 'Contact not found' } }
          : { ok: true, body: {}, credits: 0 },
      ),
  });
  const call = (id = 'people.search', body: unknown = {}) =>
    sb.app.request(path(id).replace(/\{[a-z_]+\}/, '5f0c2b6e1a2b3c4d5e6f7a99'), {
      method: getAction(id)!.method,
      headers: { 'x-api-key': 'mk', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const calls = async (n: number, id?: string) => {
    for (let i = 0; i < n; i++) expect((await call(id)).status).toBe(200);
  };
  return { sb, clock, call, calls };
}

const upgrade = 'Please upgrade your plan from https://app.apollo.io/#/settings/plans/upgrade.';

describe('the minute window', () => {
  it('refuses the 51st free-plan search in a minute with Apollo’s 429 until the window resets', async () => {
    const { clock, call, calls } = setup('free');
    clock.advance(30_000); // windows start at the first call, not on the clock's minute
    await calls(50);
    const refused = await call();
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({
      message: `The maximum number of api calls allowed for api/v1/mixed_people/api_search is 50 times per minute. ${upgrade}`,
    });
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(refused.headers.get('x-minute-requests-left')).toBe('0');

    clock.advance(59_000);
    const still = await call();
    expect(still.status).toBe(429);
    expect(still.headers.get('retry-after')).toBe('1');

    clock.advance(1_000);
    const reopened = await call();
    expect(reopened.status).toBe(200);
    // Refused calls were not counted: the new window holds this call only.
    expect(reopened.headers.get('x-minute-usage')).toBe('1');
    expect(reopened.headers.get('x-hourly-usage')).toBe('51');
  });

  it('counts each endpoint separately', async () => {
    const { call } = setup('basic', { 'people.search': { minute: 1 } });
    expect((await call()).status).toBe(200);
    expect((await call()).status).toBe(429);
    expect((await call('contacts.search')).status).toBe(200);
  });
});

describe('the hour and day windows', () => {
  it('refuses the call beyond the hourly limit until the hour that began at the first call ends', async () => {
    const { clock, call, calls } = setup('basic', {
      'people.search': { minute: 5, hour: 8, day: 10 },
    });
    await calls(5);
    clock.advance(60_000);
    await calls(3);
    const refused = await call();
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { message: string }).message).toBe(
      `The maximum number of api calls allowed for api/v1/mixed_people/api_search is 8 times per hour. ${upgrade}`,
    );
    expect(refused.headers.get('retry-after')).toBe(String(3600 - 60));
    clock.advance((3600 - 60) * 1000);
    expect((await call()).status).toBe(200);
  });

  it('refuses the call beyond the daily limit until the day that began at the first call ends', async () => {
    const { clock, call, calls } = setup('basic', {
      'people.search': { minute: 5, hour: 8, day: 10 },
    });
    await calls(5);
    clock.advance(3_600_000);
    await calls(5);
    const refused = await call();
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { message: string }).message).toContain(
      'is 10 times per day.',
    );
    expect(refused.headers.get('retry-after')).toBe(String(86_400 - 3600));
    clock.advance(86_400_000 - 3_600_000);
    const next = await call();
    expect(next.status).toBe(200);
    expect(next.headers.get('x-24-hour-usage')).toBe('1');
  });

  it('reports the window that reopens last when several are exhausted', async () => {
    const { call, calls } = setup('basic', { 'people.search': { minute: 3, hour: 3, day: 3 } });
    await calls(3);
    const refused = await call();
    expect(((await refused.json()) as { message: string }).message).toContain('per day');
    expect(refused.headers.get('retry-after')).toBe('86400');
  });
});

describe('rate-limit headers', () => {
  it('sends the nine headers with Apollo’s numbers on a 200', async () => {
    const { call } = setup('basic');
    const res = await call('contacts.search');
    expect(Object.fromEntries([...res.headers].filter(([k]) => k.startsWith('x-')))).toEqual({
      'x-rate-limit-minute': '200',
      'x-minute-usage': '1',
      'x-minute-requests-left': '199',
      'x-rate-limit-hourly': '400',
      'x-hourly-usage': '1',
      'x-hourly-requests-left': '399',
      'x-rate-limit-24-hour': '2000',
      'x-24-hour-usage': '1',
      'x-24-hour-requests-left': '1999',
    });
  });

  it('sends an empty limit header and no usage for an unlimited window', async () => {
    const { call } = setup('basic');
    const res = await call('people.match', { email: 'a@b.co' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-rate-limit-minute')).toBe('1000');
    expect(res.headers.get('x-rate-limit-hourly')).toBe('');
    expect(res.headers.get('x-rate-limit-24-hour')).toBe('');
    expect(res.headers.has('x-hourly-usage')).toBe(false);
    expect(res.headers.has('x-hourly-requests-left')).toBe(false);
    expect(res.headers.has('x-24-hour-usage')).toBe(false);
    expect(res.headers.has('x-24-hour-requests-left')).toBe(false);
  });

  it('sends them on 404 and 422 answers too, which count against the window', async () => {
    const { call } = setup('basic');
    const notFound = await call('contacts.update', {});
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get('x-minute-usage')).toBe('1');
    const invalid = await call('people.search', { per_page: 'lots' });
    expect(invalid.status).toBe(422);
    expect(invalid.headers.get('x-minute-usage')).toBe('1');
    expect((await call('people.search')).headers.get('x-minute-usage')).toBe('2');
  });

  it('sends none on 401 and 403', async () => {
    const { sb } = setup('free');
    const unauthorized = await sb.app.request(path('people.search'), { method: 'POST' });
    const forbidden = await sb.app.request(path('organizations.search'), {
      method: 'POST',
      headers: { 'x-api-key': 'mk' },
    });
    expect([unauthorized.status, forbidden.status]).toEqual([401, 403]);
    for (const res of [unauthorized, forbidden]) {
      expect([...res.headers.keys()].filter((k) => k.startsWith('x-'))).toEqual([]);
    }
  });
});
