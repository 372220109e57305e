import { openGateway } from '../../app/start.js';
import { cliActor } from '../../services/admin/changes.js';
import { publicApproval } from '../../services/admin/public.js';
import type { ApprovalState } from '../../ports/index.js';
import { CliError, parse, table, type CliIO } from '../io.js';
import { commandConfig, commandLogger, storeOptions } from '../with-store.js';

const help = `Usage: gatehouse approvals list [--all] [--agent <name|id>] [--limit 50] [--json]
       gatehouse approvals approve <approval-id> [--note <text>] [--json]
       gatehouse approvals reject <approval-id> [--note <text>] [--json]

Calls whose grant requires approval wait here (grant ... --approval). Approving runs the held call
once, exactly as the agent made it, after checking that the agent is still active and granted;
rejecting refuses it (the note is shown to the agent). Held calls expire unanswered after
GATEHOUSE_APPROVAL_TTL_MINUTES (60). Every answer is audited.

Options: --all (every state, not only pending)  --agent  --limit  --note  --json  --db  --help`;

const liveStates: readonly ApprovalState[] = ['pending'];

/** `gatehouse approvals` */
export async function approvalsCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse('approvals', args, {
    ...storeOptions,
    all: { type: 'boolean', default: false },
    agent: { type: 'string' },
    limit: { type: 'string', default: '50' },
    note: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  const [sub, id, ...extra] = positionals;
  if (values.help || sub === undefined) {
    io.out(help);
    return sub === undefined && !values.help ? 2 : 0;
  }
  if (!['list', 'approve', 'reject'].includes(sub)) {
    throw new CliError(`unknown subcommand 'approvals ${sub}' (see gatehouse approvals --help)`, 2);
  }
  if (sub !== 'list' && (!id || extra.length > 0)) {
    throw new CliError(`usage: gatehouse approvals ${sub} <approval-id> [--note <text>]`, 2);
  }
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new CliError('--limit must be a whole number from 1 to 1000', 2);
  }
  if (values.note !== undefined && values.note.length > 1000) {
    throw new CliError('--note is limited to 1000 characters', 2);
  }

  // Approving runs the call from this process, through the same pipeline as the server.
  const { app, store, close } = await openGateway(
    commandConfig(io, { db: values.db }),
    commandLogger(io),
  );
  try {
    const gateway = app.gateway;
    await gateway.expireApprovals();
    if (sub === 'list') {
      let agentId: string | undefined;
      if (values.agent) {
        const agent = await store.agents.get(values.agent);
        if (!agent) throw new CliError(`no agent named or with id '${values.agent}'`, 2);
        agentId = agent.id;
      }
      const rows = await gateway.listApprovals({
        ...(values.all ? {} : { states: liveStates }),
        ...(agentId ? { agentId } : {}),
        limit,
      });
      if (values.json) {
        io.out(JSON.stringify({ approvals: rows.map(publicApproval) }));
      } else if (rows.length === 0) {
        io.out(values.all ? 'No held calls.' : 'No calls wait for approval.');
      } else {
        io.out(
          table(
            ['ID', 'STATE', 'AGENT', 'ACTION', 'TARGET', 'REASON', 'EXPIRES'],
            rows.map((a) => [
              a.id,
              a.state,
              a.agentName,
              a.actionId,
              clip(a.target, 50),
              clip(a.reason ?? '', 40),
              new Date(a.expiresAt).toISOString(),
            ]),
          ),
        );
      }
      return 0;
    }
    const answered = await gateway.answerApproval(id!, {
      approve: sub === 'approve',
      by: cliActor(io.env),
      note: values.note ?? null,
    });
    if (!answered.ok) throw new CliError(answered.error.message);
    const { approval, outcome } = answered.value;
    if (values.json) {
      io.out(
        JSON.stringify({
          approval: publicApproval(approval),
          ...(outcome
            ? outcome.ok
              ? { result: { status: outcome.value.status, audit_id: outcome.value.auditId } }
              : { error: { code: outcome.error.error.code, message: outcome.error.error.message } }
            : {}),
        }),
      );
    } else if (sub === 'reject') {
      io.out(`Rejected ${approval.id}: ${approval.agentName}'s ${approval.actionId} will not run.`);
    } else if (outcome?.ok) {
      io.out(
        `Approved ${approval.id}: ${approval.agentName}'s ${approval.actionId} ran; Apollo answered ${outcome.value.status} (audit ${outcome.value.auditId}). The agent can fetch the result.`,
      );
    } else {
      io.out(
        `Approved ${approval.id}, but the call did not succeed: ${outcome?.error.error.message ?? 'unknown error'}`,
      );
      return 1;
    }
    return 0;
  } finally {
    await close();
  }
}

function clip(text: string, n: number): string {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}
