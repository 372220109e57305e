// Pins the enrichment cache's policy: a hit costs nothing and reports what it saved, an expired
// entry misses, a record without a reveal never answers a request for it (and a revealed record
// answers a plain request without the reveal), equivalent spellings hit, a bulk request is split
// per detail and merged back in the caller's order, and nothing is stored or served when disabled.
import { createHash } from 'node:crypto';

import { afterAll, describe, expect, it, vi } from 'vitest';

import { creditsFromResponse, getAction } from '../catalog/index.js';
import { call as callWorld, newWorld } from '../../test/helpers/sandbox/world-call.js';
import { openDatabase } from '../store/dialect.js';
import { createEnrichmentCacheRepository } from '../store/enrichment-cache-repository.js';
import { migrateToLatest } from '../store/migrate.js';
import { createTestSealer } from '../../test/store/sealer.js';
import {
  createEnrichmentCache,
  defaultEnrichmentTtlMs,
  mergeBulk,
  splitBulk,
} from './enrichment-cache.js';
import type {
  CacheHit,
  CacheLookup,
  EnrichmentCache,
  EnrichmentCacheOptions,
} from './enrichment-cache.js';
import type { EnrichmentCacheStore } from './enrichment-store.js';
import { createMemoryEnrichmentStore } from './memory-enrichment-store.js';

const day = 86_400_000;
const T = Date.UTC(2026, 0, 5, 9);

const ann = {
  id: '5e66b6381e05b4008c8331b8',
  first_name: 'Ann',
  last_name: 'Lee',
  name: 'Ann Lee',
  email: 'ann@acme.io',
  linkedin_url: 'http://www.linkedin.com/in/ann-lee',
  organization: { name: 'Acme', primary_domain: 'acme.io' },
};
const bob = {
  id: '5e66b6381e05b4008c8331b9',
  first_name: 'Bob',
  last_name: 'Ray',
  name: 'Bob Ray',
  email: 'bob@acme.io',
  linkedin_url: 'http://www.linkedin.com/in/bob-ray',
  organization: { name: 'Acme', primary_domain: 'acme.io' },
};
const cat = {
  id: '5e66b6381e05b4008c8331ba',
  first_name: 'Cat',
  last_name: 'Wu',
  name: 'Cat Wu',
  email: 'cat@globex.com',
  linkedin_url: null,
  organization: { name: 'Globex', primary_domain: 'globex.com' },
};
const acme = {
  id: '5e66b6381e05b4008c8331c9',
  name: 'Acme',
  primary_domain: 'acme.io',
  website_url: 'http://www.acme.io',
  linkedin_url: 'http://www.linkedin.com/company/acme',
};

function setup(options: Partial<EnrichmentCacheOptions> = {}) {
  const store = options.store ?? createMemoryEnrichmentStore();
  const logger = { warn: vi.fn() };
  const cache = createEnrichmentCache({ ...options, store, logger });
  return { cache, store, logger };
}

function expectHit(result: CacheLookup): CacheHit {
  if (result.kind !== 'hit') throw new Error(`expected a hit, got ${JSON.stringify(result)}`);
  return result;
}

