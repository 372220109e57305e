// Console sessions as Redis stores them: JSON with the CSRF token and the person, and a session
// written before console people (the CSRF token alone) still reads as the admin token's.
import { describe, expect, it } from 'vitest';

import { parseSession } from './redis-shared.js';

describe('a stored console session', () => {
  it('reads back what was written, a person or the admin token', () => {
    expect(parseSession(JSON.stringify({ csrf: 'c1', person: 'per_X' }))).toEqual({
      csrf: 'c1',
      person: 'per_X',
    });
    expect(parseSession(JSON.stringify({ csrf: 'c2', person: null }))).toEqual({
      csrf: 'c2',
      person: null,
    });
  });

  it('reads an older session (the CSRF token alone) as the admin token, and refuses junk', () => {
    expect(parseSession('Zm9vYmFy-token')).toEqual({ csrf: 'Zm9vYmFy-token', person: null });
    expect(parseSession('{not json')).toBeNull();
    expect(parseSession(JSON.stringify({ csrf: 1, person: null }))).toBeNull();
    expect(parseSession(JSON.stringify({ csrf: 'c', person: { id: 'x' } }))).toBeNull();
  });
});
