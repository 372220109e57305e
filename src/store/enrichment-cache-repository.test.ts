// Pins the enrichment cache table on SQLite and Postgres: the first live key wins in the order
// asked, expiry is exclusive at expires_at, a plain answer never overwrites a live revealed one,
// bad entries are refused, and prune removes exactly what has expired.
import { expect, it } from 'vitest';

import { createTestClock, describeEachDatabase } from '../../test/store/databases.js';
import { createTestSealer } from '../../test/store/sealer.js';
import { createEnrichmentCacheRepository } from './enrichment-cache-repository.js';
import type { EnrichmentCacheEntry } from './enrichment-cache-repository.js';

const day = 86_400_000;

const ann: EnrichmentCacheEntry = {
  kind: 'person',
  revealPersonalEmails: false,
  revealPhoneNumber: false,
  body: { id: '5e66b6381e05b4008c8331b8', name: 'Ann Lee', email: 'ann@acme.io' },
  credits: 1,
};
const annRevealed: EnrichmentCacheEntry = {
  ...ann,
  revealPersonalEmails: true,
  body: { ...ann.body, personal_emails: ['ann.lee@gmail.com'] },
  credits: 2,
};
const acme: EnrichmentCacheEntry = {
  kind: 'organization',
  revealPersonalEmails: false,
  revealPhoneNumber: false,
  body: { id: '5e66b6381e05b4008c8331c9', name: 'Acme', primary_domain: 'acme.io' },
  credits: 1,
};