describe('people.match', () => {
  it('serves a remembered answer for free and reports the credits it saved', async () => {
    const { cache } = setup();
    expect(
      await cache.remember('people.match', { email: 'ann@acme.io' }, { person: ann }, 1, T),
    ).toBe(1);
    const hit = expectHit(await cache.lookup('people.match', { email: 'ann@acme.io' }, T + 1000));
    expect(hit).toEqual({
      kind: 'hit',
      key: 'person:email:ann@acme.io',
      matchedBy: 'email',
      body: { person: ann },
      savedCredits: 1,
      cachedAt: T,
      expiresAt: T + defaultEnrichmentTtlMs,
    });
  });

  it('answers under every identity the answer proves, however it is spelled', async () => {
    const { cache } = setup();
    await cache.remember('people.match', { email: 'ann@acme.io' }, { person: ann }, 1, T);
    const spellings = [
      { email: '  ANN@Acme.IO ' },
      { id: ann.id.toUpperCase() },
      { linkedin_url: 'https://www.linkedin.com/in/Ann-Lee/?trk=public' },
      { linkedin_url: 'linkedin.com/in/ann-lee' },
      { hashed_email: createHash('md5').update('ann@acme.io').digest('hex'), email: 'ann@acme.io' },
      { hashed_email: createHash('sha256').update('ann@acme.io').digest('hex') },
    ];
    for (const input of spellings) {
      expect((await cache.lookup('people.match', input, T)).kind).toBe('hit');
    }
    // A name with the employer the answer confirms, after a plain lookup by id filed it.
    await cache.remember(
      'people.match',
      { first_name: 'Ann', last_name: 'Lee', domain: 'acme.io', id: ann.id },
      { person: ann },
      1,
      T,
    );
    const byName = await cache.lookup(
      'people.match',
      { name: ' ann  LEE', domain: 'https://www.acme.io/' },
      T,
    );
    expect(expectHit(byName).matchedBy).toBe('name');
  });

  it('misses from the moment the entry expires, and honours a configured TTL', async () => {
    const { cache } = setup({ ttlMs: day });
    await cache.remember('people.match', { id: ann.id }, { person: ann }, 1, T);
    expect((await cache.lookup('people.match', { id: ann.id }, T + day - 1)).kind).toBe('hit');
    expect(await cache.lookup('people.match', { id: ann.id }, T + day)).toEqual({
      kind: 'miss',
      reason: 'not_found',
    });
    expect(await cache.prune(T + day)).toBeGreaterThan(0);
    expect((await cache.stats(T + day)).store.keys).toBe(0);
  });

  it('defaults to a 30-day TTL and refuses a TTL that is not a positive duration', () => {
    expect(setup().cache.ttlMs).toBe(30 * day);
    expect(() => setup({ ttlMs: 0 })).toThrow(RangeError);
    expect(() => setup({ ttlMs: Number.NaN })).toThrow(/positive/);
  });

  it('never stores or serves anything when disabled', async () => {
    const { cache, store } = setup({ enabled: false });
    expect(cache.enabled).toBe(false);
    expect(await cache.remember('people.match', { id: ann.id }, { person: ann }, 1, T)).toBe(0);
    expect((await store.stats(T)).keys).toBe(0);
    expect(await cache.lookup('people.match', { id: ann.id }, T)).toEqual({
      kind: 'miss',
      reason: 'disabled',
    });
    await store.put(
      [`person:id:${ann.id}`],
      {
        kind: 'person',
        revealPersonalEmails: false,
        revealPhoneNumber: false,
        body: ann,
        credits: 1,
      },
      day,
      T,
    );
    expect((await cache.lookup('people.match', { id: ann.id }, T)).kind).toBe('miss');
  });

  it('does not cache a no-match, which costs nothing and may match later', async () => {
    const { cache } = setup();
    expect(await cache.remember('people.match', { email: 'x@y.io' }, { person: null }, 0, T)).toBe(
      0,
    );
    expect(await cache.remember('people.match', { email: 'x@y.io' }, {}, 0, T)).toBe(0);
    expect(await cache.remember('people.match', { email: 'x@y.io' }, 'text', 0, T)).toBe(0);
  });

  it('misses for input that names nobody, and for actions it does not cache', async () => {
    const { cache } = setup();
    expect(await cache.lookup('people.match', { first_name: 'Ann' }, T)).toEqual({
      kind: 'miss',
      reason: 'no_identity',
    });
    expect(await cache.lookup('people.search', { q_keywords: 'ann' }, T)).toEqual({
      kind: 'miss',
      reason: 'not_cacheable',
    });
    expect(
      await cache.remember('contacts.create', { email: 'a@b.io' }, { contact: {} }, 0, T),
    ).toBe(0);
  });

  it('refuses a cached person when a more decisive identity in the request names someone else', async () => {
    const { cache } = setup();
    await cache.remember('people.match', { email: 'ann@acme.io' }, { person: ann }, 1, T);
    const other = { id: '0123456789abcdef01234567', email: 'ann@acme.io' };
    expect(await cache.lookup('people.match', other, T)).toEqual({
      kind: 'miss',
      reason: 'conflict',
    });
  });

  it('does not file an answer under a request identity it contradicts', async () => {
    const { cache } = setup();
    await cache.remember(
      'people.match',
      { id: ann.id, email: 'bob@acme.io' },
      { person: ann },
      1,
      T,
    );
    expect((await cache.lookup('people.match', { email: 'bob@acme.io' }, T)).kind).toBe('miss');
  });

  it('hands out copies: changing a served body does not change the cache', async () => {
    const { cache } = setup();
    await cache.remember('people.match', { id: ann.id }, { person: ann }, 1, T);
    const first = expectHit(await cache.lookup('people.match', { id: ann.id }, T));
    (first.body.person as Record<string, unknown>).email = 'changed@x.io';
    const second = expectHit(await cache.lookup('people.match', { id: ann.id }, T));
    expect((second.body.person as Record<string, unknown>).email).toBe('ann@acme.io');
  });
});

