import { creditsFromResponse, getAction, type ActionSpec } from '../catalog/index.js';
import {
  completeAuditRecord,
  decide,
  gatewayError,
  openAuditRecord,
  redactFields,
  type AuditOutcome,
  type AuditRecord,
  type GatewayError,
} from '../core/index.js';
import { err, ok, type Result } from '../core/result.js';
import type {
  AgentDirectory,
  AgentIdentity,
  AuditSink,
  Clock,
  CredentialSource,
  GrantSource,
  Logger,
  RateLimitInfo,
  Surface,
  Upstream,
} from '../ports/index.js';

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
  /** Keep personal data unmasked in audit records (off by default). */
  readonly auditKeepPersonal?: boolean;
}

/** The one request pipeline every surface calls. */
export interface Gateway {
  handle(request: GatewayRequest): Promise<GatewayOutcome>;
  /** Resolves when no call is in flight (graceful shutdown). */
  drain(): Promise<void>;
  /** Calls in flight now. */
  inFlight(): number;
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

  async function handle(req: GatewayRequest): Promise<GatewayOutcome> {
    active += 1;
    try {
      return await run(req);
    } finally {
      active -= 1;
      if (active === 0) {
        const waiting = idle;
        idle = [];
        for (const resolve of waiting) resolve();
      }
    }
  }

  async function run(req: GatewayRequest): Promise<GatewayOutcome> {
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

    // 3. Validate with the catalog schema: nothing reaches Apollo unless it parses.
    const parsed = action.input.safeParse(rawInput);
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

    // 5. A credential to call Apollo with.
    const credential = await deps.credentials.current();
    if (!credential) return refuse(gatewayError.credentialMissing(), agent, decision.rule, input);

    // 6. Open the audit record before anything reaches Apollo.
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
    });
    const auditId = await deps.audit.open(opened);
    const finish = (outcome: AuditOutcome) =>
      deps.audit.complete(auditId, completeAuditRecord({ ...opened, id: auditId }, outcome));

    try {
      // 7. Call Apollo.
      const result = await deps.upstream.call(action, input, credential);
      if (!result.ok) {
        const error = explainUpstreamError(result.error);
        const e = result.error;
        await finish({
          upstreamStatus: 'status' in e ? e.status : null,
          upstreamErrorCode: 'errorCode' in e ? e.errorCode : null,
          credits: 0,
          durationMs: elapsed(),
          errorCode: error.code,
        });
        return err({ error, auditId, action });
      }
      // 8. Redact what this agent may not see, then complete the record.
      const credits = creditsFromResponse(action, result.value.body);
      const redacted =
        agent.redactedFields.length > 0
          ? redactFields(result.value.body, [...agent.redactedFields])
          : { value: result.value.body, removed: 0 };
      await finish({ upstreamStatus: result.value.status, credits, durationMs: elapsed() });
      return ok({
        status: result.value.status,
        body: redacted.value,
        rate: result.value.rate,
        auditId,
        credits,
        action,
        agent,
        redacted: redacted.removed,
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

  return {
    handle,
    inFlight: () => active,
    drain: () =>
      active === 0 ? Promise.resolve() : new Promise<void>((resolve) => idle.push(resolve)),
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export type { AuditRecord };
