import { getAction, revealCapability } from '../../catalog/index.js';
import type { ActionSpec } from '../../catalog/index.js';

import { formatRule, isGrantTarget, levels } from './grant.js';
import type { Grant } from './grant.js';

/** What the policy says about one call; `rule` names what decided it (`contacts=read`). */
export type Decision =
  | { readonly kind: 'allow'; readonly rule: string }
  | { readonly kind: 'deny'; readonly rule: string; readonly reason: string }
  | { readonly kind: 'hold'; readonly rule: string };

/** The question the policy answers: may an agent with these grants make this call? */
export interface PolicyQuery {
  readonly grants: readonly Grant[];
  readonly actionId: string;
  /** The call's input; only consulted for the reveal check. */
  readonly input?: unknown;
}

/** A decision and the reasoning that led to it, one human line per step. */
export interface Evaluation {
  readonly decision: Decision;
  readonly lines: readonly string[];
}

/** The grant that governs an action: a per-action grant beats the group grant. */
export interface ResolvedGrant {
  readonly grant: Grant | undefined;
  readonly actionGrant: Grant | undefined;
  readonly groupGrant: Grant | undefined;
}

const rank = (g: Grant) => levels.indexOf(g.level) * 2 + (g.requiresApproval ? 0 : 1);

// Targets should be unique per agent (the store enforces it), but if two grants name the same
// target the most restrictive one counts, so a duplicate can never widen access.
function pick(grants: readonly Grant[], target: string): Grant | undefined {
  let chosen: Grant | undefined;
  for (const g of grants) {
    if (g.target === target && (!chosen || rank(g) < rank(chosen))) chosen = g;
  }
  return chosen;
}

/** Finds the grant that governs an action, and the two candidates it was chosen from. */
export function resolveGrant(grants: readonly Grant[], action: ActionSpec): ResolvedGrant {
  const actionGrant = pick(grants, action.id);
  const groupGrant = pick(grants, action.group);
  return { grant: actionGrant ?? groupGrant, actionGrant, groupGrant };
}

function describeGrant(g: Grant): string {
  return `${formatRule(g)}${g.requiresApproval ? ' (requires approval)' : g.noApproval ? ' (no approval)' : ''}`;
}

function asRecord(input: unknown): Record<string, unknown> {
  return input && typeof input === 'object' && !Array.isArray(input)
    ? (input as Record<string, unknown>)
    : {};
}

// Judged on the raw input, on a copy with "true"/"false" strings read as booleans, and on the
// parsed input when it parses: a query string carries `reveal_phone_number=true` as the string
// "true", which the catalog's check (=== true) would miss. Extra views can only add denials.
function asksForReveal(action: ActionSpec, input: unknown): boolean {
  const raw = asRecord(input);
  const coerced = Object.fromEntries(
    Object.entries(raw).map(([k, v]) => [k, v === 'true' ? true : v === 'false' ? false : v]),
  );
  if (action.needsReveal(raw) || action.needsReveal(coerced)) return true;
  const parsed = action.input.safeParse(input ?? {});
  return parsed.success && action.needsReveal(asRecord(parsed.data));
}

/** "create them", "add contacts to them": the write an agent with only read may not do. */
function writeWords(action: ActionSpec): string {
  const [verb, ...rest] = action.intent.split(' ');
  const object = rest.join(' ');
  const singular = action.group.replace(/s$/, '');
  // eslint-disable-next-line security/detect-non-literal-regexp -- the word comes from the catalog's own titles, not from input
  const them = object.replace(new RegExp(`(^|\\s)(?:(?:a|an) )?${singular}$`), '$1them');
  return them === object ? action.intent : `${verb} ${them}`;
}

const revealReason =
  'Revealing personal emails, phone numbers or running waterfall enrichment needs the people.reveal grant.';

/**
 * The policy, with its reasoning. `decide`, `explain` and `effectiveLevels` all go through here, so
 * `gatehouse explain` can never disagree with what the gateway does.
 */