describe('reveal rules', () => {
  const revealed = { ...ann, personal_emails: ['ann.lee@gmail.com'] };

  it('never answers a request for personal emails from a record fetched without them', async () => {
    const { cache } = setup();
    await cache.remember('people.match', { id: ann.id }, { person: ann }, 1, T);
    expect(
      await cache.lookup('people.match', { id: ann.id, reveal_personal_emails: true }, T),
    ).toEqual({ kind: 'miss', reason: 'not_found' });
    expect(
      (await cache.lookup('people.match', { id: ann.id, reveal_personal_emails: 'true' }, T)).kind,
    ).toBe('miss');
  });

  it('answers a personal-email request from a revealed record, with the emails and their price', async () => {
    const { cache } = setup();
    const input = { id: ann.id, reveal_personal_emails: true };
    await cache.remember('people.match', input, { person: revealed }, 2, T);
    const hit = expectHit(await cache.lookup('people.match', input, T));
    expect(hit.body).toEqual({ person: revealed });
    expect(hit.savedCredits).toBe(2);
  });

  it('answers a plain request from a revealed record without the revealed emails', async () => {
    const { cache } = setup();
    await cache.remember(
      'people.match',
      { id: ann.id, reveal_personal_emails: true },
      { person: revealed },
      2,
      T,
    );
    const hit = expectHit(await cache.lookup('people.match', { email: 'ann@acme.io' }, T));
    expect(hit.body).toEqual({ person: ann });
    expect(hit.body.person).not.toHaveProperty('personal_emails');
    // A plain enrichment would have cost 1, not the 2 the reveal cost.
    expect(hit.savedCredits).toBe(1);
  });

  it('finds the revealed record under a later key when an earlier one holds a plain record', async () => {
    const { cache } = setup();
    await cache.remember(
      'people.match',
      { email: 'ann@acme.io' },
      { person: { ...ann, linkedin_url: null, id: null } },
      1,
      T,
    );
    await cache.remember(
      'people.match',
      { linkedin_url: ann.linkedin_url, reveal_personal_emails: true },
      { person: { ...revealed, email: null, id: null } },
      2,
      T,
    );
    const hit = expectHit(
      await cache.lookup(
        'people.match',
        { email: 'ann@acme.io', linkedin_url: ann.linkedin_url, reveal_personal_emails: true },
        T,
      ),
    );
    expect(hit.matchedBy).toBe('linkedin');
  });

  it('keeps a revealed record when a plainer answer for the same person arrives', async () => {
    const { cache } = setup();
    await cache.remember(
      'people.match',
      { id: ann.id, reveal_personal_emails: true },
      { person: revealed },
      2,
      T,
    );
    await cache.remember('people.match', { email: 'ann@acme.io' }, { person: ann }, 1, T + 1000);
    const hit = await cache.lookup(
      'people.match',
      { id: ann.id, reveal_personal_emails: true },
      T + 2000,
    );
    expect(expectHit(hit).body).toEqual({ person: revealed });
  });

  it('always sends phone reveals and waterfalls to Apollo: only its webhook delivers them', async () => {
    const { cache } = setup();
    const fetched = {
      id: ann.id,
      reveal_personal_emails: true,
      reveal_phone_number: true,
      webhook_url: 'https://h.example/x',
    };
    await cache.remember('people.match', fetched, { person: revealed, request_id: 1 }, 2, T);
    for (const flags of [
      { reveal_phone_number: true },
      { run_waterfall_email: true },
      { run_waterfall_phone: 'true' },
    ]) {
      expect(
        await cache.lookup(
          'people.match',
          { id: ann.id, ...flags, webhook_url: 'https://h.example/x' },
          T,
        ),
      ).toEqual({ kind: 'miss', reason: 'needs_upstream' });
    }
  });

  it('serves a phone-revealed record to a plain request without phones', async () => {
    const { cache } = setup();
    const withPhones = { ...ann, phone_numbers: [{ sanitized_number: '+15551234567' }] };
    await cache.remember(
      'people.match',
      { id: ann.id, reveal_phone_number: true, webhook_url: 'https://h.example/x' },
      { person: withPhones, request_id: 7 },
      9,
      T,
    );
    const hit = expectHit(await cache.lookup('people.match', { id: ann.id }, T));
    expect(hit.body).toEqual({ person: ann });
    expect(hit.savedCredits).toBe(1);
  });

  it('does not store an email-waterfall answer, which lacks the work email', async () => {
    const { cache, store } = setup();
    const { email: _email, ...noEmail } = ann;
    const input = { id: ann.id, run_waterfall_email: true, webhook_url: 'https://h.example/x' };
    expect(await cache.remember('people.match', input, { person: noEmail }, 1, T)).toBe(0);
    expect((await store.stats(T)).keys).toBe(0);
  });
});

