// What the admin API needs from the rest of Gatehouse, as JSON-ready values. The composition root
// implements it over the store and the gateway (surfaces do not reach the store directly).
//
// The values the services answer with are declared here once, as zod schemas: the services return
// their inferred types, and the admin API's contract (src/surfaces/admin/contracts.ts) lists them
// as its routes' responses, for the OpenAPI document and the console. Objects are strict, so a
// field added to a view without its schema fails the contract test instead of leaking unnoticed.
import { z } from 'zod';

import { effects, groups, windows } from '../../catalog/index.js';
import { approvalStates, auditDecisions, errorCodes, levels, surfaces } from '../../core/index.js';
import type { Result } from '../../core/result.js';

/** A time as the admin API writes it: ISO 8601 in UTC. */
const time = z.iso.datetime();

/** One of an agent's grants. */
export const adminAgentGrantSchema = z.strictObject({
  target: z.string(),
  level: z.enum(levels),
  approval: z.boolean(),
  no_approval: z.boolean(),
});

/** An agent as the admin API shows it: never its token, only the token's first characters. */
export const adminAgentSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  token_prefix: z.string(),
  created_at: time,
  token_created_at: time,
  revoked_at: time.nullable(),
  last_used_at: time.nullable(),
  last_used_ip: z.string().nullable(),
  credit_budget_day: z.number().int().nullable(),
  credit_budget_month: z.number().int().nullable(),
  requests_per_minute: z.number().int().nullable(),
  redacted_fields: z.array(z.string()),
  grants: z.array(adminAgentGrantSchema),
});
export type AdminAgent = z.infer<typeof adminAgentSchema>;

/** An agent just created: its token is in this answer only. */
export const adminCreatedAgentSchema = z.strictObject({
  agent: adminAgentSchema,
  token: z.string(),
});
export type AdminCreatedAgent = z.infer<typeof adminCreatedAgentSchema>;

/** A rotated token: the new one, in this answer only. */
export const adminRotatedTokenSchema = z.strictObject({ agent_id: z.string(), token: z.string() });
export type AdminRotatedToken = z.infer<typeof adminRotatedTokenSchema>;

/** An agent after a change (revoked, a grant set, its limits set). */
export const adminAgentChangeSchema = z.strictObject({ agent: adminAgentSchema });
export type AdminAgentChange = z.infer<typeof adminAgentChangeSchema>;

/** An anomaly alert, as the admin API and `gatehouse alerts --json` show it. */
export const adminAlertSchema = z.strictObject({
  id: z.string(),
  /** One of the detector's alert kinds (`write_without_grant` …). */
  kind: z.string(),
  time,
  agent: z.strictObject({ id: z.string(), name: z.string() }),
  message: z.string(),
  audit_ids: z.array(z.string()),
  acknowledged_at: time.nullable(),
  acknowledged_by: z.string().nullable(),
  acknowledged_note: z.string().nullable(),
});
export type AdminAlert = z.infer<typeof adminAlertSchema>;

/** An alert after an acknowledgement (the first one's, unchanged, when it was already given). */
export const adminAcknowledgedAlertSchema = z.strictObject({
  alert: adminAlertSchema,
  already_acknowledged: z.boolean(),
});
export type AdminAcknowledgedAlert = z.infer<typeof adminAcknowledgedAlertSchema>;

/** A held call, as the admin API and `gatehouse approvals --json` show it. */
export const adminApprovalSchema = z.strictObject({
  id: z.string(),
  state: z.enum(approvalStates),
  agent: z.strictObject({ id: z.string(), name: z.string() }),
  action: z.string(),
  target: z.string(),
  /** The validated input, exactly as it will be sent. */
  params: z.record(z.string(), z.unknown()),
  reason: z.string().nullable(),
  rule: z.string(),
  audit_id: z.string(),
  created_at: time,
  expires_at: time,
  decided_at: time.nullable(),
  decided_by: z.string().nullable(),
  note: z.string().nullable(),
  result_status: z.number().int().nullable(),
});
export type AdminApproval = z.infer<typeof adminApprovalSchema>;

