// Pins every policy rule, and that explain and effectiveLevels agree with decide.
import { describe, expect, it } from 'vitest';

import { actions, getAction } from '../../catalog/index.js';

import { decide } from './decide.js';
import { effectiveLevels } from './effective-levels.js';
import { explain } from './explain.js';
import { grantSchema, type Grant, type Level } from './grant.js';

/** `g('contacts', 'read')`, `g('sequences', 'full', true)`: a grant, tersely. */
const g = (target: string, level: Level, requiresApproval = false): Grant => ({
  target,
  level,
  requiresApproval,
});

const matchById = { id: '5f2a0c9e8b3d4a0012345678' };
const revealPhone = {
  ...matchById,
  reveal_phone_number: true,
  webhook_url: 'https://h.example.com/x',
};

interface Case {
  name: string;
  grants: Grant[];
  actionId: string;
  input?: unknown;
  want: { kind: 'allow' | 'deny' | 'hold'; rule: string; reason?: string | RegExp };
}

const cases: Case[] = [
  {
    name: 'denies an unknown action whatever the grants',
    grants: [g('contacts', 'full'), g('contacts.delete', 'full')],
    actionId: 'contacts.delete',
    want: { kind: 'deny', rule: 'unknown action', reason: /no action named 'contacts.delete'/ },
  },
  {
    name: 'denies a read action with no grant at all',
    grants: [],
    actionId: 'people.search',
    want: {
      kind: 'deny',
      rule: 'no grant for people',
      reason:
        'No grant covers people.search; Gatehouse denies by default. Ask an admin for people=read or people=full.',
    },
  },
  {
    name: 'denies a write action with no grant, asking for full',
    grants: [g('people', 'full')],
    actionId: 'contacts.create',
    want: {
      kind: 'deny',
      rule: 'no grant for contacts',
      reason:
        'No grant covers contacts.create; Gatehouse denies by default. Ask an admin for contacts=full, or contacts.create=full for this action alone.',
    },
  },
  {
    name: 'allows a read action under its group at read',
    grants: [g('people', 'read')],
    actionId: 'people.search',
    want: { kind: 'allow', rule: 'people=read' },
  },
  {
    name: 'allows a read action under its group at full',
    grants: [g('contacts', 'full')],
    actionId: 'contacts.search',
    want: { kind: 'allow', rule: 'contacts=full' },
  },
  {
    name: 'allows a write action under its group at full',
    grants: [g('contacts', 'full')],
    actionId: 'contacts.create',
    want: { kind: 'allow', rule: 'contacts=full' },
  },
  {
    name: 'denies a write when the agent holds only read',
    grants: [g('contacts', 'read')],
    actionId: 'contacts.create',
    want: {
      kind: 'deny',
      rule: 'contacts=read',
      reason: 'This agent may read contacts but not create them. Ask an admin for contacts=full.',
    },
  },
  {
    name: 'denies everything in a group granted off',
    grants: [g('deals', 'off')],
    actionId: 'deals.list',
    want: {
      kind: 'deny',
      rule: 'deals=off',
      reason: "This agent's grant deals=off turns deals.list off. Ask an admin for deals=read.",
    },
  },
  {
    name: 'lets a per-action full grant allow a write the group grant keeps at read',
    grants: [g('contacts', 'read'), g('contacts.update', 'full')],
    actionId: 'contacts.update',
    want: { kind: 'allow', rule: 'contacts.update=full' },
  },
  {
    name: 'lets a per-action off grant switch one action off inside a full group',
    grants: [g('contacts.create', 'off'), g('contacts', 'full')],
    actionId: 'contacts.create',
    want: {
      kind: 'deny',
      rule: 'contacts.create=off',
      reason: /turns contacts.create off\. Ask an admin for contacts.create=full\.$/,
    },
  },
  {
    name: 'lets a per-action read grant narrow a full group to reads for that action',
    grants: [g('deals', 'full'), g('deals.update', 'read')],
    actionId: 'deals.update',
    want: {
      kind: 'deny',
      rule: 'deals.update=read',
      reason: 'This agent may read deals but not update them. Ask an admin for deals.update=full.',
    },
  },
  {
    name: 'keeps the group grant for the actions a per-action grant does not name',
    grants: [g('deals', 'full'), g('deals.update', 'off')],
    actionId: 'deals.create',
    want: { kind: 'allow', rule: 'deals=full' },
  },
  {
    name: 'never lets one group grant cover another group',
    grants: [g('people', 'full'), g('organizations', 'full')],
    actionId: 'accounts.search',
    want: { kind: 'deny', rule: 'no grant for accounts' },
  },
  {
    name: 'covers the admin group actions, whose ids do not start with the group',
    grants: [g('admin', 'read')],
    actionId: 'usage.stats',
    want: { kind: 'allow', rule: 'admin=read' },
  },
  {
    name: 'does not treat people.reveal as a grant for people actions',
    grants: [g('people.reveal', 'full')],
    actionId: 'people.match',
    input: matchById,
    want: { kind: 'deny', rule: 'no grant for people' },
  },
  {
    name: 'allows a plain enrichment without people.reveal',
    grants: [g('people', 'read')],
    actionId: 'people.match',
    input: matchById,
    want: { kind: 'allow', rule: 'people=read' },
  },
  {
    name: 'denies a phone reveal without people.reveal, even with people=full',
    grants: [g('people', 'full')],
    actionId: 'people.match',
    input: revealPhone,
    want: {
      kind: 'deny',
      rule: 'people.reveal not granted',
      reason:
        'Revealing personal emails, phone numbers or running waterfall enrichment needs the people.reveal grant. Ask an admin for people.reveal=read, or call again without the reveal and waterfall options.',
    },
  },
  {
    name: 'denies a reveal when people.reveal is explicitly off',
    grants: [g('people', 'read'), g('people.reveal', 'off')],
    actionId: 'people.match',
    input: { ...matchById, reveal_personal_emails: true },
    want: { kind: 'deny', rule: 'people.reveal=off' },
  },
  {
    name: 'allows a reveal with people.reveal at read, citing both grants',
    grants: [g('people', 'read'), g('people.reveal', 'read')],
    actionId: 'people.match',
    input: revealPhone,
    want: { kind: 'allow', rule: 'people=read + people.reveal=read' },
  },
  {
    name: 'allows a reveal with people.reveal at full',
    grants: [g('people.bulk_match', 'read'), g('people.reveal', 'full')],
    actionId: 'people.bulk_match',
    input: {
      details: [{ email: 'a@b.co' }],
      run_waterfall_email: true,
      webhook_url: 'https://h.example.com/x',
    },
    want: { kind: 'allow', rule: 'people.bulk_match=read + people.reveal=full' },
  },
  {
    name: 'denies a waterfall in bulk enrichment without people.reveal',
    grants: [g('people', 'read')],
    actionId: 'people.bulk_match',
    input: { details: [{ email: 'a@b.co' }], run_waterfall_phone: true },
    want: { kind: 'deny', rule: 'people.reveal not granted' },
  },
  {
    name: 'denies a reveal sent as the query-string "true", even when the input is otherwise invalid',
    grants: [g('people', 'read')],
    actionId: 'people.match',
    input: { id: 'not-an-id', reveal_phone_number: 'true' },
    want: { kind: 'deny', rule: 'people.reveal not granted' },
  },
  {
    name: 'checks the grant level before the reveal: a denied action stays denied for its own rule',
    grants: [g('people', 'off'), g('people.reveal', 'read')],
    actionId: 'people.match',
    input: revealPhone,
    want: { kind: 'deny', rule: 'people=off' },
  },
  {
    name: 'holds a call allowed by a grant that requires approval',
    grants: [g('sequences', 'full', true)],
    actionId: 'sequences.add_contacts',
    want: { kind: 'hold', rule: 'sequences=full' },
  },
  {
    name: 'holds reads too when their grant requires approval',
    grants: [g('contacts', 'read', true)],
    actionId: 'contacts.search',
    want: { kind: 'hold', rule: 'contacts=read' },
  },
  {
    name: 'ignores the approval flag of a group grant that a per-action grant overrides',
    grants: [g('sequences', 'full', true), g('sequences.search', 'read')],
    actionId: 'sequences.search',
    want: { kind: 'allow', rule: 'sequences.search=read' },
  },
  {
    name: 'holds a reveal when the people.reveal grant requires approval',
    grants: [g('people', 'read'), g('people.reveal', 'read', true)],
    actionId: 'people.match',
    input: revealPhone,
    want: { kind: 'hold', rule: 'people=read + people.reveal=read' },
  },
  {
    name: 'denies rather than holds when approval would be asked for a call that is not allowed',
    grants: [g('contacts', 'read', true)],
    actionId: 'contacts.create',
    want: { kind: 'deny', rule: 'contacts=read' },
  },
  {
    name: 'lets the most restrictive of duplicate grants count',
    grants: [g('tasks', 'full'), g('tasks', 'read')],
    actionId: 'tasks.create',
    want: { kind: 'deny', rule: 'tasks=read' },
  },
  {
    name: 'prefers the approval-requiring duplicate at the same level',
    grants: [g('tasks', 'full'), g('tasks', 'full', true)],
    actionId: 'tasks.create',
    want: { kind: 'hold', rule: 'tasks=full' },
  },
  {
    name: 'ignores grants that name nothing in the catalog',
    grants: [g('contact', 'full'), g('*', 'full')],
    actionId: 'contacts.search',
    want: { kind: 'deny', rule: 'no grant for contacts' },
  },
];

