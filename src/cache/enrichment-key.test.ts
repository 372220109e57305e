// Pins how requests and answers become cache keys (equivalent spellings meet, weak input keys on
// nothing, an answer is filed only under identities it proves) and the reveal rule: a record
// without a reveal never answers a request for it; phone reveals and waterfalls always go to Apollo.
import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import {
  canServe,
  confirmedKeys,
  fetchedReveal,
  hitAgrees,
  isStorableFetch,
  keyType,
  keysToStore,
  kindOfAction,
  noReveal,
  normalizeApolloId,
  normalizeDomain,
  normalizeEmail,
  normalizeEmailHash,
  normalizeLinkedInUrl,
  normalizeName,
  organizationAnswerKeys,
  organizationRequestKeys,
  personAnswerKeys,
  personRequestKeys,
  requestedReveal,
  withoutUnrequestedReveals,
} from './enrichment-key.js';

const annId = '5e66b6381e05b4008c8331b8';
const ann = {
  id: annId,
  first_name: 'Ann',
  last_name: 'Lee',
  name: 'Ann Lee',
  email: 'ann@acme.io',
  linkedin_url: 'http://www.linkedin.com/in/ann-lee',
  organization: {
    name: 'Acme, Inc.',
    primary_domain: 'acme.io',
    website_url: 'http://www.acme.io',
  },
};
const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('normalisation', () => {
  it.each([
    ['5E66B6381E05B4008C8331B8', annId],
    [` ${annId} `, annId],
    ['5e66b6381e05b4008c8331b', undefined],
    ['not-an-id-not-an-id-abcd', undefined],
    [42, undefined],
  ])('Apollo id %j → %j', (input, expected) => {
    expect(normalizeApolloId(input)).toBe(expected);
  });

  it.each([
    [' Ann@Acme.IO ', 'ann@acme.io'],
    ['ANN.LEE+x@Example.com', 'ann.lee+x@example.com'],
    ['ann', undefined],
    ['@acme.io', undefined],
    ['ann@', undefined],
    ['ann lee@acme.io', undefined],
    [null, undefined],
  ])('email %j → %j', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });

  it('lower-cases MD5 and SHA-256 digests and refuses anything else', () => {
    expect(normalizeEmailHash(md5('a').toUpperCase())).toBe(md5('a'));
    expect(normalizeEmailHash(sha256('a'))).toBe(sha256('a'));
    expect(normalizeEmailHash('abc')).toBeUndefined();
  });

  it.each([
    ['apollo.io', 'apollo.io'],
    ['  Apollo.IO ', 'apollo.io'],
    ['https://www.apollo.io/about?utm=1#top', 'apollo.io'],
    ['http://WWW.Apollo.io:8080/', 'apollo.io'],
    ['//apollo.io/', 'apollo.io'],
    ['www.apollo.io.', 'apollo.io'],
    ['www.www.apollo.io', 'apollo.io'],
    ['sales.apollo.io', 'sales.apollo.io'],
    ['www.com', 'www.com'],
    ['bücher.de', 'xn--bcher-kva.de'],
    ['xn--bcher-kva.de', 'xn--bcher-kva.de'],
    ['localhost', undefined],
    ['not a domain', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('domain %j → %j', (input, expected) => {
    expect(normalizeDomain(input)).toBe(expected);
  });

  it.each([
    ['https://www.linkedin.com/in/Ann-Lee/', 'linkedin.com/in/ann-lee'],
    ['http://linkedin.com/in/ann-lee?trk=public_profile', 'linkedin.com/in/ann-lee'],
    ['linkedin.com/in/ann-lee', 'linkedin.com/in/ann-lee'],
    ['www.linkedin.com/in/ann-lee#about', 'linkedin.com/in/ann-lee'],
    ['https://uk.linkedin.com/in/ann-lee/de', 'linkedin.com/in/ann-lee'],
    ['https://m.linkedin.com/in/ann-lee/details/experience/', 'linkedin.com/in/ann-lee'],
    ['https://www.linkedin.com/in/j%C3%B6rg-m', 'linkedin.com/in/jörg-m'],
    ['https://www.linkedin.com/in/JÖRG-M', 'linkedin.com/in/jörg-m'],
    ['https://www.linkedin.com/company/Apollo-io/about', 'linkedin.com/company/apollo-io'],
    ['https://linkedin.com/pub/ann-lee/12/345/678', 'linkedin.com/pub/ann-lee/12/345/678'],
    ['https://example.com/in/ann-lee', undefined],
    ['https://notlinkedin.com/in/ann-lee', undefined],
    ['https://www.linkedin.com/', undefined],
    ['https://www.linkedin.com/in/', undefined],
  ])('LinkedIn URL %j → %j', (input, expected) => {
    expect(normalizeLinkedInUrl(input)).toBe(expected);
  });

  it.each([
    ['  Ann   Lee ', 'ann lee'],
    ['ANN LEE', 'ann lee'],
    ['O’Brien', "o'brien"],
    ['Jean–Luc Picard', 'jean-luc picard'],
    ['Acme, Inc.', 'acme inc'],
    ['ＡＣＭＥ', 'acme'],
    ['Zoë', 'zoë'],
    [' .,; ', undefined],
  ])('name %j → %j', (input, expected) => {
    expect(normalizeName(input)).toBe(expected);
  });
});

describe('person request keys', () => {
  it('lists every identity, most decisive first, with a type that is safe to log', () => {
    const keys = personRequestKeys({
      first_name: 'Ann',
      last_name: 'Lee',
      linkedin_url: 'https://www.linkedin.com/in/Ann-Lee/',
      hashed_email: md5('ann@acme.io'),
      email: ' Ann@Acme.io',
      id: annId.toUpperCase(),
      domain: 'acme.io',
    });
    expect(keys).toEqual([
      `person:id:${annId}`,
      'person:email:ann@acme.io',
      `person:email_hash:${md5('ann@acme.io')}`,
      'person:linkedin:linkedin.com/in/ann-lee',
      'person:name:ann lee|domain:acme.io',
    ]);
    expect(keys.map(keyType)).toEqual(['id', 'email', 'email_hash', 'linkedin', 'name']);
  });

  it('keys a name on the employer domain, else the employer name, and never on a name alone', () => {
    expect(personRequestKeys({ name: 'Ann Lee', organization_name: 'Acme, Inc.' })).toEqual([
      'person:name:ann lee|org:acme inc',
    ]);
    expect(
      personRequestKeys({ name: 'Ann Lee', domain: 'acme.io', organization_name: 'Acme' }),
    ).toEqual(['person:name:ann lee|domain:acme.io']);
    expect(personRequestKeys({ first_name: 'Ann', last_name: 'Lee' })).toEqual([]);
    expect(personRequestKeys({})).toEqual([]);
  });

  it('gives first+last and full name the same key', () => {
    expect(
      personRequestKeys({ first_name: 'Ann Marie', last_name: 'Lee', domain: 'acme.io' }),
    ).toEqual(personRequestKeys({ name: ' ann  marie LEE ', domain: 'https://www.acme.io/' }));
  });

  it('ignores identifiers that cannot name anyone', () => {
    expect(
      personRequestKeys({ id: 'nope', email: 'not-an-email', linkedin_url: 'https://x.com/in/a' }),
    ).toEqual([]);
  });
});

describe('person answer keys and the keys an answer is filed under', () => {
  it('files an answer under its id, work email, email hashes and LinkedIn URL', () => {
    expect(personAnswerKeys(ann)).toEqual([
      `person:id:${annId}`,
      'person:email:ann@acme.io',
      `person:email_hash:${md5('ann@acme.io')}`,
      `person:email_hash:${sha256('ann@acme.io')}`,
      'person:linkedin:linkedin.com/in/ann-lee',
    ]);
  });

  it("does not treat Apollo's locked-email placeholder as an identity", () => {
    expect(
      personAnswerKeys({ id: annId, email: 'email_not_unlocked@domain.com', linkedin_url: null }),
    ).toEqual([`person:id:${annId}`]);
  });

  it('adds the request key when it was the only identifier, even if the answer does not show it', () => {
    const requested = personRequestKeys({ email: 'ann.lee@gmail.com' });
    expect(keysToStore('person', requested, ann)).toContain('person:email:ann.lee@gmail.com');
  });

  it('adds request keys the answer agrees with, and drops the ones it does not', () => {
    const requested = personRequestKeys({
      id: annId,
      email: 'bob@acme.io',
      first_name: 'Ann',
      last_name: 'Lee',
      domain: 'acme.io',
    });
    const keys = keysToStore('person', requested, ann);
    expect(keys).toContain('person:name:ann lee|domain:acme.io');
    expect(keys).not.toContain('person:email:bob@acme.io');
  });

  it('confirms a name at the employer domain, website or name', () => {
    const confirmed = confirmedKeys('person', ann);
    expect(confirmed.has('person:name:ann lee|domain:acme.io')).toBe(true);
    expect(confirmed.has('person:name:ann lee|org:acme inc')).toBe(true);
    expect(confirmed.has('person:name:ann lee|domain:other.io')).toBe(false);
  });
});

describe('hitAgrees', () => {
  const keysOf = (input: Record<string, unknown>) => personRequestKeys(input);

  it('accepts a hit on the most decisive key', () => {
    const keys = keysOf({ id: annId, email: 'someone-else@acme.io' });
    expect(hitAgrees('person', keys, keys[0]!, ann)).toBe(true);
  });

  it('refuses a hit on a weaker key when a more decisive identity names someone else', () => {
    const keys = keysOf({ id: '0123456789abcdef01234567', email: 'ann@acme.io' });
    expect(hitAgrees('person', keys, 'person:email:ann@acme.io', ann)).toBe(false);
    const byName = keysOf({ email: 'bob@acme.io', name: 'Ann Lee', domain: 'acme.io' });
    expect(hitAgrees('person', byName, 'person:name:ann lee|domain:acme.io', ann)).toBe(false);
  });

  it('accepts a weaker hit when the stronger identity agrees or the record lacks it', () => {
    const keys = keysOf({ id: annId, email: 'ann@acme.io' });
    expect(hitAgrees('person', keys, 'person:email:ann@acme.io', ann)).toBe(true);
    const noLinkedIn = { ...ann, linkedin_url: null };
    const byLinkedIn = keysOf({ linkedin_url: 'linkedin.com/in/other', email: 'ann@acme.io' });
    expect(hitAgrees('person', byLinkedIn, 'person:email:ann@acme.io', noLinkedIn)).toBe(true);
  });

  it('checks a hashed email against the cached person, as Apollo does', () => {
    const right = keysOf({ id: annId, hashed_email: sha256('ann@acme.io') });
    const wrong = keysOf({ id: annId, hashed_email: md5('bob@acme.io') });
    expect(hitAgrees('person', right, right[0]!, ann)).toBe(true);
    expect(hitAgrees('person', wrong, wrong[0]!, ann)).toBe(false);
    // Filed under the hash it was asked by (a personal email's hash): that hit stands.
    const sole = keysOf({ hashed_email: md5('ann.lee@gmail.com') });
    expect(hitAgrees('person', sole, sole[0]!, ann)).toBe(true);
  });

  it('refuses a key the request does not have', () => {
    expect(hitAgrees('person', keysOf({ id: annId }), 'person:email:ann@acme.io', ann)).toBe(false);
  });
});

describe('organization keys', () => {
  const acme = {
    id: '5e66b6381e05b4008c8331c9',
    name: 'Acme, Inc.',
    primary_domain: 'acme.io',
    website_url: 'http://www.acme.com',
    linkedin_url: 'http://www.linkedin.com/company/acme',
  };

  it('keys a request on domain, website domain, LinkedIn URL and name', () => {
    expect(
      organizationRequestKeys({
        name: 'ACME Inc',
        website: 'https://www.acme.io/pricing',
        domain: 'Acme.io',
        linkedin_url: 'https://linkedin.com/company/Acme/',
      }),
    ).toEqual([
      'organization:domain:acme.io',
      'organization:linkedin:linkedin.com/company/acme',
      'organization:name:acme inc',
    ]);
  });

  it('files an answer under its domains and LinkedIn URL, not its name', () => {
    expect(organizationAnswerKeys(acme)).toEqual([
      'organization:domain:acme.io',
      'organization:domain:acme.com',
      'organization:linkedin:linkedin.com/company/acme',
    ]);
  });

  it('files a name-only request under the name it was asked by', () => {
    const requested = organizationRequestKeys({ name: 'Acme Inc.' });
    expect(keysToStore('organization', requested, acme)).toContain('organization:name:acme inc');
  });

  it('refuses a name hit when the requested domain is another company', () => {
    const keys = organizationRequestKeys({ domain: 'acme.dev', name: 'Acme Inc' });
    expect(hitAgrees('organization', keys, 'organization:name:acme inc', acme)).toBe(false);
    const same = organizationRequestKeys({ domain: 'acme.com', name: 'Acme Inc' });
    expect(hitAgrees('organization', same, 'organization:name:acme inc', acme)).toBe(true);
  });

  it('never mixes people and organizations', () => {
    const person = personRequestKeys({ name: 'Acme', domain: 'acme.io' });
    const org = organizationRequestKeys({ domain: 'acme.io' });
    expect(person.some((k) => org.includes(k))).toBe(false);
  });
});

describe('actions', () => {
  it('caches people.match, people.bulk_match and organizations.enrich only', () => {
    expect(kindOfAction('people.match')).toBe('person');
    expect(kindOfAction('people.bulk_match')).toBe('person');
    expect(kindOfAction('organizations.enrich')).toBe('organization');
    expect(kindOfAction('people.search')).toBeUndefined();
    expect(kindOfAction('contacts.create')).toBeUndefined();
  });
});

describe('reveal levels', () => {
  it('reads what a request asks for, from booleans or query-string "true"', () => {
    expect(requestedReveal({})).toEqual(noReveal);
    expect(requestedReveal({ reveal_personal_emails: true })).toEqual({
      personalEmails: true,
      phoneNumbers: false,
      waterfall: false,
    });
    expect(requestedReveal({ reveal_phone_number: 'true', run_waterfall_email: false })).toEqual({
      personalEmails: false,
      phoneNumbers: true,
      waterfall: false,
    });
    expect(requestedReveal({ run_waterfall_phone: 'true' }).waterfall).toBe(true);
    expect(requestedReveal({ reveal_personal_emails: 'false' }).personalEmails).toBe(false);
  });

  it('records what an answer was fetched with', () => {
    expect(fetchedReveal({ reveal_personal_emails: true })).toEqual({
      personalEmails: true,
      phoneNumbers: false,
    });
    expect(fetchedReveal({ run_waterfall_phone: true }).phoneNumbers).toBe(true);
    expect(isStorableFetch({ run_waterfall_email: true })).toBe(false);
    expect(isStorableFetch({ run_waterfall_phone: true, reveal_personal_emails: true })).toBe(true);
  });

  const plain = { personalEmails: false, phoneNumbers: false };
  const personal = { personalEmails: true, phoneNumbers: false };
  const everything = { personalEmails: true, phoneNumbers: true };

  it.each([
    ['plain record, plain request', plain, {}, true],
    ['plain record, personal emails asked', plain, { reveal_personal_emails: true }, false],
    ['revealed record, plain request', personal, {}, true],
    ['revealed record, personal emails asked', personal, { reveal_personal_emails: true }, true],
    ['any record, phone asked', everything, { reveal_phone_number: true }, false],
    ['any record, email waterfall asked', everything, { run_waterfall_email: true }, false],
    ['any record, phone waterfall asked', everything, { run_waterfall_phone: true }, false],
  ])('%s → %s', (_, cached, input, expected) => {
    expect(canServe(cached, requestedReveal(input))).toBe(expected);
  });

  it('removes the reveals a plain request did not ask for, without touching the original', () => {
    const person = { ...ann, personal_emails: ['ann.lee@gmail.com'], phone_numbers: [{ n: 1 }] };
    const served = withoutUnrequestedReveals(person, everything, noReveal);
    expect(served).not.toHaveProperty('personal_emails');
    expect(served).not.toHaveProperty('phone_numbers');
    expect(served.email).toBe('ann@acme.io');
    expect(person.personal_emails).toEqual(['ann.lee@gmail.com']);
    const asked = withoutUnrequestedReveals(
      person,
      everything,
      requestedReveal({
        reveal_personal_emails: true,
      }),
    );
    expect(asked.personal_emails).toEqual(['ann.lee@gmail.com']);
  });

  it('keeps fields a plain fetch returned on its own', () => {
    const person = { ...ann, phone_numbers: [{ n: 1 }] };
    expect(withoutUnrequestedReveals(person, plain, noReveal).phone_numbers).toEqual([{ n: 1 }]);
  });
});
