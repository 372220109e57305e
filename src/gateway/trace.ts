// The gateway's spans beyond its steps: the audit writes, and what their records say about the
// call (its agent, action, decision, audit id, outcome) added to the call's span. A record is
// already masked for people; of it a span takes only ids, names, codes and counts, never the
// parameters, the target, the agent's stated reason or the sentence.
import { getAction } from '../catalog/index.js';
import type { AuditRecord, ErrorCode } from '../core/index.js';
import type { AuditSink } from '../ports/index.js';
import { annotateCall, attr, failCall, step, traceCall } from '../telemetry/index.js';

import type { GatewayOutcome, GatewayRequest } from './types.js';

/** The span name of a call: its action when the catalog knows it (a bounded set of names). */
export function callSpanName(actionId: string): string {
  return getAction(actionId) ? `gatehouse.call ${actionId}` : 'gatehouse.call';
}

function opened(record: AuditRecord) {
  return {
    [attr.decision]: record.decision,
    [attr.rule]: record.rule,
    ...(getAction(record.action) ? { [attr.action]: record.action } : {}),
    ...(record.agentId ? { [attr.agentId]: record.agentId } : {}),
    ...(record.agentName ? { [attr.agentName]: record.agentName } : {}),
    ...(record.errorCode ? { [attr.errorCode]: record.errorCode } : {}),
  };
}

function completed(record: AuditRecord) {
  return {
    ...(record.upstreamStatus !== null ? { [attr.upstreamStatus]: record.upstreamStatus } : {}),
    ...(record.upstreamErrorCode ? { [attr.upstreamErrorCode]: record.upstreamErrorCode } : {}),
    ...(record.credits !== null ? { [attr.credits]: record.credits } : {}),
    ...(record.errorCode ? { [attr.errorCode]: record.errorCode } : {}),
    ...(record.cacheHit ? { [attr.cacheHit]: true } : {}),
  };
}

/** The audit sink with a span per write, telling the call's span what each record says. */
export function traceAuditSink(sink: AuditSink): AuditSink {
  return {
    open: (record) =>
      step('gatehouse.audit.open', async (span) => {
        if (!span) return sink.open(record);
        const attributes = opened(record);
        span.setAttributes({ [attr.decision]: record.decision });
        annotateCall(attributes);
        const id = await sink.open(record);
        span.setAttribute(attr.auditId, id);
        annotateCall({ [attr.auditId]: id });
        return id;
      }),
    complete: (id, record) =>
      step('gatehouse.audit.complete', async (span) => {
        if (span) {
          span.setAttribute(attr.auditId, id);
          annotateCall(completed(record));
        }
        await sink.complete(id, record);
      }),
  };
}

/** Outcomes that are Gatehouse or Apollo failing, not a refusal: the call's span is an error. */
const failures: ReadonlySet<ErrorCode> = new Set([
  'internal',
  'store_unavailable',
  'credential_unreadable',
  'upstream_unreachable',
  'write_outcome_unknown',
]);

/** Runs one gateway call as its span (a child of the request's, when it came over HTTP). */
export function traceGatewayCall(
  req: Pick<GatewayRequest, 'actionId' | 'surface'>,
  run: () => Promise<GatewayOutcome>,
): Promise<GatewayOutcome> {
  return traceCall(callSpanName(req.actionId), { [attr.surface]: req.surface }, async () => {
    const outcome = await run();
    if (!outcome.ok && failures.has(outcome.error.error.code)) failCall(outcome.error.error.code);
    return outcome;
  });
}
