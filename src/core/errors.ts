// Every way a Gatehouse call can fail, as values. Each surface (REST, MCP, CLI) maps these with
// `httpStatusFor` and `toPublicError`, so an agent sees the same outcome whichever door it used.
import { formatCredits, formatWait } from './format.js';

/** Every error code, in the decision order of design.md. */
export const errorCodes = [
  'unauthenticated',
  'bad_request',
  'unsafe_input',
  'unknown_action',
  'invalid_input',
  'unknown_parameter',
  'not_granted',
  'approval_pending',
  'approval_rejected',
  'approval_expired',
  'budget_exhausted',
  'agent_rate_limited',
  'rate_limited',
  'credential_missing',
  'upstream_error',
  'upstream_unreachable',
  'write_outcome_unknown',
  'internal',
] as const;

/** A snake_case error code. */
export type ErrorCode = (typeof errorCodes)[number];

/** Fields every error carries: `message` is safe for the agent, `cause` is for operators only. */
interface ErrorBase<C extends ErrorCode> {
  readonly code: C;
  /** Plain English, safe to show the agent, and says what to do next. */
  readonly message: string;
  /** Internal detail (a thrown value, a library error). Never shown to agents. */
  readonly cause?: unknown;
}

/** Requests that cannot be read as a call at all. */
export type BadRequestProblem =
  'invalid_json' | 'method_not_allowed' | 'body_too_large' | 'credential_in_url' | 'protocol';

/** One problem with a request's input: where (`email`, `details.2.email`) and what. */
export interface InputIssue {
  readonly path: string;
  readonly message: string;
}

/** A credit budget that a call would overrun. */
export interface BudgetDetails {
  readonly limit: number;
  readonly spent: number;
  /** The most this call could cost (the catalog's estimate). */
  readonly needed: number;
  readonly period: 'day' | 'month';
}

/** Why a token was refused. */
export type UnauthenticatedReason = 'missing' | 'unknown' | 'revoked' | 'rotated';

/** Whose limit was hit: the agent's own requests-per-minute, or Apollo's window for the team. */
export type RateLimitScope = 'agent' | 'apollo' | 'gatehouse';

/** What Apollo answered, kept so surfaces can pass Apollo's own status and body through. */
export interface UpstreamDetails {
  readonly status: number;
  /** Apollo's `error_code`, e.g. `API_INACCESSIBLE`. */
  readonly errorCode: string | null;
  /** Apollo's body as it sent it. */
  readonly body?: unknown;
}

/** A Gatehouse failure, discriminated on `code`. Details beyond `message` are optional extras. */
export type GatewayError =
  | (ErrorBase<'unauthenticated'> & { readonly reason?: UnauthenticatedReason })
  | (ErrorBase<'bad_request'> & {
      /** What was wrong with the request itself, before it could be read as a call. */
      readonly problem: BadRequestProblem;
    })
  | (ErrorBase<'unsafe_input'> & {
      /** What was wrong: a key that reaches a prototype, or nesting past the limit. */
      readonly problem: 'forbidden_key' | 'too_deep' | 'too_many_values' | 'not_plain';
      /** Where in the parameters (`details.0.__proto__`). */
      readonly path: string;
    })
  | (ErrorBase<'unknown_action'> & { readonly actionId?: string; readonly route?: string })
  | (ErrorBase<'invalid_input'> & { readonly issues: readonly InputIssue[] })
  | (ErrorBase<'unknown_parameter'> & {
      /** Each parameter Apollo does not document, with the closest documented names. */
      readonly unknown: readonly {
        readonly name: string;
        readonly suggestions: readonly string[];
      }[];
    })
  | (ErrorBase<'not_granted'> & { readonly rule: string })
  | (ErrorBase<'approval_pending'> & {
      readonly approvalId: string;
      readonly rule?: string;
      /** ISO time after which the held call expires unanswered. */
      readonly expiresAt?: string;
    })
  | (ErrorBase<'approval_rejected'> & { readonly approvalId: string; readonly note?: string })
  | (ErrorBase<'approval_expired'> & { readonly approvalId: string })
  | (ErrorBase<'budget_exhausted'> & {
      readonly budget: BudgetDetails;
      readonly retryAfterSeconds?: number;
    })
  | (ErrorBase<'agent_rate_limited'> & {
      readonly perMinute: number;
      readonly retryAfterSeconds: number;
    })
  | (ErrorBase<'rate_limited'> & {
      readonly retryAfterSeconds?: number | null;
      readonly scope?: RateLimitScope;
      /** Apollo's window (`minute`, `hour`, `day`) when Apollo's limit was hit. */
      readonly window?: string;
      readonly upstream?: UpstreamDetails;
    })
  | ErrorBase<'credential_missing'>
  | (ErrorBase<'upstream_error'> & { readonly upstream: UpstreamDetails })
  | (ErrorBase<'upstream_unreachable'> & { readonly timedOut?: boolean })
  | (ErrorBase<'write_outcome_unknown'> & {
      /** True when Apollo did not answer in time; false when its answer was cut off or unreadable. */
      readonly timedOut: boolean;
      /** The status Apollo started to answer with, when it got that far. */
      readonly upstreamStatus: number | null;
      /** How the agent can find out whether the write took effect. */
      readonly check: string;
    })
  | ErrorBase<'internal'>;

