// Pins that the in-memory store keeps the database repository's semantics: first live key in the
// order asked, expiry exclusive at expiresAt, reveal filters, a plain put never erasing a live
// revealed entry, the same refusals, and copies in and out.
import { describe, expect, it } from 'vitest';

import type { EnrichmentEntry } from './enrichment-store.js';
import { createMemoryEnrichmentStore } from './memory-enrichment-store.js';

const day = 86_400_000;
const T = Date.UTC(2026, 0, 5, 9);
const plain: EnrichmentEntry = {
  kind: 'person',
  revealPersonalEmails: false,
  revealPhoneNumber: false,
  body: { id: 'a', email: 'ann@acme.io' },
  credits: 1,
};
const revealed: EnrichmentEntry = {
  ...plain,
  revealPersonalEmails: true,
  body: { ...plain.body, personal_emails: ['ann.lee@gmail.com'] },
  credits: 2,
};

describe('memory enrichment store', () => {
  it('answers with the first live key in the order asked', async () => {
    const store = createMemoryEnrichmentStore();
    await store.put(['k:a'], plain, day, T);
    await store.put(['k:b'], { ...plain, kind: 'organization' }, 2 * day, T);
    expect((await store.get(['k:x', 'k:b', 'k:a'], T))?.key).toBe('k:b');
    expect((await store.get(['k:a', 'k:b'], T + day - 1))?.key).toBe('k:a');
    expect((await store.get(['k:a', 'k:b'], T + day))?.key).toBe('k:b');
    expect(await store.get(['k:a'], T, { kind: 'organization' })).toBeUndefined();
  });

  it('filters on reveals and never lets a plain put erase a live revealed entry', async () => {
    const store = createMemoryEnrichmentStore();
    await store.put(['k:a'], revealed, day, T);
    expect(await store.put(['k:a', 'k:b'], plain, day, T + 1)).toEqual({ ok: true, value: 1 });
    expect((await store.get(['k:b', 'k:a'], T, { revealPersonalEmails: true }))?.key).toBe('k:a');
    expect(await store.get(['k:b'], T, { revealPhoneNumber: true })).toBeUndefined();
    expect(await store.put(['k:a'], plain, day, T + day)).toEqual({ ok: true, value: 1 });
    expect((await store.get(['k:a'], T + day))?.revealPersonalEmails).toBe(false);
  });

  it('refuses what the repository refuses', async () => {
    const store = createMemoryEnrichmentStore();
    for (const [keys, entry, ttl] of [
      [[], plain, day],
      [['k:' + 'x'.repeat(1100)], plain, day],
      [['k:a'], plain, 0],
      [['k:a'], { ...plain, credits: -1 }, day],
      [['k:a'], { ...plain, kind: 'company' as 'person' }, day],
    ] as const) {
      expect((await store.put(keys, entry, ttl, T)).ok).toBe(false);
    }
    expect((await store.stats(T)).keys).toBe(0);
  });

  it('copies bodies in and out', async () => {
    const store = createMemoryEnrichmentStore();
    const body = { id: 'a', tags: ['x'] };
    await store.put(['k:a'], { ...plain, body }, day, T);
    body.tags.push('changed');
    const got = await store.get(['k:a'], T);
    expect(got?.body).toEqual({ id: 'a', tags: ['x'] });
    (got!.body.tags as string[]).push('again');
    expect((await store.get(['k:a'], T))?.body).toEqual({ id: 'a', tags: ['x'] });
  });

  it('prunes, removes and counts', async () => {
    const store = createMemoryEnrichmentStore();
    await store.put(['k:a', 'k:b'], plain, day, T);
    await store.put(['k:o'], { ...plain, kind: 'organization' }, 3 * day, T);
    expect(await store.stats(T + day)).toEqual({
      keys: 3,
      live: 1,
      expired: 2,
      liveByKind: { person: 0, organization: 1 },
    });
    expect(await store.prune(T + day)).toBe(2);
    expect(await store.remove(['k:o', 'k:o', 'k:zzz'])).toBe(1);
    expect((await store.stats(T)).keys).toBe(0);
  });
});
