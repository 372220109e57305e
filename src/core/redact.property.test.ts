// Pins that masks never echo the email or phone they hide, and redactFields leaves no listed key.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { getAction } from '../catalog/index.js';

import { maskInput, maskPersonal, redactFields } from './redact.js';

/** Phone numbers as people type them: 7–15 digits, optional "+", spaces, dashes, dots, brackets. */
const phoneArb = fc
  .tuple(
    fc.constantFrom('', '+'),
    fc.array(
      fc.tuple(fc.constantFrom('', ' ', '-', '.', '(', ')'), fc.integer({ min: 0, max: 9 })),
      { minLength: 7, maxLength: 15 },
    ),
  )
  .map(([plus, parts]) => `${plus}${parts.map(([sep, d]) => `${sep}${d}`).join('')}`);

describe('masking (properties)', () => {
  it('never returns a string containing the original email', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (email) => {
        expect(maskPersonal(email, 'email')).not.toContain(email);
      }),
      { numRuns: 1000 },
    );
  });

  it('never returns a string containing the original phone number, and shows at most 4 digits', () => {
    fc.assert(
      fc.property(phoneArb, (phone) => {
        const masked = maskPersonal(phone, 'phone');
        expect(masked).not.toContain(phone);
        expect(masked.replace(/\D/g, '').length).toBeLessThanOrEqual(4);
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps no original email anywhere in a masked bulk enrichment input', () => {
    const bulk = getAction('people.bulk_match')!;
    fc.assert(
      fc.property(fc.array(fc.emailAddress(), { minLength: 1, maxLength: 10 }), (emails) => {
        const masked = JSON.stringify(
          maskInput(bulk, { details: emails.map((email) => ({ email })) }),
        );
        for (const e of emails) expect(masked).not.toContain(JSON.stringify(e));
      }),
    );
  });
});

const keyArb = fc.constantFrom(
  'email',
  'phone_numbers',
  'personal_emails',
  'id',
  'name',
  '__proto__',
);
const { tree: bodyArb } = fc.letrec((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 1 }),
    fc.array(tie('tree'), { maxLength: 4 }),
    fc.dictionary(keyArb, tie('tree'), { maxKeys: 5 }),
  ),
}));
const fieldsArb = fc.subarray(['email', 'phone_numbers', 'personal_emails', '__proto__']);

const countKeys = (v: unknown, keys: ReadonlySet<string>): number => {
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + countKeys(x, keys), 0);
  if (v && typeof v === 'object')
    return Object.entries(v).reduce((n, [k, x]) => n + (keys.has(k) ? 1 : countKeys(x, keys)), 0);
  return 0;
};

describe('redactFields (properties)', () => {
  it('leaves no listed key at any depth and does not mutate its input', () => {
    fc.assert(
      fc.property(bodyArb, fieldsArb, (body, fields) => {
        const before = structuredClone(body);
        const { value } = redactFields(body, fields);
        expect(countKeys(value, new Set(fields))).toBe(0);
        expect(body).toEqual(before);
      }),
      { numRuns: 500 },
    );
  });

  it('counts exactly the fields it removed (outermost occurrences)', () => {
    fc.assert(
      fc.property(bodyArb, fieldsArb, (body, fields) => {
        expect(redactFields(body, fields).removed).toBe(countKeys(body, new Set(fields)));
      }),
      { numRuns: 500 },
    );
  });
});
