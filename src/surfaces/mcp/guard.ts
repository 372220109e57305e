// Checks every tools/call message as it arrives, before the MCP SDK parses it.
//
// The SDK's parse of a malformed tools/call answers -32603 "Internal error" with a raw zod dump
// and leaves no audit record, and its parse of the arguments quietly drops keys such as
// `__proto__`, so the pipeline could never see and refuse them. Here a malformed request gets
// -32602 with one short sentence naming the field, and arguments of a shape no parameters may have
// go to the pipeline as they came, which refuses them as an isError result; both are audited.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  type CallToolResult,
  type JSONRPCMessage,
  type JSONRPCRequest,
} from '@modelcontextprotocol/sdk/types.js';

import { inspectInputShape } from '../../catalog/index.js';
import { gatewayError } from '../../core/index.js';
import type { Gateway } from '../../gateway/pipeline.js';

import { failureResult } from './results.js';
import { findTool } from './tools.js';

/** What the guard needs to audit a refusal. */
export interface ToolCallGuardOptions {
  readonly gateway: Pick<Gateway, 'handle' | 'refuseRequest'>;
  readonly ip: string | null;
  /** The token the message came with (per request over HTTP, the process's over stdio). */
  readonly tokenOf: (authToken: string | undefined) => string;
}

const isRequest = (m: JSONRPCMessage): m is JSONRPCRequest =>
  'method' in m && 'id' in m && m.id !== undefined && m.id !== null;

/** The first problem with a tools/call request, as "params.arguments: expected record …". */
export function toolCallProblem(message: unknown): string | null {
  const parsed = CallToolRequestSchema.safeParse(message);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0];
  if (!issue) return 'the request does not match tools/call';
  const field = issue.path.length ? issue.path.map(String).join('.') : 'the request';
  return `${field}: ${issue.message.replace(/\s+/g, ' ').slice(0, 200)}`;
}

/** Wraps the transport's delivery of incoming messages (call after the server connected). */
export function guardToolCalls(transport: Transport, options: ToolCallGuardOptions): void {
  const deliver = transport.onmessage;
  if (!deliver) return;
  transport.onmessage = (message, extra) => {
    // Checked synchronously, so a valid call is delivered in order with the messages around it.
    const refusal =
      isRequest(message) && message.method === 'tools/call' ? refusalOf(message) : null;
    if (!refusal) {
      deliver.call(transport, message, extra);
      return;
    }
    const token = options.tokenOf(extra?.authInfo?.token);
    void refusal(token).then(
      (answer) => transport.send(answer),
      (e: unknown) => transport.onerror?.(e instanceof Error ? e : new Error(String(e))),
    );
  };

  /** How to answer a refused tools/call, or null when it may go on to the server. */
  function refusalOf(message: JSONRPCRequest): ((token: string) => Promise<JSONRPCMessage>) | null {
    const problem = toolCallProblem(message);
    if (problem) {
      return async (token) => {
        const refused = await options.gateway.refuseRequest({
          surface: 'mcp',
          token,
          ip: options.ip,
          route: 'tools/call',
          rule: 'malformed request',
          error: gatewayError.invalidInput([{ path: '', message: problem }]),
        });
        return {
          jsonrpc: '2.0',
          id: message.id,
          error: {
            code: ErrorCode.InvalidParams,
            message: `Invalid tools/call params: ${problem}. (audit ${refused.auditId})`,
          },
        };
      };
    }
    const params = message.params as { name: string; arguments?: Record<string, unknown> };
    const args = params.arguments ?? {};
    if (!inspectInputShape(args)) return null;
    // The pipeline refuses and audits it; the tool's action id names it when there is one.
    return async (token) => {
      const outcome = await options.gateway.handle({
        surface: 'mcp',
        token,
        ip: options.ip,
        actionId: findTool(params.name)?.action?.id ?? params.name,
        input: args,
      });
      const result: CallToolResult = outcome.ok
        ? { isError: true, content: [{ type: 'text', text: 'Refused.' }] }
        : failureResult(outcome.error.error, outcome.error.auditId);
      return { jsonrpc: '2.0', id: message.id, result };
    };
  }
}
