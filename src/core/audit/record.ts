import { getAction } from '../../catalog/index.js';
import type { Window } from '../../catalog/index.js';
import type { ErrorCode } from '../error-codes.js';
import { maskInput } from '../redact.js';

import { describe, targetOf } from './describe.js';

/** Where a call came in. */
export const surfaces = ['rest', 'mcp', 'cli', 'admin'] as const;

/** Where a call came in: REST proxy, MCP, CLI or the admin API. */
export type Surface = (typeof surfaces)[number];

/** Every decision an audit record can carry. */
export const auditDecisions = [
  'allowed',
  'denied',
  'pending',
  'approved',
  'rejected',
  'expired',
] as const;

/** The decision on a call; pending calls later become approved, rejected or expired. */
export type AuditDecision = (typeof auditDecisions)[number];

/** One call, as the audit trail keeps it (design.md "Audit record"). */
export interface AuditRecord {
  readonly id: string;
  /** Epoch milliseconds, from the caller's clock. */
  readonly time: number;
  /** Null when the token matched no agent. */
  readonly agentId: string | null;
  readonly agentName: string | null;
  readonly surface: Surface;
  /** The action id; for an unknown action, what the caller named (`POST /api/v1/foo`). */
  readonly action: string;
  /** What was touched, in words: ids, search terms ("for titles 'VP Sales' …"). */
  readonly target: string;
  /** The call's input with personal fields masked; null when the call never got that far. */
  readonly params: Record<string, unknown> | null;
  readonly decision: AuditDecision;
  /** What decided: `people=read`, `no grant for contacts`, `unauthenticated` … */
  readonly rule: string;
  /** The sentence the agent was given when refused, or an admin's note on a rejection. */
  readonly reason: string | null;
  readonly upstreamStatus: number | null;
  /** Apollo's `error_code` (e.g. `API_INACCESSIBLE`) when Apollo answered with one. */
  readonly upstreamErrorCode: string | null;
  /** Credits spent; null until the call completes. */
  readonly credits: number | null;
  readonly durationMs: number | null;
  /** The plain-English sentence, from `describe`. */
  readonly sentence: string;
  /** The Gatehouse error the agent received, if any. */
  readonly errorCode: ErrorCode | null;
  /** False while the record waits for Apollo or for an admin's approval. */
  readonly completed: boolean;
  /** The approval request holding this call, if it was held. */
  readonly approvalId?: string | null;
  /** Time spent waiting for room in Apollo's rate windows before calling. */
  readonly waitedMs?: number;
  /** The Apollo window the call waited for. */
  readonly waitedFor?: Window;
  /** True when the answer came from Gatehouse's cache, not Apollo. */
  readonly cacheHit?: boolean;
  /** Credits a cache hit saved. */
  readonly savedCredits?: number;
}

/** What is known when a call's record is first written. */
export interface AuditOpening {
  readonly id: string;
  /** Epoch milliseconds (the caller's clock: core reads no clock). */
  readonly now: number;
  readonly agent: { readonly id: string; readonly name: string } | null;
  readonly surface: Surface;
  /** The action id, or what the caller named when it is unknown. */
  readonly action: string;
  /** The raw or parsed input; masked here unless `keepPersonal`. */
  readonly input?: Record<string, unknown> | null;
  readonly keepPersonal?: boolean;
  /** The target to record when the action is unknown (e.g. the route). */
  readonly target?: string;
  readonly decision: AuditDecision;
  readonly rule: string;
  readonly reason?: string | null;
  readonly errorCode?: ErrorCode | null;
  readonly approvalId?: string | null;
}

/** What is learned when the call completes. */
export interface AuditOutcome {
  readonly upstreamStatus?: number | null;
  readonly upstreamErrorCode?: string | null;
  readonly credits?: number;
  readonly durationMs?: number | null;
  readonly errorCode?: ErrorCode | null;
  readonly waitedMs?: number;
  readonly waitedFor?: Window;
  readonly cacheHit?: boolean;
  readonly savedCredits?: number;
}

const settled: ReadonlySet<AuditDecision> = new Set(['denied', 'rejected', 'expired']);

const withSentence = (r: Omit<AuditRecord, 'sentence'>): AuditRecord => ({
  ...r,
  sentence: describe(r),
});

/**
 * The record written before anything reaches Apollo (or at once, for a refusal): input masked,
 * target and sentence rendered. Allowed, approved and pending records stay open (`completed: false`).
 */
export function openAuditRecord(o: AuditOpening): AuditRecord {
  const action = getAction(o.action);
  const params =
    o.input && action
      ? maskInput(action, o.input, { keepPersonal: o.keepPersonal ?? false })
      : // An unknown action has no list of personal fields: keep no parameters at all.
        null;
  return withSentence({
    id: o.id,
    time: o.now,
    agentId: o.agent?.id ?? null,
    agentName: o.agent?.name ?? null,
    surface: o.surface,
    action: o.action,
    target: targetOf(action, params, o.target ?? ''),
    params,
    decision: o.decision,
    rule: o.rule,
    reason: o.reason ?? null,
    upstreamStatus: null,
    upstreamErrorCode: null,
    credits: settled.has(o.decision) ? 0 : null,
    durationMs: null,
    errorCode: o.errorCode ?? null,
    completed: settled.has(o.decision),
    ...(o.approvalId ? { approvalId: o.approvalId } : {}),
  });
}

/** The record once Apollo answered (or the call failed after opening): completed, sentence redone. */
export function completeAuditRecord(record: AuditRecord, outcome: AuditOutcome): AuditRecord {
  const { sentence: _old, ...rest } = record;
  return withSentence({
    ...rest,
    ...outcome,
    upstreamStatus: outcome.upstreamStatus ?? null,
    upstreamErrorCode: outcome.upstreamErrorCode ?? null,
    credits: outcome.credits ?? 0,
    durationMs: outcome.durationMs ?? null,
    errorCode: outcome.errorCode ?? null,
    completed: true,
  });
}

const answerCodes = {
  approved: null,
  rejected: 'approval_rejected',
  expired: 'approval_expired',
} as const satisfies Record<string, ErrorCode | null>;

/** A held record after the admin answered (or nobody did); approved records stay open for Apollo. */
export function settleApproval(
  record: AuditRecord,
  answer: {
    readonly decision: 'approved' | 'rejected' | 'expired';
    readonly reason?: string | null;
    readonly errorCode?: ErrorCode | null;
    /** Who answered ("cli:alice", "admin:console"): named in the record with their note. */
    readonly by?: string | null;
    readonly note?: string | null;
  },
): AuditRecord {
  const { sentence: _old, ...rest } = record;
  const done = answer.decision !== 'approved';
  const answered =
    answer.by && answer.decision !== 'expired'
      ? `${answer.decision === 'approved' ? 'Approved' : 'Rejected'} by ${answer.by}${answer.note ? `, who wrote: "${answer.note}"` : ''}.`
      : answer.note
        ? `The admin wrote: "${answer.note}".`
        : null;
  return withSentence({
    ...rest,
    decision: answer.decision,
    reason: answer.reason ?? answered ?? record.reason,
    errorCode: answer.errorCode !== undefined ? answer.errorCode : answerCodes[answer.decision],
    credits: done ? 0 : record.credits,
    completed: done,
  });
}
