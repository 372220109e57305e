// The error vocabulary: every code and the shape of each error, discriminated on `code`. The
// constructors that write each error's words are in errors.ts, which re-exports all of this.
import type { Window } from '../catalog/index.js';

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
  'gatehouse_busy',
  'shared_state_unavailable',
  'gatehouse_shutting_down',
  'store_unavailable',
  'credential_missing',
  'credential_unreadable',
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
  | 'invalid_json'
  | 'method_not_allowed'
  | 'body_too_large'
  | 'credential_in_url'
  /** MCP over HTTP: a browser origin or a Host header this server does not serve. */
  | 'origin_not_allowed'
  | 'host_not_allowed'
  /** MCP over HTTP: a session id that is unknown, expired or another agent's. */
  | 'unknown_session'
  | 'protocol';

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
export type RateLimitScope = 'agent' | 'apollo';

/**
 * Why Gatehouse's pacer refused a call it never sent: its queue for the endpoint is full, or the
 * window that blocks it (by Gatehouse's count) reopens later than a call may wait.
 */
export type BusyReason = 'queue_full' | 'wait_too_long';

/** The state replicas share in Redis: Apollo's rate windows, or the agents' credit reservations. */
export type SharedState = 'rate_windows' | 'credit_budgets';

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
  | (ErrorBase<'gatehouse_busy'> & {
      readonly reason: BusyReason;
      readonly retryAfterSeconds: number;
      /** The window of Apollo's that is spent by Gatehouse's count; absent when none is named. */
      readonly window?: Window;
      /** Calls already waiting in Gatehouse's queue for this endpoint. */
      readonly waiting: number;
    })
  | (ErrorBase<'shared_state_unavailable'> & {
      readonly state: SharedState;
      readonly retryAfterSeconds: number;
    })
  | (ErrorBase<'gatehouse_shutting_down'> & { readonly retryAfterSeconds: number })
  /** Gatehouse's own database did not answer in time or refused the connection. */
  | (ErrorBase<'store_unavailable'> & { readonly retryAfterSeconds: number })
  | ErrorBase<'credential_missing'>
  /** A connection is stored, but this Gatehouse cannot open it (sealed with another data key). */
  | ErrorBase<'credential_unreadable'>
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