/** A held call after the admin's answer, with the call's own outcome when it ran. */
export const adminAnsweredApprovalSchema = z.strictObject({
  approval: adminApprovalSchema,
  /** The call ran: Apollo's status, and its audit record. */
  result: z.strictObject({ status: z.number().int(), audit_id: z.string() }).optional(),
  /** The call ran and Gatehouse or Apollo refused it. */
  error: z
    .strictObject({ code: z.enum(errorCodes), status: z.number().int(), message: z.string() })
    .optional(),
});
export type AdminAnsweredApproval = z.infer<typeof adminAnsweredApprovalSchema>;

/** One rate window of a pacing bucket, as this process last saw it. */
const headroomWindowSchema = z.strictObject({
  limit: z.number().nullable(),
  sent: z.number(),
  left: z.number().nullable(),
  resetsInMs: z.number().nullable(),
});

/** The overview: connection, today's counts, what to fix, alerts, rate headroom. */
export const adminOverviewSchema = z.strictObject({
  /**
   * `simulated`: the upstream is the embedded sandbox, so every person, company and credit shown
   * is the sandbox's seeded world, not the team's Apollo data (the console shows a banner).
   */
  connection: z.union([
    z.strictObject({
      kind: z.enum(['apikey', 'oauth']),
      upstream: z.string(),
      detail: z.string().nullable(),
      connected_at: time,
      age_days: z.number().int(),
      simulated: z.boolean(),
    }),
    z.strictObject({
      kind: z.null(),
      upstream: z.string(),
      detail: z.null(),
      simulated: z.boolean(),
    }),
  ]),
  today: z.strictObject({
    since: time,
    calls: z.number().int(),
    denials: z.number().int(),
    credits: z.number(),
  }),
  pending_approvals: z.number().int(),
  /** Things an admin should fix: a failing OAuth refresh, credentials past their rotation age. */
  warnings: z.array(z.string()),
  alerts: z.array(adminAlertSchema),
  /** The five newest denied calls. */
  recent_denials: z.array(z.lazy(() => adminAuditRecordSchema)),
  /** Every action's pacing bucket; `used`: a call counted in one of its windows (Apollo's day). */
  headroom: z.array(
    z.strictObject({
      action: z.string(),
      used: z.boolean(),
      snapshot: z.strictObject({
        bucket: z.string(),
        windows: z.record(z.enum(windows), headroomWindowSchema),
        queued: z.number().int(),
        agentsWaiting: z.number().int(),
        heldForMs: z.number(),
        /** Null when no call could go (a zero limit: JSON has no Infinity). */
        estimatedWaitMs: z.number().nullable(),
      }),
    }),
  ),
});
export type AdminOverview = z.infer<typeof adminOverviewSchema>;

/** A grant as the access matrix shows it, keyed by its target. */
const matrixGrantSchema = adminAgentGrantSchema.omit({ target: true });

/** The access matrix: every grant target, and each active agent's grants and effective levels. */
export const adminMatrixSchema = z.strictObject({
  targets: z.array(
    z.strictObject({
      target: z.string(),
      kind: z.enum(['group', 'action', 'capability']),
      group: z.enum(groups),
      access: z.enum(['read', 'write']).nullable(),
      effect: z.enum(effects).nullable(),
      approval_by_default: z.boolean(),
      title: z.string().nullable(),
    }),
  ),
  agents: z.array(
    z.strictObject({
      id: z.string(),
      name: z.string(),
      grants: z.record(z.string(), matrixGrantSchema),
      /** Per action id: the level that governs it, whether it is callable, whether it is held. */
      effective: z.record(
        z.string(),
        z.strictObject({ level: z.enum(levels), callable: z.boolean(), approval: z.boolean() }),
      ),
    }),
  ),
  /** Role templates: grants for a kind of agent, applied in one step (they replace its grants). */
  templates: z.array(
    z.strictObject({
      id: z.string(),
      title: z.string(),
      description: z.string(),
      grants: z.array(
        z.strictObject({
          target: z.string(),
          level: z.enum(levels),
          approval: z.boolean(),
          no_approval: z.boolean(),
        }),
      ),
    }),
  ),
});
export type AdminMatrix = z.infer<typeof adminMatrixSchema>;