describe('organizations.enrich', () => {
  it('serves a company by any spelling of its domain or website', async () => {
    const { cache } = setup();
    expect(
      await cache.remember(
        'organizations.enrich',
        { domain: 'acme.io' },
        { organization: acme },
        1,
        T,
      ),
    ).toBe(1);
    for (const input of [
      { domain: 'ACME.io' },
      { website: 'https://www.acme.io/pricing' },
      { linkedin_url: 'https://linkedin.com/company/Acme/' },
    ]) {
      const hit = expectHit(await cache.lookup('organizations.enrich', input, T));
      expect(hit.body).toEqual({ organization: acme });
      expect(hit.savedCredits).toBe(1);
    }
    expect((await cache.lookup('organizations.enrich', { domain: 'acme.com' }, T)).kind).toBe(
      'miss',
    );
  });

  it('does not cache an unknown company (an empty answer)', async () => {
    const { cache } = setup();
    expect(await cache.remember('organizations.enrich', { domain: 'nope.io' }, {}, 0, T)).toBe(0);
  });

  it('keeps people and companies apart', async () => {
    const { cache } = setup();
    await cache.remember(
      'organizations.enrich',
      { domain: 'acme.io' },
      { organization: acme },
      1,
      T,
    );
    expect((await cache.lookup('people.match', { name: 'Acme', domain: 'acme.io' }, T)).kind).toBe(
      'miss',
    );
  });
});

describe('failures and bookkeeping', () => {
  it('treats a failing store as a miss and logs neither keys nor bodies', async () => {
    const broken: EnrichmentCacheStore = {
      ...createMemoryEnrichmentStore(),
      get: () => Promise.reject(new Error('database is locked')),
      put: () => Promise.reject(new Error('disk full')),
    };
    const { cache, logger } = setup({ store: broken });
    expect(await cache.lookup('people.match', { email: 'ann@acme.io' }, T)).toEqual({
      kind: 'miss',
      reason: 'error',
    });
    expect(
      await cache.remember('people.match', { email: 'ann@acme.io' }, { person: ann }, 1, T),
    ).toBe(0);
    expect(logger.warn).toHaveBeenCalledTimes(2);
    const logged = JSON.stringify(logger.warn.mock.calls);
    expect(logged).toContain('database is locked');
    expect(logged).not.toContain('ann@acme.io');
    expect(logged).not.toContain('Ann');
  });

  it('keeps namespaces apart: a sandbox answer is never served for Apollo', async () => {
    const store = createMemoryEnrichmentStore();
    const sandbox = setup({ store, namespace: 'sandbox' }).cache;
    const live = setup({ store, namespace: 'team-5f0c2b6e' }).cache;
    await sandbox.remember('people.match', { id: ann.id }, { person: ann }, 1, T);
    expect((await live.lookup('people.match', { id: ann.id }, T)).kind).toBe('miss');
    expect(expectHit(await sandbox.lookup('people.match', { id: ann.id }, T)).key).toBe(
      `person:id:${ann.id}`,
    );
    expect(() => setup({ namespace: 'a/b' })).toThrow(/namespace/);
  });

  it('counts hits, misses, saved credits and stored answers', async () => {
    const { cache } = setup();
    await cache.remember('people.match', { id: ann.id }, { person: ann }, 1, T);
    await cache.lookup('people.match', { id: ann.id }, T);
    await cache.lookup('people.match', { id: bob.id }, T);
    await cache.lookup('people.search', {}, T);
    expect(await cache.stats(T)).toEqual({
      enabled: true,
      ttlMs: defaultEnrichmentTtlMs,
      hits: 1,
      misses: 1,
      savedCredits: 1,
      stored: 1,
      store: { keys: 5, live: 5, expired: 0, liveByKind: { person: 5, organization: 0 } },
    });
  });
});

