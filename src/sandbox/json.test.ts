// Pins that RawNumber survives serialization as a bare int64 literal that JS numbers cannot hold.
import { describe, expect, it } from 'vitest';

import { RawNumber, toJson } from './json.js';

describe('toJson', () => {
  it('writes RawNumber digits verbatim, beyond 2^53 and negative', () => {
    const text = toJson({ request_id: new RawNumber('-1039995589705121907'), n: 1 });
    expect(text).toBe('{"request_id":-1039995589705121907,"n":1}');
    // A plain JSON.parse loses the low digits: the reason clients must read it as a string.
    expect(String(JSON.parse(text).request_id)).not.toBe('-1039995589705121907');
  });

  it('refuses a non-integer', () => {
    expect(() => new RawNumber('1.5')).toThrow(/not an integer/);
  });
});
