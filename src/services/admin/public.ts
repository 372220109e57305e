// The admin API's public shapes of stored things (alerts, held calls, audit records, the stored
// connection), shared by the admin services and the CLI's --json output so both print one shape.
import type { StoredAlert } from '../../ports/alerts.js';
import type { StoredApproval } from '../../ports/index.js';
import type { AuditRecord, ConsolePerson } from '../../store/index.js';

import type { AdminAlert, AdminApproval, AdminAuditRecord } from './types.js';

/** A time as the admin API writes it (ISO 8601, UTC); null stays null. */
export function iso(t: number): string;
export function iso(t: number | null): string | null;
export function iso(t: number | null): string | null {
  return t === null ? null : new Date(t).toISOString();
}

/** A console person as `GET /admin/api/people` and `gatehouse admin list --json` show them. */
export function publicPerson(p: ConsolePerson) {
  return {
    email: p.email,
    role: p.role,
    password: p.hasPassword,
    created_at: iso(p.createdAt),
    created_by: p.createdBy,
    last_login_at: iso(p.lastLoginAt),
  };
}

/** An alert as the admin API and `gatehouse alerts --json` show it (one shape for both). */
export function publicAlert(a: StoredAlert): AdminAlert {
  return {
    id: a.id,
    kind: a.kind,
    time: iso(a.time),
    agent: { id: a.agentId, name: a.agentName },
    message: a.message,
    audit_ids: [...a.auditIds],
    acknowledged_at: iso(a.acknowledgedAt),
    acknowledged_by: a.acknowledgedBy,
    acknowledged_note: a.acknowledgedNote,
  };
}

/** A held call as the admin API and `gatehouse approvals --json` show it. */
export function publicApproval(a: StoredApproval): AdminApproval {
  return {
    id: a.id,
    state: a.state,
    agent: { id: a.agentId, name: a.agentName },
    action: a.actionId,
    target: a.target,
    params: a.input,
    reason: a.reason,
    rule: a.rule,
    audit_id: a.auditId,
    created_at: iso(a.createdAt),
    expires_at: iso(a.expiresAt),
    decided_at: iso(a.decidedAt),
    decided_by: a.decidedBy,
    note: a.note,
    result_status: a.resultStatus,
  };
}

/** An audit record as the admin API lists it. */
export function publicAuditRecord(r: AuditRecord): AdminAuditRecord {
  return {
    id: r.id,
    time: iso(r.time),
    agent: r.agentName,
    agent_id: r.agentId,
    surface: r.surface,
    action: r.action,
    target: r.target,
    decision: r.decision,
    rule: r.rule,
    sentence: r.sentence,
    credits: r.credits,
    upstream_status: r.upstreamStatus,
    request_id: r.requestId,
    error_code: r.errorCode,
    completed_at: iso(r.completedAt),
  };
}

/** " (scoped key, as ann@acme.com)": what the stored connection's metadata says about it. */
export function describeConnection(metadata: Record<string, unknown>): string {
  const parts: string[] = [];
  if (metadata.keyType === 'master' || metadata.keyType === 'scoped') {
    parts.push(`${metadata.keyType} key`);
  }
  const oauthUser = metadata.oauthUser as { name?: unknown; email?: unknown } | undefined;
  const who =
    typeof oauthUser?.email === 'string'
      ? oauthUser.email
      : typeof metadata.user === 'string'
        ? metadata.user
        : null;
  if (who) parts.push(`as ${who}`);
  if (typeof metadata.expiresAt === 'number') {
    parts.push(`token expires ${new Date(metadata.expiresAt).toISOString()}`);
  }
  return parts.length ? ` (${parts.join(', ')})` : '';
}
