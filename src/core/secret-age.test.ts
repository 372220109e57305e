import { describe, expect, it } from 'vitest';

import { ageInDays, secretAgeWarnings } from './secret-age.js';

const day = 86_400_000;
const now = 1_000 * day;

describe('secretAgeWarnings', () => {
  it('warns only past the maximum, oldest first, saying how to rotate', () => {
    const warnings = secretAgeWarnings(
      [
        {
          subject: 'agent token of a',
          issuedAt: now - 90 * day,
          rotate: 'gatehouse agent rotate a',
        },
        {
          subject: 'agent token of b',
          issuedAt: now - 91 * day,
          rotate: 'gatehouse agent rotate b',
        },
        {
          subject: 'Apollo API key',
          issuedAt: now - 400 * day,
          rotate: 'gatehouse connect apikey',
        },
      ],
      now,
      90,
    );
    expect(warnings.map((w) => w.subject)).toEqual(['Apollo API key', 'agent token of b']);
    expect(warnings[1]!.message).toBe(
      'The agent token of b is 91 days old (rotate every 90 days): gatehouse agent rotate b.',
    );
  });

  it('counts whole days and never a negative age', () => {
    expect(ageInDays(now - day + 1, now)).toBe(0);
    expect(ageInDays(now + day, now)).toBe(0);
    expect(ageInDays(now - 2 * day, now)).toBe(2);
  });
});
