import { describeInputShapeProblem, getAction, inspectInputShape } from '../../catalog/index.js';
import {
  ageInDays,
  effectiveLevels,
  explain,
  isGrantTarget,
  levels,
  reachNote,
  reachOf,
  redactableField,
  type KeyReach,
  type Level,
} from '../../core/index.js';
import type { StoreServices } from '../../store/open-store.js';
import type { Agent, Grant } from '../../store/index.js';
import { cliActor, createAdminChanges, type LimitsChange } from '../../services/admin/changes.js';
import { ago, CliError, parse, table, type CliIO } from '../io.js';
import { storeOptions, withStore } from '../with-store.js';

const agentHelp = `Usage: gatehouse agent <create|list|show|rotate|revoke|limits> …

  agent create <name> [--grant target=level …] [--description text]
      Creates an agent and prints its token once. target is a group (people, contacts …),
      an action id (contacts.create) or people.reveal; level is off, read or full.
  agent list                 every agent, with last use and grants
  agent show <name|id>       one agent in full
  agent rotate <name|id>     issues a new token; the old one stops working at once
  agent revoke <name|id>     the agent's token stops working at once
  agent limits <name|id> [--credits-per-day N|none] [--credits-per-month N|none]
                       [--requests-per-minute N|none] [--redact field,field|none]
                             credit budgets: a call that could exceed one is refused before
                             it reaches Apollo (see gatehouse usage); requests per minute: more
                             are refused with 429 AGENT_RATE_LIMITED; redact: these fields
                             (email, phone_numbers …) are removed from every answer the agent
                             gets, on every surface, cached or not

Every change is written to the audit trail as admin.<verb>, by cli:<your user name>.

Options: --db <path|url>  --json  --help`;

/** Parses a budget flag: a non-negative number, or `none` to remove the budget. */
function budgetFlag(flag: string, text: string | undefined): number | null | undefined {
  if (text === undefined) return undefined;
  if (text.trim().toLowerCase() === 'none') return null;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || text.trim() === '') {
    throw new CliError(`${flag} ${text}: expected a number of credits (e.g. 500) or none`, 2);
  }
  return n;
}

/** Parses --requests-per-minute: a whole number from 1, or `none`. */
function rpmFlag(text: string | undefined): number | null | undefined {
  if (text === undefined) return undefined;
  if (text.trim().toLowerCase() === 'none') return null;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1 || text.trim() === '') {
    throw new CliError(
      `--requests-per-minute ${text}: expected a whole number of requests, 1 or more (e.g. 60), or none`,
      2,
    );
  }
  return n;
}

/** Parses --redact: comma-separated field names, or `none` for nothing. */
function redactFlag(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  if (text.trim().toLowerCase() === 'none') return [];
  const fields = text.split(',').map((f) => f.trim());
  const bad = fields.find((f) => !redactableField.test(f));
  if (bad !== undefined) {
    throw new CliError(
      `--redact ${text}: '${bad}' is not a field name; give names such as email,phone_numbers (letters, digits, _ and .), or none`,
      2,
    );
  }
  return fields;
}

/** Parses "people=read" into a grant, with a clear error. */
export function parseGrantFlag(text: string): { target: string; level: Level } {
  const m = /^([a-z_.]+)=(off|read|full)$/.exec(text.trim());
  if (!m || !isGrantTarget(m[1]!)) {
    throw new CliError(
      `--grant ${text}: expected target=level, e.g. people=read or contacts.create=full (levels: ${levels.join(', ')})`,
      2,
    );
  }
  return { target: m[1]!, level: m[2] as Level };
}

function agentJson(agent: Agent, grants: Grant[]) {
  return {
    id: agent.id,
    name: agent.name,
    description: agent.description,
    status: agent.revokedAt ? 'revoked' : 'active',
    token_prefix: agent.tokenPrefix,
    created_at: new Date(agent.createdAt).toISOString(),
    token_created_at: new Date(agent.tokenCreatedAt).toISOString(),
    revoked_at: agent.revokedAt ? new Date(agent.revokedAt).toISOString() : null,
    last_used_at: agent.lastUsedAt ? new Date(agent.lastUsedAt).toISOString() : null,
    last_used_ip: agent.lastUsedIp,
    grants: grants.map((g) => ({ target: g.target, level: g.level, approval: g.requiresApproval })),
    limits: {
      credit_budget_day: agent.creditBudgetDay,
      credit_budget_month: agent.creditBudgetMonth,
      requests_per_minute: agent.requestsPerMinute,
      redacted_fields: agent.redactedFields,
    },
  };
}

