// The admin API's OpenAPI 3.1 document, generated from the contract's routes and schemas (served
// at /admin/api/openapi.json, browsable at /admin/docs).
import { z } from 'zod';

import {
  adminAcknowledgedAlertSchema,
  adminAgentChangeSchema,
  adminAgentSchema,
  adminAlertSchema,
  adminAnsweredApprovalSchema,
  adminApprovalSchema,
  adminAuditDetailSchema,
  adminAuditPageSchema,
  adminAuditRecordSchema,
  adminCreatedAgentSchema,
  adminMatrixSchema,
  adminOverviewSchema,
  adminRotatedTokenSchema,
  adminUsageSchema,
} from '../../services/admin/types.js';

import {
  adminRoutes,
  agentsResponse,
  alertsResponse,
  approvalsResponse,
  auditExportLine,
  auditStreamEvent,
  loggedOutResponse,
  oauthStartResponse,
  openApiResponse,
  problemResponse,
  peopleResponse,
  requiredRole,
  sessionResponse,
  sessionStateResponse,
  type AdminRoute,
} from './contracts.js';

/** The named schemas of the document's `components`, referenced wherever they are used. */
const components = z.registry<{ id: string }>();
for (const [id, schema] of Object.entries({
  AcknowledgedAlert: adminAcknowledgedAlertSchema,
  Agent: adminAgentSchema,
  AgentChange: adminAgentChangeSchema,
  AgentList: agentsResponse,
  Alert: adminAlertSchema,
  AlertList: alertsResponse,
  AnsweredApproval: adminAnsweredApprovalSchema,
  Approval: adminApprovalSchema,
  ApprovalList: approvalsResponse,
  AuditExportLine: auditExportLine,
  AuditStreamEvent: auditStreamEvent,
  AuditPage: adminAuditPageSchema,
  AuditDetail: adminAuditDetailSchema,
  AuditRecord: adminAuditRecordSchema,
  CreatedAgent: adminCreatedAgentSchema,
  LoggedOut: loggedOutResponse,
  Matrix: adminMatrixSchema,
  OAuthStart: oauthStartResponse,
  OpenApiDocument: openApiResponse,
  Overview: adminOverviewSchema,
  Problem: problemResponse,
  RotatedToken: adminRotatedTokenSchema,
  People: peopleResponse,
  Session: sessionResponse,
  SessionState: sessionStateResponse,
  Usage: adminUsageSchema,
})) {
  components.add(schema, { id });
}

const refusalWords: Record<number, string> = {
  400: 'Invalid input, with the issues',
  401: 'No or wrong admin credential',
  403: 'Missing or wrong CSRF token (console sessions), or a role that may not do this',
  404: 'No such agent, alert or held call',
  409: 'Conflicts with the current state (a name taken, an answer already given)',
  410: 'The held call expired',
  422: 'Understood but not possible (an unknown grant target or scope)',
  429: 'Too many failed admin authentications from this address; see Retry-After',
  503: 'The admin API is off (no GATEHOUSE_ADMIN_TOKEN and no console person)',
};

/** The OpenAPI 3.1 document of the admin API, generated from `adminRoutes` and their schemas. */
export function adminOpenApi(): z.infer<typeof openApiResponse> {
  const ref = (schema: z.ZodType) => {
    const id = components.get(schema)?.id;
    if (!id) throw new Error('Every admin response schema needs a name in `components`.');
    return { $ref: `#/components/schemas/${id}` };
  };
  const problem = { content: { 'application/json': { schema: ref(problemResponse) } } };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of adminRoutes as readonly AdminRoute[]) {
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
    const success = r.stream
      ? {
          description: "Server-sent events; each event's data is JSON",
          content: {
            'text/event-stream': { schema: { type: 'string' }, 'x-event-data': ref(r.response) },
          },
        }
      : r.download
        ? {
            description: 'A download: CSV with a header line, or one JSON object a line',
            content: {
              'text/csv': { schema: { type: 'string' } },
              'application/x-ndjson': {
                schema: { type: 'string', description: 'Each line is an AuditExportLine.' },
              },
            },
          }
        : { description: 'OK', content: { 'application/json': { schema: ref(r.response) } } };
    const refusals = [
      ...(r.body || r.query ? [400] : []),
      ...(r.open ? [] : [401]),
      ...(!r.open && (r.method !== 'get' || requiredRole(r) !== 'viewer') ? [403] : []),
      ...(r.refusals ?? []),
      ...(r.open ? [] : [429]),
      503,
    ].sort();
    paths[r.path] ??= {};
    paths[r.path]![r.method] = {
      summary: r.summary,
      ...(r.open ? {} : { 'x-gatehouse-role': requiredRole(r) }),
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
        [String(r.status ?? 200)]: success,
        ...Object.fromEntries(
          [...new Set(refusals)].map((status) => [
            String(status),
            { description: refusalWords[status], ...problem },
          ]),
        ),
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
      schemas: componentSchemas(),
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        session: { type: 'apiKey', in: 'cookie', name: 'gh_session' },
      },
    },
    security: [{ bearer: [] }, { session: [] }],
    paths,
  };
}

/** The registered schemas as JSON Schema, each nested one a `$ref` to its component. */
function componentSchemas(): Record<string, unknown> {
  const { schemas } = z.toJSONSchema(components, {
    io: 'output',
    uri: (id) => `#/components/schemas/${id}`,
  });
  // Components are not standalone documents: no `$schema` or `$id` of their own.
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _s, $id: _i, ...schema }]) => [id, schema]),
  );
}
