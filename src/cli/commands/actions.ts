// `gatehouse actions`: the grant vocabulary, one line per Apollo operation Gatehouse serves.
import { groups } from '../../catalog/index.js';
import { vocabulary } from '../../catalog/vocabulary.js';
import { CliError, parse, table, type CliIO } from '../io.js';

const help = `Usage: gatehouse actions [--group <group>] [--json]

Lists every action an agent can be granted: its id (the grant target; its group is one too), the
Apollo method and path, its effect (read, write, bulk_write, outbound, spend, admin), the Apollo
credits a call costs, and whether it is held for an admin's approval by default (outbound actions,
unless granted with --no-approval).
  gatehouse actions
  gatehouse actions --group sequences
  gatehouse actions --json

Options: --group <group>  --json (one JSON array)  --help`;

/** `gatehouse actions [--group g] [--json]` */
export async function actionsCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parse(
    'actions',
    args,
    {
      group: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    false,
  );
  if (values.help) {
    io.out(help);
    return 0;
  }
  const group = values.group;
  if (group !== undefined && !(groups as readonly string[]).includes(group)) {
    throw new CliError(`unknown group '${group}' (groups: ${groups.join(', ')})`, 2);
  }
  const rows = vocabulary().filter((v) => group === undefined || v.group === group);
  if (values.json) {
    io.out(
      JSON.stringify(
        rows.map((v) => ({
          id: v.id,
          group: v.group,
          method: v.method,
          path: v.path,
          effect: v.effect,
          credits: v.credits,
          approval_by_default: v.approval_by_default,
          needs: v.needs,
          methods: v.methods,
          master_key_only: v.master_key_only,
        })),
      ),
    );
    return 0;
  }
  io.out(
    table(
      ['ACTION', 'GROUP', 'METHOD', 'PATH', 'EFFECT', 'CREDITS', 'APPROVAL'],
      rows.map((v) => [
        v.id,
        v.group,
        v.methods.join('/'),
        v.path,
        v.effect,
        v.credits,
        v.approval_by_default ? 'by default' : '',
      ]),
    ),
  );
  io.out(
    `\n${rows.length} action${rows.length === 1 ? '' : 's'}. Grant a group or an action: gatehouse grant <agent> <group|action> <off|read|full> [--no-approval].`,
  );
  return 0;
}
