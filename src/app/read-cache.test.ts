// The lookups of one call share one read of an asynchronous change version (Postgres), made after
// the call began; outside a call, or with a synchronous version (SQLite), every lookup asks.
import { describe, expect, it } from 'vitest';

import { callVersionMaxAgeMs, callVersions, versionedCache } from './read-cache.js';

/** An asynchronous version whose reads are counted and whose value the test moves. */
function asyncVersion() {
  const v = { current: 1, reads: 0, fail: false };
  const read = async () => {
    v.reads += 1;
    await new Promise((r) => setImmediate(r));
    if (v.fail) throw new Error('database unavailable');
    return String(v.current);
  };
  return { v, read };
}

describe('callVersions', () => {
  it('shares one version read among the lookups of a call, and keeps rows while it stands', async () => {
    const { v, read } = asyncVersion();
    const versions = callVersions(read);
    const cache = versionedCache<string, number>(versions.version);
    let loads = 0;
    const load = async () => (loads += 1);
    const call = () =>
      versions.within(async () => [await cache.get('a', load), await cache.get('b', load)]);
    expect(await call()).toEqual([1, 2]);
    expect(v.reads).toBe(1);
    expect(await call()).toEqual([1, 2]);
    expect(v.reads).toBe(2);
    expect(loads).toBe(2);
    // Another replica's commit: the next call reads the rows again.
    v.current = 2;
    expect(await call()).toEqual([3, 4]);
    expect(v.reads).toBe(3);
  });

  it('never lets a call use a version read before it began', async () => {
    const { v, read } = asyncVersion();
    const versions = callVersions(read);
    const cache = versionedCache<string, number>(versions.version);
    let value = 10;
    const load = async () => value;
    // A call in flight holds its read; a change lands; a call that begins now reads anew.
    let resume!: () => void;
    const paused = new Promise<void>((r) => (resume = r));
    const first = versions.within(async () => {
      const seen = await cache.get('k', load);
      await paused;
      return seen;
    });
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    value = 11;
    v.current = 2;
    expect(await versions.within(() => cache.get('k', load))).toBe(11);
    resume();
    expect(await first).toBe(10);
  });

  it('asks again once the call has held its version for longer than the limit', async () => {
    const { v, read } = asyncVersion();
    let now = 0;
    const versions = callVersions(read, () => now);
    await versions.within(async () => {
      await versions.version!();
      await versions.version!();
      expect(v.reads).toBe(1);
      now += callVersionMaxAgeMs + 1;
      await versions.version!();
      expect(v.reads).toBe(2);
    });
  });

  it('does not share a failed read: the next lookup of the call asks again', async () => {
    const { v, read } = asyncVersion();
    const versions = callVersions(read);
    await versions.within(async () => {
      v.fail = true;
      await expect(versions.version!()).rejects.toThrow('database unavailable');
      v.fail = false;
      await expect(versions.version!()).resolves.toBe('1');
      expect(v.reads).toBe(2);
    });
  });

  it('asks on every lookup outside a call, and shares nothing of a synchronous version', async () => {
    const { v, read } = asyncVersion();
    const versions = callVersions(read);
    await versions.version!();
    await versions.version!();
    expect(v.reads).toBe(2);
    let asks = 0;
    const sync = callVersions(() => String((asks += 1)));
    await sync.within(async () => {
      expect(sync.version!()).toBe('1');
      expect(sync.version!()).toBe('2');
    });
  });

  it('is one scope per version function, and passes calls through without one', async () => {
    const { read } = asyncVersion();
    expect(callVersions(read)).toBe(callVersions(read));
    const none = callVersions(undefined);
    expect(none.version).toBeUndefined();
    expect(await none.within(async () => 'ran')).toBe('ran');
  });
});
