// Pins person identity: a search row's id, the person's work email, LinkedIn URL and name with the
// employer's domain or name all match back to the same person; weak or random input matches no one.
import { createHash } from 'node:crypto';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { call, newWorld } from '../../../test/helpers/sandbox/world-call.js';

const world = newWorld(5);
const rows = call(world, 'people.search', { person_titles: ['manager'], per_page: 30, page: 3 })
  .json.people as Array<{ id: string; first_name: string; last_name_obfuscated: string }>;

function match(raw: Record<string, unknown>) {
  const r = call(world, 'people.match', raw);
  expect(r.ok).toBe(true);
  return r as typeof r & { ok: true };
}

describe('person identity', () => {
  it('matches a search row by id to a person with the same first name and obfuscated last name', () => {
    for (const row of rows) {
      const p = match({ id: row.id }).json.person;
      expect(p.id).toBe(row.id);
      expect(p.first_name).toBe(row.first_name);
      expect(`${p.last_name.slice(0, 2)}***${p.last_name.slice(-1)}`).toBe(
        row.last_name_obfuscated,
      );
    }
  });

  it('round-trips email, LinkedIn URL, name + domain and name + organization name', () => {
    for (const row of rows.slice(0, 12)) {
      const p = match({ id: row.id }).json.person;
      const email = `${p.first_name}.${p.last_name}@${p.organization.primary_domain}`.toLowerCase();
      expect(match({ email }).json.person.id).toBe(p.id);
      expect(match({ email: email.toUpperCase() }).json.person.id).toBe(p.id);
      expect(match({ linkedin_url: p.linkedin_url }).json.person.id).toBe(p.id);
      expect(
        match({ linkedin_url: p.linkedin_url.replace('http://www.', 'https://') + '/' }).json.person
          .id,
      ).toBe(p.id);
      const byName = { first_name: p.first_name, last_name: p.last_name };
      expect(match({ ...byName, domain: p.organization.primary_domain }).json.person.id).toBe(p.id);
      expect(match({ ...byName, organization_name: p.organization.name }).json.person.id).toBe(
        p.id,
      );
      expect(
        match({ name: `${p.first_name} ${p.last_name}`, domain: p.organization.primary_domain })
          .json.person.id,
      ).toBe(p.id);
      const sha = createHash('sha256').update(email).digest('hex');
      const md5 = createHash('md5').update(email).digest('hex');
      expect(
        match({ ...byName, domain: p.organization.primary_domain, hashed_email: sha }).json.person
          .id,
      ).toBe(p.id);
      expect(match({ id: p.id, hashed_email: md5 }).json.person.id).toBe(p.id);
    }
  });

  it('matches no one, free of charge, for random ids, weak input or a hashed email alone', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-f]{24}$/), (id) => {
        const r = match({ id });
        expect(r.json).toEqual({ person: null });
        expect(r.credits).toBe(0);
      }),
      { numRuns: 200 },
    );
    const p = match({ id: rows[0]!.id }).json.person;
    expect(match({ first_name: p.first_name, last_name: p.last_name }).json.person).toBeNull();
    const email = `${p.first_name}.${p.last_name}@${p.organization.primary_domain}`.toLowerCase();
    const hashed = createHash('md5').update(email).digest('hex');
    expect(match({ hashed_email: hashed }).json.person).toBeNull();
    expect(
      match({ first_name: p.first_name, last_name: p.last_name, hashed_email: hashed }).json.person,
    ).toBeNull();
    const wrongHash = createHash('md5').update('someone.else@example.com').digest('hex');
    expect(match({ id: p.id, hashed_email: wrongHash }).json.person).toBeNull();
    expect(match({ email: 'nobody.here@no-such-company.example' }).json.person).toBeNull();
  });

  it('embeds the saved contact when the person is a team contact', () => {
    const contacts = call(world, 'contacts.search', { per_page: 100 }).json.contacts as Array<{
      id: string;
      person_id: string | null;
    }>;
    const saved = contacts.find((c) => c.person_id);
    expect(saved).toBeDefined();
    const p = match({ id: saved!.person_id }).json.person;
    expect(p.contact_id).toBeDefined();
    expect(p.contact.person_id).toBe(saved!.person_id);
  });
});