describeEachDatabase('enrichment cache repository', (t) => {
  const setup = async () => {
    // The shared reset does not know this table yet; start each test empty.
    await t.handle.db.deleteFrom('enrichment_cache').execute();
    t.queries.length = 0;
    const clock = createTestClock();
    const sealer = createTestSealer();
    return {
      clock,
      sealer,
      cache: createEnrichmentCacheRepository(t.handle.db, { sealer, now: clock.now }),
    };
  };

  it('stores an answer under every key and reads it back with its lifetime and types', async () => {
    const { cache, clock } = await setup();
    const keys = ['person:id:5e66b6381e05b4008c8331b8', 'person:email:ann@acme.io'];
    expect(await cache.put(keys, { ...ann, credits: 1.5 }, 30 * day)).toEqual({
      ok: true,
      value: 2,
    });
    for (const key of keys) {
      const found = await cache.get([key], clock.now());
      expect(found).toEqual({
        ...ann,
        credits: 1.5,
        key,
        createdAt: clock.now(),
        expiresAt: clock.now() + 30 * day,
      });
      expect(typeof found?.createdAt).toBe('number');
      expect(typeof found?.expiresAt).toBe('number');
      expect(typeof found?.credits).toBe('number');
    }
    expect(await cache.get(['person:email:other@acme.io'], clock.now())).toBeUndefined();
    expect(await cache.get([], clock.now())).toBeUndefined();
  });

  it('answers with the first live key in the order asked, in one query', async () => {
    const { cache, clock } = await setup();
    await cache.put(['k:a'], ann, day);
    await cache.put(['k:b'], acme, day);
    t.queries.length = 0;
    expect((await cache.get(['k:missing', 'k:b', 'k:a'], clock.now()))?.key).toBe('k:b');
    expect((await cache.get(['k:a', 'k:b'], clock.now()))?.key).toBe('k:a');
    expect(t.queries).toHaveLength(2);
  });

  it('treats an entry as expired from expires_at on, and falls through to a later live key', async () => {
    const { cache, clock } = await setup();
    await cache.put(['k:old'], ann, day);
    clock.advance(day / 2);
    await cache.put(['k:new'], acme, day);
    const born = clock.now() - day / 2;
    expect((await cache.get(['k:old'], born + day - 1))?.key).toBe('k:old');
    expect(await cache.get(['k:old'], born + day)).toBeUndefined();
    expect((await cache.get(['k:old', 'k:new'], born + day))?.key).toBe('k:new');
  });

  it('filters on kind and on the reveals a request needs', async () => {
    const { cache, clock } = await setup();
    await cache.put(['k:plain'], ann, day);
    await cache.put(['k:revealed'], annRevealed, day);
    await cache.put(['k:org'], acme, day);
    const now = clock.now();
    expect(await cache.get(['k:org'], now, { kind: 'person' })).toBeUndefined();
    expect((await cache.get(['k:org'], now, { kind: 'organization' }))?.body).toEqual(acme.body);
    const revealed = await cache.get(['k:plain', 'k:revealed'], now, {
      revealPersonalEmails: true,
    });
    expect(revealed).toMatchObject({ key: 'k:revealed', revealPersonalEmails: true, credits: 2 });
    expect(await cache.get(['k:plain'], now, { revealPhoneNumber: true })).toBeUndefined();
    expect((await cache.get(['k:plain'], now, { revealPersonalEmails: false }))?.key).toBe(
      'k:plain',
    );
  });

  it('replaces an entry with a newer answer, but never a live revealed one with a plainer one', async () => {
    const { cache, clock } = await setup();
    await cache.put(['k:a', 'k:b'], annRevealed, day);
    clock.advance(1000);
    // k:c is new; k:a keeps its personal emails.
    expect(await cache.put(['k:a', 'k:c'], ann, day)).toEqual({ ok: true, value: 1 });
    expect(await cache.get(['k:a'], clock.now())).toMatchObject({
      revealPersonalEmails: true,
      body: annRevealed.body,
      createdAt: clock.now() - 1000,
    });
    expect((await cache.get(['k:c'], clock.now()))?.revealPersonalEmails).toBe(false);
    // A richer or equal answer replaces.
    const phones = { ...annRevealed, revealPhoneNumber: true, credits: 3 };
    expect(await cache.put(['k:a', 'k:c'], phones, day)).toEqual({ ok: true, value: 2 });
    expect((await cache.get(['k:c'], clock.now()))?.credits).toBe(3);
    // Once the revealed entry has expired, a plain answer may take its key.
    clock.advance(2 * day);
    expect(await cache.put(['k:a'], ann, day)).toEqual({ ok: true, value: 1 });
    expect(await cache.get(['k:a'], clock.now())).toMatchObject({
      revealPersonalEmails: false,
      revealPhoneNumber: false,
      createdAt: clock.now(),
    });
  });

  it('takes duplicate keys in one put', async () => {
    const { cache, clock } = await setup();
    expect(await cache.put(['k:a', 'k:a', 'k:b'], ann, day)).toEqual({ ok: true, value: 2 });
    expect((await cache.stats(clock.now())).keys).toBe(2);
  });

  it('refuses entries it cannot store faithfully, and writes nothing', async () => {
    const { cache, clock } = await setup();
    const refusals: Array<[string[], EnrichmentCacheEntry, number, RegExp]> = [
      [[], ann, day, /at least one key/],
      [['k:' + 'x'.repeat(1100)], ann, day, /1 to 1024 characters/],
      [[''], ann, day, /1 to 1024 characters/],
      [Array.from({ length: 51 }, (_, i) => `k:${i}`), ann, day, /at most 50 keys/],
      [['k:a'], { ...ann, kind: 'company' as 'person' }, day, /person or an organization/],
      [['k:a'], ann, 0, /positive duration/],
      [['k:a'], ann, Number.NaN, /positive duration/],
      [['k:a'], { ...ann, credits: -1 }, day, /non-negative/],
      [['k:a'], { ...ann, body: { n: 1n } as unknown as Record<string, unknown> }, day, /JSON/],
    ];
    for (const [keys, entry, ttl, message] of refusals) {
      const result = await cache.put(keys, entry, ttl);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('invalid_input');
        expect(result.error.message).toMatch(message);
      }
    }
    expect((await cache.stats(clock.now())).keys).toBe(0);
  });

  it('prunes expired entries only, in batches, and counts what it removed', async () => {
    const { cache, clock } = await setup();
    const now = clock.now();
    const rows = Array.from({ length: 5003 }, (_, i) => ({
      key: `k:expired:${i}`,
      kind: 'person',
      reveal_personal_emails: 0 as const,
      reveal_phone_number: 0 as const,
      body: '{}',
      credits: 1,
      created_at: now - 2 * day,
      expires_at: i % 2 === 0 ? now - day : now,
    }));
    for (let i = 0; i < rows.length; i += 500) {
      await t.handle.db
        .insertInto('enrichment_cache')
        .values(rows.slice(i, i + 500))
        .execute();
    }
    await cache.put(['k:live'], ann, day);
    expect(await cache.prune(now)).toBe(5003);
    expect(await cache.stats(now)).toEqual({
      keys: 1,
      live: 1,
      expired: 0,
      liveByKind: { person: 1, organization: 0 },
    });
    expect(await cache.prune(now)).toBe(0);
  });

  it('removes keys on request and reports how many existed', async () => {
    const { cache, clock } = await setup();
    await cache.put(['k:a', 'k:b'], ann, day);
    expect(await cache.remove(['k:a', 'k:a', 'k:zzz'])).toBe(1);
    expect(await cache.remove([])).toBe(0);
    expect(await cache.get(['k:a'], clock.now())).toBeUndefined();
    expect((await cache.get(['k:b'], clock.now()))?.key).toBe('k:b');
  });

  it('counts keys by liveness and kind', async () => {
    const { cache, clock } = await setup();
    expect(await cache.stats(clock.now())).toEqual({
      keys: 0,
      live: 0,
      expired: 0,
      liveByKind: { person: 0, organization: 0 },
    });
    await cache.put(['p:1', 'p:2'], ann, day);
    await cache.put(['o:1'], acme, 3 * day);
    clock.advance(2 * day);
    expect(await cache.stats(clock.now())).toEqual({
      keys: 3,
      live: 1,
      expired: 2,
      liveByKind: { person: 0, organization: 1 },
    });
  });

  it('skips a row whose body is not a JSON object instead of failing the lookup', async () => {
    const { cache, clock } = await setup();
    await t.handle.db
      .insertInto('enrichment_cache')
      .values({
        key: 'k:bad',
        kind: 'person',
        reveal_personal_emails: 0,
        reveal_phone_number: 0,
        body: 'not json',
        credits: 0,
        created_at: clock.now(),
        expires_at: clock.now() + day,
      })
      .execute();
    await cache.put(['k:good'], ann, day);
    expect((await cache.get(['k:bad', 'k:good'], clock.now()))?.key).toBe('k:good');
  });

  it('refuses a non-boolean reveal flag at the database level', async () => {
    await setup();
    await expect(
      t.handle.db
        .insertInto('enrichment_cache')
        .values({
          key: 'k:x',
          kind: 'person',
          reveal_personal_emails: 2 as 0,
          reveal_phone_number: 0,
          body: '{}',
          credits: 0,
          created_at: 1,
          expires_at: 2,
        })
        .execute(),
    ).rejects.toThrow();
  });
});
