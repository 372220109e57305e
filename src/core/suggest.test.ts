// "Did you mean": near spellings first, a shared word when nothing is near, nothing when unrelated.
import { describe, expect, it } from 'vitest';

import { closestNames } from './suggest.js';

const known = [
  'person_titles',
  'person_locations',
  'person_seniorities',
  'q_keywords',
  'page',
  'per_page',
];

describe('closestNames', () => {
  it('suggests the near spelling alone when there is one', () => {
    expect(closestNames('person_title', known)).toEqual(['person_titles']);
    expect(closestNames('perpage', known)).toEqual(['per_page']);
    expect(closestNames('Q_KEYWORD', known)).toEqual(['q_keywords']);
  });

  it('falls back to names that share a word, and to nothing for an unrelated name', () => {
    expect(closestNames('title', known)).toEqual(['person_titles']);
    expect(closestNames('seniority_level', known)).toEqual([]);
    expect(closestNames('zzz_unrelated_thing', known)).toEqual([]);
  });
});
