// The steps after the decision, for a call the policy allowed or an admin approved: cache →
// budget → credential → open the record → call Apollo (paced in the upstream chain) → keep, merge
// and redact the answer → complete the record.
import { creditsFromResponse, estimateCredits, type ActionSpec } from '../catalog/index.js';
import {
  completeAuditRecord,
  faultOf,
  gatewayError,
  redactFields,
  type AuditOutcome,
  type AuditRecord,
  type GatewayError,
} from '../core/index.js';
import { err, ok } from '../core/result.js';
import type { AgentIdentity, CachedAnswer, Surface } from '../ports/index.js';
import type { Credential } from '../ports/upstream.js';

import type { Budgets, Held } from './budget.js';
import type { GatewayDeps, GatewayOutcome, GatewaySuccess } from './types.js';
import { explainUpstreamError } from './upstream-errors.js';
import { step } from '../telemetry/index.js';
import type { Receiver } from './validate.js';

/** How a call's audit record is opened, and how a late refusal is recorded. */
export interface CallRecord {
  open(): Promise<{ auditId: string; opened: AuditRecord }>;
  refuse(error: GatewayError, rule: string): Promise<GatewayOutcome>;
}

/** Everything the call steps need about an allowed or approved call. */
export interface AllowedCall {
  readonly surface: Surface;
  readonly agent: AgentIdentity;
  readonly action: ActionSpec;
  readonly input: Record<string, unknown>;
  readonly rule: string;
  readonly receiver: Receiver | null;
  readonly held: Held;
  readonly record: CallRecord;
  readonly now: number;
  readonly elapsed: () => number;
}

/** Removes what this agent may not see (its redaction settings), counting what went. */
export function redactFor(agent: AgentIdentity, body: unknown, also: readonly string[] = []) {
  const hidden = [...agent.redactedFields, ...also];
  return hidden.length > 0 ? redactFields(body, hidden) : { value: body, removed: 0 };
}