export const grantText = (grants: Grant[]) =>
  grants.length
    ? grants
        .map(
          (g) =>
            `${g.target}=${g.level}${g.requiresApproval ? ' (approval)' : g.noApproval ? ' (no approval)' : ''}`,
        )
        .join(', ')
    : 'none (denied everything)';

async function mustGet(store: StoreServices, idOrName: string): Promise<Agent> {
  const agent = await store.agents.get(idOrName);
  if (!agent)
    throw new CliError(`no agent named or with id '${idOrName}' (see gatehouse agent list)`);
  return agent;
}

/** `gatehouse agent …` */
export async function agentCommand(args: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === '-h') {
    io.out(agentHelp);
    return sub ? 0 : 2;
  }
  const { values, positionals } = parse(`agent ${sub}`, rest, {
    ...storeOptions,
    grant: { type: 'string', multiple: true },
    description: { type: 'string' },
    'credits-per-day': { type: 'string' },
    'credits-per-month': { type: 'string' },
    'requests-per-minute': { type: 'string' },
    redact: { type: 'string' },
  });
  if (values.help) {
    io.out(agentHelp);
    return 0;
  }
  const name = positionals[0];
  const needName = () => {
    if (!name) throw new CliError(`gatehouse agent ${sub} needs an agent name or id`, 2);
    return name;
  };
  switch (sub) {
    case 'create': {
      const agentName = needName();
      const grants = (values.grant ?? []).map(parseGrantFlag);
      return withStore(io, values, async (store) => {
        const created = await createAdminChanges({ store }).createAgent(
          { name: agentName, description: values.description ?? null, grants },
          cliActor(io.env),
        );
        if (!created.ok) throw new CliError(created.error.message);
        const { agent, token, grants: stored } = created.value;
        if (values.json) {
          io.out(JSON.stringify({ ...agentJson(agent, stored), token }));
        } else {
          io.out(
            [
              `Created agent '${agent.name}' (${agent.id}).`,
              `Grants: ${grantText(stored)}`,
              '',
              'Token (shown only now; store it in your agent’s secret store):',
              `  ${token}`,
            ].join('\n'),
          );
        }
        return 0;
      });
    }
    case 'list':
      return withStore(io, values, async (store, config) => {
        const agents = await store.agents.list();
        const rows = await Promise.all(
          agents.map(async (a) => ({ a, grants: await store.grants.list(a.id) })),
        );
        if (values.json) {
          io.out(JSON.stringify(rows.map(({ a, grants }) => agentJson(a, grants))));
        } else if (!rows.length) {
          io.out(
            'No agents yet. Create one with: gatehouse agent create <name> --grant people=read',
          );
        } else {
          const now = Date.now();
          const stale = (a: Agent) =>
            !a.revokedAt && ageInDays(a.tokenCreatedAt, now) > config.maxSecretAgeDays;
          io.out(
            table(
              ['NAME', 'ID', 'STATUS', 'TOKEN AGE', 'LAST USED', 'FROM', 'GRANTS'],
              rows.map(({ a, grants }) => [
                a.name,
                a.id,
                a.revokedAt ? 'revoked' : 'active',
                `${ageInDays(a.tokenCreatedAt, now)} d${stale(a) ? ' (rotate)' : ''}`,
                ago(a.lastUsedAt),
                a.lastUsedIp ?? '-',
                grantText(grants),
              ]),
            ),
          );
          const old = rows.filter(({ a }) => stale(a));
          if (old.length) {
            io.err(
              `Warning: ${old.length} token${old.length === 1 ? ' is' : 's are'} older than ${config.maxSecretAgeDays} days (GATEHOUSE_MAX_SECRET_AGE_DAYS); rotate with: gatehouse agent rotate <name>`,
            );
          }
        }
        return 0;
      });
    case 'show':
      return withStore(io, values, async (store, config) => {
        const agent = await mustGet(store, needName());
        const grants = await store.grants.list(agent.id);
        const j = agentJson(agent, grants);
        if (values.json) io.out(JSON.stringify(j));
        else
          io.out(
            [
              `${agent.name} (${agent.id}), ${j.status}`,
              `  token       ${agent.tokenPrefix}… issued ${ago(agent.tokenCreatedAt)}${
                !agent.revokedAt &&
                ageInDays(agent.tokenCreatedAt, Date.now()) > config.maxSecretAgeDays
                  ? ` — older than ${config.maxSecretAgeDays} days, rotate it: gatehouse agent rotate ${agent.name}`
                  : ''
              }`,
              `  last used   ${ago(agent.lastUsedAt)}${agent.lastUsedIp ? ` from ${agent.lastUsedIp}` : ''}`,
              `  grants      ${grantText(grants)}`,
              `  budgets     ${agent.creditBudgetDay ?? 'no'} credits/day, ${agent.creditBudgetMonth ?? 'no'} credits/month`,
              `  redacted    ${agent.redactedFields.length ? agent.redactedFields.join(', ') : 'nothing'}`,
            ].join('\n'),
          );
        return 0;
      });
    case 'rotate':
      return withStore(io, values, async (store) => {
        const rotated = await createAdminChanges({ store }).rotateAgent(
          needName(),
          cliActor(io.env),
        );
        if (!rotated.ok) throw new CliError(rotated.error.message);
        if (values.json)
          io.out(
            JSON.stringify({
              id: rotated.value.agent.id,
              name: rotated.value.agent.name,
              token: rotated.value.token,
            }),
          );
        else
          io.out(
            `Rotated the token of '${rotated.value.agent.name}'. The old token no longer works.\nNew token (shown only now):\n  ${rotated.value.token}`,
          );
        return 0;
      });
    case 'revoke':
      return withStore(io, values, async (store) => {
        const revoked = await createAdminChanges({ store }).revokeAgent(
          needName(),
          cliActor(io.env),
        );
        if (!revoked.ok) throw new CliError(revoked.error.message);
        if (values.json)
          io.out(
            JSON.stringify({ id: revoked.value.id, name: revoked.value.name, status: 'revoked' }),
          );
        else io.out(`Revoked '${revoked.value.name}'. Its token no longer works.`);
        return 0;
      });
    case 'limits': {
      const agentName = needName();
      const day = budgetFlag('--credits-per-day', values['credits-per-day']);
      const month = budgetFlag('--credits-per-month', values['credits-per-month']);
      const rpm = rpmFlag(values['requests-per-minute']);
      const redact = redactFlag(values.redact);
      const limits: LimitsChange = {
        ...(day !== undefined ? { creditBudgetDay: day } : {}),
        ...(month !== undefined ? { creditBudgetMonth: month } : {}),
        ...(rpm !== undefined ? { requestsPerMinute: rpm } : {}),
        ...(redact !== undefined ? { redactedFields: redact } : {}),
      };
      if (Object.keys(limits).length === 0) {
        throw new CliError(
          'agent limits needs at least one of --credits-per-day, --credits-per-month, --requests-per-minute, --redact',
          2,
        );
      }
      return withStore(io, values, async (store) => {
        const updated = await createAdminChanges({ store }).setLimits(
          agentName,
          limits,
          cliActor(io.env),
        );
        if (!updated.ok) throw new CliError(updated.error.message);
        const a = updated.value;
        if (values.json)
          io.out(
            JSON.stringify({
              name: a.name,
              credit_budget_day: a.creditBudgetDay,
              credit_budget_month: a.creditBudgetMonth,
              requests_per_minute: a.requestsPerMinute,
              redacted_fields: a.redactedFields,
            }),
          );
        else
          io.out(
            [
              `'${a.name}' may spend ${a.creditBudgetDay ?? 'unlimited'} credits a day and ${a.creditBudgetMonth ?? 'unlimited'} a month (UTC),`,
              `make ${a.requestsPerMinute ?? 'unlimited'} requests a minute,`,
              `and gets answers ${a.redactedFields.length ? `without ${a.redactedFields.join(', ')}` : 'unredacted'}.`,
            ].join(' '),
          );
        return 0;
      });
    }
    default:
      throw new CliError(`unknown subcommand 'agent ${sub}' (see gatehouse agent --help)`, 2);
  }
}

