// Console sessions in memory: a session ends after its idle time (each use restarts it), on
// removal, and the least recently used goes when the store is full.
import { describe, expect, it } from 'vitest';

import { memorySessions } from './memory-sessions.js';

describe('memory sessions', () => {
  it('ends a session after its idle time, each use restarting it', async () => {
    let t = 0;
    const s = memorySessions(() => t);
    await s.create('a', { csrf: 'csrf-a', person: null }, 1000);
    t = 999;
    expect((await s.touch('a', 1000))?.csrf).toBe('csrf-a');
    t = 1998; // 999 ms after the last use
    expect((await s.touch('a', 1000))?.csrf).toBe('csrf-a');
    t = 2998;
    expect(await s.touch('a', 1000)).toBeNull();
    expect(await s.touch('a', 1000)).toBeNull();
    await s.create('b', { csrf: 'csrf-b', person: null }, 1000);
    await s.remove('b');
    expect(await s.touch('b', 1000)).toBeNull();
  });

  it('drops the least recently used session when full', async () => {
    const s = memorySessions(() => 0, 2);
    await s.create('a', { csrf: '1', person: null }, 1000);
    await s.create('b', { csrf: '2', person: null }, 1000);
    await s.touch('a', 1000); // b is now the least recently used
    await s.create('c', { csrf: '3', person: null }, 1000);
    expect(await s.touch('b', 1000)).toBeNull();
    expect((await s.touch('a', 1000))?.csrf).toBe('1');
    expect((await s.touch('c', 1000))?.csrf).toBe('3');
  });
});
