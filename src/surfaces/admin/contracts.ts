// The admin API's contract: every route's method, path and summary, the zod schemas of its query
// and body, and the schema of its answer. The routes validate with these schemas, the OpenAPI
// document is generated from them, the console takes its types from them (type imports only: no
// server code reaches its bundle), and tests check that every route the admin API registers is
// listed here and that each one's real answer parses with its schema.
import { z } from 'zod';

import {
  approvalStates,
  auditDecisions,
  consoleRoles,
  passwordLength,
  type ConsoleRole,
  maxRedactedFields,
  redactableField,
  surfaces,
} from '../../core/index.js';
import {
  adminAcknowledgedAlertSchema,
  adminAgentChangeSchema,
  adminAgentSchema,
  adminAlertSchema,
  adminAnsweredApprovalSchema,
  adminApprovalSchema,
  adminAuditDetailSchema,
  adminAuditPageSchema,
  adminCreatedAgentSchema,
  adminMatrixSchema,
  adminOverviewSchema,
  adminRotatedTokenSchema,
  adminUsageSchema,
  type AdminProblem,
} from '../../services/admin/types.js';

const levels = ['off', 'read', 'full'] as const;
export const grantBody = z
  .strictObject({
    target: z.string().min(1).max(100),
    /** off removes the grant (an action then inherits its group's level), unless `deny`. */
    level: z.enum(levels),
    approval: z.boolean().default(false),
    /** Outbound actions under this grant run without the approval they need by default. */
    no_approval: z.boolean().default(false),
    /** With level off: store an explicit deny, which beats the group's grant. */
    deny: z.boolean().default(false),
  })
  .refine((g) => !g.deny || g.level === 'off', {
    message: 'deny goes with level off: it denies the target even where its group grants a level',
    path: ['deny'],
  });
export const templateBody = z.strictObject({ template: z.string().min(1).max(64) });
export const createAgentBody = z.strictObject({
  name: z.string().min(1).max(64),
  description: z.string().max(500).optional(),
  grants: z.array(grantBody).max(100).default([]),
});
export const budget = z.number().int().min(0).max(10_000_000).nullable();
export const limitsBody = z
  .strictObject({
    credits_per_day: budget.optional(),
    credits_per_month: budget.optional(),
    requests_per_minute: z.number().int().min(1).max(100_000).nullable().optional(),
    redact: z
      .array(z.string().regex(redactableField, 'a field name: letters, digits, _ and .'))
      .max(maxRedactedFields)
      .optional(),
  })
  .refine((l) => Object.keys(l).length > 0, {
    message:
      'name at least one limit: credits_per_day, credits_per_month, requests_per_minute or redact',
  });
/** Log in with the admin token (automation, the first admin) or as a console person. */
export const loginBody = z.union(
  [
    z.strictObject({ token: z.string().min(1).max(512) }),
    z.strictObject({
      email: z.string().min(3).max(254),
      password: z.string().min(1).max(passwordLength.max),
    }),
  ],
  { error: 'send {"token": "<admin token>"} or {"email": "<email>", "password": "<password>"}' },
);
export const answerBody = z.strictObject({ note: z.string().max(1000).optional() });
export const auditQuery = z.strictObject({
  agent: z.string().max(100).optional(),
  action: z.string().max(200).optional(),
  decision: z.enum(auditDecisions).optional(),
  since: z.coerce.number().int().nonnegative().optional(),
  until: z.coerce.number().int().nonnegative().optional(),
  text: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.string().max(64).optional(),
});
export const exportQuery = auditQuery
  .omit({ limit: true, before: true })
  .extend({ format: z.enum(['csv', 'jsonl']) });
export const streamQuery = auditQuery.omit({ limit: true, before: true });
/** One event of the audit stream: the trail changed where the filters look (see `newest`). */
export const auditStreamEvent = z.strictObject({
  /** The newest matching record's id (null: none yet). */
  newest: z.string().nullable(),
});
export const oauthBody = z.strictObject({
  client_id: z.string().min(1).max(200),
  client_secret: z.string().min(1).max(500),
  scopes: z
    .array(
      z
        .string()
        .regex(/^[a-z_]+$/)
        .max(100),
    )
    .max(100)
    .optional(),
});
export const usageQuery = z.strictObject({
  days: z.coerce.number().int().min(1).max(90).default(14),
});
export const alertsQuery = z.strictObject({
  /** Also the acknowledged ones. */
  all: z.enum(['true', 'false']).default('false'),
});
export const approvalsQuery = z.strictObject({
  state: z.enum([...approvalStates, 'all']).default('pending'),
});

