// MCP tools generated from the catalog: one per action, named as Apollo's own MCP server names them
// (the catalog's toolName), plus Gatehouse's `whoami`. Nothing here is listed by hand.
import { z } from 'zod';

import { actions, toolName, type ActionSpec } from '../../catalog/index.js';

/** Pages `all_pages` fetches when `max_pages` is not given, and the most it may ask for. */
export const allPagesDefault = 5;
export const allPagesCap = 20;

/** The name of the tool that describes the calling agent. */
export const whoamiToolName = 'whoami';

/** The name of the tool that reports on a call held for an admin's approval. */
export const approvalToolName = 'approval_status';

/** The name of the tool that fetches what Apollo delivered later (phones, waterfall results). */
export const deliveryToolName = 'get_enrichment_result';

/** Gatehouse's own arguments on action tools; taken off before the call reaches the pipeline. */
export const reasonArg = 'gatehouse_reason';
export const compactArg = 'compact';

type JsonSchema = Record<string, unknown> & { type: 'object' };

/** A tool as tools/list shows it, with the action it calls. */
export interface ToolSpec {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly inputSchema: JsonSchema;
  readonly outputSchema?: JsonSchema;
  readonly annotations: {
    readonly title: string;
    readonly readOnlyHint: boolean;
    readonly destructiveHint: boolean;
    readonly idempotentHint: boolean;
    readonly openWorldHint: boolean;
  };
  /** The catalog action, or null for Gatehouse's own tools. */
  readonly action: ActionSpec | null;
}

/** True for actions whose answers are pages of rows (they get `all_pages`). */
export function isPaged(action: ActionSpec): boolean {
  return action.pagination !== undefined && action.pagination !== null;
}

function creditsSentence(action: ActionSpec): string {
  const rule = action.credits;
  switch (rule.kind) {
    case 'none':
      return 'Costs no Apollo credits.';
    case 'per_page':
      return `Costs ${rule.perPage} Apollo credit(s) per page returned.`;
    case 'per_insight':
      return `Costs ${rule.perConversation} Apollo credit per conversation that has AI insights; the others are free.`;
    default:
      return 'Costs Apollo credits per record found (more when personal emails, phone numbers or waterfall enrichment are asked for); the result says how many were spent.';
  }
}

const actionIds: ReadonlyMap<string, string> = new Map(actions.map((a) => [a.id, toolName(a)]));

/** The catalog's words with action ids (`contacts.search`) named as the tools a model can call. */
function toolWords(text: string): string {
  return text.replace(/\b[a-z]+\.[a-z_]+\b/g, (id) => {
    const name = actionIds.get(id);
    return name ? `\`${name}\`` : id;
  });
}

function describeTool(action: ActionSpec): string {
  const parts = [toolWords(action.description.trim()), creditsSentence(action)];
  if (action.approvalByDefault) {
    parts.push(
      `It can reach people outside the team, so Gatehouse holds it for an admin's approval unless this agent was granted it without; say why in \`${reasonArg}\` and follow a held call with \`${approvalToolName}\`.`,
    );
  }
  const p = action.pagination;
  if (p) {
    parts.push(
      `Returns \`${p.rowsKey}\` and paging details. Pages: \`page\` (1–${p.maxPage}) and \`per_page\` (1–${p.maxPerPage}); Apollo serves at most ${p.maxRecords.toLocaleString('en-US')} records per search. ` +
        `Set \`all_pages: true\` to fetch up to \`max_pages\` pages (default ${allPagesDefault}, at most ${allPagesCap}) in one call; the result says how many rows and credits that took. ` +
        `Set \`${compactArg}: true\` to get only each row's key fields (id, name, title, company, email, domain, LinkedIn).`,
    );
  }
  return parts.join(' ');
}

/** Drops `required` everywhere, so answers with redacted or empty fields still validate. */
function relax(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(relax);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'required' || k === '$schema') continue;
    out[k] = relax(v);
  }
  return out;
}

function objectSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return { ...json, type: 'object' };
}

