// One MCP session for one agent: tools/list from its grants, tools/call through the gateway
// pipeline (every call, listed or not, is decided and audited there), whoami, all_pages, and the
// agent's recent calls as a resource. Used by both transports (streamable HTTP and stdio).
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListResourcesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

import type { ActionSpec } from '../../catalog/index.js';
import { decide, effectiveLevels, gatewayError } from '../../core/index.js';
import type { Gateway } from '../../gateway/pipeline.js';
import type { AgentIdentity, AuditReader, Logger } from '../../ports/index.js';

import { guardToolCalls } from './guard.js';
import { whoami } from './whoami.js';
import {
  failureResult,
  keyFieldsOnly,
  pageFacts,
  skippedNote,
  successResult,
  summarize,
  textResult,
} from './results.js';
import {
  allPagesCap,
  allPagesDefault,
  allTools,
  approvalToolName,
  compactArg,
  deliveryActions,
  deliveryToolName,
  findTool,
  isPaged,
  reasonArg,
  whoamiToolName,
  type ToolSpec,
} from './tools.js';

/** What every session needs. */
export interface McpDeps {
  readonly gateway: Gateway;
  readonly audit: AuditReader;
  readonly logger: Logger;
  /** How often an open session re-reads its agent's grants to announce tool changes (ms). */
  readonly refreshMs?: number;
  readonly version?: string;
}

/** Who is calling, established by the transport. */
export interface McpCaller {
  readonly token: string;
  readonly ip: string | null;
  readonly agent: AgentIdentity;
}

/** A session's server and its housekeeping. */
export interface McpSession {
  readonly server: Server;
  readonly agent: AgentIdentity;
  /** Connects the server to a transport, checking each tools/call before the SDK parses it. */
  connect(transport: Transport): Promise<void>;
  /** Re-reads the grants; sends notifications/tools/list_changed when the visible tools changed. */
  refreshTools(): Promise<boolean>;
  close(): Promise<void>;
}

/** Default interval between grant checks of an open session. */
export const defaultRefreshMs = 2000;

/** The URI of the agent's recent calls. */
export const recentCallsUri = 'gatehouse://audit/recent';
const recentCallsLimit = 50;

/** Gatehouse's own tool arguments: the reason for a held call, and paging and compact rows. */
const ownArgs = z.object({
  [reasonArg]: z.string().max(1000).optional(),
  [compactArg]: z.boolean().optional(),
  all_pages: z.boolean().optional(),
  max_pages: z.number().int().min(1).max(allPagesCap).optional(),
});

function toListed(t: ToolSpec): Tool {
  return {
    name: t.name,
    title: t.title,
    description: t.description,
    inputSchema: t.inputSchema,
    ...(t.outputSchema ? { outputSchema: t.outputSchema } : {}),
    annotations: t.annotations,
  };
}

/** How a session starts. */
export interface McpSessionOptions {
  /**
   * The session was opened on another replica and is rebuilt here: which tools its client last
   * listed is not known, so the tools visible when it is rebuilt are the baseline that a grant
   * change is announced against.
   */
  readonly resumed?: boolean;
}

