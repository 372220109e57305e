// A held call's life: held (a pending record, the approval, a notification) → answered once by an
// admin (approved: run once through the same call steps, with the input it was held with, after
// checking again that the agent is active and still granted; rejected: refused for good) or
// expired. Answers are compare-and-set transitions, so two racing answers cannot both win.
import { getAction, type ActionSpec } from '../catalog/index.js';
import {
  completeAuditRecord,
  decide,
  gatewayError,
  httpStatusFor,
  settleApproval,
  type GatewayError,
} from '../core/index.js';
import { err, ok, type Result } from '../core/result.js';
import type { AgentIdentity, NewApproval, StoredApproval, Surface } from '../ports/index.js';

import type { CallRecord, AllowedCall } from '../gateway/call.js';
import type { Held } from '../gateway/budget.js';
import type { AuditRecorder } from '../gateway/recorder.js';
import type {
  AdminAnswer,
  AnsweredApproval,
  ApprovalProblem,
  GatewayDeps,
  GatewayOutcome,
} from '../gateway/types.js';
import type { Receiver } from '../gateway/validate.js';

import { approvalInputHash, newApprovalId } from './ids.js';

/** What the lifecycle borrows from the gateway: its records and its call steps. */
export interface LifecycleDeps {
  readonly deps: GatewayDeps;
  readonly recorder: AuditRecorder;
  readonly proceed: (call: AllowedCall) => Promise<GatewayOutcome>;
  /** Counts a call in flight (for drain) and releases what it held at the end. */
  readonly tracked: <T>(work: (held: Held) => Promise<T>) => Promise<T>;
}