function inputSchemaFor(action: ActionSpec): JsonSchema {
  // Parameters Apollo does not document are refused, so the schema says none are accepted.
  const base: JsonSchema = { ...objectSchema(action.input, 'input'), additionalProperties: false };
  const properties = {
    ...((base.properties ?? {}) as Record<string, unknown>),
    [reasonArg]: {
      type: 'string',
      maxLength: 1000,
      description:
        "Why you make this call, in a sentence, for the admin who approves it if Gatehouse holds it (not sent to Apollo). Example: 'Add the 3 VPs from today's list to the Q4 outreach sequence.'",
    },
  };
  if (!isPaged(action)) return { ...base, properties };
  return {
    ...base,
    properties: {
      ...properties,
      [compactArg]: {
        type: 'boolean',
        description:
          "Return only each row's key fields (id, name, title, company, email, domain, LinkedIn) instead of Apollo's full records: far fewer tokens.",
      },
      all_pages: {
        type: 'boolean',
        description: `Fetch page after page (from \`page\`, default 1) until the last one or \`max_pages\`.`,
      },
      max_pages: {
        type: 'integer',
        minimum: 1,
        maximum: allPagesCap,
        description: `With all_pages: the most pages to fetch (default ${allPagesDefault}).`,
      },
    },
  };
}

function toolFor(action: ActionSpec): ToolSpec {
  const output = relax(objectSchema(action.output, 'output')) as JsonSchema;
  return {
    name: toolName(action),
    title: action.title,
    description: describeTool(action),
    inputSchema: inputSchemaFor(action),
    outputSchema: {
      ...output,
      properties: {
        ...((output.properties ?? {}) as Record<string, unknown>),
        gatehouse: {
          type: 'object',
          description: 'What Gatehouse adds: the audit id, credits spent and paging across pages.',
        },
      },
    },
    annotations: {
      title: action.title,
      readOnlyHint: action.hints.readOnly,
      destructiveHint: action.hints.destructive,
      idempotentHint: action.hints.idempotent,
      openWorldHint: action.hints.openWorld,
    },
    action,
  };
}

const whoamiTool: ToolSpec = {
  name: whoamiToolName,
  title: 'Who am I (Gatehouse)',
  description:
    "Describes this agent as Gatehouse sees it: its name, its grants, which Apollo tools it may call and at what level, its credit budget and what remains of it, and the room left in Apollo's team-wide windows (per minute, hour and day) for each tool as Gatehouse paces them, with any queue. Free; does not call Apollo.",
  inputSchema: { type: 'object', properties: {}, additionalProperties: false },
  annotations: {
    title: 'Who am I (Gatehouse)',
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  action: null,
};

const deliveryTool: ToolSpec = {
  name: deliveryToolName,
  title: 'Get a delayed enrichment result (Gatehouse)',
  description:
    'Fetches what Apollo delivers after a people match or bulk match that asked for phone numbers (reveal_phone_number) or a waterfall: pass the request_id from that answer. Returns the delivered people with their phone numbers or waterfall emails, or says it is still pending and when to ask again (usually seconds to a minute). Only your own requests; free (the credits were counted when Apollo delivered).',
  inputSchema: {
    type: 'object',
    properties: {
      request_id: {
        type: ['string', 'integer'],
        description: 'The request_id from the people match or bulk match answer, as given.',
      },
    },
    required: ['request_id'],
    additionalProperties: false,
  },
  annotations: {
    title: 'Get a delayed enrichment result (Gatehouse)',
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  action: null,
};

const approvalTool: ToolSpec = {
  name: approvalToolName,
  title: 'Status of a held call (Gatehouse)',
  description:
    "Some of your tools need an admin's approval: such a call is held and you get an approval_id instead of a result. Pass that id here to learn whether it is still waiting, was rejected (with the admin's note) or expired, or, once approved, to get the call's result. Only your own held calls; free; does not call Apollo. You cannot approve a call yourself.",
  inputSchema: {
    type: 'object',
    properties: {
      approval_id: { type: 'string', description: 'The approval_id from the held answer.' },
    },
    required: ['approval_id'],
    additionalProperties: false,
  },
  annotations: {
    title: 'Status of a held call (Gatehouse)',
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  action: null,
};

/** True when an agent able to call these actions should see the delivery tool. */
export const deliveryActions: readonly string[] = actions
  .filter((a) => a.delivery !== undefined)
  .map((a) => a.id);

let cached: readonly ToolSpec[] | null = null;

/** Every tool: one per catalog action, then whoami and the delivery fetcher. */
export function allTools(): readonly ToolSpec[] {
  cached ??= Object.freeze([
    ...actions.map((a) => toolFor(a)),
    whoamiTool,
    deliveryTool,
    approvalTool,
  ]);
  return cached;
}

/** The tool with this name, if any. */
export function findTool(name: string): ToolSpec | undefined {
  return allTools().find((t) => t.name === name);
}