describe('decide', () => {
  it.each(cases)('$name', ({ grants, actionId, input, want }) => {
    const d = decide({ grants, actionId, input });
    expect(d.kind).toBe(want.kind);
    expect(d.rule).toBe(want.rule);
    if (want.reason !== undefined) {
      expect(d.kind).toBe('deny');
      if (d.kind === 'deny') expect(d.reason).toMatch(want.reason);
    }
  });

  it.each([
    ['contacts.create', 'This agent may read contacts but not create them.'],
    ['contacts.update', 'This agent may read contacts but not update them.'],
    ['accounts.create', 'This agent may read accounts but not create them.'],
    ['accounts.update', 'This agent may read accounts but not update them.'],
    ['sequences.add_contacts', 'This agent may read sequences but not add contacts to them.'],
    ['tasks.create', 'This agent may read tasks but not create them.'],
    ['deals.create', 'This agent may read deals but not create them.'],
    ['deals.update', 'This agent may read deals but not update them.'],
  ])('words the read-only denial of %s as "%s"', (id, sentence) => {
    const group = getAction(id)!.group;
    const d = decide({ grants: [g(group, 'read')], actionId: id });
    expect(d.kind === 'deny' && d.reason).toBe(`${sentence} Ask an admin for ${group}=full.`);
  });

  it('does not read the input when deciding an action that has no reveal option', () => {
    const d = decide({ grants: [g('contacts', 'full')], actionId: 'contacts.create', input: 42 });
    expect(d).toEqual({ kind: 'allow', rule: 'contacts=full' });
  });
});

