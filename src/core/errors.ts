// Every way a Gatehouse call can fail, as values. Each surface (REST, MCP, CLI) maps these with
// `httpStatusFor`, `retryAfterFor` (error-status.ts) and `toPublicError`, so an agent sees the same
// outcome whichever door it used. A refusal of Gatehouse's own (its queue, its shutdown, its shared
// state) has a code of its own and never reads as Apollo's rate limit.
import type { Window } from '../catalog/index.js';

import {
  errorCodes,
  type BusyReason,
  type BudgetDetails,
  type BadRequestProblem,
  type GatewayError,
  type GatewayErrorOf,
  type InputIssue,
  type PublicGatewayError,
  type RateLimitScope,
  type SharedState,
  type UnauthenticatedReason,
  type UpstreamDetails,
} from './error-codes.js';
import { formatCredits, formatWait } from './format.js';

const withCause = (cause: unknown) => (cause === undefined ? {} : { cause });

const perWindow: Readonly<Record<Window, string>> = {
  minute: 'per-minute',
  hour: 'hourly',
  day: 'daily',
};

function issueList(issues: readonly InputIssue[]): string {
  const shown = issues.slice(0, 5).map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
  const more = issues.length > 5 ? `; and ${issues.length - 5} more` : '';
  return `${shown.join('; ')}${more}`;
}

function upstreamMessage(status: number, errorCode: string | null, apolloMessage: string): string {
  const said = apolloMessage ? ` Apollo said: "${apolloMessage}".` : '';
  if (status === 401)
    return `Apollo refused the team's Apollo credential (401).${said} This is not your token; ask an admin to reconnect Apollo (gatehouse connect).`;
  if (
    status === 403 &&
    (errorCode === 'API_INACCESSIBLE' || (errorCode === null && !apolloMessage))
  )
    return `The team's Apollo key cannot reach this endpoint (403${errorCode ? ` ${errorCode}` : ''}); this is a setting of the Apollo key, not of this agent's grants.${said} Ask an admin to give the key this endpoint's scope or use a master key.`;
  if (status === 403)
    return `Apollo refused this call for the team's Apollo account (403${errorCode ? ` ${errorCode}` : ''}), for example because the plan does not include it; this is not this agent's grant.${said} Ask an admin.`;
  if (status === 404)
    return `Apollo found no such record (404).${said} Check the id, for example with a search.`;
  // Apollo answers 422 when the team's credits run out, a refusal of the account, not of the input.
  if (
    status === 422 &&
    (errorCode === 'BILLING.LIMIT.CREDITS_EXHAUSTED' || /insufficient credits/i.test(apolloMessage))
  )
    return `The team's Apollo account is out of credits (422${errorCode ? ` ${errorCode}` : ''}), so Apollo refused this call; this is not this agent's Gatehouse budget.${said} Ask an admin to add Apollo credits or upgrade the plan; calls that cost no credits still work.`;
  if (status === 400 || status === 422)
    return `Apollo rejected the request (${status}).${said} Fix the request and try again.`;
  if (status >= 500) return `Apollo failed on its side (${status}).${said} Try again in a moment.`;
  return `Apollo answered an unexpected ${status}.${said} Try again later or tell an admin.`;
}

