// Pins determinism: the same seed (and clock) rebuilds the same world, page for page and id for
// id; different seeds give different people, companies and CRM records.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { toJson } from '../json.js';
import type { World } from './index.js';
import { call, newWorld } from '../../../test/helpers/sandbox/world-call.js';

const queryArb = fc.record(
  {
    person_titles: fc.subarray(['sales', 'engineer', 'director', 'founder'], { minLength: 1 }),
    person_locations: fc.subarray(['United States', 'Germany', 'London', 'Ontario'], {
      minLength: 1,
    }),
    organization_num_employees_ranges: fc.subarray(['1,50', '51,500', '501,'], { minLength: 1 }),
    q_keywords: fc.constantFrom('software', 'bank', 'health'),
  },
  { requiredKeys: [] },
);

// Two independently built worlds per seed, queried in lockstep.
const twins = new Map<number, [World, World]>();
function pair(seed: number): [World, World] {
  let p = twins.get(seed);
  if (!p) twins.set(seed, (p = [newWorld(seed), newWorld(seed)]));
  return p;
}

function snapshot(w: World, query: Record<string, unknown>, page: number): string {
  const people = call(w, 'people.search', { ...query, page, per_page: 5 });
  const first = people.json.people[0];
  const match = first
    ? call(w, 'people.match', {
        id: first.id,
        reveal_phone_number: true,
        webhook_url: 'https://h.example/x',
      })
    : null;
  const orgs = call(w, 'organizations.search', { page, per_page: 5 });
  const crm = call(w, 'contacts.search', { page: (page % 12) + 1, per_page: 5 });
  return toJson([
    people.body,
    match?.body,
    match?.ok && match.async,
    orgs.body,
    crm.body,
    w.team,
    w.users(),
  ]);
}

describe('determinism', () => {
  it('gives identical pages, people, async results and CRM records for the same seed', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2),
        queryArb,
        fc.integer({ min: 1, max: 40 }),
        (seed, query, page) => {
          const [a, b] = pair(seed);
          expect(snapshot(a, query, page)).toBe(snapshot(b, query, page));
        },
      ),
      { numRuns: 10 },
    );
  });

  it('gives different data for different seeds', () => {
    const firstPage = (seed: number) =>
      call(newWorld(seed), 'people.search', { per_page: 5 }).json.people.map(
        (r: { id: string }) => r.id,
      );
    expect(firstPage(1)).not.toEqual(firstPage(2));
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        fc.pre(seed !== 1);
        expect(firstPage(seed)).not.toEqual(firstPage(1));
        expect(newWorld(seed).team.id).not.toBe(newWorld(1).team.id);
      }),
      { numRuns: 2 },
    );
  });
});