describe('explain', () => {
  it('returns exactly what decide returns, for every case', () => {
    for (const c of cases) {
      const q = { grants: c.grants, actionId: c.actionId, input: c.input };
      expect(explain(q).decision, c.name).toEqual(decide(q));
    }
  });

  it('lists the grants considered and why the per-action grant won', () => {
    const { lines } = explain({
      grants: [g('contacts', 'read'), g('contacts.create', 'full', true), g('contact', 'full')],
      actionId: 'contacts.create',
    });
    expect(lines).toEqual([
      'Ignored grants that name nothing Gatehouse knows: contact=full.',
      'contacts.create is a write action in group contacts: it needs full from a grant on contacts.create or on contacts.',
      'Per-action grant contacts.create=full (requires approval): it beats any group grant.',
      'Group grant contacts=read: not used, the per-action grant wins.',
      'contacts.create=full allows writes.',
      'contacts.create=full requires approval.',
      'Held for approval under contacts.create=full: an admin must approve the call first.',
    ]);
  });

  it('explains a default denial and a missing reveal grant', () => {
    expect(explain({ grants: [], actionId: 'people.search' }).lines).toEqual([
      'people.search is a read action in group people: it needs read or full from a grant on people.search or on people.',
      'No per-action grant for people.search.',
      'No grant for group people.',
      'No grant means off: Gatehouse denies by default.',
      'Denied (no grant for people): No grant covers people.search; Gatehouse denies by default. Ask an admin for people=read or people=full.',
    ]);
    const reveal = explain({
      grants: [g('people', 'read')],
      actionId: 'people.match',
      input: revealPhone,
    });
    expect(reveal.lines.slice(3, 6)).toEqual([
      'people=read allows reads.',
      'The call asks to reveal personal data or run waterfall enrichment, so it also needs people.reveal (any level but off).',
      'No grant for people.reveal.',
    ]);
  });

  it('explains an unknown action', () => {
    expect(explain({ grants: [g('contacts', 'full')], actionId: 'nope' }).lines[0]).toBe(
      "'nope' is not an action in Gatehouse's catalog, so no grant can cover it.",
    );
  });
});