export function createApprovalLifecycle(l: LifecycleDeps) {
  const { deps, recorder } = l;
  const store = () => deps.approvals!;

  /** The pending audit record of a held call, as it was written (rebuilt from the approval). */
  const pendingRecord = (a: StoredApproval) =>
    recorder.pending({
      id: a.auditId,
      now: a.createdAt,
      agent: { id: a.agentId, name: a.agentName },
      surface: a.surface,
      action: a.actionId,
      input: a.input,
      rule: a.rule,
      approvalId: a.id,
    });

  async function expireOne(a: StoredApproval): Promise<StoredApproval | undefined> {
    const now = deps.clock.now();
    const expired = await store().transition(a.id, ['pending'], 'expired', { at: now });
    if (expired) {
      await deps.audit
        .complete(a.auditId, settleApproval(pendingRecord(a), { decision: 'expired' }))
        .catch((e: unknown) => deps.logger.error({ err: e }, 'expired approval not audited'));
    }
    return expired;
  }

  /** Holds a call for an admin: a pending audit record, the approval, a notification. */
  async function hold(h: {
    readonly surface: Surface;
    readonly agent: AgentIdentity;
    readonly action: ActionSpec;
    readonly input: Record<string, unknown>;
    readonly rule: string;
    readonly reason?: string | undefined;
    readonly now: number;
    readonly durationMs: number;
  }): Promise<GatewayOutcome> {
    const id = newApprovalId();
    const expiresAt = h.now + (deps.approvalTtlMs ?? 3_600_000);
    const record = recorder.pending({
      id: '',
      now: h.now,
      agent: h.agent,
      surface: h.surface,
      action: h.action.id,
      input: h.input,
      rule: h.rule,
      approvalId: id,
    });
    const auditId = await deps.audit.open({ ...record, durationMs: h.durationMs });
    const held: NewApproval = {
      id,
      agentId: h.agent.id,
      agentName: h.agent.name,
      surface: h.surface,
      actionId: h.action.id,
      rule: h.rule,
      input: h.input,
      inputHash: approvalInputHash(h.input),
      target: record.target,
      reason: h.reason?.trim().slice(0, 1000) || null,
      auditId,
      createdAt: h.now,
      expiresAt,
    };
    await store().create(held);
    deps.onApprovalRequested?.(held, record.sentence);
    const error = gatewayError.approvalPending({
      approvalId: id,
      rule: h.rule,
      expiresAt: new Date(expiresAt).toISOString(),
    });
    return err({ error, auditId, action: h.action });
  }

  /** Runs an approved call, completing its held record; returns its outcome and how it ended. */
  async function runApproved(
    a: StoredApproval,
    answer: AdminAnswer,
  ): Promise<{ outcome: GatewayOutcome; approval: StoredApproval }> {
    const action = getAction(a.actionId)!;
    const approvedRecord = settleApproval(pendingRecord(a), {
      decision: 'approved',
      by: answer.by,
      note: answer.note?.trim() || null,
    });
    const started = deps.clock.monotonic();
    const elapsed = () => Math.round((deps.clock.monotonic() - started) * 10) / 10;
    const fail = async (error: GatewayError): Promise<GatewayOutcome> => {
      await deps.audit.complete(
        a.auditId,
        completeAuditRecord(approvedRecord, { durationMs: elapsed(), errorCode: error.code }),
      );
      return err({ error, auditId: a.auditId, action });
    };
    const outcome = await (async (): Promise<GatewayOutcome> => {
      // Fail closed: the agent must still be active and still granted, and the input unchanged.
      const agent = deps.agents.byId ? await deps.agents.byId(a.agentId) : null;
      if (!agent) {
        return fail(
          gatewayError.notGranted({
            rule: a.rule,
            reason: `The agent ${a.agentName} was revoked before this call was approved, so it was not sent.`,
          }),
        );
      }
      if (approvalInputHash(a.input) !== a.inputHash) {
        return fail(gatewayError.internal(new Error('the held input changed in storage')));
      }
      const grants = await deps.grants.grantsFor(agent.id);
      const decision = decide({ grants, actionId: action.id, input: a.input });
      if (decision.kind === 'deny') {
        return fail(gatewayError.notGranted({ rule: decision.rule, reason: decision.reason }));
      }
      // Gatehouse's own webhook receiver is minted afresh; everything the agent sent is as held.
      let input = a.input;
      let receiver: Receiver | null = null;
      if (action.delivery?.asks(input) && deps.deliveries) {
        receiver = deps.deliveries.receiver();
        input = { ...input, webhook_url: receiver.url };
      }
      const record: CallRecord = {
        open: async () => ({ auditId: a.auditId, opened: approvedRecord }),
        refuse: (error) => fail(error),
      };
      return l.tracked((held) =>
        l.proceed({
          surface: a.surface,
          agent,
          action,
          input,
          rule: a.rule,
          receiver,
          held,
          record,
          now: deps.clock.now(),
          elapsed,
        }),
      );
    })();
    const at = deps.clock.now();
    const ended = await store().transition(
      a.id,
      ['approved'],
      outcome.ok ? 'done' : 'failed',
      outcome.ok
        ? { at, resultStatus: outcome.value.status, resultBody: outcome.value.body }
        : {
            at,
            resultStatus: httpStatusFor(outcome.error.error),
            resultBody: {
              error: outcome.error.error.message,
              error_code: outcome.error.error.code,
            },
          },
    );
    return { outcome, approval: ended ?? a };
  }

  /** An admin's answer, given once. */
  async function answer(
    id: string,
    a: AdminAnswer,
  ): Promise<Result<AnsweredApproval, ApprovalProblem>> {
    const found = deps.approvals ? await deps.approvals.get(id) : undefined;
    if (!found) return err({ code: 'not_found', message: `No held call has the id ${id}.` });
    const now = deps.clock.now();
    if (found.state === 'pending' && found.expiresAt <= now) {
      await expireOne(found);
      return err({
        code: 'expired',
        state: 'expired',
        message: `Approval ${id} expired at ${new Date(found.expiresAt).toISOString()}; the agent must make the call again.`,
      });
    }
    const note = a.note?.trim() || null;
    const moved = await store().transition(id, ['pending'], a.approve ? 'approved' : 'rejected', {
      at: now,
      by: a.by,
      note,
      unexpiredAt: now,
    });
    if (!moved) {
      const current = (await store().get(id)) ?? found;
      return err({
        code: 'not_pending',
        state: current.state,
        message: `Approval ${id} was already answered (${current.state}); an approval is used once.`,
      });
    }
    if (!a.approve) {
      await deps.audit.complete(
        moved.auditId,
        settleApproval(pendingRecord(moved), { decision: 'rejected', by: a.by, note }),
      );
      return ok({ approval: moved });
    }
    return ok(await runApproved(moved, a));
  }

  return {
    hold,
    answer,
    expireOne,
    async expireDue(): Promise<number> {
      if (!deps.approvals) return 0;
      let n = 0;
      for (const a of await deps.approvals.expiredPending(deps.clock.now(), 100)) {
        if (await expireOne(a)) n += 1;
      }
      return n;
    },
  };
}

export type ApprovalLifecycle = ReturnType<typeof createApprovalLifecycle>;