/** One audit record in the admin API's audit page. */
export const adminAuditRecordSchema = z.strictObject({
  id: z.string(),
  time,
  /** Null when the token matched no agent. */
  agent: z.string().nullable(),
  agent_id: z.string().nullable(),
  surface: z.enum(surfaces),
  action: z.string(),
  target: z.string(),
  decision: z.enum(auditDecisions),
  rule: z.string().nullable(),
  sentence: z.string(),
  credits: z.number(),
  upstream_status: z.number().int().nullable(),
  error_code: z.string().nullable(),
  /** The X-Request-Id of the request that made the record (null for records made without one). */
  request_id: z.string().nullable(),
  /** Null while the record is open (call in flight, or held for approval). */
  completed_at: time.nullable(),
});
export type AdminAuditRecord = z.infer<typeof adminAuditRecordSchema>;

/**
 * One audit record with everything about it: the parameters as recorded (masked when the call
 * was made), the reason, how long Apollo took, and the held call's approval with who answered it.
 */
export const adminAuditDetailSchema = z.strictObject({
  record: adminAuditRecordSchema.extend({
    params: z.unknown(),
    reason: z.string().nullable(),
    duration_ms: z.number().nullable(),
  }),
  approval: adminApprovalSchema.nullable(),
  /** What Apollo delivered later for the call (phones, waterfall results): never the data itself. */
  delivery: z
    .strictObject({
      what: z.string(),
      state: z.enum(['pending', 'delivered', 'empty', 'failed']),
      via: z.enum(['webhook', 'poll']).nullable(),
      credits: z.number(),
      detail: z.string().nullable(),
      created_at: time,
      settled_at: time.nullable(),
      /** The delivery's own audit record. */
      audit_id: z.string(),
    })
    .nullable(),
});
export type AdminAuditDetail = z.infer<typeof adminAuditDetailSchema>;

/** A page of audit records, newest first; `next_before` asks for the next page. */
export const adminAuditPageSchema = z.strictObject({
  records: z.array(adminAuditRecordSchema),
  next_before: z.string().nullable(),
});
export type AdminAuditPage = z.infer<typeof adminAuditPageSchema>;

const dailyCounts = z.array(z.number());

/** Calls, denials and credits per UTC day per agent, and totals per action. */
export const adminUsageSchema = z.strictObject({
  /** The UTC days, oldest first; every series below has one value per day. */
  days: z.array(z.iso.date()),
  agents: z.array(
    z.strictObject({
      agent: z.string(),
      /** Every call the agent made, denied ones included; `denials` is the denied part. */
      calls: dailyCounts,
      denials: dailyCounts,
      credits: dailyCounts,
      /**
       * The agent's credit budgets beside what it has spent today and this month (UTC), counted
       * as the budget check counts them (calls in flight included); null for calls whose token
       * matched no agent.
       */
      budget: z
        .strictObject({
          day: z.number().int().nullable(),
          month: z.number().int().nullable(),
          spent_today: z.number(),
          spent_month: z.number(),
        })
        .nullable(),
    }),
  ),
  actions: z.array(
    z.strictObject({
      action: z.string(),
      calls: z.number().int(),
      denials: z.number().int(),
      credits: z.number(),
    }),
  ),
});
export type AdminUsage = z.infer<typeof adminUsageSchema>;

/** A refusal the admin API answers with: an HTTP status and one sentence. */
export interface AdminProblem {
  readonly status: 400 | 403 | 404 | 409 | 410 | 422;
  readonly message: string;
}

