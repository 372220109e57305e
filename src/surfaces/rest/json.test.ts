// The proxy writes Apollo's int64 request_id back as a bare number, wherever it sits, and changes
// nothing else, whatever text the values hold.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { writeApolloJson } from './json.js';

describe('writeApolloJson', () => {
  it('writes integer-string request_ids as numbers at any depth, digit for digit', () => {
    const body = { request_id: '9223372036854775807', matches: [{ request_id: '-12', id: 'p1' }] };
    expect(writeApolloJson(body)).toBe(
      '{"request_id":9223372036854775807,"matches":[{"request_id":-12,"id":"p1"}]}',
    );
  });

  it('leaves non-numeric request_ids and look-alike text inside values alone', () => {
    const body = {
      request_id: 'abc',
      note: '{"request_id":"123"}',
      'x"request_id': '5',
      list: [',"request_id":"7"'],
    };
    expect(JSON.parse(writeApolloJson(body))).toEqual(body);
  });

  it('equals JSON.stringify for any value without a numeric request_id', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        fc.pre(!/"request_id":"-?\d+"/.test(text));
        expect(writeApolloJson(value)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips any string value placed beside a real request_id', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = JSON.parse(writeApolloJson({ request_id: '42', s })) as unknown;
        expect(out).toEqual({ request_id: 42, s });
      }),
      { numRuns: 300 },
    );
  });
});
