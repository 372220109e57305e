// Pins people.get and the legacy people search: a person's full record by id for 1 credit, where
// anyone not saved as the team's contact carries Apollo's placeholder email (never their address)
// and no contact link; the legacy search splits saved contacts from everyone else, pages with a
// pagination object, reads its newline-joined domains and costs one credit per call.
import { describe, expect, it } from 'vitest';

import { call, newWorld, type Called } from '../../../test/helpers/sandbox/world-call.js';

const creditsOf = (r: Called) => (r.ok ? r.credits : Number.NaN);

const world = newWorld(5);

describe('people.get', () => {
  it('answers a person found by search with the placeholder email and no contact link, for 1 credit', () => {
    const [row] = call(world, 'people.search', { person_titles: ['engineer'], per_page: 1 }).json
      .people;
    const r = call(world, 'people.get', { id: row.id });
    expect(r.ok).toBe(true);
    expect(creditsOf(r)).toBe(1);
    const person = r.json.person;
    expect(person.id).toBe(row.id);
    expect(person.first_name).toBe(row.first_name);
    expect(person.title).toBe(row.title);
    expect(person.employment_history.length).toBeGreaterThan(0);
    if (person.email !== null) expect(person.email).toBe('email_not_unlocked@domain.com');
    expect(['verified', 'extrapolated', 'unavailable']).toContain(person.email_status);
    expect(person).not.toHaveProperty('contact_id');
    expect(person).not.toHaveProperty('revealed_for_current_team');
    // Enrichment reveals the real address of the same person.
    const matched = call(world, 'people.match', { id: row.id }).json.person;
    expect(matched.id).toBe(person.id);
    if (matched.email) expect(matched.email).not.toBe(person.email);
  });

  it("shows a saved contact's real email and the contact it is saved as", () => {
    const contacts = call(world, 'contacts.search', { per_page: 100 }).json.contacts as Array<{
      id: string;
      person_id: string | null;
      email: string | null;
    }>;
    const saved = contacts.find((c) => c.person_id)!;
    const person = call(world, 'people.get', { id: saved.person_id! }).json.person;
    expect(person.contact_id).toBe(saved.id);
    expect(person.email).not.toBe('email_not_unlocked@domain.com');
    expect(person.revealed_for_current_team).toBe(true);
  });

  it('answers 422 "Person does not exist." for an unknown or malformed id, charging nothing', () => {
    for (const id of ['0123456789abcdef01234567', 'not-an-id']) {
      const r = call(world, 'people.get', { id });
      expect(r).toMatchObject({
        ok: false,
        status: 422,
        body: { error: 'Person does not exist.' },
      });
    }
  });
});

describe('people.search_legacy', () => {
  it('pages full records with a pagination object and one credit per call', () => {
    const r = call(world, 'people.search_legacy', { person_titles: ['engineer'], per_page: 10 });
    expect(creditsOf(r)).toBe(1);
    const api = call(world, 'people.search', { person_titles: ['engineer'], per_page: 10 }).json;
    expect(r.json.pagination).toEqual({
      page: 1,
      per_page: 10,
      total_entries: api.total_entries,
      total_pages: Math.ceil(api.total_entries / 10),
    });
    expect(r.json.contacts.length + r.json.people.length).toBe(10);
    const ids = [
      ...r.json.contacts.map((c: { person_id: string }) => c.person_id),
      ...r.json.people.map((p: { id: string }) => p.id),
    ].sort();
    expect(ids).toEqual(api.people.map((p: { id: string }) => p.id).sort());
    for (const p of r.json.people) {
      if (p.email !== null) expect(p.email).toBe('email_not_unlocked@domain.com');
    }
    const second = call(world, 'people.search_legacy', {
      person_titles: ['engineer'],
      per_page: 10,
      page: 2,
    });
    expect(second.json.pagination.page).toBe(2);
    expect(creditsOf(second)).toBe(1);
  });

  it('returns only saved contacts for prospected_by_current_team ["yes"], and none for ["no"]', () => {
    const yes = call(world, 'people.search_legacy', {
      prospected_by_current_team: ['yes'],
      per_page: 100,
    }).json;
    expect(yes.people).toEqual([]);
    expect(yes.contacts.length).toBeGreaterThan(0);
    expect(yes.contacts).toHaveLength(Math.min(100, yes.pagination.total_entries));
    const no = call(world, 'people.search_legacy', {
      prospected_by_current_team: ['no'],
      per_page: 100,
    }).json;
    expect(no.contacts).toEqual([]);
    expect(no.people.length).toBeGreaterThan(0);
  });

  it('reads the newline-joined q_organization_domains like q_organization_domains_list', () => {
    const person = call(world, 'people.search', { per_page: 1 }).json.people[0];
    const domain = call(world, 'people.match', { id: person.id }).json.person.organization
      .primary_domain;
    const legacy = call(world, 'people.search_legacy', {
      q_organization_domains: `${domain}\nnone.example`,
      per_page: 5,
    }).json;
    const api = call(world, 'people.search', { q_organization_domains_list: [domain] }).json;
    expect(legacy.pagination.total_entries).toBe(api.total_entries);
    expect(legacy.breadcrumbs.length).toBeGreaterThan(0);
  });
});
