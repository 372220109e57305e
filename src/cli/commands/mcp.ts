import { createAuditReader } from '../../app/adapters.js';
import { createLogger } from '../../app/logger.js';
import { openGateway } from '../../app/start.js';
import { McpStdioRefused, serveMcpStdio } from '../../surfaces/mcp/stdio.js';
import { readAgentToken, refuseTokenOnArgv } from '../agent-token.js';
import { CliError, parse, type CliIO } from '../io.js';
import { commandConfig, storeOptions } from '../with-store.js';

const help = `Usage: gatehouse mcp [--token-file <path>] [--db <path|url>] [--sandbox]

Serves MCP over stdio for one agent: every Apollo tool its grants allow, through the same
policy, pacing and audit as the REST proxy. The agent token comes from --token-file or the
GATEHOUSE_AGENT_TOKEN variable, never from the command line (process lists and shell history
keep arguments). Logs go to stderr; stdout carries the protocol only.

Example MCP client configuration:
  { "command": "npx", "args": ["gatehouse", "mcp", "--token-file", "/path/to/agent.token"] }

Options: --token-file  --db  --sandbox  --help`;

/** `gatehouse mcp` */
export async function mcpCommand(args: string[], io: CliIO): Promise<number> {
  refuseTokenOnArgv(args);
  const { values } = parse(
    'mcp',
    args,
    { ...storeOptions, 'token-file': { type: 'string' }, sandbox: { type: 'boolean' } },
    false,
  );
  if (values.help) {
    io.out(help);
    return 0;
  }
  const token = await readAgentToken(values['token-file'], io.env);
  if (!token) {
    throw new CliError(
      'No agent token: pass --token-file <path> or set GATEHOUSE_AGENT_TOKEN (create one with: gatehouse agent create <name>).',
    );
  }

  const config = commandConfig(io, { db: values.db, sandbox: values.sandbox });
  // stdout is the protocol: logs go to stderr.
  const logger = createLogger({ level: config.logLevel, destination: process.stderr });
  const { app, store, close } = await openGateway(config, logger);
  try {
    await serveMcpStdio(
      { gateway: app.gateway, audit: createAuditReader(store), logger },
      { token },
    );
    return 0;
  } catch (e) {
    if (e instanceof McpStdioRefused) {
      io.err(e.message);
      return 2;
    }
    throw e;
  } finally {
    await close();
  }
}
