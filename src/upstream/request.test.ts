// Pins how requests are built: credentials only in headers, never in the URL or body; Apollo's
// bracketed query strings for GET; path parameters only in the path.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { actions, decodeQuery, getAction } from '../catalog/index.js';

import { parseRateLimitHeaders } from './headers.js';
import { buildRequest } from './request.js';

const key = { kind: 'apikey', key: 'sk_live_secret_123' } as const;
const oauth = { kind: 'oauth', accessToken: 'tok_secret_456' } as const;

describe('buildRequest', () => {
  it('sends an API key only in X-Api-Key and an OAuth token only as Bearer', () => {
    const a = getAction('people.search')!;
    const withKey = buildRequest('https://api.apollo.io', a, { q_keywords: 'x' }, key, 'ua');
    expect(withKey.headers['x-api-key']).toBe(key.key);
    expect(withKey.headers.authorization).toBeUndefined();
    const withToken = buildRequest('https://api.apollo.io', a, {}, oauth, 'ua');
    expect(withToken.headers.authorization).toBe(`Bearer ${oauth.accessToken}`);
    expect(withToken.headers['x-api-key']).toBeUndefined();
  });

  it('never puts the credential in the URL or body of any action, whatever the input', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...actions),
        fc.dictionary(fc.string(), fc.string()),
        (action, extra) => {
          const input: Record<string, unknown> = { ...extra };
          for (const p of action.pathParams) input[p] = '0123456789abcdef01234567';
          for (const cred of [key, oauth]) {
            const built = buildRequest('https://api.apollo.io', action, input, cred, 'ua');
            const secret = cred.kind === 'apikey' ? cred.key : cred.accessToken;
            expect(built.url).not.toContain(secret);
            expect(built.body ?? '').not.toContain(secret);
          }
        },
      ),
    );
  });

  it('encodes GET parameters as Apollo bracketed query strings that decode back to the input', () => {
    const a = getAction('deals.list')!;
    const input = { sort_by_field: 'amount', page: 2, per_page: 10 };
    const built = buildRequest('https://api.apollo.io/', a, input, key, 'ua');
    expect(built.method).toBe('GET');
    expect(built.body).toBeUndefined();
    const url = new URL(built.url);
    expect(url.pathname).toBe('/api/v1/opportunities/search');
    expect(decodeQuery(url.searchParams)).toEqual({
      sort_by_field: 'amount',
      page: '2',
      per_page: '10',
    });

    const org = getAction('organizations.enrich')!;
    const q = new URL(buildRequest('https://x', org, { domain: 'apollo.io' }, key, 'ua').url);
    expect(q.searchParams.get('domain')).toBe('apollo.io');
  });

  it('sends POST parameters as JSON, but bulk_match reveal flags in the query string', () => {
    const a = getAction('people.bulk_match')!;
    const built = buildRequest(
      'https://api.apollo.io',
      a,
      { details: [{ email: 'a@b.co' }], reveal_personal_emails: true },
      key,
      'ua',
    );
    expect(JSON.parse(built.body!)).toEqual({ details: [{ email: 'a@b.co' }] });
    expect(new URL(built.url).searchParams.get('reveal_personal_emails')).toBe('true');
    expect(built.headers['content-type']).toBe('application/json');
  });

  it('puts path parameters in the path only, URL-encoded', () => {
    const a = getAction('contacts.update')!;
    const built = buildRequest('https://x', a, { contact_id: 'a/b?c', title: 'CEO' }, key, 'ua');
    expect(new URL(built.url).pathname).toBe('/api/v1/contacts/a%2Fb%3Fc');
    expect(JSON.parse(built.body!)).toEqual({ title: 'CEO' });
    expect(() => buildRequest('https://x', a, { title: 'CEO' }, key, 'ua')).toThrow(/contact_id/);
  });
});

describe('parseRateLimitHeaders', () => {
  it('reads every window and treats an empty limit header as unlimited', () => {
    const h = new Headers({
      'x-rate-limit-minute': '1000',
      'x-minute-usage': '3',
      'x-minute-requests-left': '997',
      'x-rate-limit-hourly': '',
      'x-rate-limit-24-hour': '',
    });
    expect(parseRateLimitHeaders(h)).toEqual({
      limit: { minute: 1000, hour: null, day: null },
      usage: { minute: 3, hour: null, day: null },
      left: { minute: 997, hour: null, day: null },
      retryAfterSeconds: null,
    });
  });

  it('returns null when Apollo sent no rate headers (401/403)', () => {
    expect(parseRateLimitHeaders(new Headers({ 'content-type': 'text/plain' }))).toBeNull();
  });

  it('reads the day window under the documented daily names as under the observed 24-hour ones', () => {
    const documented = new Headers({
      'x-rate-limit-minute': '200',
      'x-rate-limit-daily': '2000',
      'x-daily-usage': '12',
      'x-daily-requests-left': '1988',
    });
    const parsed = parseRateLimitHeaders(documented);
    expect(parsed?.limit.day).toBe(2000);
    expect(parsed?.usage.day).toBe(12);
    expect(parsed?.left.day).toBe(1988);
    const onlyDaily = parseRateLimitHeaders(new Headers({ 'x-daily-requests-left': '5' }));
    expect(onlyDaily?.left).toEqual({ minute: null, hour: null, day: 5 });
    const observed = new Headers({ 'x-rate-limit-24-hour': '600', 'x-rate-limit-daily': '999' });
    expect(parseRateLimitHeaders(observed)?.limit.day).toBe(600);
  });

  it('reads retry-after on a 429', () => {
    expect(parseRateLimitHeaders(new Headers({ 'retry-after': '42' }))?.retryAfterSeconds).toBe(42);
  });
});