const time = z.iso.datetime();

/** Who is signed in: a console person, or null for the admin token (which has every role). */
export const sessionPerson = z
  .strictObject({ email: z.string(), role: z.enum(consoleRoles) })
  .nullable();
/** The answer to logging in: the CSRF token every change must echo in `X-CSRF-Token`. */
export const sessionResponse = z.strictObject({
  csrf: z.string(),
  idle_timeout_seconds: z.number().int(),
  person: sessionPerson,
  role: z.enum(consoleRoles),
});
/**
 * The current session's CSRF token (null without a live console session: bearer callers) and the
 * caller's role.
 */
export const sessionStateResponse = z.strictObject({
  csrf: z.string().nullable(),
  person: sessionPerson,
  role: z.enum(consoleRoles),
});
export const peopleResponse = z.strictObject({
  people: z.array(
    z.strictObject({
      email: z.string(),
      role: z.enum(consoleRoles),
      password: z.boolean(),
      created_at: time,
      created_by: z.string(),
      last_login_at: time.nullable(),
    }),
  ),
});
export const loggedOutResponse = z.strictObject({ ok: z.literal(true) });
export const agentsResponse = z.strictObject({ agents: z.array(adminAgentSchema) });
export const alertsResponse = z.strictObject({ alerts: z.array(adminAlertSchema) });
export const approvalsResponse = z.strictObject({ approvals: z.array(adminApprovalSchema) });
/** Where to send the admin's browser: Apollo's consent page, valid until `expires_at`. */
export const oauthStartResponse = z.strictObject({ url: z.url(), expires_at: time });
/** One line of a JSONL audit export (the CSV has its columns but for params and completed_at). */
export const auditExportLine = z.strictObject({
  id: z.string(),
  time,
  agent: z.string().nullable(),
  surface: z.enum(surfaces),
  action: z.string(),
  target: z.string(),
  decision: z.enum(auditDecisions),
  rule: z.string().nullable(),
  reason: z.string().nullable(),
  upstream_status: z.number().int().nullable(),
  credits: z.number(),
  duration_ms: z.number().nullable(),
  error_code: z.string().nullable(),
  sentence: z.string(),
  /** The X-Request-Id of the request that made the record. */
  request_id: z.string().nullable(),
  /** The call's parameters, masked before they were recorded. */
  params: z.unknown(),
  completed_at: time.nullable(),
});
/** Only the frame is checked: the paths are this document's own business. */
export const openApiResponse = z.looseObject({
  openapi: z.literal('3.1.0'),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
});
/** Every refusal: one sentence, with the input's issues or when to retry where they apply. */
export const problemResponse = z.strictObject({
  error: z.string(),
  issues: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
  error_code: z.string().optional(),
  retry_after_seconds: z.number().int().optional(),
});

/** One admin route, as the OpenAPI document describes it. */
export interface AdminRoute {
  readonly method: 'get' | 'post' | 'put' | 'delete';
  /** OpenAPI path (`{id}` parameters). */
  readonly path: string;
  readonly summary: string;
  readonly body?: z.ZodType;
  readonly query?: z.ZodType;
  /** The JSON body of a success (for a download: of each JSONL line). */
  readonly response: z.ZodType;
  /** The status of a success, when it is not 200. */
  readonly status?: 201;
  /** The answer is a file: CSV, or JSON lines each parsing with `response`. */
  readonly download?: true;
  /** The answer is a stream of server-sent events, each one's data parsing with `response`. */
  readonly stream?: true;
  /** The refusals this route may answer besides the ones every route may (input, credential). */
  readonly refusals?: readonly (AdminProblem['status'] | 401 | 429)[];
  /** True for the routes that need no admin credential (logging in, this document). */
  readonly open?: boolean;
  /**
   * The least role that may call it (see {@link requiredRole}): by default viewer for reading,
   * admin for any change.
   */
  readonly role?: ConsoleRole;
}

