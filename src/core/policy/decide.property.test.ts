// Pins deny by default: writes need a governing full grant; no grants allow nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { actions, groups, revealCapability } from '../../catalog/index.js';

import { decide } from './decide.js';
import { explain } from './explain.js';
import { levels, type Grant } from './grant.js';

const targets = [...groups, ...actions.map((a) => a.id), revealCapability, 'contact', 'people.*'];
const grantArb: fc.Arbitrary<Grant> = fc.record({
  target: fc.constantFrom(...targets),
  level: fc.constantFrom(...levels),
  requiresApproval: fc.boolean(),
  noApproval: fc.boolean(),
});
const actionArb = fc.constantFrom(...actions);
const writeArb = fc.constantFrom(...actions.filter((a) => a.access === 'write'));
const inputArb = fc.oneof(
  fc.constant({}),
  fc.record(
    {
      id: fc.constant('5f2a0c9e8b3d4a0012345678'),
      reveal_phone_number: fc.oneof(fc.boolean(), fc.constant('true')),
      reveal_personal_emails: fc.boolean(),
      run_waterfall_email: fc.boolean(),
    },
    { requiredKeys: [] },
  ),
  fc.anything(),
);

const governing = (grants: readonly Grant[], id: string, group: string) => {
  const own = grants.filter((g) => g.target === id);
  return own.length ? own : grants.filter((g) => g.target === group);
};

describe('decide (properties)', () => {
  it('allows a write only when some full grant governs it, per-action over group', () => {
    fc.assert(
      fc.property(fc.array(grantArb, { maxLength: 12 }), writeArb, inputArb, (grants, a, input) => {
        const d = decide({ grants, actionId: a.id, input });
        if (d.kind !== 'deny') {
          expect(governing(grants, a.id, a.group).some((g) => g.level === 'full')).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('with one grant per target, calls an action exactly when its governing grant allows it', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(grantArb, { selector: (g) => g.target, maxLength: 12 }),
        actionArb,
        (grants, a) => {
          const [g] = governing(grants, a.id, a.group);
          const expected =
            g !== undefined && (g.level === 'full' || (g.level === 'read' && a.access === 'read'));
          const d = decide({ grants, actionId: a.id, input: {} });
          expect(d.kind !== 'deny').toBe(expected);
          // Held when the grant requires approval, or when the action reaches people outside the
          // team and the grant does not waive the approval it needs by default.
          const held = g?.requiresApproval || (a.approvalByDefault && !g?.noApproval);
          expect(d.kind === 'hold').toBe(expected && Boolean(held));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('allows nothing with an empty grant set, whatever the action and input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          actionArb.map((a) => a.id),
          fc.string(),
        ),
        inputArb,
        (actionId, input) => {
          expect(decide({ grants: [], actionId, input }).kind).toBe('deny');
        },
      ),
    );
  });

  it('never allows a reveal without a people.reveal grant above off', () => {
    fc.assert(
      fc.property(fc.array(grantArb, { maxLength: 12 }), (grants) => {
        const reveal = grants.filter((g) => g.target === revealCapability);
        fc.pre(reveal.length === 0 || reveal.some((g) => g.level === 'off'));
        const input = { id: '5f2a0c9e8b3d4a0012345678', reveal_personal_emails: true };
        expect(decide({ grants, actionId: 'people.match', input }).kind).toBe('deny');
      }),
    );
  });

  it('agrees with explain and never throws', () => {
    fc.assert(
      fc.property(
        fc.array(grantArb),
        fc.oneof(
          actionArb.map((a) => a.id),
          fc.string(),
        ),
        fc.anything(),
        (grants, actionId, input) => {
          expect(explain({ grants, actionId, input }).decision).toEqual(
            decide({ grants, actionId, input }),
          );
        },
      ),
    );
  });
});
