// `gatehouse actions`: the grant vocabulary from the catalog, as a table and as JSON.
import { describe, expect, it } from 'vitest';

import { actions, groups } from '../../src/catalog/index.js';
import { runCliWith } from '../helpers/cli.js';

describe('gatehouse actions', () => {
  it('lists every action once as JSON with its id, group, method, path, effect, credits and approval default', async () => {
    const run = await runCliWith({}, ['actions', '--json']);
    expect(run.code).toBe(0);
    const listed = JSON.parse(run.out) as Array<Record<string, unknown>>;
    expect(listed.map((a) => a.id).sort()).toEqual(actions.map((a) => a.id).sort());
    for (const a of listed) {
      expect(Object.keys(a)).toEqual(
        expect.arrayContaining([
          'id',
          'group',
          'method',
          'path',
          'effect',
          'credits',
          'approval_by_default',
        ]),
      );
      expect(groups).toContain(a.group);
      expect(String(a.path)).toMatch(/^\/api\/v1\//);
    }
    const add = listed.find((a) => a.id === 'sequences.add_contacts')!;
    expect(add).toMatchObject({ effect: 'outbound', approval_by_default: true, credits: 'free' });
    expect(listed.find((a) => a.id === 'people.match')).toMatchObject({ effect: 'spend' });
  });

  it('prints a table, filters by group, and refuses an unknown group', async () => {
    const all = await runCliWith({}, ['actions']);
    expect(all.out.split('\n')[0]).toMatch(
      /^ACTION\s+GROUP\s+METHOD\s+PATH\s+EFFECT\s+CREDITS\s+APPROVAL$/,
    );
    expect(all.out).toMatch(new RegExp(`${actions.length} actions\\.`));
    const seq = await runCliWith({}, ['actions', '--group', 'sequences', '--json']);
    const ids = (JSON.parse(seq.out) as Array<{ id: string }>).map((a) => a.id);
    expect(ids.length).toBeGreaterThan(1);
    expect(ids.every((id) => id.startsWith('sequences.'))).toBe(true);
    const bad = await runCliWith({}, ['actions', '--group', 'sequence']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown group 'sequence' \(groups: people/);
  });
});
