import { actions, effects, groups, revealCapability, toolName } from './index.js';
import type { ActionSpec, CreditRule } from './types.js';

export function creditText(rule: CreditRule): string {
  switch (rule.kind) {
    case 'none':
      return 'free';
    case 'per_page':
      return `${rule.perPage} per page`;
    case 'per_record': {
      const extras = [
        rule.mobilePhone ? `+${rule.mobilePhone} mobile phone` : '',
        rule.personalEmail ? `+${rule.personalEmail} personal email` : '',
        rule.waterfall ? `≤ ${rule.waterfall} waterfall` : '',
      ].filter(Boolean);
      return `${rule.perRecord} per record found${extras.length ? ` (${extras.join(', ')})` : ''}`;
    }
    case 'per_insight':
      return `${rule.perConversation} per conversation with AI insights`;
  }
}

function row(a: ActionSpec): string {
  const methods = [a.method, ...a.altMethods].join('/');
  const paths = [a.path, ...a.altPaths].map((p) => `\`${p}\``).join(', ');
  const effect = a.approvalByDefault ? `${a.effect} (held by default)` : a.effect;
  return `| \`${a.id}\` | ${a.access === 'write' ? 'full' : 'read'} | ${effect} | ${methods} ${paths} | \`${toolName(a)}\` | ${creditText(a.credits)} | ${a.masterKeyOnly ? 'master key' : `\`${a.keyScope}\``} |`;
}

const effectWords: Record<string, string> = {
  read: 'changes nothing and spends nothing',
  write: "changes one of the team's records",
  bulk_write: 'changes many records in one call (the audit and the approval request say how many)',
  outbound:
    "can reach a person outside the team (sends mail, starts a sequence): held for an admin's approval by default, even under `full`, unless granted with `--no-approval`",
  spend: 'spends Apollo credits',
  admin: 'changes team-wide configuration',
};

/** docs/actions.md, rendered from the catalog. */
export function renderActionsDoc(): string {
  const sorted = [...(actions as readonly ActionSpec[])].sort(
    (a, b) => groups.indexOf(a.group) - groups.indexOf(b.group),
  );
  const lines = [
    '# Actions',
    '',
    '<!-- Generated from src/catalog by `npm run docs`; do not edit by hand. -->',
    '',
    'The policy vocabulary: grant a group or a single action id at `off`, `read` or `full` (`gatehouse grant`, or `gatehouse actions` for this list).',
    `\`${revealCapability}\` is a separate capability, off unless granted, needed to reveal personal emails or phone numbers or to run waterfall enrichment.`,
    '',
    `Groups: ${groups.map((g) => `\`${g}\``).join(', ')}.`,
    '',
    'Effects:',
    ...effects.map((e) => `- \`${e}\`: ${effectWords[e]}.`),
    '',
    '| action | needs | effect | method and path | MCP tool | credits | Apollo key needs |',
    '|---|---|---|---|---|---|---|',
    ...sorted.map(row),
    '',
  ];
  for (const a of sorted) {
    lines.push(`## \`${a.id}\` — ${a.title}`, '', a.description, '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
