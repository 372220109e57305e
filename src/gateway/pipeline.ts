// The one request pipeline every surface calls, as named steps: authenticate → (the agent's own
// rate) → validate → decide → hold → budget → pace → call → redact → record. Each step is a small
// function in its own file; this file only puts them in order. Every path writes exactly one
// audit record.
import type { ActionSpec } from '../catalog/index.js';
import { decide, faultOf, gatewayError, type GatewayError } from '../core/index.js';
import { err, ok, type Result } from '../core/result.js';
import type { AgentIdentity, Surface } from '../ports/index.js';

import { createApprovalLifecycle } from '../approvals/lifecycle.js';
import { approvalView, unknownApproval, unknownApprovalError } from '../approvals/status.js';
import { authenticate, withinAgentRate, type Turned } from './authenticate.js';
import { createBudgets, type Held } from './budget.js';
import { createInFlight } from './in-flight.js';
import { createCaller, type CallRecord } from './call.js';
import { createAuditRecorder } from './recorder.js';
import { traceAuditSink, traceGatewayCall } from './trace.js';
import type {
  ApprovalAnswer,
  Gateway,
  GatewayDeps,
  GatewayFailure,
  GatewayOutcome,
  GatewayRequest,
} from './types.js';
import { validate } from './validate.js';
import { attr, step } from '../telemetry/index.js';

export type {
  AdminAnswer,
  AnsweredApproval,
  ApprovalAnswer,
  ApprovalProblem,
  ApprovalStatusRequest,
  AuditRecord,
  DeliveryResultRequest,
  Gateway,
  GatewayDeps,
  GatewayFailure,
  GatewayOutcome,
  GatewayRequest,
  GatewaySuccess,
  RefusedRequest,
} from './types.js';

