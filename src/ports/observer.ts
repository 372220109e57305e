// What the gateway's hooks report for operational metrics. Types only: src/metrics implements it
// with prom-client, and without an observer nothing is measured. Every method is called on the
// request path, so an implementation must be O(1), must not throw and must not block.
import type { AuditDecision } from '../core/index.js';

import type { Surface } from './index.js';
import type { NotSentReason } from './upstream.js';

/** Which audit write was timed: the first write of a record, or its completion. */
export type AuditWriteOperation = 'open' | 'complete';

/** Receives the gateway's operational events; every argument is a bounded value. */
export interface GatewayObserver {
  /**
   * A request's one audit record was first written, with the decision it had then (`allowed`,
   * `denied` or `pending`); `action` is a catalog id or whatever unknown action was asked for.
   */
  requestRecorded(surface: Surface, action: string, decision: AuditDecision): void;
  /** A held call's record was settled by an admin or by expiry. */
  approvalSettled(action: string, decision: AuditDecision): void;
  /** Apollo answered (or failed to): `status` is the HTTP status, or the failure kind. */
  upstreamAnswered(action: string, status: number | string, seconds: number): void;
  /** The pacer let a call go after it waited `seconds` (0 when it went at once). */
  queueWaited(action: string, seconds: number): void;
  /** The pacer refused a call; Apollo was not called. */
  pacerRefused(action: string, reason: NotSentReason): void;
  /** A completed record says the agent spent credits. */
  creditsSpent(agentName: string, credits: number): void;
  /** The enrichment cache answered all (`full`) or part (`partial`) of a call. */
  cacheServed(action: string, kind: 'full' | 'partial', savedCredits: number): void;
  /** One audit write took `seconds`. */
  auditWritten(operation: AuditWriteOperation, seconds: number): void;
}