/** The variant of GatewayError with the given code. */
export type GatewayErrorOf<C extends ErrorCode> = Extract<GatewayError, { code: C }>;

/** A GatewayError without its internal `cause`: what agents and API clients may see. */
export type PublicGatewayError = {
  [C in ErrorCode]: Omit<GatewayErrorOf<C>, 'cause'>;
}[ErrorCode];

const withCause = (cause: unknown) => (cause === undefined ? {} : { cause });

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

  /** Too many requests: the agent's own limit or Apollo's window for the team. */
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
        : p.scope === 'gatehouse'
          ? "Gatehouse cannot reach the rate counters its replicas share (Redis), so it sends nothing to Apollo that could overrun the team's windows; nothing was sent."
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

/**
 * The HTTP status every surface uses for an error. Apollo's own 400/404/422 pass through, since
 * they describe the agent's request; Apollo refusing the team's key (401/403) or failing is a
 * gateway problem, 502, so the agent never mistakes it for its own token or grant.
 */
export function httpStatusFor(error: GatewayError | PublicGatewayError): number {
  switch (error.code) {
    case 'unauthenticated':
      return 401;
    case 'bad_request':
      return { method_not_allowed: 405, body_too_large: 413 }[error.problem as string] ?? 400;
    case 'unsafe_input':
      return 400;
    case 'unknown_action':
      return 404;
    case 'invalid_input':
    case 'unknown_parameter':
      return 422;
    case 'not_granted':
    case 'approval_rejected':
      return 403;
    case 'approval_pending':
      return 202;
    case 'approval_expired':
      return 410;
    // 402, not 429: clients retry 429 with backoff, which cannot help before the budget resets.
    case 'budget_exhausted':
      return 402;
    case 'agent_rate_limited':
    case 'rate_limited':
      return 429;
    case 'credential_missing':
      return 503;
    // Apollo's own refusals pass through with their status (the body says whose fault it is);
    // a 401 becomes 502, or an Apollo client would blame its own key (the agent's Gatehouse token)
    // for the team's Apollo credential; Apollo's 5xx become 502, the gateway's word for them.
    case 'upstream_error':
      return [400, 403, 404, 409, 410, 422].includes(error.upstream.status)
        ? error.upstream.status
        : 502;
    case 'upstream_unreachable':
    case 'write_outcome_unknown':
      return error.timedOut === true ? 504 : 502;
    case 'internal':
      return 500;
  }
}

/** The error as agents may see it: everything but `cause`. */
export function toPublicError(error: GatewayError): PublicGatewayError {
  const { cause: _cause, ...visible } = error;
  return visible;
}

/** True for a value shaped like a GatewayError (a known code and a message). */
export function isGatewayError(value: unknown): value is GatewayError {
  if (!value || typeof value !== 'object') return false;
  const v = value as { code?: unknown; message?: unknown };
  return typeof v.message === 'string' && (errorCodes as readonly unknown[]).includes(v.code);
}
