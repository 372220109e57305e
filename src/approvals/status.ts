// An agent asking how its held call stands: its own approvals only. An id that is not one of its
// own is refused and recorded, like every refusal; its own held call's state is answered from the
// approval (whose audit record already tells its story).
import { gatewayError, httpStatusFor, redactFields, toPublicError } from '../core/index.js';
import { ok } from '../core/result.js';
import type { AgentIdentity, StoredApproval } from '../ports/index.js';

import type { ApprovalAnswer } from '../gateway/types.js';

/** The agent's view of its own held call. */
export function approvalView(a: StoredApproval, agent: AgentIdentity): ApprovalAnswer {
  const id = a.id;
  switch (a.state) {
    case 'pending':
    case 'approved': {
      const waiting = a.state === 'pending';
      return {
        status: 202,
        state: a.state,
        retryAfterSeconds: waiting ? 10 : 2,
        body: {
          status: a.state,
          approval_id: id,
          expires_at: new Date(a.expiresAt).toISOString(),
          message: waiting
            ? `Still waiting for an admin to approve ${id}; ask again later. Nothing has been sent to Apollo.`
            : `Approved; the call is running. Ask again in a moment for its result.`,
        },
      };
    }
    case 'rejected': {
      const e = gatewayError.approvalRejected({
        approvalId: id,
        ...(a.note ? { note: a.note } : {}),
      });
      return {
        status: httpStatusFor(e),
        state: a.state,
        body: { ...toPublicError(e), error: e.message, error_code: 'APPROVAL_REJECTED' },
      };
    }
    case 'expired': {
      const e = gatewayError.approvalExpired({ approvalId: id });
      return {
        status: httpStatusFor(e),
        state: a.state,
        body: { error: e.message, error_code: 'APPROVAL_EXPIRED', approval_id: id },
      };
    }
    case 'done':
    case 'failed': {
      const body =
        a.state === 'done' && agent.redactedFields.length > 0
          ? redactFields(a.resultBody, [...agent.redactedFields]).value
          : a.resultBody;
      return { status: a.resultStatus ?? 200, state: a.state, body };
    }
  }
}

/** The answer to an id that is not one of the agent's held calls. */
export function unknownApproval(approvalId: string, auditId: string) {
  const message = `No held call of yours has the id ${approvalId}. Use the approval_id from your own held call.`;
  return ok({
    status: 404,
    state: 'unknown' as const,
    body: { error: message, error_code: 'APPROVAL_UNKNOWN', audit_id: auditId },
  });
}

/** The refusal recorded for it. */
export const unknownApprovalError = (approvalId: string) =>
  gatewayError.notGranted({
    rule: 'own approvals only',
    reason: `No held call of this agent has the id ${approvalId}; an agent may ask only about its own held calls.`,
  });
