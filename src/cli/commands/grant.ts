import { cliActor, createAdminChanges } from '../../services/admin/changes.js';
import { roleTemplates } from '../../services/admin/templates.js';
import { CliError, parse, type CliIO } from '../io.js';
import { storeOptions, withStore } from '../with-store.js';

import { grantText, parseGrantFlag } from './agents.js';

const grantHelp = `Usage: gatehouse grant <agent> <group|action|people.reveal> <off|read|full|deny> [--approval | --no-approval]
       gatehouse grant <agent> --template <${roleTemplates.map((t) => t.id).join('|')}>

Sets one grant. A per-action grant beats its group's grant; no grant means off. Level off removes
the grant (an action then inherits its group's level); deny stores an explicit off, so the action
is denied even where its group grants read or full:
  gatehouse grant researcher people.bulk_match deny
Actions that reach people outside the team (emails.send_now, sequences.approve, sequences.update,
sequences.add_contacts) are held for an admin's approval by default, even under full.
  gatehouse grant outreach-bot people read
  gatehouse grant outreach-bot contacts.create full --approval
  gatehouse grant outreach-bot sequences full --no-approval

A role template replaces all of the agent's grants with its own (each change audited):
${roleTemplates.map((t) => `  ${t.id.padEnd(14)} ${t.description}`).join('\n')}

Options: --approval (every call under this grant waits for an admin)
         --no-approval (outbound actions under this grant run without an admin's approval)
         --template (a role template's grants instead of one grant)
         --db  --json  --help`;

/** `gatehouse grant <agent> <target> <level> [--approval]` */
export async function grantCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse('grant', args, {
    ...storeOptions,
    approval: { type: 'boolean', default: false },
    'no-approval': { type: 'boolean', default: false },
    template: { type: 'string' },
  });
  if (values.help) {
    io.out(grantHelp);
    return 0;
  }
  const [agentName, target, level] = positionals;
  if (values.template !== undefined) {
    if (!agentName || target !== undefined) {
      throw new CliError('usage: gatehouse grant <agent> --template <template id>', 2);
    }
    const template = values.template;
    return withStore(io, values, async (store) => {
      const applied = await createAdminChanges({ store }).applyTemplate(
        agentName,
        template,
        cliActor(io.env),
      );
      if (!applied.ok) throw new CliError(applied.error.message);
      io.out(
        `${applied.value.agent.name}: the ${template} template applied. Grants now: ${grantText(applied.value.grants)}`,
      );
      return 0;
    });
  }
  if (!agentName || !target || !level)
    throw new CliError(
      'usage: gatehouse grant <agent> <target> <off|read|full|deny> [--approval | --no-approval]',
      2,
    );
  const noApproval = values['no-approval'];
  if (values.approval && noApproval)
    throw new CliError('--approval and --no-approval contradict each other: choose one', 2);
  // `deny`: an explicit off, which beats the group's grant (plain `off` removes the grant).
  const deny = level === 'deny';
  if (deny && (values.approval || noApproval)) {
    throw new CliError('deny takes no approval option: a denied action never runs', 2);
  }
  const parsed = parseGrantFlag(`${target}=${deny ? 'off' : level}`);
  return withStore(io, values, async (store) => {
    const set = await createAdminChanges({ store }).setGrant(
      agentName,
      { target: parsed.target, level: parsed.level, approval: values.approval, noApproval, deny },
      cliActor(io.env),
    );
    if (!set.ok) throw new CliError(set.error.message);
    const { agent, grants } = set.value;
    if (values.json)
      io.out(
        JSON.stringify({
          agent: agent.name,
          grant: {
            target: parsed.target,
            level: parsed.level,
            approval: values.approval,
            no_approval: noApproval,
          },
          grants: grants.map((g) => ({
            target: g.target,
            level: g.level,
            approval: g.requiresApproval,
            no_approval: g.noApproval,
          })),
        }),
      );
    else
      io.out(
        `${agent.name}: ${parsed.target}=${parsed.level}${deny ? ' (denied even under its group)' : values.approval ? ' (approval required)' : noApproval ? ' (outbound actions without approval)' : ''}. Grants now: ${grantText(grants)}`,
      );
    return 0;
  });
}
