// MCP over stdio: one session for the agent whose token the process was given. stdout carries the
// protocol only; logs go to stderr.
import type { Readable, Writable } from 'node:stream';

import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

import { createMcpSession, type McpDeps } from './session.js';

/** Why a stdio session could not start. */
export class McpStdioRefused extends Error {}

/**
 * Serves one MCP session over the given streams until the client closes them. Resolves when the
 * session ends; rejects with {@link McpStdioRefused} (audited) when the token is not an agent's.
 */
export async function serveMcpStdio(
  deps: McpDeps,
  options: { token: string; stdin?: Readable; stdout?: Writable },
): Promise<void> {
  const agent = await deps.gateway.identify(options.token);
  if (!agent) {
    const outcome = await deps.gateway.handle({
      surface: 'mcp',
      token: options.token,
      ip: null,
      actionId: 'mcp.session',
      input: {},
    });
    throw new McpStdioRefused(
      `${outcome.ok ? 'Unauthenticated.' : outcome.error.error.message} Check the token file or GATEHOUSE_AGENT_TOKEN.`,
    );
  }
  const session = createMcpSession(deps, { token: options.token, ip: null, agent });
  const transport = new StdioServerTransport(options.stdin, options.stdout);
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
  });
  await session.connect(transport);
  guardEveryMessage(deps, transport, options.token);
  // The client ending stdin ends the session.
  const input = options.stdin ?? process.stdin;
  input.once('end', () => void session.close());
  await closed;
  await session.close();
}

/**
 * Like the HTTP transport, which authenticates every request, a stdio session checks its token
 * before each message: once the token is revoked or rotated away, every request (tools/list,
 * whoami, resources, calls) is refused with a JSON-RPC error that says why, and audited. Messages
 * are handled in arrival order.
 */
function guardEveryMessage(deps: McpDeps, transport: StdioServerTransport, token: string): void {
  const deliver = transport.onmessage;
  if (!deliver) return;
  let queue: Promise<void> = Promise.resolve();
  transport.onmessage = (message) => {
    queue = queue
      .then(async () => {
        if (await deps.gateway.identify(token)) return deliver(message);
        const id = 'id' in message ? message.id : undefined;
        // Notifications get no answer; only requests are calls an agent made.
        if (id === undefined || !('method' in message)) return;
        const outcome = await deps.gateway.handle({
          surface: 'mcp',
          token,
          ip: null,
          actionId: 'mcp.session',
          input: {},
        });
        const why = outcome.ok ? 'Unauthenticated.' : outcome.error.error.message;
        await transport.send({
          jsonrpc: '2.0',
          id,
          error: { code: -32001, message: `${why} This session no longer serves this token.` },
        });
      })
      .catch((e: unknown) => deps.logger.warn({ err: e }, 'could not check the MCP stdio token'));
  };
}
