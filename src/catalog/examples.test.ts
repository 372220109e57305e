// Never stricter than Apollo, and described for a model: every documented example input of every
// action passes its schema with no parameter the schema does not know, and every parameter says
// what it is.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { actions, type ActionSpec } from './index.js';

const all = actions as readonly ActionSpec[];

describe('documented examples', () => {
  it.each(all.map((a) => [a.id, a] as const))(
    '%s has examples that its schema accepts',
    (_id, a) => {
      expect(a.examples.length, `${a.id} has no documented example`).toBeGreaterThan(0);
      for (const example of a.examples) {
        const parsed = a.input.safeParse(example);
        expect(
          parsed.success,
          `${a.id} refuses ${JSON.stringify(example)}: ${parsed.error?.message ?? ''}`,
        ).toBe(true);
        const unknown = Object.keys(example).filter((k) => !a.paramNames.includes(k));
        expect(unknown, `${a.id}: example uses undocumented ${unknown.join(', ')}`).toEqual([]);
      }
    },
  );
});

describe('parameter descriptions', () => {
  it.each(all.map((a) => [a.id, a] as const))(
    '%s describes every parameter for a model',
    (_id, a) => {
      const json = z.toJSONSchema(a.input, { io: 'input', unrepresentable: 'any' }) as {
        properties?: Record<string, { description?: string }>;
      };
      const bare = Object.entries(json.properties ?? {})
        .filter(([, p]) => !p.description || p.description.length < 8)
        .map(([k]) => k);
      expect(bare, `${a.id}: no description for ${bare.join(', ')}`).toEqual([]);
      expect(Object.keys(json.properties ?? {}).sort()).toEqual([...a.paramNames].sort());
    },
  );
});
