// Pins two properties of cache keys over generated input: normalising is idempotent (a normalised
// value normalises to itself), and equivalent spellings of one identity map to the same key.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  maxKeyLength,
  normalizeApolloId,
  normalizeDomain,
  normalizeEmail,
  normalizeEmailHash,
  normalizeLinkedInUrl,
  normalizeName,
  organizationRequestKeys,
  personRequestKeys,
} from './enrichment-key.js';

/** LinkedIn-looking URLs with awkward slugs: percent escapes, slashes, unicode, query marks. */
const linkedInish = fc
  .tuple(
    fc.constantFrom(
      'https://www.linkedin.com/in/',
      'linkedin.com/',
      'http://uk.linkedin.com/pub/',
      'LinkedIn.com/company/',
    ),
    fc.string({ unit: 'grapheme', maxLength: 12 }),
    fc.stringMatching(/^(%[0-9a-fA-F]{2}|[a-zA-Z/?#%\\ -]){0,12}$/),
  )
  .map((parts) => parts.join(''));

const anyText = fc.oneof(
  linkedInish,
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.emailAddress(),
  fc.domain(),
);

const normalisers = {
  normalizeApolloId,
  normalizeEmail,
  normalizeEmailHash,
  normalizeDomain,
  normalizeLinkedInUrl,
  normalizeName,
};

/** Randomly upper-cases letters. */
const recase = (s: string, flips: boolean[]) =>
  [...s].map((c, i) => (flips[i % Math.max(1, flips.length)] ? c.toUpperCase() : c)).join('');

const flipsArb = fc.array(fc.boolean(), { minLength: 1, maxLength: 16 });
const padArb = fc.constantFrom('', ' ', '  ', '\t', ' \n');

describe('normalisation (properties)', () => {
  for (const [name, normalise] of Object.entries(normalisers)) {
    it(`${name} is idempotent`, () => {
      fc.assert(
        fc.property(anyText, (text) => {
          const once = normalise(text);
          if (once !== undefined) expect(normalise(once)).toBe(once);
        }),
        { numRuns: 2000 },
      );
    });
  }

  it('maps every casing and padding of an email to one key', () => {
    fc.assert(
      fc.property(fc.emailAddress(), flipsArb, padArb, padArb, (email, flips, before, after) => {
        expect(personRequestKeys({ email: `${before}${recase(email, flips)}${after}` })).toEqual(
          personRequestKeys({ email }),
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('maps a domain written with scheme, www., port, path, query or case to one key', () => {
    const variant = fc.record({
      scheme: fc.constantFrom('', 'http://', 'https://', '//', 'HTTPS://'),
      www: fc.constantFrom('', 'www.', 'WWW.'),
      port: fc.constantFrom('', ':443', ':8080'),
      tail: fc.constantFrom('', '/', '/about', '/about/team?x=1', '?utm_source=a', '#top', '.'),
      flips: flipsArb,
      pad: padArb,
    });
    fc.assert(
      fc.property(fc.domain(), variant, (domain, v) => {
        const tail = v.tail === '.' ? '.' : `${v.port}${v.tail}`;
        const spelled = `${v.pad}${v.scheme}${v.www}${recase(domain, v.flips)}${tail}${v.pad}`;
        expect(normalizeDomain(spelled)).toBe(normalizeDomain(domain));
        expect(organizationRequestKeys({ website: spelled })).toEqual(
          organizationRequestKeys({ domain }),
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('maps a LinkedIn profile URL written any common way to one key', () => {
    const slugArb = fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,30}$/);
    const variant = fc.record({
      scheme: fc.constantFrom('', 'http://', 'https://'),
      host: fc.constantFrom(
        'linkedin.com',
        'www.linkedin.com',
        'm.linkedin.com',
        'uk.linkedin.com',
      ),
      tail: fc.constantFrom('', '/', '/de', '/details/experience/', '?trk=abc', '/#about'),
      encode: fc.boolean(),
      flips: flipsArb,
    });
    fc.assert(
      fc.property(slugArb, variant, (slug, v) => {
        const written = v.encode
          ? [...slug].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('')
          : slug;
        const url = `${v.scheme}${recase(v.host, v.flips)}/in/${recase(written, v.flips)}${v.tail}`;
        expect(personRequestKeys({ linkedin_url: url })).toEqual([
          `person:linkedin:linkedin.com/in/${slug}`,
        ]);
      }),
      { numRuns: 1000 },
    );
  });

  it('maps a name with its employer, however spaced, cased or punctuated, to one key', () => {
    const word = fc.stringMatching(/^[a-zà-ÿ]{1,12}$/);
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 2, maxLength: 4 }),
        fc.domain(),
        flipsArb,
        fc.constantFrom(' ', '  ', ' , ', '. ', '\t'),
        (words, domain, flips, gap) => {
          const plain = personRequestKeys({ name: words.join(' '), domain });
          const spelled = personRequestKeys({
            first_name: recase(words.slice(0, -1).join(gap), flips),
            last_name: ` ${recase(words[words.length - 1]!, flips)}.`,
            domain: `https://www.${domain.toUpperCase()}/`,
          });
          expect(spelled).toEqual(plain);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('never yields a key longer than the limit, and never an organization key for a person', () => {
    const input = fc.dictionary(
      fc.constantFrom('id', 'email', 'hashed_email', 'linkedin_url', 'name', 'domain', 'website'),
      anyText,
    );
    fc.assert(
      fc.property(input, (i) => {
        for (const k of personRequestKeys(i)) {
          expect(k.length).toBeLessThanOrEqual(maxKeyLength);
          expect(k.startsWith('person:')).toBe(true);
        }
        for (const k of organizationRequestKeys(i))
          expect(k.startsWith('organization:')).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