describe('people.bulk_match', () => {
  const rememberAll = async (cache: EnrichmentCache) => {
    await cache.remember('people.match', { id: ann.id }, { person: ann }, 1, T);
    await cache.remember('people.match', { id: cat.id }, { person: cat }, 1, T);
  };
  const input = {
    details: [{ email: 'ann@acme.io' }, { email: 'bob@acme.io' }, { id: cat.id }],
    reveal_personal_emails: false,
  };

  it('looks up each detail on its own and lists the results in order', async () => {
    const { cache } = setup();
    await rememberAll(cache);
    const lookup = await cache.lookup('people.bulk_match', input, T);
    if (lookup.kind !== 'bulk') throw new Error('expected bulk');
    expect(lookup.items.map((i) => i.kind)).toEqual(['hit', 'miss', 'hit']);
    expect(lookup.hits).toBe(2);
    expect(lookup.savedCredits).toBe(2);
  });

  it('is a plain miss when no detail is cached, or when the request needs Apollo', async () => {
    const { cache } = setup();
    expect(await cache.lookup('people.bulk_match', input, T)).toEqual({
      kind: 'miss',
      reason: 'not_found',
    });
    await rememberAll(cache);
    const phones = { ...input, reveal_phone_number: true, webhook_url: 'https://h.example/x' };
    const miss = await cache.lookup('people.bulk_match', phones, T);
    expect(miss).toEqual({ kind: 'miss', reason: 'needs_upstream' });
    expect(splitBulk(phones, miss)).toMatchObject({
      missingInput: phones,
      missingIndexes: [0, 1, 2],
    });
  });

  it('sends only the misses upstream and merges the answer back in the request order', async () => {
    const { cache } = setup();
    await rememberAll(cache);
    const split = splitBulk(input, await cache.lookup('people.bulk_match', input, T));
    expect([...split.hits.keys()]).toEqual([0, 2]);
    expect(split.missingIndexes).toEqual([1]);
    expect(split.missingInput).toEqual({
      details: [{ email: 'bob@acme.io' }],
      reveal_personal_emails: false,
    });
    expect(split.savedCredits).toBe(2);

    const upstream = {
      status: 'success',
      error_code: null,
      error_message: null,
      total_requested_enrichments: 1,
      unique_enriched_records: 1,
      missing_records: 0,
      credits_consumed: 1,
      matches: [bob],
      request_id: -42,
    };
    const merged = mergeBulk(split.hits, upstream, 3, split.missingInput);
    expect(merged).toEqual({
      status: 'success',
      error_code: null,
      error_message: null,
      total_requested_enrichments: 3,
      unique_enriched_records: 1,
      missing_records: 0,
      credits_consumed: 1,
      matches: [ann, bob, cat],
      request_id: -42,
    });
    // The audit's credit count for the merged answer is what Apollo charged, not the cached people.
    expect(creditsFromResponse(getAction('people.bulk_match'), merged)).toBe(1);
  });

  it("answers entirely from the cache when every detail is known, in Apollo's shape, for nothing", async () => {
    const { cache } = setup();
    await rememberAll(cache);
    const all = { details: [{ id: cat.id }, { linkedin_url: 'linkedin.com/in/ann-lee' }] };
    const split = splitBulk(all, await cache.lookup('people.bulk_match', all, T));
    expect(split.missingInput).toBeNull();
    const merged = mergeBulk(split.hits, undefined, 2);
    expect(merged).toEqual({
      status: 'success',
      error_code: null,
      error_message: null,
      total_requested_enrichments: 2,
      unique_enriched_records: 0,
      missing_records: 0,
      credits_consumed: 0,
      matches: [cat, ann],
    });
  });

  it('places fresh matches by identity when Apollo leaves unmatched details out', async () => {
    const { cache } = setup();
    await cache.remember('people.match', { id: ann.id }, { person: ann }, 1, T);
    const four = {
      details: [
        { email: 'ghost@nowhere.io' },
        { email: 'ann@acme.io' },
        { id: cat.id },
        { email: 'bob@acme.io' },
      ],
    };
    const split = splitBulk(four, await cache.lookup('people.bulk_match', four, T));
    expect(split.missingIndexes).toEqual([0, 2, 3]);
    const upstream = {
      status: 'success',
      credits_consumed: 2,
      missing_records: 1,
      matches: [cat, bob],
    };
    const merged = mergeBulk(split.hits, upstream, 4, split.missingInput);
    expect(merged.matches).toEqual([null, ann, cat, bob]);
    expect(merged.missing_records).toBe(1);
  });

  it("passes Apollo's answer through untouched when nothing was cached", () => {
    const upstream = { status: 'success', matches: [ann], waterfall: { status: 'accepted' } };
    expect(mergeBulk(new Map(), upstream, 1)).toEqual(upstream);
  });

  it('remembers each person of a bulk answer under its detail, sharing the credits charged', async () => {
    const { cache, store } = setup();
    const sent = {
      details: [
        { email: 'ann@acme.io' },
        { email: 'ghost@nowhere.io' },
        { first_name: 'Cat', last_name: 'Wu', domain: 'globex.com' },
      ],
      reveal_personal_emails: true,
    };
    const body = {
      status: 'success',
      credits_consumed: 3,
      matches: [
        { ...ann, personal_emails: ['ann.lee@gmail.com'] },
        null,
        { ...cat, personal_emails: [] },
      ],
    };
    expect(await cache.remember('people.bulk_match', sent, body, 3, T)).toBe(2);
    const annEntry = await store.get(['person:email:ann@acme.io'], T);
    const catEntry = await store.get(['person:name:cat wu|domain:globex.com'], T);
    expect(annEntry).toMatchObject({ revealPersonalEmails: true, credits: 2 });
    expect(catEntry).toMatchObject({ revealPersonalEmails: true, credits: 1 });
    expect(await store.get(['person:email:ghost@nowhere.io'], T)).toBeUndefined();
    // A single enrichment now hits what the bulk call paid for.
    const hit = expectHit(
      await cache.lookup('people.match', { id: ann.id, reveal_personal_emails: true }, T),
    );
    expect(hit.savedCredits).toBe(2);
  });
});