/** Creates the MCP server for one agent's session (not yet connected to a transport). */
export function createMcpSession(
  deps: McpDeps,
  caller: McpCaller,
  options: McpSessionOptions = {},
): McpSession {
  const { gateway, logger } = deps;
  const server = new Server(
    { name: 'gatehouse', title: 'Gatehouse for Apollo.io', version: deps.version ?? '0.1.0' },
    {
      capabilities: { tools: { listChanged: true }, resources: {} },
      instructions:
        "Apollo.io through Gatehouse. Each tool is one Apollo endpoint; you see the tools this agent's grants allow. Refusals come back as results with isError and say which grant is missing. Call whoami to see your grants and rate headroom.",
    },
  );
  let shownSignature: string | null = null;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  async function visibleTools(): Promise<ToolSpec[]> {
    const grants = await gateway.grantsFor(caller.agent.id);
    const levels = effectiveLevels(grants);
    // The delivery tool only helps an agent that may ask for a phone reveal (people.reveal).
    const mayAskDelivery = deliveryActions.some(
      (actionId) =>
        decide({ grants, actionId, input: { reveal_phone_number: true } }).kind !== 'deny',
    );
    const anyHeld = Object.values(levels).some((l) => l.requiresApproval);
    return allTools().filter((t) => {
      if (t.action) return levels[t.action.id as keyof typeof levels]?.callable;
      if (t.name === deliveryToolName) return mayAskDelivery;
      if (t.name === approvalToolName) return anyHeld;
      return true;
    });
  }

  const signature = (tools: readonly ToolSpec[]) => tools.map((t) => t.name).join(',');

  server.setRequestHandler(ListToolsRequestSchema, async () => {
    const tools = await visibleTools();
    shownSignature = signature(tools);
    return { tools: tools.map(toListed) };
  });

  server.setRequestHandler(
    CallToolRequestSchema,
    async (request, extra): Promise<CallToolResult> => {
      // Over HTTP each request carries its own (re-checked) token, so a rotated token works at once.
      const token = extra.authInfo?.token ?? caller.token;
      const { name } = request.params;
      const args = (request.params.arguments ?? {}) as Record<string, unknown>;
      const tool = findTool(name);
      if (tool?.name === whoamiToolName) return whoami(gateway, caller, token);
      if (tool?.name === deliveryToolName) return deliveryResult(token, args);
      if (tool?.name === approvalToolName) return approvalStatus(token, args);
      if (!tool?.action) {
        // Still decided and audited by the pipeline (as an unknown action), then a protocol error.
        const outcome = await gateway.handle({
          surface: 'mcp',
          token,
          ip: caller.ip,
          actionId: name,
          input: args,
        });
        throw new McpError(
          ErrorCode.InvalidParams,
          `Unknown tool ${JSON.stringify(name)}: call tools/list for the tools this agent may use.${outcome.ok ? '' : ` (audit ${outcome.error.auditId})`}`,
        );
      }
      return callAction(token, tool.action, args);
    },
  );

  async function callAction(
    token: string,
    action: ActionSpec,
    args: Record<string, unknown>,
  ): Promise<CallToolResult> {
    // Gatehouse's own arguments come off; everything else is Apollo's, checked by the pipeline.
    const { [reasonArg]: said, ...apolloArgs } = args;
    const paged = isPaged(action);
    // Paging and compact rows are tool arguments of paged tools only; elsewhere they are unknown.
    const { all_pages: _a, max_pages: _m, [compactArg]: _c, ...pagedInput } = apolloArgs;
    const input = paged ? pagedInput : apolloArgs;
    const own = ownArgs.safeParse({ [reasonArg]: said, ...(paged ? args : {}) });
    if (!own.success) {
      const issues = own.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      const refused = await gateway.refuseRequest({
        surface: 'mcp',
        token,
        ip: caller.ip,
        route: `tools/call ${action.id}`,
        rule: 'invalid input',
        error: gatewayError.invalidInput(issues),
      });
      const listed = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
      return textResult(
        `Invalid arguments: ${listed}. Nothing was called. (audit ${refused.auditId})`,
        true,
      );
    }
    const reason = own.data[reasonArg]?.trim() ? { reason: own.data[reasonArg].trim() } : {};
    const slim = (body: unknown) =>
      own.data.compact && action.pagination ? keyFieldsOnly(body, action.pagination.rowsKey) : body;
    if (own.data.all_pages) {
      return walkPages(token, action, input, own.data.max_pages ?? allPagesDefault, reason, slim);
    }
    const outcome = await gateway.handle({
      surface: 'mcp',
      token,
      ip: caller.ip,
      actionId: action.id,
      input,
      ...reason,
    });
    if (!outcome.ok) {
      const e = outcome.error.error;
      if (e.code === 'approval_pending') {
        // Held, not failed: tell the model what happens next and how to follow it.
        return {
          content: [
            {
              type: 'text',
              text: `Held for an admin's approval (${e.rule ?? 'approval required'}) as ${e.approvalId}; nothing was sent to Apollo yet. Call ${approvalToolName} with approval_id "${e.approvalId}" later to see the decision and, once approved, the result${e.expiresAt ? ` (it expires at ${e.expiresAt} if nobody answers)` : ''}.`,
            },
          ],
          structuredContent: {
            gatehouse: {
              status: 'pending',
              approval_id: e.approvalId,
              audit_id: outcome.error.auditId,
              ...(e.expiresAt ? { expires_at: e.expiresAt } : {}),
            },
          },
        };
      }
      return failureResult(e, outcome.error.auditId);
    }
    const s = outcome.value;
    const waitNote = s.waitedMs
      ? ` Waited ${Math.round(s.waitedMs / 1000)} s for room in Apollo's rate window.`
      : '';
    const cacheNote = s.cache
      ? ` ${s.cache.hit === 'full' ? 'Served from cache' : 'Partly served from cache'}, saved ${s.cache.savedCredits} credit${s.cache.savedCredits === 1 ? '' : 's'}.`
      : '';
    const deliveryNote = s.delivery
      ? ` Apollo delivers the ${s.delivery.what} later: call ${deliveryToolName} with request_id "${s.delivery.requestId}" in about 10 seconds.`
      : '';
    return successResult(
      `${summarize(action, input, s.body, s.credits)}${waitNote}${cacheNote}${deliveryNote}`,
      slim(s.body),
      {
        audit_id: s.auditId,
        credits: s.credits,
        ...(s.delivery
          ? { delivery: { request_id: s.delivery.requestId, what: s.delivery.what } }
          : {}),
        ...(s.cache ? { cache: s.cache.hit, credits_saved: s.cache.savedCredits } : {}),
        ...(s.redacted ? { redacted_fields: s.redacted } : {}),
      },
    );
  }

  async function walkPages(
    token: string,
    action: ActionSpec,
    input: Record<string, unknown>,
    maxPages: number,
    reason: { reason?: string },
    slim: (body: unknown) => unknown,
  ): Promise<CallToolResult> {
    const rowsKey = action.pagination!.rowsKey;
    const first = typeof input.page === 'number' ? input.page : 1;
    const rows: unknown[] = [];
    const auditIds: string[] = [];
    let credits = 0;
    let page = first;
    let lastBody: Record<string, unknown> = {};
    let total: number | null = null;
    let totalPages: number | null = null;
    let stopped = '';
    for (;;) {
      const outcome = await gateway.handle({
        surface: 'mcp',
        token,
        ip: caller.ip,
        actionId: action.id,
        input: { ...input, page },
        ...reason,
      });
      if (!outcome.ok) {
        if (auditIds.length === 0) return failureResult(outcome.error.error, outcome.error.auditId);
        auditIds.push(outcome.error.auditId);
        stopped = ` Stopped at page ${page}: ${outcome.error.error.message}`;
        break;
      }
      const s = outcome.value;
      auditIds.push(s.auditId);
      credits += s.credits;
      lastBody = (s.body ?? {}) as Record<string, unknown>;
      const pageRows = Array.isArray(lastBody[rowsKey]) ? (lastBody[rowsKey] as unknown[]) : [];
      rows.push(...pageRows);
      const facts = pageFacts(action, { ...input, page }, s.body);
      total = facts?.total ?? total;
      totalPages = facts?.totalPages ?? totalPages;
      if (pageRows.length === 0 || totalPages === null || page >= totalPages) break;
      if (page - first + 1 >= maxPages) break;
      page += 1;
    }
    const fetched = page - first + (stopped ? 0 : 1);
    const noun = rowsKey.replace(/_/g, ' ');
    const more =
      !stopped && totalPages !== null && page < totalPages
        ? ` Call again with page ${page + 1} and all_pages for more.`
        : '';
    const summary =
      `Fetched ${fetched} page${fetched === 1 ? '' : 's'} (${first}–${first + Math.max(0, fetched - 1)}` +
      `${totalPages === null ? '' : ` of ${totalPages.toLocaleString('en-US')}`}): ` +
      `${rows.length.toLocaleString('en-US')}${total === null ? '' : ` of ${total.toLocaleString('en-US')}`} ${noun}; ` +
      `${credits > 0 ? `${credits} credits spent` : 'no credits spent'}.${more}${stopped}`;
    return successResult(summary, slim({ ...lastBody, [rowsKey]: rows }), {
      audit_ids: auditIds,
      credits,
      pages_fetched: fetched,
      next_page: more ? page + 1 : null,
    });
  }

  async function deliveryResult(
    token: string,
    args: Record<string, unknown>,
  ): Promise<CallToolResult> {
    const raw = args.request_id;
    if (typeof raw !== 'string' && typeof raw !== 'number') {
      return textResult(
        'Invalid arguments: request_id is required (the request_id from your people match answer, as a string).',
        true,
      );
    }
    const outcome = await gateway.deliveryResult({
      surface: 'mcp',
      token,
      ip: caller.ip,
      requestId: String(raw),
      route: deliveryToolName,
    });
    if (!outcome.ok) return failureResult(outcome.error.error, outcome.error.auditId);
    const a = outcome.value;
    const said = (a.body ?? {}) as { error?: unknown; error_code?: unknown };
    if (a.status === 200) {
      const people = (a.body as { people?: unknown[] } | null)?.people;
      const count = Array.isArray(people) ? people.length : 0;
      return successResult(
        `Apollo delivered results for ${count} ${count === 1 ? 'person' : 'people'}.`,
        a.body,
        { request_id: String(raw), ...(a.redacted ? { redacted_fields: a.redacted } : {}) },
      );
    }
    const text = `${String(said.error ?? 'No result.')} (${String(said.error_code)})`;
    // Pending is not a failure: the model should simply ask again later.
    return textResult(text, said.error_code !== 'result_pending');
  }

  async function approvalStatus(
    token: string,
    args: Record<string, unknown>,
  ): Promise<CallToolResult> {
    const id = args.approval_id;
    if (typeof id !== 'string' || !id.trim()) {
      return textResult(
        'Invalid arguments: approval_id is required (the id from the held answer).',
        true,
      );
    }
    const outcome = await gateway.approvalStatus({
      surface: 'mcp',
      token,
      ip: caller.ip,
      approvalId: id.trim(),
      route: approvalToolName,
    });
    if (!outcome.ok) return failureResult(outcome.error.error, outcome.error.auditId);
    const a = outcome.value;
    const said = (a.body ?? {}) as { error?: unknown; message?: unknown };
    if (a.state === 'done') {
      return successResult(`Approved by an admin and done.${skippedNote(a.body)}`, a.body, {
        approval_id: id,
        state: a.state,
      });
    }
    if (a.state === 'pending' || a.state === 'approved') {
      return textResult(String(said.message ?? 'Still waiting.'));
    }
    return textResult(String(said.error ?? a.state), true);
  }

  server.setRequestHandler(ListResourcesRequestSchema, () => ({
    resources: [
      {
        uri: recentCallsUri,
        name: 'recent-calls',
        title: 'Your recent calls through Gatehouse',
        description: `This agent's latest ${recentCallsLimit} audit records, newest first: what was called, the decision and the sentence Gatehouse wrote.`,
        mimeType: 'application/json',
      },
    ],
  }));

  server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
    if (request.params.uri !== recentCallsUri) {
      throw new McpError(
        ErrorCode.InvalidParams,
        `Unknown resource ${request.params.uri}; this server has ${recentCallsUri}.`,
      );
    }
    const records = await deps.audit.recent(caller.agent.id, recentCallsLimit);
    const entries = records.map((r) => ({
      id: r.id,
      time: new Date(r.time).toISOString(),
      action: r.action,
      decision: r.decision,
      sentence: r.sentence,
    }));
    return {
      contents: [
        { uri: recentCallsUri, mimeType: 'application/json', text: JSON.stringify(entries) },
      ],
    };
  });

  async function refreshTools(): Promise<boolean> {
    if (closed) return false;
    const now = signature(await visibleTools());
    const changed = shownSignature !== null && now !== shownSignature;
    if (changed) {
      shownSignature = now;
      await server.sendToolListChanged();
    }
    return changed;
  }

  // A rebuilt session is initialized by a replayed notification, and its client's own may still
  // arrive (at this replica or another): the watch starts once.
  server.oninitialized = () => {
    if (timer || closed) return;
    if (options.resumed && shownSignature === null) {
      visibleTools()
        .then((tools) => {
          shownSignature ??= signature(tools);
        })
        .catch((e: unknown) =>
          logger.warn({ err: e, agentId: caller.agent.id }, 'could not read MCP tool list'),
        );
    }
    timer = setInterval(() => {
      refreshTools().catch((e: unknown) =>
        logger.warn({ err: e, agentId: caller.agent.id }, 'could not refresh MCP tool list'),
      );
    }, deps.refreshMs ?? defaultRefreshMs);
    timer.unref();
  };

  return {
    server,
    agent: caller.agent,
    async connect(transport) {
      await server.connect(transport);
      guardToolCalls(transport, {
        gateway,
        ip: caller.ip,
        tokenOf: (authToken) => authToken ?? caller.token,
      });
    },
    refreshTools,
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      await server.close();
    },
  };
}
