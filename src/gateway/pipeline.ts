import {
  creditsFromResponse,
  estimateCredits,
  getAction,
  type ActionSpec,
} from '../catalog/index.js';
import {
  completeAuditRecord,
  decide,
  gatewayError,
  openAuditRecord,
  redactFields,
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
    active += 1;
    const held: Held = { agentId: null, credits: 0 };
    try {
      return await run(req, held);
    } finally {
      if (held.agentId && held.credits) {
        const left = (inFlightCredits.get(held.agentId) ?? 0) - held.credits;
        if (left > 1e-9) inFlightCredits.set(held.agentId, left);
        else inFlightCredits.delete(held.agentId);
      }
      active -= 1;
      if (active === 0) {
        const waiting = idle;
        idle = [];
        for (const resolve of waiting) resolve();
      }
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

    // 2. Is the action known?
    if (!action) {
      const error = req.route
        ? gatewayError.unknownAction({ method: req.route.method, path: req.route.path })
        : gatewayError.unknownAction({ actionId: req.actionId });
      return refuse(error, agent, 'unknown action', null);
    }

    // 3. Validate with the catalog schema: nothing reaches Apollo unless it parses. An agent never
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
    const parsed = action.input.safeParse(toParse);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({
        path: i.path.join('.'),
        message: i.message,
      }));
      return refuse(gatewayError.invalidInput(issues), agent, 'invalid input', rawInput);
    }
    const input = parsed.data as Record<string, unknown>;

    // 4. Decide.
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
      // Held calls need the approval queue (the console issue); until it exists they fail closed.
      return refuse(
        gatewayError.notGranted({
          rule: decision.rule,
          reason: `This call needs an admin's approval under ${decision.rule}, and approvals are not available in this version, so it is refused.`,
        }),
        agent,
        decision.rule,
        input,
      );
    }

    // The record of an allowed call, opened before Apollo is called (or completed from cache).
    const allowedRecord = () =>
      openAuditRecord({
        id: '',
        now,
        agent,
        surface: req.surface,
        action: action.id,
        input,
        keepPersonal,
        decision: 'allowed',
        rule: decision.rule,
      });

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
      const fromCache = allowedRecord();
      const auditId = await deps.audit.open(fromCache);
      await deps.audit.complete(
        auditId,
        completeAuditRecord(
          { ...fromCache, id: auditId },
          { credits: 0, durationMs: elapsed(), cacheHit: true, savedCredits: cached.savedCredits },
        ),
      );
      const redacted =
        agent.redactedFields.length > 0
          ? redactFields(cached.body, [...agent.redactedFields])
          : { value: cached.body, removed: 0 };
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
      if (over) return refuse(over, agent, `credit budget per ${over.budget.period}`, input);
      inFlightCredits.set(agent.id, (inFlightCredits.get(agent.id) ?? 0) + estimate);
      held.agentId = agent.id;
      held.credits = estimate;
    }

    // 7. A credential to call Apollo with.
    const credential = await deps.credentials.current();
    if (!credential) return refuse(gatewayError.credentialMissing(), agent, decision.rule, input);

    // 8. Open the audit record before anything reaches Apollo.
    const opened = allowedRecord();
    const auditId = await deps.audit.open(opened);
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
        const error = explainUpstreamError(result.error);
        const e = result.error;
        // Refused by Gatehouse's pacer: Apollo was never called.
        const paced = e.kind === 'rate_limited' && e.errorCode === pacedErrorCode;
        await finish({
          upstreamStatus: paced ? null : 'status' in e ? e.status : null,
          upstreamErrorCode: 'errorCode' in e ? e.errorCode : null,
          credits: 0,
          durationMs: elapsed(),
          errorCode: error.code,
        });
        return err({ error, auditId, action });
      }
      // 10. Remember what Apollo said (unredacted, for any agent allowed to see it), merge cached
      // parts back in, redact what this agent may not see, then complete the record.
      if (deps.cache?.handles(action.id)) {
        const paid = creditsFromResponse(action, result.value.body);
        void deps.cache
          .remember(action.id, sendInput, result.value.body, paid, now)
          .catch((e: unknown) => deps.logger.warn({ err: e }, 'enrichment cache write failed'));
      }
      const body = cached.kind === 'partial' ? cached.merge(result.value.body) : result.value.body;
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

  return {
    handle,
    deliveryResult,
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

/** What one call holds against its agent's budget while in flight. */
interface Held {
  agentId: string | null;
  credits: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export type { AuditRecord };