describe('effectiveLevels', () => {
  it('reports every catalog action as off and not callable for an agent with no grants', () => {
    const levels = effectiveLevels([]);
    expect(Object.keys(levels).sort()).toEqual(actions.map((a) => a.id).sort());
    for (const e of Object.values(levels))
      expect(e).toMatchObject({ level: 'off', callable: false });
  });

  it('uses the per-action grant over the group and marks writes under read as not callable', () => {
    const levels = effectiveLevels([
      g('contacts', 'read'),
      g('contacts.update', 'full', true),
      g('people', 'full'),
    ]);
    expect(levels['contacts.search']).toEqual({
      level: 'read',
      rule: 'contacts=read',
      callable: true,
      requiresApproval: false,
    });
    expect(levels['contacts.create']).toMatchObject({ level: 'read', callable: false });
    expect(levels['contacts.update']).toEqual({
      level: 'full',
      rule: 'contacts.update=full',
      callable: true,
      requiresApproval: true,
    });
    expect(levels['people.match']).toMatchObject({ level: 'full', callable: true });
    expect(levels['deals.list']).toMatchObject({ level: 'off', callable: false });
  });
});

describe('grantSchema', () => {
  it('accepts groups, action ids and people.reveal, defaulting approval to false', () => {
    for (const target of ['contacts', 'contacts.create', 'people.reveal'])
      expect(grantSchema.parse({ target, level: 'read' })).toEqual({
        ...g(target, 'read'),
        noApproval: false,
      });
  });

  it('rejects a target that names nothing and an unknown level', () => {
    expect(grantSchema.safeParse({ target: 'contact', level: 'read' }).success).toBe(false);
    expect(grantSchema.safeParse({ target: 'contacts', level: 'write' }).success).toBe(false);
  });
});

describe('outbound actions', () => {
  const outbound = actions.filter((a) => a.approvalByDefault);

  it('are held for approval under full by default, naming the rule that held them', () => {
    expect(outbound.map((a) => a.id)).toContain('sequences.add_contacts');
    for (const a of outbound) {
      const d = decide({ grants: [g(a.group, 'full')], actionId: a.id, input: {} });
      expect(d, a.id).toEqual({
        kind: 'hold',
        rule: `${a.group}=full (outbound: held by default)`,
      });
      const lines = explain({ grants: [g(a.group, 'full')], actionId: a.id, input: {} }).lines;
      expect(lines.join(' ')).toMatch(/held for an admin's approval by default/);
    }
  });

  it('run unheld only under a grant given without approval, per action or per group', () => {
    const a = outbound[0]!;
    const waived = { ...g(a.group, 'full'), noApproval: true };
    expect(decide({ grants: [waived], actionId: a.id, input: {} })).toEqual({
      kind: 'allow',
      rule: `${a.group}=full`,
    });
    const perAction = [g(a.group, 'full'), { ...g(a.id, 'full'), noApproval: true }];
    expect(decide({ grants: perAction, actionId: a.id, input: {} }).kind).toBe('allow');
    // The waiver on one action leaves its outbound neighbours held.
    const other = outbound.find((o) => o.group === a.group && o.id !== a.id);
    if (other)
      expect(decide({ grants: perAction, actionId: other.id, input: {} }).kind).toBe('hold');
  });

  it('leave writes that reach nobody outside the team unheld', () => {
    expect(
      decide({ grants: [g('contacts', 'full')], actionId: 'contacts.create', input: {} }),
    ).toEqual({ kind: 'allow', rule: 'contacts=full' });
  });
});
