import { actions, getAction } from '../../catalog/index.js';
import type { ActionId } from '../../catalog/index.js';

import { evaluate, resolveGrant } from './evaluate.js';
import type { Grant, Level } from './grant.js';

/** What an agent holds for one action, and whether it may call it at all (ignoring reveals). */
export interface EffectiveLevel {
  /** The level of the grant that governs the action (per-action over group); off with none. */
  readonly level: Level;
  /** The rule `decide` would cite. */
  readonly rule: string;
  /** True when `decide` allows or holds the call: the tool is worth listing to the agent. */
  readonly callable: boolean;
  /** True when calls are held for an admin's approval. */
  readonly requiresApproval: boolean;
}

/** Per action id, the agent's effective level and whether it may call the action (for tool lists). */
export function effectiveLevels(grants: readonly Grant[]): Record<ActionId, EffectiveLevel> {
  const out = {} as Record<ActionId, EffectiveLevel>;
  for (const { id } of actions) {
    const { grant } = resolveGrant(grants, getAction(id)!);
    const { decision } = evaluate({ grants, actionId: id, input: {} });
    out[id] = {
      level: grant?.level ?? 'off',
      rule: decision.rule,
      callable: decision.kind !== 'deny',
      requiresApproval: decision.kind === 'hold',
    };
  }
  return out;
}
