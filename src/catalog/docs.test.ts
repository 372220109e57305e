// Pins that docs/actions.md is exactly what the catalog renders: the docs cannot drift from the code.
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { renderActionsDoc } from './docs.js';
import { actions } from './index.js';

describe('docs/actions.md', () => {
  it('is up to date with the catalog (run `npm run docs` after changing it)', () => {
    const committed = readFileSync(new URL('../../docs/actions.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderActionsDoc());
  });

  it('lists every action', () => {
    const doc = renderActionsDoc();
    for (const a of actions) expect(doc).toContain(`\`${a.id}\``);
  });
});
