// The admin API's contract: every route's method, path and summary, and the zod schemas of its
// query and body. The routes validate with these schemas, the OpenAPI document is generated from
// them, and a test checks that every route the admin API registers is listed here.
import { z } from 'zod';

import {
  approvalStates,
  auditDecisions,
  maxRedactedFields,
  redactableField,
} from '../../core/index.js';

const levels = ['off', 'read', 'full'] as const;
export const grantBody = z.strictObject({
  target: z.string().min(1).max(100),
  level: z.enum(levels),
  approval: z.boolean().default(false),
  /** Outbound actions under this grant run without the approval they need by default. */
  no_approval: z.boolean().default(false),
});
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
export const loginBody = z.strictObject({ token: z.string().min(1).max(512) });
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

/** One admin route, as the OpenAPI document describes it. */
export interface AdminRoute {
  readonly method: 'get' | 'post' | 'put' | 'delete';
  /** OpenAPI path (`{id}` parameters). */
  readonly path: string;
  readonly summary: string;
  readonly body?: z.ZodType;
  readonly query?: z.ZodType;
  /** True for the routes that need no admin credential (logging in, this document). */
  readonly open?: boolean;
}

/** Every admin route: the OpenAPI document and /admin/docs are generated from this list. */
export const adminRoutes: readonly AdminRoute[] = [
  {
    method: 'get',
    path: '/admin/api/openapi.json',
    summary: 'This document: the admin API as OpenAPI 3.1.',
    open: true,
  },
  {
    method: 'post',
    path: '/admin/api/session',
    summary: 'Log in with the admin token: sets the session cookie, returns the CSRF token.',
    body: loginBody,
    open: true,
  },
  { method: 'get', path: '/admin/api/session', summary: 'The current session and its CSRF token.' },
  { method: 'delete', path: '/admin/api/session', summary: 'Log out.' },
  {
    method: 'get',
    path: '/admin/api/overview',
    summary: "Connection, today's calls, denials and credits, rate headroom, pending approvals.",
  },
  { method: 'get', path: '/admin/api/agents', summary: 'Every agent, with last use and grants.' },
  {
    method: 'post',
    path: '/admin/api/agents',
    summary: 'Create an agent; its token is in this answer only.',
    body: createAgentBody,
  },
  {
    method: 'post',
    path: '/admin/api/agents/{id}/rotate',
    summary: 'Issue a new token (in this answer only); the old one stops at once.',
  },
  {
    method: 'post',
    path: '/admin/api/agents/{id}/revoke',
    summary: 'Revoke the agent; its token stops at once.',
  },
  {
    method: 'get',
    path: '/admin/api/matrix',
    summary: 'The access matrix: agents × groups and actions, with levels and approval flags.',
  },
  {
    method: 'put',
    path: '/admin/api/agents/{id}/grants',
    summary: "Set one grant (level off removes it); applies to the agent's next call.",
    body: grantBody,
  },
  {
    method: 'put',
    path: '/admin/api/agents/{id}/limits',
    summary:
      "Set an agent's limits: credit budgets, requests per minute (null: none) and the fields removed from its answers.",
    body: limitsBody,
  },
  {
    method: 'get',
    path: '/admin/api/audit',
    summary: 'Audit records, newest first, filtered; page with `before`.',
    query: auditQuery,
  },
  {
    method: 'get',
    path: '/admin/api/audit/export',
    summary: 'Every matching audit record as CSV or JSONL (a download, streamed oldest first).',
    query: exportQuery,
  },
  {
    method: 'get',
    path: '/admin/api/usage',
    summary: 'Calls, denials and credits per UTC day per agent.',
    query: usageQuery,
  },
  {
    method: 'post',
    path: '/admin/api/connection/oauth',
    summary:
      "Start connecting Apollo over OAuth: returns Apollo's authorization URL for this browser (the callback is accepted only here).",
    body: oauthBody,
  },
  {
    method: 'post',
    path: '/admin/api/alerts/{id}/acknowledge',
    summary:
      'Acknowledge an anomaly alert (once; a second acknowledgement answers the first, unchanged). Audited as admin.alert_acknowledge.',
    body: answerBody,
  },
  {
    method: 'get',
    path: '/admin/api/alerts',
    summary:
      'Anomaly alerts, newest first, each with the audit records that triggered it; unacknowledged only unless all=true.',
    query: alertsQuery,
  },
  {
    method: 'get',
    path: '/admin/api/approvals',
    summary: 'Held calls (pending by default).',
    query: approvalsQuery,
  },
  {
    method: 'post',
    path: '/admin/api/approvals/{id}/approve',
    summary: 'Approve a held call: it runs once, exactly as the agent made it.',
    body: answerBody,
  },
  {
    method: 'post',
    path: '/admin/api/approvals/{id}/reject',
    summary: 'Reject a held call; the note is shown to the agent.',
    body: answerBody,
  },
];

/** The OpenAPI 3.1 document of the admin API, generated from `adminRoutes` and their schemas. */
export function adminOpenApi(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of adminRoutes) {
    const params = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const query = r.query
      ? Object.entries(
          (z.toJSONSchema(r.query, { io: 'input' }) as { properties?: Record<string, unknown> })
            .properties ?? {},
        ).map(([name, schema]) => ({ name, in: 'query', required: false, schema }))
      : [];
    paths[r.path] ??= {};
    paths[r.path]![r.method] = {
      summary: r.summary,
      ...(params.length + query.length ? { parameters: [...params, ...query] } : {}),
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: z.toJSONSchema(r.body, { io: 'input' }) } },
            },
          }
        : {}),
      ...(r.open ? { security: [] } : {}),
      responses: {
        '200': { description: 'OK (JSON)' },
        '400': { description: 'Invalid input, with the issues' },
        '401': { description: 'No or wrong admin credential' },
        '403': { description: 'Missing or wrong CSRF token (console sessions)' },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Gatehouse admin API',
      version: '0.1.0',
      description:
        'Agents, grants, the audit trail and the approval queue. Authenticate with `Authorization: Bearer <admin token>`, or log in (POST /admin/api/session) and send the session cookie plus `X-CSRF-Token` on every state-changing request.',
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        session: { type: 'apiKey', in: 'cookie', name: 'gh_session' },
      },
    },
    security: [{ bearer: [] }, { session: [] }],
    paths,
  };
}

/** Request bodies as a client sends them (the console's types come from here). */
export type CreateAgentRequest = z.input<typeof createAgentBody>;
export type GrantRequest = z.input<typeof grantBody>;
export type LimitsRequest = z.input<typeof limitsBody>;
export type AnswerRequest = z.input<typeof answerBody>;
export type OAuthRequest = z.input<typeof oauthBody>;