/** The least role a route needs: its own, else viewer to read and admin to change. */
export function requiredRole(route: Pick<AdminRoute, 'method' | 'role'>): ConsoleRole {
  return route.role ?? (route.method === 'get' ? 'viewer' : 'admin');
}

/** Whether `role` includes `needed` (viewer < approver < admin). */
export function roleAllows(role: ConsoleRole, needed: ConsoleRole): boolean {
  return consoleRoles.indexOf(role) >= consoleRoles.indexOf(needed);
}

/** Every admin route: the OpenAPI document and /admin/docs are generated from this list. */
export const adminRoutes = [
  {
    method: 'get',
    path: '/admin/api/openapi.json',
    summary: 'This document: the admin API as OpenAPI 3.1.',
    response: openApiResponse,
    open: true,
  },
  {
    method: 'post',
    path: '/admin/api/session',
    summary:
      'Log in with the admin token or as a console person (email and password): sets the session cookie, returns the CSRF token and the role.',
    body: loginBody,
    response: sessionResponse,
    refusals: [401, 429],
    open: true,
  },
  {
    method: 'get',
    path: '/admin/api/session',
    summary: 'The current session, its CSRF token and who is signed in with which role.',
    response: sessionStateResponse,
  },
  {
    method: 'delete',
    path: '/admin/api/session',
    summary: 'Log out.',
    response: loggedOutResponse,
    role: 'viewer',
  },
  {
    method: 'get',
    path: '/admin/api/people',
    summary:
      'The people who sign in to the console and their roles (added with gatehouse admin add). Admins only.',
    response: peopleResponse,
    role: 'admin',
  },
  {
    method: 'get',
    path: '/admin/api/overview',
    summary: "Connection, today's calls, denials and credits, rate headroom, pending approvals.",
    response: adminOverviewSchema,
  },
  {
    method: 'get',
    path: '/admin/api/agents',
    summary: 'Every agent, with last use and grants.',
    response: agentsResponse,
  },
  {
    method: 'post',
    path: '/admin/api/agents',
    summary: 'Create an agent; its token is in this answer only.',
    body: createAgentBody,
    response: adminCreatedAgentSchema,
    status: 201,
    refusals: [409, 422],
  },
  {
    method: 'post',
    path: '/admin/api/agents/{id}/rotate',
    summary: 'Issue a new token (in this answer only); the old one stops at once.',
    response: adminRotatedTokenSchema,
    refusals: [404, 409],
  },
  {
    method: 'post',
    path: '/admin/api/agents/{id}/revoke',
    summary: 'Revoke the agent; its token stops at once.',
    response: adminAgentChangeSchema,
    refusals: [404],
  },
  {
    method: 'get',
    path: '/admin/api/matrix',
    summary: 'The access matrix: agents × groups and actions, with levels and approval flags.',
    response: adminMatrixSchema,
  },
  {
    method: 'put',
    path: '/admin/api/agents/{id}/grants',
    summary: "Set one grant (level off removes it); applies to the agent's next call.",
    body: grantBody,
    response: adminAgentChangeSchema,
    refusals: [404, 409, 422],
  },
  {
    method: 'post',
    path: '/admin/api/agents/{id}/template',
    summary:
      "Apply a role template (GET /admin/api/matrix lists them): the agent's grants become exactly the template's; each change is audited as admin.grant, the whole as admin.template.",
    body: templateBody,
    response: adminAgentChangeSchema,
    refusals: [404, 409, 422],
  },

  {
    method: 'put',
    path: '/admin/api/agents/{id}/limits',
    summary:
      "Set an agent's limits: credit budgets, requests per minute (null: none) and the fields removed from its answers.",
    body: limitsBody,
    response: adminAgentChangeSchema,
    refusals: [404, 422],
  },
  {
    method: 'get',
    path: '/admin/api/audit',
    summary: 'Audit records, newest first, filtered; page with `before`.',
    query: auditQuery,
    response: adminAuditPageSchema,
  },
  {
    method: 'get',
    path: '/admin/api/audit/stream',
    summary:
      'Server-sent events: an `audit` event whenever the records the filters match change (a new record, an outcome), at once and then within a second; re-read GET /admin/api/audit then. A comment every 15 s keeps proxies from closing it.',
    query: streamQuery,
    response: auditStreamEvent,
    stream: true,
  },
  {
    method: 'get',
    path: '/admin/api/audit/{id}',
    summary:
      'One audit record with everything about it: parameters as recorded, rule, reason, Apollo status, credits, duration, and the approval with who answered it.',
    response: adminAuditDetailSchema,
    refusals: [404, 422],
  },
  {
    method: 'get',
    path: '/admin/api/audit/export',
    summary: 'Every matching audit record as CSV or JSONL (a download, streamed oldest first).',
    query: exportQuery,
    response: auditExportLine,
    download: true,
  },
  {
    method: 'get',
    path: '/admin/api/usage',
    summary: 'Calls, denials and credits per UTC day per agent.',
    query: usageQuery,
    response: adminUsageSchema,
  },
  {
    method: 'post',
    path: '/admin/api/connection/oauth',
    summary:
      "Start connecting Apollo over OAuth: returns Apollo's authorization URL for this browser (the callback is accepted only here).",
    body: oauthBody,
    response: oauthStartResponse,
    refusals: [422],
  },
  {
    method: 'post',
    path: '/admin/api/alerts/{id}/acknowledge',
    summary:
      'Acknowledge an anomaly alert (once; a second acknowledgement answers the first, unchanged). Audited as admin.alert_acknowledge.',
    body: answerBody,
    response: adminAcknowledgedAlertSchema,
    refusals: [404, 422],
    role: 'approver',
  },
  {
    method: 'get',
    path: '/admin/api/alerts',
    summary:
      'Anomaly alerts, newest first, each with the audit records that triggered it; unacknowledged only unless all=true.',
    query: alertsQuery,
    response: alertsResponse,
  },
  {
    method: 'get',
    path: '/admin/api/approvals',
    summary: 'Held calls (pending by default).',
    query: approvalsQuery,
    response: approvalsResponse,
  },
  {
    method: 'post',
    path: '/admin/api/approvals/{id}/approve',
    summary: 'Approve a held call: it runs once, exactly as the agent made it.',
    body: answerBody,
    response: adminAnsweredApprovalSchema,
    refusals: [404, 409, 410],
    role: 'approver',
  },
  {
    method: 'post',
    path: '/admin/api/approvals/{id}/reject',
    summary: 'Reject a held call; the note is shown to the agent.',
    body: answerBody,
    response: adminAnsweredApprovalSchema,
    refusals: [404, 409, 410],
    role: 'approver',
  },
] as const satisfies readonly AdminRoute[];

