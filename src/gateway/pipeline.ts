import {
  creditsFromResponse,
  describeInputShapeProblem,
  estimateCredits,
  getAction,
  inspectInputShape,
  type ActionSpec,
} from '../catalog/index.js';
import {
  closestNames,
  completeAuditRecord,
  decide,
  gatewayError,
  openAuditRecord,
  httpStatusFor,
  redactFields,
  settleApproval,
  toPublicError,
  type AuditOutcome,
  type AuditRecord,
  type GatewayError,
  type GatewayErrorOf,
  utcDay,
  utcMonth,
} from '../core/index.js';
import { err, ok, type Result } from '../core/result.js';
import type {
  AgentDirectory,
  ApprovalState,
  ApprovalStore,
  NewApproval,
  SharedReservations,
  StoredApproval,
  AgentIdentity,
  AuditSink,
  CachedAnswer,
  Clock,
  CreditLedger,
  CredentialSource,
  EnrichmentCachePort,
  GrantRow,
  GrantSource,
  Logger,
  RateLimitInfo,
  Surface,
  Upstream,
} from '../ports/index.js';

import { approvalInputHash, newApprovalId } from './approvals.js';
import type { Deliveries, ResultAnswer } from './deliveries.js';
import { pacedErrorCode } from './paced-upstream.js';
import type { Pacer, PacerSnapshot } from './pacer.js';
import { explainUpstreamError } from './upstream-errors.js';

/** What every surface hands the pipeline. */
export interface GatewayRequest {
  readonly surface: Surface;
  /** The agent token as presented, or null when none was. */
  readonly token: string | null;
  readonly ip: string | null;
  /** A catalog action id; anything else is denied as an unknown action. */
  readonly actionId: string;
  /** Raw parameters (path parameters included), validated here with the catalog schema. */
  readonly input: unknown;
  /** The method and path the caller used, when it came over HTTP (names unknown actions). */
  readonly route?: { readonly method: string; readonly path: string };
  /** What the agent says the call is for, shown to the admin when the call is held. */
  readonly reason?: string;
}

/** A successful call. */
export interface GatewaySuccess {
  readonly status: number;
  readonly body: unknown;
  readonly rate: RateLimitInfo | null;
  readonly auditId: string;
  readonly credits: number;
  readonly action: ActionSpec;
  readonly agent: AgentIdentity;
  /** How many response fields the agent's redaction settings removed. */
  readonly redacted: number;
  /** How long the call waited for Apollo's windows (ms). */
  readonly waitedMs?: number;
  /** Set when the enrichment cache answered all or part of the call. */
  readonly cache?: { readonly hit: 'full' | 'partial'; readonly savedCredits: number };
  /** Set when Apollo will deliver part of the answer later (phone reveal, waterfall). */
  readonly delivery?: { readonly requestId: string; readonly what: string };
}

/** A refused or failed call, with the id of its audit record. */
export interface GatewayFailure {
  readonly error: GatewayError;
  readonly auditId: string;
  readonly action: ActionSpec | null;
}

export type GatewayOutcome = Result<GatewaySuccess, GatewayFailure>;

/** The pipeline's collaborators, passed explicitly (no singletons). */
export interface GatewayDeps {
  readonly agents: AgentDirectory;
  readonly grants: GrantSource;
  readonly audit: AuditSink;
  readonly credentials: CredentialSource;
  readonly upstream: Upstream;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The pacer, for headroom reports (the pacing itself happens in the upstream chain). */
  readonly pacer?: Pick<Pacer, 'snapshot'>;
  /** The enrichment cache; without it every call goes to Apollo. */
  readonly cache?: EnrichmentCachePort;
  /** Credits spent per agent, for budgets; without it budgets are not enforced. */
  readonly ledger?: CreditLedger;
  /** Told which actions the team's Apollo API key reached or was refused (403 API_INACCESSIBLE). */
  readonly reach?: { note(actionId: string, reachable: boolean): void };
  /** Keep personal data unmasked in audit records (off by default). */
  readonly auditKeepPersonal?: boolean;
  /**
   * Parameters Apollo does not document: refused with 422 UNKNOWN_PARAMETER (the default: Apollo
   * would silently ignore them, e.g. an unfiltered search), or forwarded as given (audited).
   */
  readonly unknownParams?: 'refuse' | 'forward';
  /** Held calls; without it a grant that requires approval refuses (fails closed). */
  readonly approvals?: ApprovalStore;
  /** How long a held call waits for an admin (default 1 hour). */
  readonly approvalTtlMs?: number;
  /** Told when a call is held (the notification webhook); must not throw or block. */
  readonly onApprovalRequested?: (held: NewApproval, sentence: string) => void;
  /** Credits in flight shared by replicas (Redis); without it they are counted per process. */
  readonly reservations?: SharedReservations;
  /** Asynchronous deliveries; without it phone reveals and waterfalls cannot be asked for. */
  readonly deliveries?: Pick<Deliveries, 'receiver' | 'expect' | 'result'>;
}

