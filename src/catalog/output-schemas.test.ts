import { describe, expect, it } from 'vitest';

import { actions } from './index.js';

// The gateway passes Apollo's answers on without parsing them through the output schemas
// (ApolloClientOptions.validateAnswers). That is only the same answer if no output schema changes
// what it parses: no transform, pipe, default or catch anywhere inside one.
const changing = new Set(['pipe', 'transform', 'default', 'prefault', 'catch']);

interface Def {
  readonly type: string;
  readonly [key: string]: unknown;
}

function changers(schema: unknown, path: string, seen: Set<unknown>, found: string[]): void {
  if (!schema || typeof schema !== 'object' || seen.has(schema)) return;
  seen.add(schema);
  const def = (schema as { _zod?: { def?: Def } })._zod?.def;
  if (!def) return;
  if (changing.has(def.type)) found.push(`${path || '(body)'}: ${def.type}`);
  for (const key of ['innerType', 'element', 'in', 'out', 'valueType', 'keyType', 'catchall']) {
    changers(def[key], `${path}.${key}`, seen, found);
  }
  const shape = def.shape as Record<string, unknown> | undefined;
  if (shape) for (const [k, v] of Object.entries(shape)) changers(v, `${path}.${k}`, seen, found);
  for (const key of ['options', 'items']) {
    const list = def[key] as unknown[] | undefined;
    list?.forEach((o, i) => changers(o, `${path}[${i}]`, seen, found));
  }
  if (typeof def.getter === 'function')
    changers((def.getter as () => unknown)(), path, seen, found);
}

describe('output schemas', () => {
  it('only check an answer, never change it', () => {
    for (const action of actions) {
      const found: string[] = [];
      changers(action.output, '', new Set(), found);
      expect(found, action.id).toEqual([]);
    }
  });

  it('keep the keys they do not name (loose objects)', () => {
    for (const action of actions) {
      const def = (action.output as unknown as { _zod: { def: Def } })._zod.def;
      if (def.type !== 'object') continue;
      expect(def.catchall, action.id).toBeDefined();
    }
  });
});
