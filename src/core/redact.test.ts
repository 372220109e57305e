// Pins the mask shapes, masking of personal fields at any depth, and non-mutating field removal.
import { describe, expect, it } from 'vitest';

import { getAction } from '../catalog/index.js';

import { maskInput, maskPersonal, personalKindOf, redactFields } from './redact.js';

describe('maskPersonal', () => {
  it.each([
    ['jane.doe@example.com', 'email', 'j***@example.com'],
    ['J@Acme.io', 'email', 'J***@Acme.io'],
    ['j***@acme.com', 'email', '***'],
    ['@acme.com', 'email', '***'],
    ['not-an-email', 'email', '***'],
    ['+1 (415) 555-4567', 'phone', '***-***-4567'],
    ['4155554567', 'phone', '***-***-4567'],
    ['555-45', 'phone', '***'],
    ['https://www.linkedin.com/in/jane-doe-123/', 'linkedin', 'linkedin.com/in/j***'],
    ['http://linkedin.com/company/acme', 'linkedin', 'linkedin.com/company/a***'],
    ['https://example.com/jane', 'linkedin', 'https://example.com/***'],
    ['Jane Doe', 'name', 'J*** D***'],
    ['  Jane   van Doe ', 'name', 'J*** v*** D***'],
    ['https://hooks.example.com/gatehouse/8f3a?sig=x', 'url', 'https://hooks.example.com/***'],
    ['ftp://x.example.com/a', 'url', '***'],
    ['5f4dcc3b5aa765d61d8327deb882cf99', 'generic', '***'],
    ['', 'email', ''],
  ] as const)('masks %j as %s → %j', (value, kind, masked) => {
    expect(maskPersonal(value, kind)).toBe(masked);
  });
});

describe('personalKindOf', () => {
  it.each([
    ['email', 'email'],
    ['personal_emails', 'email'],
    ['hashed_email', 'generic'],
    ['mobile_phone', 'phone'],
    ['direct_phone', 'phone'],
    ['linkedin_url', 'linkedin'],
    ['first_name', 'name'],
    ['name', 'name'],
    ['webhook_url', 'url'],
    ['present_raw_address', 'generic'],
  ] as const)('reads %s as %s', (field, kind) => {
    expect(personalKindOf(field)).toBe(kind);
  });
});

describe('maskInput', () => {
  const match = getAction('people.match')!;
  const bulk = getAction('people.bulk_match')!;

  it('masks every personal field of people.match and leaves the rest', () => {
    const input = {
      first_name: 'Jane',
      last_name: 'Doe',
      email: 'jane.doe@acme.com',
      linkedin_url: 'https://www.linkedin.com/in/janedoe',
      hashed_email: '5f4dcc3b5aa765d61d8327deb882cf99',
      domain: 'acme.com',
      reveal_personal_emails: true,
      webhook_url: 'https://hooks.example.com/gh/abc123',
    };
    expect(maskInput(match, input)).toEqual({
      first_name: 'J***',
      last_name: 'D***',
      email: 'j***@acme.com',
      linkedin_url: 'linkedin.com/in/j***',
      hashed_email: '***',
      domain: 'acme.com',
      reveal_personal_emails: true,
      webhook_url: 'https://hooks.example.com/***',
    });
  });

  it('masks personal fields inside the details[] of a bulk enrichment', () => {
    const masked = maskInput(bulk, {
      details: [
        { email: 'omar@globex.com', domain: 'globex.com' },
        { first_name: 'Priya', last_name: 'Nair', organization_name: 'Initech' },
      ],
    });
    expect(masked).toEqual({
      details: [
        { email: 'o***@globex.com', domain: 'globex.com' },
        { first_name: 'P***', last_name: 'N***', organization_name: 'Initech' },
      ],
    });
  });

  it("keeps contact names readable (the catalog's choice) but masks emails and phones", () => {
    const masked = maskInput(getAction('contacts.create')!, {
      first_name: 'Jane',
      title: 'VP Sales',
      email: 'jane@acme.com',
      mobile_phone: '+44 20 7946 0958',
      label_names: ['Hot leads'],
    });
    expect(masked).toEqual({
      first_name: 'Jane',
      title: 'VP Sales',
      email: 'j***@acme.com',
      mobile_phone: '***-***-0958',
      label_names: ['Hot leads'],
    });
  });

  it('leaves search filters readable', () => {
    const input = {
      person_titles: ['VP Sales'],
      person_locations: ['Germany'],
      q_organization_domains_list: ['acme.com'],
    };
    expect(maskInput(getAction('people.search')!, input)).toEqual(input);
  });

  it('masks every leaf under a personal field, whatever its shape', () => {
    const masked = maskInput(match, {
      email: ['a@x.com', { nested: 'b@y.com' }],
      first_name: 42,
    });
    expect(masked).toEqual({ email: ['a***@x.com', { nested: 'b***@y.com' }], first_name: '4***' });
  });

  it('returns an unmasked deep copy when keepPersonal is set', () => {
    const input = { details: [{ email: 'omar@globex.com' }] };
    const kept = maskInput(bulk, input, { keepPersonal: true });
    expect(kept).toEqual(input);
    expect(kept.details).not.toBe(input.details);
  });

  it('does not mutate its input', () => {
    const input = { email: 'jane@acme.com', details: [{ email: 'omar@globex.com' }] };
    const before = structuredClone(input);
    maskInput(bulk, input);
    expect(input).toEqual(before);
  });

  it('keeps a "__proto__" key as data instead of setting the prototype of the copy', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}, "email": "a@b.co"}') as Record<
      string,
      unknown
    >;
    const masked = maskInput(match, input);
    expect(Object.getPrototypeOf(masked)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(masked, '__proto__')).toBe(true);
    expect((masked as { polluted?: unknown }).polluted).toBeUndefined();
  });
});

