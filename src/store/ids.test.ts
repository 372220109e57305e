// Pins that audit ids sort in time order as plain strings, strictly increasing within one factory.
import { describe, expect, it } from 'vitest';

import { createRandomId, createUlidFactory, encodeBase32, pooledRandomBytes } from './ids.js';

describe('ids', () => {
  it('encodes 10 bytes as 16 base32 characters from a sorted alphabet', () => {
    expect(encodeBase32(Buffer.alloc(10))).toBe('0'.repeat(16));
    expect(encodeBase32(Buffer.alloc(10, 0xff))).toBe('z'.repeat(16));
    expect(createRandomId('agt_')).toMatch(/^agt_[0-9a-hjkmnp-tv-z]{16}$/);
  });

  it('orders ULIDs by time, then strictly increasing within a millisecond and when the clock steps back', () => {
    const next = createUlidFactory('aud_');
    const made = [next(1000), next(1000), next(1000), next(999), next(1001), next(2 ** 47)];
    expect(made.every((id) => id.length === 30)).toBe(true);
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(made.length);
    expect(next(5).slice(4, 14)).toBe(made[5]?.slice(4, 14));
  });

  it('sorts ids made in different milliseconds by time, whatever their random part', () => {
    const high = createUlidFactory('aud_', (n) => Buffer.alloc(n, 0xff));
    const low = createUlidFactory('aud_', (n) => Buffer.alloc(n, 0));
    expect(high(1000) < low(1001)).toBe(true);
  });

  it('hands out pooled random bytes once each, across refills, as copies', () => {
    const draws = Array.from({ length: 1000 }, () => pooledRandomBytes(10));
    // 10,000 bytes: the 4 KiB pool was refilled twice; no draw repeats another.
    expect(new Set(draws.map((b) => b.toString('hex'))).size).toBe(1000);
    expect(draws.every((b) => b.length === 10)).toBe(true);
    const first = pooledRandomBytes(10);
    const copy = Buffer.from(first);
    first.fill(0);
    expect(pooledRandomBytes(10).equals(Buffer.alloc(10))).toBe(false);
    expect(copy.equals(Buffer.alloc(10))).toBe(false);
    expect(pooledRandomBytes(300)).toHaveLength(300);
  });
});
