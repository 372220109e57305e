import { actions, revealCapability, toolName } from './index.js';
import type { ActionSpec, CreditRule } from './types.js';

function creditText(rule: CreditRule): string {
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
  return `| \`${a.id}\` | ${a.access} | ${methods} \`${a.path}\` | \`${toolName(a)}\` | ${creditText(a.credits)} | ${a.masterKeyOnly ? 'master key' : `\`${a.keyScope}\``} |`;
}

/** docs/actions.md, rendered from the catalog. */
export function renderActionsDoc(): string {
  const lines = [
    '# Actions',
    '',
    '<!-- Generated from src/catalog by `npm run docs`; do not edit by hand. -->',
    '',
    'The policy vocabulary: grant a group (`people`, `contacts`, …) or a single action id at `off`, `read` or `full`.',
    `\`${revealCapability}\` is a separate capability, off unless granted, needed to reveal personal emails or phone numbers or to run waterfall enrichment.`,
    '',
    '| action | access | method and path | MCP tool | credits | Apollo key needs |',
    '|---|---|---|---|---|---|',
    ...actions.map((a) => row(a as ActionSpec)),
    '',
  ];
  for (const a of actions as readonly ActionSpec[]) {
    lines.push(`## \`${a.id}\` — ${a.title}`, '', a.description, '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