/** The one request pipeline every surface calls. */
export interface Gateway {
  handle(request: GatewayRequest): Promise<GatewayOutcome>;
  /** Resolves when no call is in flight (graceful shutdown). */
  drain(): Promise<void>;
  /** Calls in flight now. */
  inFlight(): number;
  /**
   * Records and returns the refusal of a request a surface could not even hand over as a call
   * (a malformed protocol message): the token is checked so the record names the agent.
   */
  refuseRequest(request: RefusedRequest): Promise<GatewayFailure>;
  /** The agent behind a token, without auditing (surfaces that hold sessions re-check with it). */
  identify(token: string): Promise<AgentIdentity | null>;
  /** The agent's current grants (tool lists, whoami). */
  grantsFor(agentId: string): Promise<readonly GrantRow[]>;
  /** Credits the agent spent this UTC day and month (calls in flight included), null without a ledger. */
  spentCredits(agentId: string): Promise<{ day: number; month: number } | null>;
  /** The pacer's view of an action's windows (sent, left, resets, queue), when pacing is on. */
  headroom(actionId: string): PacerSnapshot | null;
  /**
   * An agent asking for an asynchronous delivery by Apollo's request id (webhook_result): its own
   * deliveries only, redacted like its calls. An unauthenticated ask is refused and audited.
   */
  deliveryResult(request: DeliveryResultRequest): Promise<Result<ResultAnswer, GatewayFailure>>;
  /** An agent asking how its held call stands (its own approvals only). */
  approvalStatus(request: ApprovalStatusRequest): Promise<Result<ApprovalAnswer, GatewayFailure>>;
  /** Held calls, newest first (the admin's queue). */
  listApprovals(filter: {
    readonly states?: readonly ApprovalState[];
    readonly agentId?: string;
    readonly limit: number;
  }): Promise<StoredApproval[]>;
  /**
   * An admin's answer. Approving runs the held call once, with the input it was held with, after
   * checking again that the agent is active and still granted; rejecting refuses it for good.
   */
  answerApproval(
    id: string,
    answer: AdminAnswer,
  ): Promise<Result<AnsweredApproval, ApprovalProblem>>;
  /** Expires held calls nobody answered in time; returns how many. */
  expireApprovals(): Promise<number>;
}

/** A request refused by its surface before it became a call. */
export interface RefusedRequest {
  readonly surface: Surface;
  readonly token: string | null;
  readonly ip: string | null;
  /** What was asked, in the surface's words ("tools/call"). */
  readonly route: string;
  readonly error: GatewayError;
  /** The rule shown in the record ("malformed request"). */
  readonly rule: string;
}

/** What a surface hands the gateway when an agent asks about a held call. */
export interface ApprovalStatusRequest {
  readonly surface: Surface;
  readonly token: string | null;
  readonly ip: string | null;
  readonly approvalId: string;
  readonly route: string;
}

/** The agent's view of its held call: an HTTP-like status and an Apollo-style body. */
export interface ApprovalAnswer {
  readonly status: number;
  readonly state: ApprovalState | 'unknown';
  readonly body: unknown;
  readonly retryAfterSeconds?: number;
}

/** An admin's decision on a held call. */
export interface AdminAnswer {
  readonly approve: boolean;
  /** Who answered ("admin", "cli:alice"). */
  readonly by: string;
  readonly note?: string | null;
}

/** A held call after the admin's answer; `outcome` is the call's own result when it ran. */
export interface AnsweredApproval {
  readonly approval: StoredApproval;
  readonly outcome?: GatewayOutcome;
}

/** Why an answer could not be given. */
export interface ApprovalProblem {
  readonly code: 'not_found' | 'not_pending' | 'expired';
  readonly message: string;
  readonly state?: ApprovalState;
}

/** What a surface hands the gateway when an agent asks for a delivery. */
export interface DeliveryResultRequest {
  readonly surface: Surface;
  readonly token: string | null;
  readonly ip: string | null;
  readonly requestId: string;
  /** The route asked, for the audit record of a refusal. */
  readonly route: string;
}

/**
 * Creates the pipeline, in design.md's decision order: authenticate → action known? → validate →
 * grant level → (approval, budget, pace: later issues) → open the audit record → call Apollo →
 * redact → complete the record → answer. Every path writes exactly one audit record.
 */
