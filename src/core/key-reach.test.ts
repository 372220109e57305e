import { describe, expect, it } from 'vitest';

import { learnReach, reachNote, reachOf } from './key-reach.js';

describe('key reach', () => {
  it('treats a master key as reaching everything and knows nothing about a scoped one at first', () => {
    expect(reachOf({ keyType: 'master' }, 'people.match')).toBe('reachable');
    expect(reachOf({ keyType: 'scoped' }, 'people.match')).toBe('unknown');
    expect(reachNote({ keyType: 'master' }, 'people.match', 'api/v1/people/match')).toBeNull();
    expect(reachNote({ keyType: 'scoped' }, 'people.match', 'api/v1/people/match')).toMatch(
      /not known until the first call/,
    );
  });

  it('learns from answers and changes only when something is new', () => {
    const first = learnReach({ keyType: 'scoped' }, 'people.match', false)!;
    expect(first.unreachableActions).toEqual(['people.match']);
    expect(learnReach(first, 'people.match', false)).toBeNull();
    expect(reachNote(first, 'people.match', 'api/v1/people/match')).toMatch(
      /cannot reach people.match: it is a scoped key without "api\/v1\/people\/match"/,
    );
    // The key was widened in Apollo: a success moves the action across.
    const widened = learnReach(first, 'people.match', true)!;
    expect(widened).toMatchObject({ reachableActions: ['people.match'], unreachableActions: [] });
    expect(learnReach({ keyType: 'master' }, 'x', true)).toBeNull();
    expect(learnReach({ keyType: 'master' }, 'x', false)).toMatchObject({ keyType: 'scoped' });
  });
});