describe('redactFields', () => {
  const body = {
    person: {
      name: 'Jane Doe',
      email: 'jane@acme.com',
      phone_numbers: [{ raw_number: '+1 415 555 4567' }],
      personal_emails: ['jane@gmail.com'],
      employment_history: [{ organization_name: 'Acme', email: 'old@acme.com' }],
    },
    matches: [{ email: 'x@y.com' }, null, { id: '1' }],
  };

  it('removes every listed field at any depth and counts each removal', () => {
    const { value, removed } = redactFields(body, ['email', 'phone_numbers', 'personal_emails']);
    expect(value).toEqual({
      person: { name: 'Jane Doe', employment_history: [{ organization_name: 'Acme' }] },
      matches: [{}, null, { id: '1' }],
    });
    expect(removed).toBe(5);
  });

  it('does not mutate its input', () => {
    const before = structuredClone(body);
    redactFields(body, ['email']);
    expect(body).toEqual(before);
  });

  it('returns an equal copy and a zero count when nothing is listed', () => {
    const { value, removed } = redactFields(body, []);
    expect(value).toEqual(body);
    expect(value).not.toBe(body);
    expect(removed).toBe(0);
  });

  it('passes scalars and text bodies through', () => {
    expect(redactFields('plain text', ['email'])).toEqual({ value: 'plain text', removed: 0 });
    expect(redactFields(null, ['email'])).toEqual({ value: null, removed: 0 });
  });
});

describe('walks of deeply nested values', () => {
  const nested = (depth: number, leaf: unknown): unknown =>
    JSON.parse(`${'['.repeat(depth)}${JSON.stringify(leaf)}${']'.repeat(depth)}`);

  it('masks and copies 10,000 levels without exhausting the stack, cutting past the bound', () => {
    const action = getAction('contacts.create');
    const masked = maskInput(action, {
      first_name: nested(10_000, 'Ann'),
      title: nested(10_000, 'VP'),
    });
    expect(JSON.stringify(masked)).not.toMatch(/Ann|VP/);
    expect(JSON.stringify(masked)).toMatch(/nested too deep/);
  });

  it('removes a subtree past the bound from an answer, so no listed field can hide in it', () => {
    const body = { people: [{ email: 'ann@acme.io', deep: nested(5_000, { email: 'x@y.z' }) }] };
    const { value, removed } = redactFields(body, ['email']);
    expect(JSON.stringify(value)).not.toMatch(/@/);
    expect(removed).toBe(2);
  });
});