export function evaluate(query: PolicyQuery): Evaluation {
  const { grants, actionId } = query;
  const lines: string[] = [];
  const finish = (decision: Decision): Evaluation => {
    if (decision.kind === 'allow') lines.push(`Allowed by ${decision.rule}.`);
    else if (decision.kind === 'hold')
      lines.push(`Held for approval under ${decision.rule}: an admin must approve the call first.`);
    else lines.push(`Denied (${decision.rule}): ${decision.reason}`);
    return { decision, lines };
  };

  const strays = grants.filter((g) => !isGrantTarget(g.target));
  if (strays.length)
    lines.push(
      `Ignored grants that name nothing Gatehouse knows: ${strays.map(formatRule).join(', ')}.`,
    );

  const action = getAction(actionId);
  if (!action) {
    lines.push(`'${actionId}' is not an action in Gatehouse's catalog, so no grant can cover it.`);
    return finish({
      kind: 'deny',
      rule: 'unknown action',
      reason: `Gatehouse has no action named '${actionId}' and denies what it does not know. Use an action id from the tool list, such as people.search.`,
    });
  }

  const { id, group } = action;
  const write = action.access === 'write';
  lines.push(
    `${id} is a ${action.access} action in group ${group}: it needs ${write ? 'full' : 'read or full'} from a grant on ${id} or on ${group}.`,
  );
  const { grant, actionGrant, groupGrant } = resolveGrant(grants, action);
  lines.push(
    actionGrant
      ? `Per-action grant ${describeGrant(actionGrant)}: it beats any group grant.`
      : `No per-action grant for ${id}.`,
  );
  lines.push(
    groupGrant
      ? actionGrant
        ? `Group grant ${describeGrant(groupGrant)}: not used, the per-action grant wins.`
        : `Group grant ${describeGrant(groupGrant)} applies.`
      : `No grant for group ${group}.`,
  );

  const ask = write
    ? `${group}=full, or ${id}=full for this action alone`
    : `${group}=read or ${group}=full`;
  if (!grant) {
    lines.push('No grant means off: Gatehouse denies by default.');
    return finish({
      kind: 'deny',
      rule: `no grant for ${group}`,
      reason: `No grant covers ${id}; Gatehouse denies by default. Ask an admin for ${ask}.`,
    });
  }
  const rule = formatRule(grant);
  if (grant.level === 'off') {
    return finish({
      kind: 'deny',
      rule,
      reason: `This agent's grant ${rule} turns ${id} off. Ask an admin for ${grant.target}=${write ? 'full' : 'read'}.`,
    });
  }
  if (write && grant.level === 'read') {
    lines.push(`${rule} allows reads only, and ${id} writes.`);
    return finish({
      kind: 'deny',
      rule,
      reason: `This agent may read ${group} but not ${writeWords(action)}. Ask an admin for ${grant.target}=full.`,
    });
  }
  lines.push(`${rule} allows ${write ? 'writes' : 'reads'}.`);

  const approvals = grant.requiresApproval ? [rule] : [];
  let decidingRule = rule;
  // Outbound actions reach people outside the team: held for an admin unless this grant waives it.
  const heldByDefault = action.approvalByDefault && !grant.requiresApproval && !grant.noApproval;
  if (action.approvalByDefault) {
    lines.push(
      heldByDefault
        ? `${id} can reach people outside the team, so it is held for an admin's approval by default; a grant given with --no-approval runs it without.`
        : grant.noApproval
          ? `${id} can reach people outside the team; ${rule} was granted without approval, so it runs unheld.`
          : `${id} can reach people outside the team.`,
    );
  }
  if (asksForReveal(action, query.input)) {
    const reveal = pick(grants, revealCapability);
    lines.push(
      `The call asks to reveal personal data or run waterfall enrichment, so it also needs ${revealCapability} (any level but off).`,
    );
    if (!reveal || reveal.level === 'off') {
      lines.push(
        reveal
          ? `Grant ${describeGrant(reveal)} keeps it off.`
          : `No grant for ${revealCapability}.`,
      );
      return finish({
        kind: 'deny',
        rule: reveal ? formatRule(reveal) : `${revealCapability} not granted`,
        reason: `${revealReason} Ask an admin for ${revealCapability}=read, or call again without the reveal and waterfall options.`,
      });
    }
    lines.push(`Grant ${describeGrant(reveal)} turns it on.`);
    decidingRule = `${rule} + ${formatRule(reveal)}`;
    if (reveal.requiresApproval) approvals.push(formatRule(reveal));
  }

  if (approvals.length || heldByDefault) {
    if (approvals.length)
      lines.push(
        `${approvals.join(' and ')} ${approvals.length > 1 ? 'require' : 'requires'} approval.`,
      );
    return finish({
      kind: 'hold',
      rule: heldByDefault ? `${decidingRule} (outbound: held by default)` : decidingRule,
    });
  }
  return finish({ kind: 'allow', rule: decidingRule });
}
