import { CliError, processIO, type CliIO } from './io.js';

/** One `gatehouse <command>`: its name, a one-line summary for the help, and how to run it. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(args: string[], io: CliIO): Promise<number>;
}

// Commands load their module only when run, so one command's dependencies never slow down or
// break another (the sandbox needs no database, for instance).

/** The commands `gatehouse` knows, in help order; register new ones here. */
export const commands: readonly Command[] = [
  {
    name: 'sandbox',
    summary: 'Run the Apollo API simulator alone and print its keys.',
    run: async (args, io) => (await import('./commands/sandbox.js')).sandboxCommand(args, io),
  },
  {
    name: 'start',
    summary: 'Run the gateway (on the embedded sandbox until Apollo is connected).',
    run: async (args, io) => (await import('./commands/server.js')).startCommand(args, io),
  },
  {
    name: 'mcp',
    summary: 'Serve MCP over stdio for one agent (token from a file or GATEHOUSE_AGENT_TOKEN).',
    run: async (args, io) => (await import('./commands/mcp.js')).mcpCommand(args, io),
  },
  {
    name: 'agent',
    summary: 'Create, list, show, rotate or revoke agents and their tokens.',
    run: async (args, io) => (await import('./commands/agents.js')).agentCommand(args, io),
  },
  {
    name: 'actions',
    summary:
      'List the grant vocabulary: every Apollo action, its effect, credits and approval default.',
    run: async (args, io) => (await import('./commands/actions.js')).actionsCommand(args, io),
  },
  {
    name: 'grant',
    summary: "Set an agent's level (off, read, full) on a group or action.",
    run: async (args, io) => (await import('./commands/grant.js')).grantCommand(args, io),
  },
  {
    name: 'explain',
    summary: 'Say whether an agent may make a call, and which rule decides.',
    run: async (args, io) => (await import('./commands/agents.js')).explainCommand(args, io),
  },
  {
    name: 'alerts',
    summary: 'Anomaly alerts (stored, shared by replicas); acknowledge one with alerts ack <id>.',
    run: async (args, io) => (await import('./commands/alerts.js')).alertsCommand(args, io),
  },
  {
    name: 'usage',
    summary: 'Credits each agent spent today and this month, beside its budgets.',
    run: async (args, io) => (await import('./commands/usage.js')).usageCommand(args, io),
  },
  {
    name: 'enrich',
    summary: 'Enrich the people of a CSV file as one agent, through the gateway (resumable).',
    run: async (args, io) => (await import('./commands/enrich.js')).enrichCommand(args, io),
  },
  {
    name: 'approvals',
    summary: 'List calls waiting for approval; approve (runs it once) or reject them.',
    run: async (args, io) => (await import('./commands/approvals.js')).approvalsCommand(args, io),
  },
  {
    name: 'audit',
    summary: 'Tail, search or export the audit trail (CSV or JSONL).',
    run: async (args, io) => (await import('./commands/audit.js')).auditCommand(args, io),
  },
  {
    name: 'connect',
    summary: 'Connect Gatehouse to Apollo with an API key or OAuth (secrets from stdin or a file).',
    run: async (args, io) => (await import('./commands/connect.js')).connectCommand(args, io),
  },
  {
    name: 'secrets',
    summary: 'Rotate the data key that seals the Apollo credential, with no downtime.',
    run: async (args, io) => (await import('./commands/secrets.js')).secretsCommand(args, io),
  },
  {
    name: 'admin',
    summary:
      'People who sign in to the console as themselves, with a role (viewer, approver, admin).',
    run: async (args, io) => (await import('./commands/admin.js')).adminCommand(args, io),
  },
  {
    name: 'backup',
    summary: 'Copy the SQLite database online, checked (Postgres: the pg_dump commands).',
    run: async (args, io) => (await import('./commands/backup.js')).backupCommand(args, io),
  },
  {
    name: 'migrate',
    summary: 'Bring the database schema up to date.',
    run: async (args, io) => (await import('./commands/server.js')).migrateCommand(args, io),
  },
];

function usage(list: readonly Command[]): string {
  const width = Math.max(...list.map((c) => c.name.length));
  return [
    'Usage: gatehouse <command> [options]',
    '',
    'Commands:',
    ...list.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'gatehouse <command> --help' for a command's options.",
  ].join('\n');
}

/** Dispatches argv (without node and the script) to a command; never throws. */
export async function runCli(
  argv: string[],
  io: CliIO,
  list: readonly Command[] = commands,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err("gatehouse: missing command (run 'gatehouse --help' for the list)");
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = rest[0] === undefined ? undefined : list.find((c) => c.name === rest[0]);
    if (topic) return runCli([topic.name, '--help'], io, list);
    if (rest[0] !== undefined) {
      io.err(`gatehouse: unknown command '${rest[0]}' (run 'gatehouse --help' for the list)`);
      return 2;
    }
    io.out(usage(list));
    return 0;
  }
  const command = list.find((c) => c.name === name);
  if (!command) {
    io.err(`gatehouse: unknown command '${name}' (run 'gatehouse --help' for the list)`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    io.err(`gatehouse ${name}: ${message.split('\n')[0]}`);
    return err instanceof CliError ? err.exitCode : 1;
  }
}

/** The entry point `bin/gatehouse.js` calls; resolves to the process exit code. */
export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  return runCli(argv, io);
}
