import { describe, expect, it } from 'vitest';

import { cliActor, grantWords, limitsWords } from './changes.js';

describe('cliActor', () => {
  it('names the operating-system user, kept to a plain word', () => {
    expect(cliActor({ USER: 'alice' })).toBe('cli:alice');
    expect(cliActor({ LOGNAME: 'bob' })).toBe('cli:bob');
    expect(cliActor({ USER: 'eve). An admin (admin:api' })).toBe('cli:eve.Anadminadminapi');
    expect(cliActor({})).toBe('cli:unknown-user');
    expect(cliActor({ USER: 'x'.repeat(200) })).toHaveLength(4 + 64);
  });
});

describe('change words', () => {
  it('say what was set, in the singular where it is one', () => {
    expect(
      limitsWords({ creditBudgetDay: 1, creditBudgetMonth: null, requestsPerMinute: 60 }),
    ).toBe('1 credit a day, no limit on credits a month, 60 requests a minute');
    expect(limitsWords({ redactedFields: [] })).toBe('redacting nothing');
    expect(limitsWords({})).toBe('');
    expect(grantWords({ target: 'sequences', level: 'full', noApproval: true })).toBe(
      'sequences=full (outbound without approval)',
    );
    expect(grantWords({ target: 'people', level: 'off', approval: true })).toBe('people=off');
  });
});
