// The grant vocabulary as a table: what `gatehouse actions` prints and the docs list. Everything
// here is read from the catalog entries.
import { creditText } from './docs.js';
import { actions, acceptedMethods } from './index.js';
import { groups, type ActionSpec, type Effect, type Group } from './types.js';

/** One action as an admin reads it when writing grants. */
export interface VocabularyEntry {
  readonly id: string;
  readonly group: Group;
  readonly method: string;
  /** Every method Apollo answers on the path, the documented one first. */
  readonly methods: readonly string[];
  readonly path: string;
  readonly effect: Effect;
  /** The grant level a call needs: `read` (read or full) or `full`. */
  readonly needs: 'read' | 'full';
  /** What a call costs in Apollo credits, in words ("free", "1 per record found"). */
  readonly credits: string;
  /** Held for an admin's approval even under full, unless granted with --no-approval. */
  readonly approval_by_default: boolean;
  readonly master_key_only: boolean;
  readonly title: string;
}

/** Every action, by group in the order of `groups`, then in catalog order. */
export function vocabulary(): VocabularyEntry[] {
  const byGroup = [...(actions as readonly ActionSpec[])].sort(
    (a, b) => groups.indexOf(a.group) - groups.indexOf(b.group),
  );
  return byGroup.map((a) => ({
    id: a.id,
    group: a.group,
    method: a.method,
    methods: acceptedMethods(a),
    path: a.path,
    effect: a.effect,
    needs: a.access === 'write' ? 'full' : 'read',
    credits: creditText(a.credits),
    approval_by_default: a.approvalByDefault,
    master_key_only: a.masterKeyOnly,
    title: a.title,
  }));
}
