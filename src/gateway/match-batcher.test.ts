// Auto-batching: concurrent plain matches share bulk calls of up to 10, answers go back to the
// right caller (aligned or by identity), reveals and webhooks are never mixed, errors reach everyone.
import { describe, expect, it } from 'vitest';

import { getAction, type ActionSpec } from '../catalog/index.js';
import { err, ok } from '../core/result.js';
import type { Credential, Upstream } from '../ports/index.js';

import { alignMatches } from '../cache/index.js';

import { createMatchBatcher } from './match-batcher.js';

const align = (details: readonly Record<string, unknown>[], matches: readonly unknown[]) =>
  alignMatches(details, matches).aligned;

const key: Credential = { kind: 'apikey', key: 'k' };
const match = getAction('people.match');

/** A fake Apollo: records calls; bulk answers align one person per detail (null for "nobody"). */
function fakeUpstream(options: { aligned?: boolean; fail?: boolean } = {}) {
  const calls: Array<{ action: string; input: Record<string, unknown> }> = [];
  const upstream: Upstream = {
    call: (async (action: ActionSpec, input: Record<string, unknown>) => {
      calls.push({ action: action.id, input });
      if (options.fail) {
        return err({
          kind: 'server_error',
          status: 500,
          message: 'boom',
          errorCode: null,
          body: null,
          rate: null,
          durationMs: 1,
        });
      }
      if (action.id === 'people.match') {
        return ok({
          status: 200,
          body: { person: { id: input.id } },
          rate: null,
          durationMs: 1,
          schemaWarnings: [],
        });
      }
      const details = input.details as Array<{ id: string }>;
      const people = details.map((d) =>
        d.id === 'nobody' ? null : { id: d.id, first_name: d.id },
      );
      const matches = options.aligned === false ? people.filter(Boolean).reverse() : people;
      return ok({
        status: 200,
        body: { status: 'success', matches },
        rate: null,
        durationMs: 1,
        schemaWarnings: [],
      });
    }) as Upstream['call'],
  };
  return { upstream, calls };
}

describe('createMatchBatcher', () => {
  it('sends 100 concurrent matches as 10 bulk calls and gives each caller its own person', async () => {
    const fake = fakeUpstream();
    const batched = createMatchBatcher(fake.upstream, { windowMs: 25, align });
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => batched.call(match, { id: `p${i}` }, key)),
    );
    expect(fake.calls).toHaveLength(10);
    expect(fake.calls.every((c) => c.action === 'people.bulk_match')).toBe(true);
    answers.forEach((a, i) =>
      expect(a.ok && a.value.body).toEqual({ person: { id: `p${i}`, first_name: `p${i}` } }),
    );
  });

  it('sends a lone call as a plain match after the window', async () => {
    const fake = fakeUpstream();
    const batched = createMatchBatcher(fake.upstream, { windowMs: 5, align });
    const answer = await batched.call(match, { id: 'solo' }, key);
    expect(fake.calls).toEqual([{ action: 'people.match', input: { id: 'solo' } }]);
    expect(answer.ok && answer.value.body).toEqual({ person: { id: 'solo' } });
  });

  it('keeps reveal flags apart, never batches webhook requests, and can be turned off', async () => {
    const fake = fakeUpstream();
    const batched = createMatchBatcher(fake.upstream, { windowMs: 10, align });
    await Promise.all([
      batched.call(match, { id: 'a' }, key),
      batched.call(match, { id: 'b' }, key),
      batched.call(match, { id: 'c', reveal_personal_emails: true }, key),
      batched.call(match, { id: 'd', reveal_personal_emails: true }, key),
      batched.call(
        match,
        { id: 'e', reveal_phone_number: true, webhook_url: 'https://x.example/h' },
        key,
      ),
    ]);
    const bulks = fake.calls.filter((c) => c.action === 'people.bulk_match');
    expect(bulks.map((b) => b.input)).toEqual(
      expect.arrayContaining([
        { details: [{ id: 'a' }, { id: 'b' }] },
        { reveal_personal_emails: true, details: [{ id: 'c' }, { id: 'd' }] },
      ]),
    );
    expect(fake.calls.filter((c) => c.action === 'people.match').map((c) => c.input.id)).toEqual([
      'e',
    ]);

    const off = fakeUpstream();
    const plain = createMatchBatcher(off.upstream, { windowMs: 0, align });
    await Promise.all([plain.call(match, { id: 'x' }, key), plain.call(match, { id: 'y' }, key)]);
    expect(off.calls.map((c) => c.action)).toEqual(['people.match', 'people.match']);
  });

  it('splits answers that are not aligned by identity, and gives null to the unmatched', async () => {
    // Apollo ids are 24 hex digits; identities are what the alignment matches on.
    const [idA, idC] = ['5d7b52d5cd4063641902b657', '631e506830d0857508de56e4'];
    const fake = fakeUpstream({ aligned: false });
    const batched = createMatchBatcher(fake.upstream, { windowMs: 10, align });
    const [a, nobody, c] = await Promise.all(
      [idA, 'nobody', idC].map((id) => batched.call(match, { id }, key)),
    );
    expect(a!.ok && a!.value.body).toEqual({ person: { id: idA, first_name: idA } });
    expect(nobody!.ok && nobody!.value.body).toEqual({ person: null });
    expect(c!.ok && c!.value.body).toEqual({ person: { id: idC, first_name: idC } });
  });

  it('gives every caller of a failed bulk call the same error', async () => {
    const fake = fakeUpstream({ fail: true });
    const batched = createMatchBatcher(fake.upstream, { windowMs: 10, align });
    const answers = await Promise.all(
      ['a', 'b', 'c'].map((id) => batched.call(match, { id }, key)),
    );
    expect(answers.map((x) => (x.ok ? 'ok' : x.error.kind))).toEqual([
      'server_error',
      'server_error',
      'server_error',
    ]);
    expect(fake.calls).toHaveLength(1);
  });
});

describe("aligning bulk answers (the cache's alignMatches)", () => {
  it('matches by email and LinkedIn URL regardless of spelling', () => {
    const people = align(
      [{ email: 'Ann@Acme.com' }, { linkedin_url: 'https://www.linkedin.com/in/bob/' }],
      [{ linkedin_url: 'http://linkedin.com/in/bob' }],
    );
    expect(people).toEqual([null, { linkedin_url: 'http://linkedin.com/in/bob' }]);
  });
});
