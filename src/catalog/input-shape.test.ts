// The shape check every surface's parameters pass before anything walks them: prototype keys in
// any case and position, nesting past the documented limit, and a walk that cannot overflow.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  describeInputShapeProblem,
  forbiddenKeys,
  inputShapeLimits,
  inspectInputShape,
  isForbiddenKey,
} from './input-shape.js';
import { decodeQuery } from './wire.js';

/** An array nested `depth` levels around a string, built as JSON text the way an attacker sends it. */
const nestedJson = (depth: number) => `${'['.repeat(depth)}"x"${']'.repeat(depth)}`;

describe('inspectInputShape', () => {
  it.each(forbiddenKeys)(
    'refuses the key %s at the top, nested, in lists and in any case',
    (key) => {
      const bodies = [
        `{"${key}":{"per_page":"abc"}}`,
        `{"revenue_range":{"${key}":{"min":1}}}`,
        `{"details":[{"email":"a@b.co"},{"${key}":{"reveal_personal_emails":true}}]}`,
        `{"${key.toUpperCase()}":1}`,
        `{"filters[${key}]":1}`,
      ];
      for (const text of bodies) {
        const problem = inspectInputShape(JSON.parse(text));
        expect(problem, text).toMatchObject({ kind: 'forbidden_key' });
      }
      expect(inspectInputShape(JSON.parse(bodies[2]!))).toEqual({
        kind: 'forbidden_key',
        key,
        path: `details.1.${key}`,
      });
    },
  );

  it('accepts ordinary keys that merely contain the words', () => {
    expect(
      inspectInputShape({
        constructor_name: 'x',
        prototype_id: 1,
        protos: ['a'],
        q_keywords: '__proto__',
      }),
    ).toBeNull();
  });

  it(`accepts ${inputShapeLimits.maxDepth} levels and refuses one more, naming where`, () => {
    const at = (depth: number) => ({ first_name: JSON.parse(nestedJson(depth - 1)) as unknown });
    expect(inspectInputShape(at(inputShapeLimits.maxDepth))).toBeNull();
    expect(inspectInputShape(at(inputShapeLimits.maxDepth + 1))).toEqual({
      kind: 'too_deep',
      limit: 32,
      path: `first_name${'.0'.repeat(31)}`,
    });
  });

  it('walks 100,000-level nesting without recursion and refuses it', () => {
    const deep = JSON.parse(`{"q_keywords":${nestedJson(100_000)}}`) as unknown;
    expect(inspectInputShape(deep)).toMatchObject({ kind: 'too_deep', limit: 32 });
  });

  it('refuses more values than the limit and objects that are not plain', () => {
    expect(inspectInputShape({ ids: Array.from({ length: 100_001 }, (_, i) => i) })).toEqual({
      kind: 'too_many_values',
      limit: 100_000,
    });
    const inherited = Object.create({ reveal_personal_emails: true }) as object;
    expect(inspectInputShape({ details: [inherited] })).toEqual({
      kind: 'not_plain',
      path: 'details.0',
    });
    expect(inspectInputShape(Object.create(null))).toBeNull();
  });

  it('accepts any JSON value within the limits that has no forbidden key', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 10 }), (value) => {
        const text = JSON.stringify(value);
        fc.pre(!forbiddenKeys.some((k) => text.toLowerCase().includes(k)));
        expect(inspectInputShape(value)).toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it('describes each problem with what to change', () => {
    expect(
      describeInputShapeProblem({ kind: 'forbidden_key', key: '__proto__', path: 'a.__proto__' }),
    ).toMatch(/"__proto__" \(at a\.__proto__\) is not allowed.*Remove it/);
    expect(describeInputShapeProblem({ kind: 'too_deep', path: 'q', limit: 32 })).toMatch(
      /deeper than 32 levels \(at q\)/,
    );
  });

  it('knows bracketed names', () => {
    expect(isForbiddenKey('constructor[prototype]')).toBe(true);
    expect(isForbiddenKey('a[__PROTO__]')).toBe(true);
    expect(isForbiddenKey('person_titles[]')).toBe(false);
  });
});

describe('decodeQuery with hostile names', () => {
  it('keeps every name an own key and never touches Object.prototype', () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const decoded = decodeQuery(
      new URLSearchParams(
        '__proto__[per_page]=abc&__proto__[reveal_personal_emails]=true&constructor[prototype]=1&prototype=2&__proto__[]=3',
      ),
    );
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
    expect(({} as Record<string, unknown>).per_page).toBeUndefined();
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.keys(decoded)).toEqual(['__proto__', 'constructor', 'prototype']);
    expect(inspectInputShape(decoded)).toMatchObject({ kind: 'forbidden_key', key: '__proto__' });
    // Spreading it (as the REST surface does) keeps the name a plain own key.
    const spread = { ...decoded } as Record<string, unknown>;
    expect(Object.getPrototypeOf(spread)).toBe(Object.prototype);
    expect(spread.per_page).toBeUndefined();
  });

  it('still decodes ordinary bracketed parameters', () => {
    expect(
      decodeQuery(
        new URLSearchParams('person_titles[]=a&person_titles[]=b&revenue_range[min]=1&page=2'),
      ),
    ).toEqual({ person_titles: ['a', 'b'], revenue_range: { min: '1' }, page: '2' });
  });
});