/** Request bodies as a client sends them (the console's types come from here). */
export type CreateAgentRequest = z.input<typeof createAgentBody>;
export type GrantRequest = z.input<typeof grantBody>;
export type LimitsRequest = z.input<typeof limitsBody>;
export type AnswerRequest = z.input<typeof answerBody>;
export type OAuthRequest = z.input<typeof oauthBody>;
/** The body of every refusal. */
export type ProblemResponse = z.output<typeof problemResponse>;

type Routes = (typeof adminRoutes)[number];
type Endpoints = { [R in Routes as `${Uppercase<R['method']>} ${R['path']}`]: R };

/** An admin route by its method and OpenAPI path: `'PUT /admin/api/agents/{id}/grants'`. */
export type AdminEndpoint = keyof Endpoints;

/** The JSON body of a success from `E` (for the audit export: one JSONL line). */
export type AdminResponse<E extends AdminEndpoint> = z.output<Endpoints[E]['response']>;

/** The body `E` takes as a client sends it; never for a route without one. */
export type AdminRequestBody<E extends AdminEndpoint> = Endpoints[E] extends {
  body: infer B extends z.ZodType;
}
  ? z.input<B>
  : never;

/** The query parameters `E` takes, as text; never for a route without any. */
export type AdminQuery<E extends AdminEndpoint> = Endpoints[E] extends {
  query: infer Q extends z.ZodType;
}
  ? { [K in keyof z.input<Q>]?: string }
  : never;