const explainHelp = `Usage: gatehouse explain <agent> <action> [--params JSON]

Says whether the agent may make this call and which rule decides, using the same function as
the gateway. Example: gatehouse explain outreach-bot people.match --params '{"email":"a@b.co","reveal_personal_emails":true}'

Exits 0 when the call would be allowed, 3 when it would be denied or held, or when the team's
Apollo API key is known not to reach the endpoint (a scoped key; see gatehouse connect apikey).

Options: --params JSON  --db  --json  --help`;

/** `gatehouse explain <agent> <action> [--params JSON]` */
export async function explainCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse('explain', args, {
    ...storeOptions,
    params: { type: 'string' },
  });
  if (values.help) {
    io.out(explainHelp);
    return 0;
  }
  const [agentName, actionId] = positionals;
  if (!agentName || !actionId)
    throw new CliError('usage: gatehouse explain <agent> <action> [--params JSON]', 2);
  let params: Record<string, unknown> = {};
  if (values.params !== undefined) {
    try {
      const p: unknown = JSON.parse(values.params);
      if (!p || typeof p !== 'object' || Array.isArray(p)) throw new Error('not an object');
      params = p as Record<string, unknown>;
    } catch {
      throw new CliError('--params must be a JSON object, e.g. \'{"email":"a@b.co"}\'', 2);
    }
    const shape = inspectInputShape(params);
    if (shape) throw new CliError(`--params: ${describeInputShapeProblem(shape)}`, 2);
  }
  const action = getAction(actionId);
  const parsedInput = action?.input.safeParse(params);
  const input = parsedInput?.success ? (parsedInput.data as Record<string, unknown>) : params;
  return withStore(io, values, async (store) => {
    const agent = await mustGet(store, agentName);
    const grants = await store.grants.list(agent.id);
    const evaluation = explain({ grants, actionId, input });
    const d = evaluation.decision;
    const verdict =
      d.kind === 'allow' ? 'ALLOWED' : d.kind === 'hold' ? 'HELD FOR APPROVAL' : 'DENIED';
    const notes: string[] = [];
    if (agent.revokedAt)
      notes.push('Note: this agent is revoked, so every call is refused before policy.');
    const connection = await store.connection.info();
    const reach =
      action && connection?.kind === 'apikey'
        ? reachNote(connection.metadata as KeyReach, action.id, action.keyScope)
        : null;
    const unreachable =
      action && connection?.kind === 'apikey'
        ? reachOf(connection.metadata as KeyReach, action.id) === 'unreachable'
        : false;
    if (reach) notes.push(`Note: ${reach}`);
    if (parsedInput && !parsedInput.success) {
      notes.push(
        `Note: these params would be rejected as invalid: ${parsedInput.error.issues[0]?.message ?? 'invalid'}`,
      );
    }
    if (values.json) {
      io.out(
        JSON.stringify({
          agent: agent.name,
          action: actionId,
          decision: d.kind,
          rule: d.rule,
          reason: d.kind === 'deny' ? d.reason : null,
          lines: evaluation.lines,
          notes,
          apollo_key_reach:
            action && connection?.kind === 'apikey'
              ? reachOf(connection.metadata as KeyReach, action.id)
              : null,
          effective:
            effectiveLevels(grants)[actionId as keyof ReturnType<typeof effectiveLevels>] ?? null,
        }),
      );
    } else {
      io.out(
        [
          `${verdict}: ${agent.name} → ${actionId} (rule: ${d.rule})`,
          ...(d.kind === 'deny' ? [`  ${d.reason}`] : []),
          ...evaluation.lines.map((l) => `  · ${l}`),
          ...notes,
        ].join('\n'),
      );
    }
    // Allowed by policy but refused by the team's key is still a call that will not work.
    return d.kind === 'allow' && !unreachable ? 0 : 3;
  });
}