/** Constructors, one per code, that write the agent-facing message so every surface says the same. */
export const gatewayError = Object.freeze({
  /** The token is missing, unknown or revoked. */
  unauthenticated(
    reason: UnauthenticatedReason,
    cause?: unknown,
  ): GatewayErrorOf<'unauthenticated'> {
    const message = {
      missing:
        "No Gatehouse token was sent. Send the agent's token in the X-Api-Key header or as Authorization: Bearer <token>.",
      unknown:
        'This Gatehouse token is not recognised. Use the token Gatehouse printed when the agent was created or last rotated.',
      revoked:
        'This Gatehouse token was revoked. Ask an admin for a new one (gatehouse agent rotate).',
      rotated:
        "This Gatehouse token was replaced by a newer one when the agent's token was rotated. Use the agent's current token; ask an admin if you do not have it.",
    }[reason];
    return { code: 'unauthenticated', reason, message, ...withCause(cause) };
  },

  /** A request that could not be read as a call (its message says what to send instead). */
  badRequest(problem: BadRequestProblem, message: string): GatewayErrorOf<'bad_request'> {
    return { code: 'bad_request', problem, message };
  },

  /** The parameters have a shape no parameters may have (a prototype key, nesting too deep). */
  unsafeInput(p: {
    problem: GatewayErrorOf<'unsafe_input'>['problem'];
    path: string;
    message: string;
  }): GatewayErrorOf<'unsafe_input'> {
    return {
      code: 'unsafe_input',
      problem: p.problem,
      path: p.path,
      message: `${p.message} Nothing was sent to Apollo.`,
    };
  },

  /** No catalog action has this id, or no action answers this method and path. */
  unknownAction(
    what: { actionId: string } | { method: string; path: string },
  ): GatewayErrorOf<'unknown_action'> {
    if ('actionId' in what)
      return {
        code: 'unknown_action',
        actionId: what.actionId,
        message: `Gatehouse has no action named '${what.actionId}'. List the available tools, or use an action id such as people.search.`,
      };
    const route = `${what.method.toUpperCase()} ${what.path}`;
    return {
      code: 'unknown_action',
      route,
      message: `Gatehouse does not serve ${route}. Check the method and path against the Apollo endpoints Gatehouse supports (its tool list shows them).`,
    };
  },

  /** The input failed the action's schema. */
  invalidInput(issues: readonly InputIssue[], cause?: unknown): GatewayErrorOf<'invalid_input'> {
    const list = issues.length ? issueList(issues) : 'the input does not match the schema';
    return {
      code: 'invalid_input',
      issues,
      message: `The request is invalid: ${list}. Fix these fields and try again.`,
      ...withCause(cause),
    };
  },

  /** Parameters the action's Apollo endpoint does not document: refused rather than dropped. */
  unknownParameter(p: {
    action: string;
    unknown: readonly { name: string; suggestions: readonly string[] }[];
  }): GatewayErrorOf<'unknown_parameter'> {
    const each = p.unknown.map(
      (u) =>
        `'${u.name}'${u.suggestions.length ? ` (did you mean ${u.suggestions.map((s) => `'${s}'`).join(' or ')}?)` : ''}`,
    );
    const one = p.unknown.length === 1;
    return {
      code: 'unknown_parameter',
      unknown: p.unknown,
      message: `Apollo does not document ${one ? 'the parameter' : 'the parameters'} ${each.join(', ')} for ${p.action}, so nothing was sent: Apollo would ignore ${one ? 'it' : 'them'} and answer as if ${one ? 'it was' : 'they were'} never given. Use the documented names (the tool's input schema lists them) and call again.`,
    };
  },

  /** The policy denied the call; `reason` is the sentence `decide` wrote. */
  notGranted(denial: { rule: string; reason: string }): GatewayErrorOf<'not_granted'> {
    return { code: 'not_granted', rule: denial.rule, message: denial.reason };
  },

  /** The call is held until an admin approves it. */
  approvalPending(p: {
    approvalId: string;
    rule: string;
    expiresAt?: string;
  }): GatewayErrorOf<'approval_pending'> {
    const until = p.expiresAt ? ` unless answered by ${p.expiresAt}` : '';
    return {
      code: 'approval_pending',
      approvalId: p.approvalId,
      rule: p.rule,
      ...(p.expiresAt ? { expiresAt: p.expiresAt } : {}),
      message: `This call needs an admin's approval (${p.rule}) and is held as approval ${p.approvalId}; nothing was sent to Apollo yet. Check back later with that id; the request expires${until || ' if nobody answers'}.`,
    };
  },

  /** An admin refused the held call. */
  approvalRejected(p: { approvalId: string; note?: string }): GatewayErrorOf<'approval_rejected'> {
    const note = p.note ? ` The admin wrote: "${p.note}".` : '';
    return {
      code: 'approval_rejected',
      approvalId: p.approvalId,
      ...(p.note ? { note: p.note } : {}),
      message: `An admin rejected this call (approval ${p.approvalId}), so it was not sent to Apollo.${note} Do not retry it unchanged; ask an admin what would be acceptable.`,
    };
  },

  /** Nobody answered the held call in time. */
  approvalExpired(p: { approvalId: string }): GatewayErrorOf<'approval_expired'> {
    return {
      code: 'approval_expired',
      approvalId: p.approvalId,
      message: `Approval ${p.approvalId} expired before an admin answered, so the call was not sent to Apollo. Make the call again to request a new approval.`,
    };
  },

  /** The agent's credit budget cannot cover the call. */
  budgetExhausted(
    p: BudgetDetails & { retryAfterSeconds?: number },
  ): GatewayErrorOf<'budget_exhausted'> {
    const { limit, spent, needed, period, retryAfterSeconds } = p;
    const when =
      retryAfterSeconds !== undefined
        ? `It resets in ${formatWait(retryAfterSeconds)}`
        : `It resets at the start of the next ${period}`;
    return {
      code: 'budget_exhausted',
      budget: { limit, spent, needed, period },
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
      message: `This agent's ${period === 'day' ? 'daily' : 'monthly'} credit budget is spent: ${formatCredits(spent)} of ${limit} used, and this call may cost ${formatCredits(needed)}. ${when}; meanwhile use free actions or ask an admin to raise the budget.`,
    };
  },

  /** The agent's own requests-per-minute limit, set by an admin in Gatehouse (not Apollo's). */
  agentRateLimited(p: {
    perMinute: number;
    retryAfterSeconds: number;
  }): GatewayErrorOf<'agent_rate_limited'> {
    return {
      code: 'agent_rate_limited',
      perMinute: p.perMinute,
      retryAfterSeconds: p.retryAfterSeconds,
      message: `This agent may make ${p.perMinute} call${p.perMinute === 1 ? '' : 's'} per minute through Gatehouse (a limit an admin set for it), and has made them; nothing was sent to Apollo. Retry in ${formatWait(p.retryAfterSeconds)}, or ask an admin to raise it (gatehouse agent limits <agent> --requests-per-minute N).`,
    };
  },

  /** Too many requests: the agent's own limit, or Apollo's window for the team (Apollo said 429). */
  rateLimited(p: {
    scope: RateLimitScope;
    retryAfterSeconds: number | null;
    window?: string;
    upstream?: UpstreamDetails;
  }): GatewayErrorOf<'rate_limited'> {
    const retry =
      p.retryAfterSeconds !== null
        ? `Retry in ${formatWait(p.retryAfterSeconds)}.`
        : 'Retry later.';
    const what =
      p.scope === 'agent'
        ? 'This agent has reached its requests-per-minute limit set in Gatehouse.'
        : `Apollo's ${p.window ? `${p.window} ` : ''}rate limit for this endpoint is used up for the team.`;
    return {
      code: 'rate_limited',
      scope: p.scope,
      retryAfterSeconds: p.retryAfterSeconds,
      ...(p.window ? { window: p.window } : {}),
      ...(p.upstream ? { upstream: p.upstream } : {}),
      message: `${what} ${retry}`,
    };
  },

  /**
   * Gatehouse's pacer refused a call without sending it, to keep the team inside Apollo's windows:
   * Apollo refused nothing. `endpoint` names the endpoint ("people search").
   */
  gatehouseBusy(p: {
    reason: BusyReason;
    retryAfterSeconds: number;
    window?: Window | null;
    waiting: number;
    endpoint?: string;
  }): GatewayErrorOf<'gatehouse_busy'> {
    const endpoint = p.endpoint ?? 'this endpoint';
    const waiting = `${p.waiting.toLocaleString('en-US')} call${p.waiting === 1 ? '' : 's'}`;
    const why =
      p.reason === 'queue_full'
        ? `its queue for ${endpoint} is full (${waiting} already waiting for Apollo's rate windows)`
        : p.window
          ? `by its count the team's ${perWindow[p.window]} window for ${endpoint} is spent${p.waiting > 0 ? ` (${waiting} waiting ahead)` : ''}, and it reopens later than Gatehouse lets a call wait`
          : `it is holding calls to ${endpoint} after Apollo answered an earlier one with 429${p.waiting > 0 ? ` (${waiting} waiting ahead)` : ''}, longer than Gatehouse lets a call wait`;
    return {
      code: 'gatehouse_busy',
      reason: p.reason,
      retryAfterSeconds: p.retryAfterSeconds,
      ...(p.window ? { window: p.window } : {}),
      waiting: p.waiting,
      message: `Gatehouse did not send this call to Apollo: ${why}. Apollo itself refused nothing. Retry in ${formatWait(p.retryAfterSeconds)}.`,
    };
  },

  /** The state replicas share (Redis) cannot be reached: Gatehouse fails closed and sends nothing. */
  sharedStateUnavailable(p: {
    state: SharedState;
    retryAfterSeconds: number;
    cause?: unknown;
  }): GatewayErrorOf<'shared_state_unavailable'> {
    const guards =
      p.state === 'rate_windows'
        ? "the team's Apollo rate windows"
        : "this agent's credit budget (counted across replicas)";
    return {
      code: 'shared_state_unavailable',
      state: p.state,
      retryAfterSeconds: p.retryAfterSeconds,
      message: `Gatehouse cannot reach the state its replicas share (Redis), so it refused this call rather than risk overrunning ${guards}; nothing was sent to Apollo, and Apollo refused nothing. Retry in ${formatWait(p.retryAfterSeconds)}; if it keeps failing, tell an admin (Gatehouse's readiness check reports redis_unreachable).`,
      ...withCause(p.cause),
    };
  },

  /** Gatehouse is draining before it stops: the call was not sent. */
  shuttingDown(p: { retryAfterSeconds: number }): GatewayErrorOf<'gatehouse_shutting_down'> {
    return {
      code: 'gatehouse_shutting_down',
      retryAfterSeconds: p.retryAfterSeconds,
      message: `Gatehouse is shutting down, so it did not send this call to Apollo; nothing happened. Retry in ${formatWait(p.retryAfterSeconds)}: another Gatehouse replica, or this one once restarted, will take it.`,
    };
  },

  /**
   * Gatehouse's own database (audit trail, agents, grants) did not answer within its timeouts or
   * refused the connection: nothing was done, and nothing was sent to Apollo.
   */
  storeUnavailable(p: {
    retryAfterSeconds: number;
    cause?: unknown;
  }): GatewayErrorOf<'store_unavailable'> {
    return {
      code: 'store_unavailable',
      retryAfterSeconds: p.retryAfterSeconds,
      message: `Gatehouse cannot reach its own database right now, so it did not carry out this request; nothing was sent to Apollo. Retry in ${formatWait(p.retryAfterSeconds)}; if it keeps failing, tell an admin (Gatehouse's readiness check reports store_unreachable).`,
      ...withCause(p.cause),
    };
  },

  /**
   * A connection is stored but this Gatehouse cannot open it: sealed with a data key it was not
   * given (or altered). Only an operator can fix it, so no Retry-After.
   */
  credentialUnreadable(cause?: unknown): GatewayErrorOf<'credential_unreadable'> {
    return {
      code: 'credential_unreadable',
      message:
        "Gatehouse cannot open the team's stored Apollo credential: it was sealed with a data key this Gatehouse was not started with, so the call was not made. This is not your token; ask an admin to start Gatehouse with the data key that sealed it (GATEHOUSE_SECRET_KEY, GATEHOUSE_PREVIOUS_SECRET_KEYS or the key file) or to connect Apollo again (gatehouse connect).",
      ...withCause(cause),
    };
  },

  /** Gatehouse has no Apollo credential to call with. */
  credentialMissing(): GatewayErrorOf<'credential_missing'> {
    return {
      code: 'credential_missing',
      message:
        'Gatehouse is not connected to Apollo yet, so the call was not made. Ask an admin to connect an Apollo API key or OAuth (gatehouse connect).',
    };
  },

  /** Apollo answered with an error status. */
  upstreamError(p: {
    status: number;
    errorCode?: string | null;
    /** Apollo's own message text, quoted to the agent. */
    apolloMessage?: string;
    body?: unknown;
    cause?: unknown;
  }): GatewayErrorOf<'upstream_error'> {
    const errorCode = p.errorCode ?? null;
    return {
      code: 'upstream_error',
      upstream: { status: p.status, errorCode, ...(p.body !== undefined ? { body: p.body } : {}) },
      message: upstreamMessage(p.status, errorCode, p.apolloMessage ?? ''),
      ...withCause(p.cause),
    };
  },

  /** Apollo could not be reached, or did not answer in time. */
  upstreamUnreachable(p: {
    timedOut: boolean;
    cause?: unknown;
  }): GatewayErrorOf<'upstream_unreachable'> {
    return {
      code: 'upstream_unreachable',
      timedOut: p.timedOut,
      message: `Gatehouse could not ${p.timedOut ? 'get an answer from Apollo in time' : 'reach Apollo'}. Try again in a moment; for a write, first check whether it took effect, because Apollo may have received it.`,
      ...withCause(p.cause),
    };
  },

  /**
   * A write was sent to Apollo but its answer was lost (timed out, cut off, unreadable): it may
   * have taken effect, so a blind retry could do it twice. `what` is the action's intent ("create
   * a contact"); `check` says how to find out, written by the catalog for each write.
   */
  writeOutcomeUnknown(p: {
    what: string;
    timedOut: boolean;
    upstreamStatus: number | null;
    /** True when repeating this exact call cannot do it twice (an update, a deduplicated create). */
    retrySafe?: boolean;
    check: string;
    cause?: unknown;
  }): GatewayErrorOf<'write_outcome_unknown'> {
    const lost = p.timedOut
      ? 'Apollo did not answer in time'
      : p.upstreamStatus !== null
        ? `Apollo's answer (${p.upstreamStatus}) was cut off or unreadable`
        : 'the connection to Apollo broke before its answer arrived';
    return {
      code: 'write_outcome_unknown',
      timedOut: p.timedOut,
      upstreamStatus: p.upstreamStatus,
      check: p.check,
      message: `The outcome is unknown: Gatehouse sent this call (${p.what}) to Apollo, but ${lost}, so Apollo may have done it. ${
        p.retrySafe
          ? 'Repeating this exact call is safe: it cannot do the change twice.'
          : `Do not simply retry: ${p.check}`
      }`,
      ...withCause(p.cause),
    };
  },

  /** A bug or an unexpected failure inside Gatehouse. */
  internal(cause?: unknown): GatewayErrorOf<'internal'> {
    return {
      code: 'internal',
      message:
        'Gatehouse failed on its side and did not complete the call. Try again; if it keeps failing, tell an admin (the audit log has details).',
      ...withCause(cause),
    };
  },
});

export { httpStatusFor, retryAfterFor } from './error-status.js';

/** The error as agents may see it: everything but `cause`. */
export function toPublicError(error: GatewayError): PublicGatewayError {
  const { cause: _cause, ...visible } = error;
  return visible;
}

/**
 * Thrown by an adapter at an I/O edge (the store's driver, the credential vault) for a failure the
 * gateway and the surfaces answer as the error value it carries, instead of as a bug (500).
 */
export class GatewayFault extends Error {
  override readonly name = 'GatewayFault';
  constructor(readonly error: GatewayError) {
    super(error.message, error.cause === undefined ? undefined : { cause: error.cause });
  }
}

/** The error a thrown value carries when it is a {@link GatewayFault}; null for anything else. */
export function faultOf(thrown: unknown): GatewayError | null {
  return thrown instanceof GatewayFault ? thrown.error : null;
}

/** True for a value shaped like a GatewayError (a known code and a message). */
export function isGatewayError(value: unknown): value is GatewayError {
  if (!value || typeof value !== 'object') return false;
  const v = value as { code?: unknown; message?: unknown };
  return typeof v.message === 'string' && (errorCodes as readonly unknown[]).includes(v.code);
}