/** Audit filters as the admin API accepts them (already validated). */
export interface AdminAuditQuery {
  readonly agent?: string;
  readonly action?: string;
  readonly decision?: string;
  readonly since?: number;
  readonly until?: number;
  readonly text?: string;
  readonly limit: number;
  readonly before?: string;
}

/** A grant as the admin sets it. */
export interface AdminGrant {
  readonly target: string;
  readonly level: 'off' | 'read' | 'full';
  readonly approval: boolean;
  /** Waives the approval outbound actions need by default. */
  readonly no_approval?: boolean;
  /** With level off: an explicit deny, even where the action's group grants a level. */
  readonly deny?: boolean;
}

/** An agent's limits as the admin sets them: absent unchanged, null none. */
export interface AdminLimits {
  readonly credits_per_day?: number | null;
  readonly credits_per_month?: number | null;
  readonly requests_per_minute?: number | null;
  /** Field names removed from the agent's answers (email, phone_numbers …); [] redacts nothing. */
  readonly redact?: readonly string[];
}

/** Who made an admin change: `admin:console` or `admin:api`. */
export type AdminBy = `admin:${string}`;

/** The admin API's view of Gatehouse. */
export interface AdminServices {
  overview(): Promise<AdminOverview>;
  agents(): Promise<AdminAgent[]>;
  createAgent(
    input: { name: string; description?: string; grants: readonly AdminGrant[] },
    by: AdminBy,
  ): Promise<Result<AdminCreatedAgent, AdminProblem>>;
  rotateAgent(id: string, by: AdminBy): Promise<Result<AdminRotatedToken, AdminProblem>>;
  revokeAgent(id: string, by: AdminBy): Promise<Result<AdminAgentChange, AdminProblem>>;
  setLimits(
    agentId: string,
    limits: AdminLimits,
    by: AdminBy,
  ): Promise<Result<AdminAgentChange, AdminProblem>>;
  /** Agents × grant targets, each cell the agent's level there. */
  matrix(): Promise<AdminMatrix>;
  setGrant(
    agentId: string,
    grant: AdminGrant,
    by: AdminBy,
  ): Promise<Result<AdminAgentChange, AdminProblem>>;
  /** Makes the agent's grants exactly a role template's (each change audited). */
  applyTemplate(
    agentId: string,
    template: string,
    by: AdminBy,
  ): Promise<Result<AdminAgentChange, AdminProblem>>;
  audit(query: AdminAuditQuery): Promise<AdminAuditPage>;
  /** One record and its approval; a 404 problem when there is no such record. */
  auditRecord(id: string): Promise<Result<AdminAuditDetail, AdminProblem>>;
  /** Every matching record as export lines (header first for CSV), read lazily. */
  exportAudit(
    format: 'csv' | 'jsonl',
    query: Omit<AdminAuditQuery, 'limit' | 'before'>,
  ): AsyncIterable<string>;
  /** Calls, denials and credits per UTC day per agent, for the last `days` days. */
  usage(days: number): Promise<AdminUsage>;
  approvals(states: readonly string[] | null): Promise<AdminApproval[]>;
  /**
   * Starts connecting Apollo over OAuth for the admin's browser: the authorization URL to send it
   * to. `binding` is the secret the route puts in the browser's binding cookie.
   */
  startOAuth(
    input: { clientId: string; clientSecret: string; scopes: readonly string[] | null },
    binding: string,
  ): Promise<Result<{ url: string; expiresAt: number }, AdminProblem>>;
  /** Anomaly alerts, newest first, each with the audit records that triggered it. */
  alerts(all: boolean): Promise<AdminAlert[]>;
  /** Acknowledges an alert once; a second time answers the first acknowledgement, unchanged. */
  acknowledgeAlert(
    id: string,
    note: string | null,
    by: AdminBy,
  ): Promise<Result<AdminAcknowledgedAlert, AdminProblem>>;
  answerApproval(
    id: string,
    approve: boolean,
    note: string | null,
    by: AdminBy,
  ): Promise<Result<AdminAnsweredApproval, AdminProblem>>;
}