describe('bulk credits', () => {
  it('charges a person named twice in one bulk call once', async () => {
    const { cache, store } = setup();
    const sent = { details: [{ id: ann.id }, { email: 'ann@acme.io' }, { id: cat.id }] };
    const body = { status: 'success', credits_consumed: 2, matches: [ann, ann, cat] };
    expect(await cache.remember('people.bulk_match', sent, body, 2, T)).toBe(3);
    expect((await store.get([`person:id:${ann.id}`], T))?.credits).toBe(1);
    expect((await store.get([`person:id:${cat.id}`], T))?.credits).toBe(1);
  });

  it('logs a refused store without the keys or the body', async () => {
    const refusing: EnrichmentCacheStore = {
      ...createMemoryEnrichmentStore(),
      put: () =>
        Promise.resolve({ ok: false, error: { code: 'invalid_input', message: 'too many keys' } }),
    };
    const { cache, logger } = setup({ store: refusing });
    expect(await cache.remember('people.match', { id: ann.id }, { person: ann }, 1, T)).toBe(0);
    expect(logger.warn).toHaveBeenCalledWith(
      { action: 'people.match', err: 'too many keys' },
      expect.stringMatching(/could not store/),
    );
  });
});

/** A sandbox call that must succeed, with the credits it cost. */
function call(
  world: ReturnType<typeof newWorld>,
  actionId: string,
  input: Record<string, unknown>,
) {
  const result = callWorld(world, actionId, input);
  if (!result.ok) throw new Error(`${actionId} answered ${result.status}`);
  return result;
}