export function createGateway(deps: GatewayDeps): Gateway {
  const keepPersonal = deps.auditKeepPersonal ?? false;
  let active = 0;
  let idle: Array<() => void> = [];
  /** Credit estimates of calls in flight, per agent (counted against budgets until recorded). */
  const inFlightCredits = new Map<string, number>();

  async function handle(req: GatewayRequest): Promise<GatewayOutcome> {
    return tracked((held) => run(req, held));
  }

  /** Counts a call in flight (for drain) and releases its budget reservation at the end. */
  async function tracked<T>(work: (held: Held) => Promise<T>): Promise<T> {
    active += 1;
    const held: Held = { agentId: null, credits: 0 };
    try {
      return await work(held);
    } finally {
      if (held.agentId && held.credits) {
        const left = (inFlightCredits.get(held.agentId) ?? 0) - held.credits;
        if (left > 1e-9) inFlightCredits.set(held.agentId, left);
        else inFlightCredits.delete(held.agentId);
        if (held.shared) {
          void deps.reservations
            ?.releaseCredits(held.agentId, held.credits)
            .catch((e: unknown) =>
              deps.logger.warn({ err: e }, 'could not release shared credits'),
            );
        }
      }
      active -= 1;
      if (active === 0) {
        const waiting = idle;
        idle = [];
        for (const resolve of waiting) resolve();
      }
    }
  }

  const hasBudget = (a: AgentIdentity) =>
    (a.creditBudgetDay !== null && a.creditBudgetDay !== undefined) ||
    (a.creditBudgetMonth !== null && a.creditBudgetMonth !== undefined);

  /** Reserves `needed` in the replicas' shared counters; the refusal when it cannot. */
  async function sharedReservation(
    agent: AgentIdentity,
    needed: number,
    now: number,
  ): Promise<GatewayError | null> {
    if (!deps.ledger || !deps.reservations) return null;
    const periods = [];
    for (const p of [
      { period: 'day' as const, limit: agent.creditBudgetDay, ...utcDay(now) },
      { period: 'month' as const, limit: agent.creditBudgetMonth, ...utcMonth(now) },
    ]) {
      if (p.limit === null || p.limit === undefined) continue;
      periods.push({ ...p, limit: p.limit, spent: await deps.ledger.spent(agent.id, p.start) });
    }
    try {
      const r = await deps.reservations.reserveCredits(agent.id, needed, periods);
      if (r.ok) return null;
      const p = periods.find((x) => x.period === r.period)!;
      return gatewayError.budgetExhausted({
        limit: p.limit,
        spent: Math.round((p.spent + r.inFlight) * 100) / 100,
        needed,
        period: p.period,
        retryAfterSeconds: Math.ceil((p.end - now) / 1000),
      });
    } catch (e) {
      deps.logger.warn({ err: e }, 'shared credit counters unreachable: refusing the call');
      return gatewayError.rateLimited({ scope: 'gatehouse', retryAfterSeconds: 5 });
    }
  }

  async function budgetRefusal(
    agent: AgentIdentity,
    needed: number,
    now: number,
  ): Promise<GatewayErrorOf<'budget_exhausted'> | null> {
    if (!deps.ledger) return null;
    const periods = [
      { period: 'day' as const, limit: agent.creditBudgetDay, ...utcDay(now) },
      { period: 'month' as const, limit: agent.creditBudgetMonth, ...utcMonth(now) },
    ];
    for (const p of periods) {
      if (p.limit === null || p.limit === undefined) continue;
      const spent =
        (await deps.ledger.spent(agent.id, p.start)) + (inFlightCredits.get(agent.id) ?? 0);
      if (spent + needed > p.limit + 1e-9) {
        return gatewayError.budgetExhausted({
          limit: p.limit,
          spent: Math.round(spent * 100) / 100,
          needed,
          period: p.period,
          retryAfterSeconds: Math.ceil((p.end - now) / 1000),
        });
      }
    }
    return null;
  }

  async function run(req: GatewayRequest, held: Held): Promise<GatewayOutcome> {
    const started = deps.clock.monotonic();
    const now = deps.clock.now();
    const elapsed = () => Math.round((deps.clock.monotonic() - started) * 10) / 10;
    const action = getAction(req.actionId) ?? null;
    const rawInput = isRecord(req.input) ? req.input : {};
    const routeText = req.route
      ? `${req.route.method.toUpperCase()} ${req.route.path}`
      : req.actionId;

    const refuse = async (
      error: GatewayError,
      agent: AgentIdentity | null,
      rule: string,
      input: Record<string, unknown> | null,
    ): Promise<GatewayOutcome> => {
      const record = openAuditRecord({
        id: '',
        now,
        agent,
        surface: req.surface,
        action: action?.id ?? routeText,
        input: action ? input : null,
        keepPersonal,
        target: action ? '' : routeText,
        decision: 'denied',
        rule,
        reason: error.message,
        errorCode: error.code,
      });
      const auditId = await deps.audit.open({ ...record, durationMs: elapsed() });
      return err({ error, auditId, action });
    };

    // 1. Authenticate.
    const agent = req.token ? await deps.agents.authenticate(req.token) : null;
    if (!agent) {
      return refuse(
        gatewayError.unauthenticated(req.token ? 'unknown' : 'missing'),
        null,
        'unauthenticated',
        null,
      );
    }
    deps.agents.noteUse(agent.id, req.ip, now);

    // 2. Parameters of a shape no parameters may have (a key that reaches a prototype, nesting
    // past the limit) are refused before anything walks them, even to mask them for the record.
    const shape = inspectInputShape(req.input ?? {});
    if (shape) {
      const error = gatewayError.unsafeInput({
        problem: shape.kind,
        path: 'path' in shape ? shape.path : '',
        message: describeInputShapeProblem(shape),
      });
      return refuse(error, agent, 'unsafe input', null);
    }

    // 3. Is the action known?
    if (!action) {
      const error = req.route
        ? gatewayError.unknownAction({ method: req.route.method, path: req.route.path })
        : gatewayError.unknownAction({ actionId: req.actionId });
      return refuse(error, agent, 'unknown action', null);
    }

    // 4. Validate with the catalog schema: nothing reaches Apollo unless it parses. An agent never
    // gives Apollo a webhook of its own (Apollo would send personal data around the audit trail and
    // the agent's redaction): Gatehouse substitutes its receiver when the call asks for a delivery.
    let toParse = rawInput;
    let receiver: { readonly url: string; readonly hash: string } | null = null;
    if (action.delivery) {
      const { webhook_url: _theirs, ...rest } = rawInput;
      toParse = rest;
      if (deps.deliveries && action.delivery.asks(rest)) {
        receiver = deps.deliveries.receiver();
        toParse = { ...rest, webhook_url: receiver.url };
      }
    }
    // Parameters Apollo does not document would be dropped by the schema and ignored by Apollo:
    // refused (nothing sent), or, if the admin chose to, forwarded as given.
    const documented = new Set(action.paramNames);
    const strays = Object.keys(toParse).filter((k) => !documented.has(k));
    if (strays.length && (deps.unknownParams ?? 'refuse') === 'refuse') {
      const error = gatewayError.unknownParameter({
        action: action.id,
        unknown: strays.map((name) => ({
          name,
          suggestions: closestNames(name, action.paramNames),
        })),
      });
      return refuse(error, agent, 'unknown parameter', rawInput);
    }
    const parsed = action.input.safeParse(toParse);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({
        path: i.path.join('.'),
        message: i.message,
      }));
      return refuse(gatewayError.invalidInput(issues), agent, 'invalid input', rawInput);
    }
    const input = strays.length
      ? { ...(parsed.data as Record<string, unknown>), ...pick(toParse, strays) }
      : (parsed.data as Record<string, unknown>);
    const forwarded = strays.length
      ? `Forwarded parameters Apollo does not document: ${strays.join(', ')} (GATEHOUSE_UNKNOWN_PARAMS=forward).`
      : undefined;

    // 5. Decide.
    const decision = decide({
      grants: await deps.grants.grantsFor(agent.id),
      actionId: action.id,
      input,
    });
    if (decision.kind === 'deny') {
      return refuse(
        gatewayError.notGranted({ rule: decision.rule, reason: decision.reason }),
        agent,
        decision.rule,
        input,
      );
    }
    if (decision.kind === 'hold') {
      // Without an approval queue a held call fails closed.
      if (!deps.approvals) {
        return refuse(
          gatewayError.notGranted({
            rule: decision.rule,
            reason: `This call needs an admin's approval under ${decision.rule}, and approvals are not available here, so it is refused.`,
          }),
          agent,
          decision.rule,
          input,
        );
      }
      return hold(req, agent, action, input, decision.rule, now, elapsed);
    }

    // The record of an allowed call, opened before Apollo is called (or completed from cache).
    const recorder: Recorder = {
      async open() {
        const opened = openAuditRecord({
          id: '',
          now,
          agent,
          surface: req.surface,
          action: action.id,
          input,
          keepPersonal,
          decision: 'allowed',
          rule: decision.rule,
          ...(forwarded ? { reason: forwarded } : {}),
        });
        return { auditId: await deps.audit.open(opened), opened };
      },
      refuse: (error, rule) => refuse(error, agent, rule, input),
    };
    return proceed({
      surface: req.surface,
      agent,
      action,
      input,
      rule: decision.rule,
      receiver,
      held,
      recorder,
      now,
      elapsed,
    });
  }

  /**
   * Steps 5–11 for a call the policy allowed (or an admin approved): cache, budget, credential,
   * audit, Apollo, cache write, delivery, redaction, completion.
   */
  async function proceed(p: Proceed): Promise<GatewayOutcome> {
    const { agent, action, input, now, elapsed, held, receiver } = p;
    const decision = { rule: p.rule };
    const req = { surface: p.surface };

    // 5. The enrichment cache: what Gatehouse already knows costs nothing and never reaches Apollo.
    // (After the decision, so the people.reveal grant was checked; before budget and pacing.)
    // Most actions are never cached: they skip the lookup (and its await) entirely.
    const cached: CachedAnswer = deps.cache?.handles(action.id)
      ? await deps.cache.lookup(action.id, input, now).catch((e: unknown) => {
          deps.logger.warn({ err: e, action: action.id }, 'enrichment cache lookup failed');
          return { kind: 'miss' } as const;
        })
      : { kind: 'miss' };
    if (cached.kind === 'hit') {
      const { auditId, opened: fromCache } = await p.recorder.open();
      await deps.audit.complete(
        auditId,
        completeAuditRecord(
          { ...fromCache, id: auditId },
          { credits: 0, durationMs: elapsed(), cacheHit: true, savedCredits: cached.savedCredits },
        ),
      );
      const hidden = [...agent.redactedFields, ...action.secretFields];
      const redacted =
        hidden.length > 0 ? redactFields(cached.body, hidden) : { value: cached.body, removed: 0 };
      return ok({
        status: 200,
        body: redacted.value,
        rate: null,
        auditId,
        credits: 0,
        action,
        agent,
        redacted: redacted.removed,
        cache: { hit: 'full', savedCredits: cached.savedCredits },
      });
    }
    const sendInput = cached.kind === 'partial' ? cached.sendInput : input;

    // 6. Credit budget: a call that could take the agent past its daily or monthly budget is
    // refused before it reaches Apollo. Estimates of the agent's calls in flight count as spent.
    const estimate = estimateCredits(action, sendInput);
    if (estimate > 0) {
      const over = await budgetRefusal(agent, estimate, now);
      if (over) return p.recorder.refuse(over, `credit budget per ${over.budget.period}`);
      // Replicas: the reservation is made in the shared counters, atomically with the check.
      if (deps.reservations && hasBudget(agent)) {
        const shared = await sharedReservation(agent, estimate, now);
        if (shared) {
          const rule =
            shared.code === 'budget_exhausted'
              ? `credit budget per ${shared.budget.period}`
              : 'shared counters';
          return p.recorder.refuse(shared, rule);
        }
        held.shared = true;
      }
      inFlightCredits.set(agent.id, (inFlightCredits.get(agent.id) ?? 0) + estimate);
      held.agentId = agent.id;
      held.credits = estimate;
    }

    // 7. A credential to call Apollo with.
    const credential = await deps.credentials.current();
    if (!credential) return p.recorder.refuse(gatewayError.credentialMissing(), decision.rule);

    // 8. Open the audit record before anything reaches Apollo.
    const { auditId, opened } = await p.recorder.open();
    const finish = (outcome: AuditOutcome) =>
      deps.audit.complete(auditId, completeAuditRecord({ ...opened, id: auditId }, outcome));

    try {
      // 9. Call Apollo. An OAuth token Apollo rejects (expired early, revoked) is refreshed and the
      // call retried once: Apollo refuses a bad credential before acting, so even a write is safe
      // to repeat, and the call keeps its one audit record.
      let result = await deps.upstream.call(action, sendInput, credential, { agentId: agent.id });
      if (
        !result.ok &&
        result.error.kind === 'unauthorized' &&
        deps.credentials.refreshAfterRejection
      ) {
        const renewed = await deps.credentials.refreshAfterRejection(credential);
        if (renewed) {
          result = await deps.upstream.call(action, sendInput, renewed, { agentId: agent.id });
        }
      }
      if (deps.reach && credential.kind === 'apikey') {
        if (result.ok) deps.reach.note(action.id, true);
        else if (
          result.error.kind === 'forbidden' &&
          result.error.errorCode === 'API_INACCESSIBLE'
        ) {
          deps.reach.note(action.id, false);
        }
      }
      if (!result.ok) {
        const error = explainUpstreamError(result.error, action, sendInput);
        const e = result.error;
        // Refused by Gatehouse's pacer: Apollo was never called.
        const paced = e.kind === 'rate_limited' && e.errorCode === pacedErrorCode;
        await finish({
          upstreamStatus: paced ? null : 'status' in e ? e.status : null,
          upstreamErrorCode:
            error.code === 'upstream_error'
              ? error.upstream.errorCode
              : 'errorCode' in e
                ? e.errorCode
                : null,
          credits: 0,
          durationMs: elapsed(),
          errorCode: error.code,
        });
        return err({ error, auditId, action });
      }
      // 10. Remember what Apollo said (unredacted, for any agent allowed to see it), merge cached
      // parts back in, redact what this agent may not see, then complete the record.
      // The team's own secrets in Apollo's answer (a mail provider's key in an email account) go
      // before anything keeps or shows the answer: no agent, cache or approval result holds them.
      const answer = action.secretFields.length
        ? redactFields(result.value.body, action.secretFields).value
        : result.value.body;
      if (deps.cache?.handles(action.id)) {
        const paid = creditsFromResponse(action, answer);
        void deps.cache
          .remember(action.id, sendInput, answer, paid, now)
          .catch((e: unknown) => deps.logger.warn({ err: e }, 'enrichment cache write failed'));
      }
      const body = cached.kind === 'partial' ? cached.merge(answer) : answer;
      const credits = creditsFromResponse(action, body);
      // 11. Apollo will send part of the answer later: await it for this agent.
      let delivery: GatewaySuccess['delivery'];
      const requestId = receiver && action.delivery ? action.delivery.expected(body) : null;
      if (receiver && requestId && action.delivery && deps.deliveries) {
        const what = action.delivery.what(input);
        await deps.deliveries
          .expect({
            receiverHash: receiver.hash,
            agent: { id: agent.id, name: agent.name },
            surface: req.surface,
            actionId: action.id,
            what,
            callAuditId: auditId,
            requestId,
            rule: decision.rule,
          })
          .then(
            () => (delivery = { requestId, what }),
            (e: unknown) =>
              deps.logger.error(
                { err: e, auditId },
                'could not record an awaited delivery; the agent cannot fetch it',
              ),
          );
      }
      const redacted =
        agent.redactedFields.length > 0
          ? redactFields(body, [...agent.redactedFields])
          : { value: body, removed: 0 };
      await finish({
        upstreamStatus: result.value.status,
        credits,
        durationMs: elapsed(),
        ...(result.value.waitedMs ? { waitedMs: result.value.waitedMs } : {}),
        ...(result.value.waitedFor ? { waitedFor: result.value.waitedFor } : {}),
        ...(cached.kind === 'partial' ? { savedCredits: cached.savedCredits } : {}),
      });
      return ok({
        status: result.value.status,
        body: redacted.value,
        rate: result.value.rate,
        auditId,
        credits,
        action,
        agent,
        redacted: redacted.removed,
        ...(result.value.waitedMs ? { waitedMs: result.value.waitedMs } : {}),
        ...(cached.kind === 'partial'
          ? { cache: { hit: 'partial' as const, savedCredits: cached.savedCredits } }
          : {}),
        ...(delivery ? { delivery } : {}),
      });
    } catch (e) {
      deps.logger.error(
        { err: e, auditId, action: action.id },
        'pipeline failed after the audit record opened',
      );
      await finish({ durationMs: elapsed(), errorCode: 'internal' }).catch(() => undefined);
      return err({ error: gatewayError.internal(e), auditId, action });
    }
  }

  async function deliveryResult(
    req: DeliveryResultRequest,
  ): Promise<Result<ResultAnswer, GatewayFailure>> {
    const who = await authenticateOrRefuse(req);
    if (!who.ok) return who;
    const agent = who.value;
    if (!deps.deliveries) {
      return ok({
        status: 404,
        redacted: 0,
        body: {
          error_code: 'request_id_unknown',
          error: 'This gateway does not take asynchronous enrichments.',
        },
      });
    }
    return ok(await deps.deliveries.result(agent, req.requestId));
  }

  /** Holds a call for an admin: a pending audit record, the approval, a notification. */
  async function hold(
    req: GatewayRequest,
    agent: AgentIdentity,
    action: ActionSpec,
    input: Record<string, unknown>,
    rule: string,
    now: number,
    elapsed: () => number,
  ): Promise<GatewayOutcome> {
    const store = deps.approvals!;
    const id = newApprovalId();
    const expiresAt = now + (deps.approvalTtlMs ?? 3_600_000);
    const record = openAuditRecord({
      id: '',
      now,
      agent,
      surface: req.surface,
      action: action.id,
      input,
      keepPersonal,
      decision: 'pending',
      rule,
      approvalId: id,
    });
    const auditId = await deps.audit.open({ ...record, durationMs: elapsed() });
    const reason = req.reason?.trim().slice(0, 1000) || null;
    const held: NewApproval = {
      id,
      agentId: agent.id,
      agentName: agent.name,
      surface: req.surface,
      actionId: action.id,
      rule,
      input,
      inputHash: approvalInputHash(input),
      target: record.target,
      reason,
      auditId,
      createdAt: now,
      expiresAt,
    };
    await store.create(held);
    deps.onApprovalRequested?.(held, record.sentence);
    const error = gatewayError.approvalPending({
      approvalId: id,
      rule,
      expiresAt: new Date(expiresAt).toISOString(),
    });
    return err({ error, auditId, action });
  }

  /** The pending audit record of a held call, as it was written (rebuilt from the approval). */
  function pendingRecord(a: StoredApproval): AuditRecord {
    return openAuditRecord({
      id: a.auditId,
      now: a.createdAt,
      agent: { id: a.agentId, name: a.agentName },
      surface: a.surface,
      action: a.actionId,
      input: a.input,
      keepPersonal,
      decision: 'pending',
      rule: a.rule,
      approvalId: a.id,
    });
  }

  async function expireOne(a: StoredApproval): Promise<StoredApproval | undefined> {
    const now = deps.clock.now();
    const expired = await deps.approvals!.transition(a.id, ['pending'], 'expired', { at: now });
    if (expired) {
      await deps.audit
        .complete(a.auditId, settleApproval(pendingRecord(a), { decision: 'expired' }))
        .catch((e: unknown) => deps.logger.error({ err: e }, 'expired approval not audited'));
    }
    return expired;
  }

  /**
   * Runs an approved call through steps 5–11, completing its held audit record; returns its
   * outcome and the approval as it ended (done or failed).
   */
  async function runApproved(
    a: StoredApproval,
  ): Promise<{ outcome: GatewayOutcome; approval: StoredApproval }> {
    const store = deps.approvals!;
    const action = getAction(a.actionId)!;
    const approvedRecord = settleApproval(pendingRecord(a), { decision: 'approved' });
    const started = deps.clock.monotonic();
    const elapsed = () => Math.round((deps.clock.monotonic() - started) * 10) / 10;
    const fail = async (error: GatewayError): Promise<GatewayOutcome> => {
      await deps.audit.complete(
        a.auditId,
        completeAuditRecord(approvedRecord, { durationMs: elapsed(), errorCode: error.code }),
      );
      return err({ error, auditId: a.auditId, action });
    };
    // Fail closed: the agent must still be active and still granted, and the input unchanged.
    const agent = deps.agents.byId ? await deps.agents.byId(a.agentId) : null;
    let outcome: GatewayOutcome;
    if (!agent) {
      outcome = await fail(
        gatewayError.notGranted({
          rule: a.rule,
          reason: `The agent ${a.agentName} was revoked before this call was approved, so it was not sent.`,
        }),
      );
    } else if (approvalInputHash(a.input) !== a.inputHash) {
      outcome = await fail(gatewayError.internal(new Error('the held input changed in storage')));
    } else {
      const decision = decide({
        grants: await deps.grants.grantsFor(agent.id),
        actionId: action.id,
        input: a.input,
      });
      if (decision.kind === 'deny') {
        outcome = await fail(
          gatewayError.notGranted({ rule: decision.rule, reason: decision.reason }),
        );
      } else {
        // Gatehouse's own webhook receiver is minted afresh; everything the agent sent is as held.
        let input = a.input;
        let receiver: { readonly url: string; readonly hash: string } | null = null;
        if (action.delivery?.asks(input) && deps.deliveries) {
          receiver = deps.deliveries.receiver();
          input = { ...input, webhook_url: receiver.url };
        }
        const recorder: Recorder = {
          open: async () => ({ auditId: a.auditId, opened: approvedRecord }),
          refuse: (error) => fail(error),
        };
        outcome = await tracked((held) =>
          proceed({
            surface: a.surface,
            agent,
            action,
            input,
            rule: a.rule,
            receiver,
            held,
            recorder,
            now: deps.clock.now(),
            elapsed,
          }),
        );
      }
    }
    const at = deps.clock.now();
    const ended = await store.transition(
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

  async function answerApproval(
    id: string,
    answer: AdminAnswer,
  ): Promise<Result<AnsweredApproval, ApprovalProblem>> {
    const store = deps.approvals;
    const found = store ? await store.get(id) : undefined;
    if (!store || !found) {
      return err({ code: 'not_found', message: `No held call has the id ${id}.` });
    }
    const now = deps.clock.now();
    if (found.state === 'pending' && found.expiresAt <= now) {
      await expireOne(found);
      return err({
        code: 'expired',
        state: 'expired',
        message: `Approval ${id} expired at ${new Date(found.expiresAt).toISOString()}; the agent must make the call again.`,
      });
    }
    const note = answer.note?.trim() || null;
    const moved = await store.transition(
      id,
      ['pending'],
      answer.approve ? 'approved' : 'rejected',
      { at: now, by: answer.by, note, unexpiredAt: now },
    );
    if (!moved) {
      const current = (await store.get(id)) ?? found;
      return err({
        code: 'not_pending',
        state: current.state,
        message: `Approval ${id} was already answered (${current.state}); an approval is used once.`,
      });
    }
    if (!answer.approve) {
      await deps.audit.complete(
        moved.auditId,
        settleApproval(pendingRecord(moved), {
          decision: 'rejected',
          reason: note ? `The admin wrote: "${note}".` : null,
        }),
      );
      return ok({ approval: moved });
    }
    return ok(await runApproved(moved));
  }

  async function approvalStatus(
    req: ApprovalStatusRequest,
  ): Promise<Result<ApprovalAnswer, GatewayFailure>> {
    const who = await authenticateOrRefuse(req);
    if (!who.ok) return who;
    const agent = who.value;
    let a = deps.approvals ? await deps.approvals.get(req.approvalId) : undefined;
    if (!a || a.agentId !== agent.id) {
      return ok({
        status: 404,
        state: 'unknown',
        body: {
          error: `No held call of yours has the id ${req.approvalId}. Use the approval_id from your own held call.`,
          error_code: 'APPROVAL_UNKNOWN',
        },
      });
    }
    if (a.state === 'pending' && a.expiresAt <= deps.clock.now()) a = (await expireOne(a)) ?? a;
    const id = a.id;
    switch (a.state) {
      case 'pending':
      case 'approved': {
        const waiting = a.state === 'pending';
        return ok({
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
        });
      }
      case 'rejected': {
        const e = gatewayError.approvalRejected({
          approvalId: id,
          ...(a.note ? { note: a.note } : {}),
        });
        return ok({
          status: httpStatusFor(e),
          state: a.state,
          body: { ...toPublicError(e), error: e.message, error_code: 'APPROVAL_REJECTED' },
        });
      }
      case 'expired': {
        const e = gatewayError.approvalExpired({ approvalId: id });
        return ok({
          status: httpStatusFor(e),
          state: a.state,
          body: { error: e.message, error_code: 'APPROVAL_EXPIRED', approval_id: id },
        });
      }
      case 'done':
      case 'failed': {
        const body =
          a.state === 'done' && agent.redactedFields.length > 0
            ? redactFields(a.resultBody, [...agent.redactedFields]).value
            : a.resultBody;
        return ok({ status: a.resultStatus ?? 200, state: a.state, body });
      }
    }
  }

  async function authenticateOrRefuse(req: {
    readonly surface: Surface;
    readonly token: string | null;
    readonly ip: string | null;
    readonly route: string;
  }): Promise<Result<AgentIdentity, GatewayFailure>> {
    const agent = req.token ? await deps.agents.authenticate(req.token) : null;
    if (!agent) {
      const error = gatewayError.unauthenticated(req.token ? 'unknown' : 'missing');
      const record = openAuditRecord({
        id: '',
        now: deps.clock.now(),
        agent: null,
        surface: req.surface,
        action: req.route,
        input: null,
        keepPersonal,
        target: req.route,
        decision: 'denied',
        rule: 'unauthenticated',
        reason: error.message,
        errorCode: error.code,
      });
      return err({ error, auditId: await deps.audit.open(record), action: null });
    }
    deps.agents.noteUse(agent.id, req.ip, deps.clock.now());
    return ok(agent);
  }

  async function refuseRequest(req: RefusedRequest): Promise<GatewayFailure> {
    const known = await authenticateOrRefuse(req);
    if (!known.ok) return known.error;
    const record = openAuditRecord({
      id: '',
      now: deps.clock.now(),
      agent: known.value,
      surface: req.surface,
      action: req.route,
      input: null,
      keepPersonal,
      target: req.route,
      decision: 'denied',
      rule: req.rule,
      reason: req.error.message,
      errorCode: req.error.code,
    });
    return { error: req.error, auditId: await deps.audit.open(record), action: null };
  }

  return {
    handle,
    refuseRequest,
    deliveryResult,
    approvalStatus,
    answerApproval,
    listApprovals: async (filter) => (deps.approvals ? deps.approvals.list(filter) : []),
    async expireApprovals() {
      if (!deps.approvals) return 0;
      let n = 0;
      for (const a of await deps.approvals.expiredPending(deps.clock.now(), 100)) {
        if (await expireOne(a)) n += 1;
      }
      return n;
    },
    inFlight: () => active,
    identify: (token) => deps.agents.authenticate(token),
    grantsFor: (agentId) => deps.grants.grantsFor(agentId),
    headroom: (actionId) => (deps.pacer ? deps.pacer.snapshot(actionId) : null),
    async spentCredits(agentId) {
      if (!deps.ledger) return null;
      const now = deps.clock.now();
      const pending = inFlightCredits.get(agentId) ?? 0;
      return {
        day: (await deps.ledger.spent(agentId, utcDay(now).start)) + pending,
        month: (await deps.ledger.spent(agentId, utcMonth(now).start)) + pending,
      };
    },
    drain: () =>
      active === 0 ? Promise.resolve() : new Promise<void>((resolve) => idle.push(resolve)),
  };
}

/** How a call's audit record is opened, and how a late refusal is recorded. */
interface Recorder {
  open(): Promise<{ auditId: string; opened: AuditRecord }>;
  refuse(error: GatewayError, rule: string): Promise<GatewayOutcome>;
}

/** Everything {@link createGateway}'s `proceed` needs about an allowed or approved call. */
interface Proceed {
  readonly surface: Surface;
  readonly agent: AgentIdentity;
  readonly action: ActionSpec;
  readonly input: Record<string, unknown>;
  readonly rule: string;
  readonly receiver: { readonly url: string; readonly hash: string } | null;
  readonly held: Held;
  readonly recorder: Recorder;
  readonly now: number;
  readonly elapsed: () => number;
}

/** What one call holds against its agent's budget while in flight. */
interface Held {
  agentId: string | null;
  credits: number;
  /** Also reserved in the replicas' shared counters. */
  shared?: boolean;
}

/** The listed own keys of `obj`, as a new object. */
function pick(obj: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, obj[k]]));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export type { AuditRecord };
