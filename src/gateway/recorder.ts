// The audit step: every way a request ends writes one record, opened here. A refusal is written
// complete in one write; an allowed call's record is opened before Apollo is called and completed
// after; a held call's record stays pending until an admin answers.
import { openAuditRecord, type AuditRecord, type GatewayError } from '../core/index.js';
import type { AgentIdentity, AuditSink, Clock, Surface } from '../ports/index.js';

/** Who a record names: an agent, an agent whose token stopped working, or nobody. */
export type RecordedAgent = Pick<AgentIdentity, 'id' | 'name'> | null;

/** A refusal to record. */
export interface Refusal {
  readonly surface: Surface;
  readonly agent: RecordedAgent;
  /** The action id when known; otherwise what was asked ("POST /api/v1/foo", "tools/call"). */
  readonly action: string;
  /** True when `action` is a catalog id (its params are rendered); false for a route. */
  readonly known: boolean;
  readonly input: Record<string, unknown> | null;
  readonly rule: string;
  readonly error: GatewayError;
  readonly now?: number;
  readonly durationMs?: number;
}

/** Opens the records of one gateway. */
export interface AuditRecorder {
  /** Writes the complete record of a refusal; returns its id. */
  refusal(r: Refusal): Promise<string>;
  /** Opens the record of an allowed call (before Apollo is called). */
  allowed(r: {
    readonly surface: Surface;
    readonly agent: AgentIdentity;
    readonly action: string;
    readonly input: Record<string, unknown>;
    readonly rule: string;
    readonly reason?: string;
    readonly now: number;
  }): Promise<{ auditId: string; opened: AuditRecord }>;
  /** The pending record of a held call, as written (and as rebuilt later from the approval). */
  pending(r: {
    readonly id: string;
    readonly surface: Surface;
    readonly agent: Pick<AgentIdentity, 'id' | 'name'>;
    readonly action: string;
    readonly input: Record<string, unknown>;
    readonly rule: string;
    readonly approvalId: string;
    readonly now: number;
  }): AuditRecord;
  readonly sink: AuditSink;
}

export function createAuditRecorder(deps: {
  readonly audit: AuditSink;
  readonly clock: Clock;
  /** Keep personal data unmasked in audit records (off by default). */
  readonly keepPersonal: boolean;
}): AuditRecorder {
  const { keepPersonal } = deps;
  return {
    sink: deps.audit,
    async refusal(r) {
      const record = openAuditRecord({
        id: '',
        now: r.now ?? deps.clock.now(),
        agent: r.agent,
        surface: r.surface,
        action: r.action,
        input: r.known ? r.input : null,
        keepPersonal,
        target: r.known ? '' : r.action,
        decision: 'denied',
        rule: r.rule,
        reason: r.error.message,
        errorCode: r.error.code,
      });
      return deps.audit.open(
        r.durationMs !== undefined ? { ...record, durationMs: r.durationMs } : record,
      );
    },
    async allowed(r) {
      const opened = openAuditRecord({
        id: '',
        now: r.now,
        agent: r.agent,
        surface: r.surface,
        action: r.action,
        input: r.input,
        keepPersonal,
        decision: 'allowed',
        rule: r.rule,
        ...(r.reason ? { reason: r.reason } : {}),
      });
      return { auditId: await deps.audit.open(opened), opened };
    },
    pending(r) {
      return openAuditRecord({
        id: r.id,
        now: r.now,
        agent: r.agent,
        surface: r.surface,
        action: r.action,
        input: r.input,
        keepPersonal,
        decision: 'pending',
        rule: r.rule,
        approvalId: r.approvalId,
      });
    },
  };
}