describe('against the sandbox', () => {
  const world = newWorld(11);
  const rows = call(world, 'people.search', { person_titles: ['engineer'], per_page: 5 }).json
    .people as Array<{ id: string }>;

  it('serves exactly the person Apollo answered, by any identity it proved', async () => {
    const { cache } = setup();
    const answers = rows.map((r) => ({
      input: { id: r.id },
      answer: call(world, 'people.match', { id: r.id }),
    }));
    const found = answers.find(
      (a) => a.answer.json.person?.email && a.answer.json.person?.linkedin_url,
    );
    if (!found) throw new Error('no sandbox person with an email and a LinkedIn URL');
    await cache.remember('people.match', found.input, found.answer.json, found.answer.credits, T);
    const person = found.answer.json.person as Record<string, string>;
    for (const input of [
      { id: person.id },
      { email: person.email!.toUpperCase() },
      { linkedin_url: `${person.linkedin_url}/` },
    ]) {
      const hit = expectHit(await cache.lookup('people.match', input, T));
      expect(hit.body).toEqual({ person });
      expect(hit.savedCredits).toBe(found.answer.credits);
    }
  });

  it('answers a fully cached bulk request in a shape the catalog accepts', async () => {
    const { cache } = setup();
    const details = rows.slice(0, 3).map((r) => ({ id: r.id }));
    const whole = call(world, 'people.bulk_match', { details });
    await cache.remember('people.bulk_match', { details }, whole.json, whole.credits, T);
    const split = splitBulk({ details }, await cache.lookup('people.bulk_match', { details }, T));
    expect(split.missingInput).toBeNull();
    const merged = mergeBulk(split.hits, undefined, details.length);
    expect(merged.matches).toEqual(whole.json.matches);
    expect(getAction('people.bulk_match').output.safeParse(merged).success).toBe(true);
    expect(split.savedCredits).toBe(whole.credits);
  });

  it('merges a partly cached bulk request into the answer Apollo gives for the whole of it', async () => {
    const { cache } = setup();
    const details = [
      { id: rows[1]!.id },
      { email: 'ghost.person@nowhere.example' },
      { id: rows[2]!.id },
      { id: rows[3]!.id },
    ];
    const whole = call(world, 'people.bulk_match', { details }).json;
    const known = call(world, 'people.match', { id: rows[2]!.id });
    await cache.remember('people.match', { id: rows[2]!.id }, known.json, known.credits, T);

    const split = splitBulk({ details }, await cache.lookup('people.bulk_match', { details }, T));
    expect(split.missingIndexes).toEqual([0, 1, 3]);
    const rest = call(world, 'people.bulk_match', split.missingInput!);
    const merged = mergeBulk(split.hits, rest.json, details.length, split.missingInput);
    expect(merged.matches).toEqual(whole.matches);
    expect(merged).toMatchObject({
      total_requested_enrichments: 4,
      missing_records: 1,
      credits_consumed: rest.credits,
    });
    expect(rest.credits).toBe(whole.credits_consumed - known.credits);
  });

  it('serves a company by its website after enriching it by domain', async () => {
    const { cache } = setup();
    const org = call(world, 'people.match', { id: rows[4]!.id }).json.person.organization as {
      primary_domain: string;
    };
    const enriched = call(world, 'organizations.enrich', { domain: org.primary_domain });
    await cache.remember(
      'organizations.enrich',
      { domain: org.primary_domain },
      enriched.json,
      enriched.credits,
      T,
    );
    const hit = expectHit(
      await cache.lookup(
        'organizations.enrich',
        { website: `https://www.${org.primary_domain}/about` },
        T,
      ),
    );
    expect(hit.body).toEqual(enriched.json);
  });
});

describe('over the SQLite repository', () => {
  const handle = openDatabase(':memory:');
  const ready = migrateToLatest(handle.db);
  afterAll(() => handle.close());

  it('behaves as over the memory store', async () => {
    expect((await ready).ok).toBe(true);
    const store: EnrichmentCacheStore = createEnrichmentCacheRepository(handle.db, {
      sealer: createTestSealer(),
    });
    const { cache } = setup({ store, ttlMs: day });
    const revealed = { ...ann, personal_emails: ['ann.lee@gmail.com'] };
    await cache.remember(
      'people.match',
      { id: ann.id, reveal_personal_emails: true },
      { person: revealed },
      2,
      T,
    );
    await cache.remember('people.match', { email: 'ann@acme.io' }, { person: ann }, 1, T + 1);
    expect(expectHit(await cache.lookup('people.match', { email: 'ANN@acme.io' }, T)).body).toEqual(
      { person: ann },
    );
    expect(
      expectHit(await cache.lookup('people.match', { id: ann.id, reveal_personal_emails: true }, T))
        .body,
    ).toEqual({
      person: revealed,
    });
    expect((await cache.lookup('people.match', { id: ann.id }, T + day)).kind).toBe('miss');
    expect(await cache.prune(T + day)).toBe(5);
  });
});