/** Creates the pipeline over its collaborators (passed explicitly: no singletons). */
export function createGateway(given: GatewayDeps): Gateway {
  // Each audit write is a step of the call's trace (a no-op when the call is not traced).
  const deps: GatewayDeps = { ...given, audit: traceAuditSink(given.audit) };
  const recorder = createAuditRecorder({
    audit: deps.audit,
    clock: deps.clock,
    keepPersonal: deps.auditKeepPersonal ?? false,
  });
  const budgets = createBudgets(deps);
  const proceed = createCaller(deps, budgets);
  const calls = createInFlight((held, part) => budgets.release(held, part));
  const tracked = calls.tracked;
  const approvals = createApprovalLifecycle({ deps, recorder, proceed, tracked });

  /**
   * A fault an adapter threw (Gatehouse's database did not answer) as the request's refusal. No
   * record could be written, so none is named; anything else thrown is a bug and stays thrown.
   */
  function unrecorded(thrown: unknown): GatewayFailure {
    const error = faultOf(thrown);
    if (!error) throw thrown;
    deps.logger.warn({ err: error.cause ?? thrown, code: error.code }, error.message);
    return { error, auditId: '', action: null };
  }

  /** Records a refusal of something asked by route (not a catalog action). */
  async function refuseRoute(surface: Surface, route: string, t: Turned): Promise<GatewayFailure> {
    const auditId = await recorder.refusal({
      surface,
      agent: t.agent,
      action: route,
      known: false,
      input: null,
      rule: t.rule,
      error: t.error,
    });
    return { error: t.error, auditId, action: null };
  }

  /** The agent behind a request to one of Gatehouse's own routes, or its recorded refusal. */
  async function who(req: {
    readonly surface: Surface;
    readonly token: string | null;
    readonly ip: string | null;
    readonly route: string;
  }): Promise<Result<AgentIdentity, GatewayFailure>> {
    const found = await authenticate(deps.agents, req, deps.clock.now());
    return found.ok ? found : err(await refuseRoute(req.surface, req.route, found.error));
  }

  async function run(req: GatewayRequest, held: Held): Promise<GatewayOutcome> {
    const started = deps.clock.monotonic();
    const now = deps.clock.now();
    const elapsed = () => Math.round((deps.clock.monotonic() - started) * 10) / 10;
    const routeText = req.route
      ? `${req.route.method.toUpperCase()} ${req.route.path}`
      : req.actionId;
    const refuse = async (
      error: GatewayError,
      agent: Turned['agent'],
      rule: string,
      action: ActionSpec | null,
      input: Record<string, unknown> | null,
    ): Promise<GatewayOutcome> => {
      const auditId = await recorder.refusal({
        surface: req.surface,
        agent,
        action: action?.id ?? routeText,
        known: action !== null,
        input,
        rule,
        error,
        now,
        durationMs: elapsed(),
      });
      return err({ error, auditId, action });
    };

    // 1. Who is calling, and may it call this often.
    const found = await step('gatehouse.authenticate', () => authenticate(deps.agents, req, now));
    if (!found.ok)
      return refuse(found.error.error, found.error.agent, found.error.rule, null, null);
    const agent = found.value;
    const limited =
      deps.agentRate && typeof agent.requestsPerMinute === 'number'
        ? await step('gatehouse.agent_rate', () =>
            withinAgentRate(deps.agentRate, agent, deps.logger),
          )
        : null;
    if (limited) return refuse(limited.error, agent, limited.rule, null, null);

    // 2–4. The input's shape, the action, the parameters and the schema.
    const valid = step('gatehouse.validate', () =>
      validate(req, {
        unknownParams: deps.unknownParams ?? 'refuse',
        deliveries: deps.deliveries,
      }),
    );
    if (!valid.ok) {
      const v = valid.error;
      return refuse(v.error, agent, v.rule, v.action, v.input);
    }
    const { action, input, receiver, forwarded } = valid.value;
    // Shutting down: a clear refusal another replica can take over, before anything is decided.
    if (!calls.accepting()) {
      const error = gatewayError.shuttingDown({ retryAfterSeconds: 1 });
      return refuse(error, agent, 'gatehouse shutting down', action, input);
    }

    // 5. Decide.
    const decision = await step('gatehouse.decide', async (span) => {
      const decided = decide({
        grants: await deps.grants.grantsFor(agent.id),
        actionId: action.id,
        input,
      });
      span?.setAttributes({ [attr.decision]: decided.kind, [attr.rule]: decided.rule });
      return decided;
    });
    if (decision.kind === 'deny') {
      const error = gatewayError.notGranted({ rule: decision.rule, reason: decision.reason });
      return refuse(error, agent, decision.rule, action, input);
    }
    // 6. Hold for an admin; without an approval queue a held call fails closed.
    if (decision.kind === 'hold') {
      if (!deps.approvals) {
        const error = gatewayError.notGranted({
          rule: decision.rule,
          reason: `This call needs an admin's approval under ${decision.rule}, and approvals are not available here, so it is refused.`,
        });
        return refuse(error, agent, decision.rule, action, input);
      }
      return step('gatehouse.hold', () =>
        approvals.hold({
          surface: req.surface,
          agent,
          action,
          input,
          rule: decision.rule,
          reason: req.reason,
          now,
          durationMs: elapsed(),
        }),
      );
    }

    // 7–11. Budget, pace, call, redact, record.
    const record: CallRecord = {
      open: () =>
        recorder.allowed({
          surface: req.surface,
          agent,
          action: action.id,
          input,
          rule: decision.rule,
          ...(forwarded ? { reason: forwarded } : {}),
          now,
        }),
      refuse: (error, rule) => refuse(error, agent, rule, action, input),
    };
    return proceed({
      surface: req.surface,
      agent,
      action,
      input,
      rule: decision.rule,
      receiver,
      held,
      record,
      now,
      elapsed,
    });
  }

  const gateway: Gateway = {
    // One span per call (a child of the request's, when it came over HTTP), its steps inside.
    handle: (req) => traceGatewayCall(req, () => tracked((held) => run(req, held))),
    async refuseRequest(req) {
      // The surface's refusal stands whoever asked; the record names the agent when the token
      // is (or was) one.
      const found = await authenticate(deps.agents, req, deps.clock.now());
      const agent = found.ok ? found.value : found.error.agent;
      return refuseRoute(req.surface, req.route, { error: req.error, agent, rule: req.rule });
    },
    async deliveryResult(req) {
      const found = await who(req);
      if (!found.ok) return found;
      const agent = found.value;
      if (!deps.deliveries) {
        return ok({
          kind: 'unknown',
          status: 404,
          redacted: 0,
          body: {
            error_code: 'request_id_unknown',
            error: 'This gateway does not take asynchronous enrichments.',
          },
        });
      }
      const answer = await deps.deliveries.result(agent, req.requestId);
      // An id of the wrong form, or none of the agent's own (another agent's id among them), is a
      // refusal and recorded like one; the agent's own delivery has its record already.
      if (answer.kind === 'invalid' || answer.kind === 'unknown') {
        const error = gatewayError.notGranted({
          rule: 'own deliveries only',
          reason:
            answer.kind === 'invalid'
              ? 'The request_id is not of the form Apollo returns (a signed 64-bit integer).'
              : 'No asynchronous enrichment of this agent has this request_id; an agent may fetch only its own.',
        });
        const refused = await refuseRoute(req.surface, req.route, {
          error,
          agent,
          rule: 'own deliveries only',
        });
        return ok({ ...answer, body: { ...(answer.body as object), audit_id: refused.auditId } });
      }
      return ok(answer);
    },
    async approvalStatus(req): Promise<Result<ApprovalAnswer, GatewayFailure>> {
      const found = await who(req);
      if (!found.ok) return found;
      const agent = found.value;
      let a = deps.approvals ? await deps.approvals.get(req.approvalId) : undefined;
      if (!a || a.agentId !== agent.id) {
        const refused = await refuseRoute(req.surface, req.route, {
          error: unknownApprovalError(req.approvalId),
          agent,
          rule: 'own approvals only',
        });
        return unknownApproval(req.approvalId, refused.auditId);
      }
      if (a.state === 'pending' && a.expiresAt <= deps.clock.now()) {
        a = (await approvals.expireOne(a)) ?? a;
      }
      return ok(approvalView(a, agent));
    },
    answerApproval: (id, answer) => approvals.answer(id, answer),
    listApprovals: async (filter) => (deps.approvals ? deps.approvals.list(filter) : []),
    expireApprovals: () => approvals.expireDue(),
    inFlight: calls.count,
    stopAccepting: calls.stopAccepting,
    identify: (token) => deps.agents.authenticate(token),
    grantsFor: (agentId) => deps.grants.grantsFor(agentId),
    headroom: (actionId) => (deps.pacer ? deps.pacer.snapshot(actionId) : null),
    spentCredits: (agentId) => budgets.spent(agentId, deps.clock.now()),
    drain: calls.drain,
  };
  // Every door an agent's request comes through answers a fault as a value, never a bare 500.
  return {
    ...gateway,
    handle: (req) => gateway.handle(req).catch((e: unknown) => err(unrecorded(e))),
    refuseRequest: (req) => gateway.refuseRequest(req).catch(unrecorded),
    deliveryResult: (req) => gateway.deliveryResult(req).catch((e: unknown) => err(unrecorded(e))),
    approvalStatus: (req) => gateway.approvalStatus(req).catch((e: unknown) => err(unrecorded(e))),
  };
}
