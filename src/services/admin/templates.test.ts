import { describe, expect, it } from 'vitest';

import { actions, groups } from '../../catalog/index.js';

import { roleTemplate, roleTemplates } from './templates.js';

describe('role templates', () => {
  it('grant only real groups and actions, each at most once, with unique ids', () => {
    const targets = new Set<string>([...groups, ...actions.map((a) => a.id)]);
    expect(new Set(roleTemplates.map((t) => t.id)).size).toBe(roleTemplates.length);
    for (const t of roleTemplates) {
      const named = t.grants.map((g) => g.target);
      expect(
        named.filter((n) => !targets.has(n)),
        t.id,
      ).toEqual([]);
      expect(new Set(named).size, t.id).toBe(named.length);
    }
  });

  it('include the researcher and the SDR assistant the console offers', () => {
    expect(roleTemplate('researcher')?.grants).toEqual([
      { target: 'people', level: 'read' },
      { target: 'organizations', level: 'read' },
      { target: 'news', level: 'read' },
    ]);
    const sdr = roleTemplate('sdr-assistant')!;
    expect(sdr.grants).toContainEqual({ target: 'contacts', level: 'full' });
    expect(sdr.grants).toContainEqual({ target: 'sequences', level: 'full', approval: true });
    expect(roleTemplate('nope')).toBeUndefined();
  });
});