export function createCaller(deps: GatewayDeps, budgets: Budgets) {
  /** Step 5: what Gatehouse already knows costs nothing and never reaches Apollo. */
  async function fromCache(c: AllowedCall): Promise<CachedAnswer> {
    // Most actions are never cached: they skip the lookup (and its await) entirely.
    const cache = deps.cache;
    if (!cache?.handles(c.action.id)) return { kind: 'miss' };
    return step('gatehouse.cache', async (span) => {
      const found = await cache.lookup(c.action.id, c.input, c.now).catch((e: unknown) => {
        deps.logger.warn({ err: e, action: c.action.id }, 'enrichment cache lookup failed');
        return { kind: 'miss' } as const;
      });
      span?.setAttribute('gatehouse.cache.result', found.kind);
      return found;
    });
  }

  /** Step 9: Apollo, with one retry after refreshing an OAuth token Apollo rejected. */
  async function callApollo(
    c: AllowedCall,
    sendInput: Record<string, unknown>,
    credential: Credential,
  ) {
    const meta = { agentId: c.agent.id };
    // Apollo refuses a bad credential before acting, so even a write is safe to repeat.
    let result = await deps.upstream.call(c.action, sendInput, credential, meta);
    if (
      !result.ok &&
      result.error.kind === 'unauthorized' &&
      deps.credentials.refreshAfterRejection
    ) {
      const renewed = await deps.credentials.refreshAfterRejection(credential);
      if (renewed) result = await deps.upstream.call(c.action, sendInput, renewed, meta);
    }
    if (deps.reach && credential.kind === 'apikey') {
      if (result.ok) deps.reach.note(c.action.id, true);
      else if (result.error.kind === 'forbidden' && result.error.errorCode === 'API_INACCESSIBLE') {
        deps.reach.note(c.action.id, false);
      }
    }
    return result;
  }

  /** Step 11: Apollo will send part of the answer later: await it for this agent. */
  async function expectDelivery(c: AllowedCall, body: unknown, auditId: string) {
    const requestId = c.receiver && c.action.delivery ? c.action.delivery.expected(body) : null;
    if (!c.receiver || !requestId || !c.action.delivery || !deps.deliveries) return undefined;
    const what = c.action.delivery.what(c.input);
    try {
      await deps.deliveries.expect({
        receiverHash: c.receiver.hash,
        agent: { id: c.agent.id, name: c.agent.name },
        surface: c.surface,
        actionId: c.action.id,
        what,
        callAuditId: auditId,
        requestId,
        rule: c.rule,
      });
      return { requestId, what };
    } catch (e) {
      deps.logger.error(
        { err: e, auditId },
        'could not record an awaited delivery; the agent cannot fetch it',
      );
      return undefined;
    }
  }

  /**
   * Completes an open record once the answer is known. The answer is the agent's whatever happens
   * here: a completion that fails (Gatehouse's database went away after Apollo answered) is logged
   * as an error naming the record, which stays open (the record written before the call says what
   * was asked), and the agent still gets Apollo's answer rather than a failure for a call that ran.
   */
  async function complete(auditId: string, opened: AuditRecord, outcome: AuditOutcome) {
    try {
      await deps.audit.complete(auditId, completeAuditRecord({ ...opened, id: auditId }, outcome));
    } catch (e) {
      deps.logger.error(
        { err: e, auditId, action: opened.action, upstreamStatus: outcome.upstreamStatus ?? null },
        'AUDIT RECORD NOT COMPLETED: the call ran and its answer went to the agent, but its audit record stays open without the outcome',
      );
    }
  }

  /** Step 7: the credential; one the store holds but cannot open is a refusal saying so. */
  async function credentialFor(c: AllowedCall) {
    try {
      return { credential: await deps.credentials.current() };
    } catch (e) {
      const fault = faultOf(e);
      if (!fault) throw e;
      return { refused: await c.record.refuse(fault, c.rule) };
    }
  }

  return async function proceed(c: AllowedCall): Promise<GatewayOutcome> {
    const { agent, action, elapsed } = c;
    const cached = await fromCache(c);
    if (cached.kind === 'hit') {
      const { auditId, opened } = await c.record.open();
      const outcome = {
        credits: 0,
        durationMs: elapsed(),
        cacheHit: true,
        savedCredits: cached.savedCredits,
      };
      await complete(auditId, opened, outcome);
      const redacted = redactFor(agent, cached.body, action.secretFields);
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
    const sendInput = cached.kind === 'partial' ? cached.sendInput : c.input;

    // Step 6: the credit budget, before anything reaches Apollo.
    const over = await step('gatehouse.budget', () =>
      budgets.reserve(agent, estimateCredits(action, sendInput), c.now, c.held),
    );
    if (over) return c.record.refuse(over.error, over.rule);
    // Step 7: a credential (checked before the record opens, so a refusal is one record).
    const found = await step('gatehouse.credential', () => credentialFor(c));
    if (found.refused) return found.refused;
    const { credential } = found;
    if (!credential) return c.record.refuse(gatewayError.credentialMissing(), c.rule);

    // Step 8: the record is open before anything reaches Apollo; if it cannot be written the call
    // stops here (the fault becomes STORE_UNAVAILABLE in the pipeline) and Apollo is not called.
    const { auditId, opened } = await c.record.open();
    // The answer does not wait for its completion to commit: the record opened durably before
    // Apollo was called, and a completion lost in a crash leaves it to the abandoned-records sweep
    // (outcome unknown), as on Postgres. The call stays in flight (its budget reservation held, a
    // drain waiting) until the completion is written, and this process's reads of the trail wait
    // for it (store/index.ts), so the console and the budget checks see every finished call.
    const finish = async (outcome: AuditOutcome) => {
      const done = complete(auditId, opened, outcome);
      if (c.held.trailing) c.held.trailing.push(done);
      else await done;
    };
    try {
      const result = await callApollo(c, sendInput, credential);
      if (!result.ok) {
        const error = explainUpstreamError(result.error, action, sendInput);
        const e = result.error;
        // A call Gatehouse's pacer refused (`not_sent`) has no status: Apollo was never called.
        await finish({
          upstreamStatus: 'status' in e ? e.status : null,
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
      // Step 10: the team's own secrets in Apollo's answer go before anything keeps or shows it;
      // the cache keeps the rest unredacted (for any agent allowed to see it); cached parts are
      // merged back in; then what this agent may not see is removed.
      const answer = action.secretFields.length
        ? redactFields(result.value.body, action.secretFields).value
        : result.value.body;
      if (deps.cache?.handles(action.id)) {
        const paid = creditsFromResponse(action, answer);
        // Stored before the agent hears back, so a repeat right after this answer is served from
        // the cache and never pays twice; a failed write is logged and the answer still goes out.
        await deps.cache
          .remember(action.id, sendInput, answer, paid, c.now)
          .catch((e: unknown) => deps.logger.warn({ err: e }, 'enrichment cache write failed'));
      }
      const body = cached.kind === 'partial' ? cached.merge(answer) : answer;
      const credits = creditsFromResponse(action, body);
      const delivery = await expectDelivery(c, body, auditId);
      const redacted = redactFor(agent, body);
      const { waitedMs, waitedFor } = result.value;
      await finish({
        upstreamStatus: result.value.status,
        credits,
        durationMs: elapsed(),
        ...(waitedMs ? { waitedMs } : {}),
        ...(waitedFor ? { waitedFor } : {}),
        ...(cached.kind === 'partial' ? { savedCredits: cached.savedCredits } : {}),
      });
      const success: GatewaySuccess = {
        status: result.value.status,
        body: redacted.value,
        rate: result.value.rate,
        auditId,
        credits,
        action,
        agent,
        redacted: redacted.removed,
        ...(waitedMs ? { waitedMs } : {}),
        ...(cached.kind === 'partial'
          ? { cache: { hit: 'partial' as const, savedCredits: cached.savedCredits } }
          : {}),
        ...(delivery ? { delivery } : {}),
      };
      return ok(success);
    } catch (e) {
      deps.logger.error(
        { err: e, auditId, action: action.id },
        'pipeline failed after the audit record opened',
      );
      await finish({ durationMs: elapsed(), errorCode: 'internal' });
      return err({ error: gatewayError.internal(e), auditId, action });
    }
  };
}
