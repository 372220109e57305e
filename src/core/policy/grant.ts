import { z } from 'zod';

import { actions, groups, revealCapability } from '../../catalog/index.js';

/** Grant levels, weakest first. */
export const levels = ['off', 'read', 'full'] as const;

/** How much a grant allows: nothing, the read actions, or reads and writes. */
export type Level = (typeof levels)[number];

/** Validates a level as the CLI and admin API receive it. */
export const levelSchema = z.enum(levels);

/** Everything a grant may name: a group, an action id, or the `people.reveal` capability. */
export const grantTargets: readonly string[] = Object.freeze([
  ...groups,
  ...actions.map((a) => a.id),
  revealCapability,
]);

/** True when a grant target names a group, an action or `people.reveal`. */
export function isGrantTarget(target: string): boolean {
  return grantTargets.includes(target);
}

/** Validates one grant; rejects targets that name nothing, so a typo cannot silently grant nothing. */
export const grantSchema = z.object({
  target: z.string().refine(isGrantTarget, {
    message: 'must be a group, an action id or people.reveal',
  }),
  level: levelSchema,
  requiresApproval: z.boolean().default(false),
  noApproval: z.boolean().default(false),
});

/** One grant of an agent: a group, action id or `people.reveal`, at a level. */
export interface Grant {
  /** A group (`contacts`), an action id (`contacts.create`) or `people.reveal`. */
  readonly target: string;
  readonly level: Level;
  /** Calls this grant allows are held until an admin approves them. */
  readonly requiresApproval: boolean;
  /**
   * Outbound actions (mail, sequences) under this grant run without the approval they need by
   * default: the admin's explicit `--no-approval`.
   */
  readonly noApproval?: boolean;
}

/** The rule string for a grant: `contacts=full`. */
export function formatRule(grant: Pick<Grant, 'target' | 'level'>): string {
  return `${grant.target}=${grant.level}`;
}
