// The interfaces the gateway pipeline needs from the outside world. Types only: adapters in
// store/, upstream/ and cache/ implement them; tests pass small in-memory versions.
import type { z } from 'zod';

import type { ActionSpec } from '../catalog/index.js';
import type { AuditRecord } from '../core/index.js';
import type { Result } from '../core/result.js';
import type { Credential, UpstreamError, UpstreamSuccess } from './upstream.js';

/** Where a call came in. */
export type Surface = 'rest' | 'mcp' | 'cli' | 'admin';

/** An authenticated agent, as the pipeline needs it. */
export interface AgentIdentity {
  readonly id: string;
  readonly name: string;
  /** Response fields removed before the agent sees them (e.g. email, phone_numbers). */
  readonly redactedFields: readonly string[];
  /** Credit budgets (null or absent: none). */
  readonly creditBudgetDay?: number | null;
  readonly creditBudgetMonth?: number | null;
  /** Calls the agent may make per minute (null or absent: no limit of its own). */
  readonly requestsPerMinute?: number | null;
}

/** Whose a token that no longer authenticates was, and why it stopped. */
export interface RetiredToken {
  readonly agentId: string;
  readonly agentName: string;
  /** `revoked`: the agent was revoked; `rotated`: a newer token replaced this one. */
  readonly why: 'revoked' | 'rotated';
}

/**
 * Each agent's own calls per minute, counted across replicas when the counts are shared: `take`
 * counts one call and says whether it fits under `perMinute`; when it does not, how long until
 * one more would.
 */
export interface AgentRateLimiter {
  take(
    agentId: string,
    perMinute: number,
  ): Promise<{ readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number }>;
}

/** What the enrichment cache knows about a call before it goes to Apollo. */
export type CachedAnswer =
  | { readonly kind: 'miss' }
  /** Everything is known: answer with `body`, Apollo is not called. */
  | {
      readonly kind: 'hit';
      readonly body: unknown;
      readonly savedCredits: number;
      readonly matchedBy: string;
    }
  /** Part of a bulk request is known: send `sendInput`, then `merge` Apollo's answer. */
  | {
      readonly kind: 'partial';
      readonly sendInput: Record<string, unknown>;
      readonly savedCredits: number;
      readonly hits: number;
      merge(upstreamBody: unknown): unknown;
    };

/** The enrichment cache, as the pipeline uses it. */
export interface EnrichmentCachePort {
  /** Whether the cache keeps answers for this action at all (checked before any lookup). */
  handles(actionId: string): boolean;
  lookup(actionId: string, input: Record<string, unknown>, now: number): Promise<CachedAnswer>;
  /** Stores what Apollo answered to `sentInput` (unredacted), for later calls. */
  remember(
    actionId: string,
    sentInput: Record<string, unknown>,
    body: unknown,
    credits: number,
    now: number,
  ): Promise<void>;
}

/** Where an asynchronous delivery stands. */
export type DeliveryState = 'pending' | 'delivered' | 'empty' | 'failed';
/** How the data arrived: Apollo's webhook POST, or Gatehouse polling `webhook_result`. */
export type DeliveryVia = 'webhook' | 'poll';

/** A delivery Gatehouse awaits for one agent's call. */
export interface NewDelivery {
  /** SHA-256 (hex) of the secret in the webhook URL given to Apollo. */
  readonly receiverHash: string;
  readonly agentId: string;
  readonly agentName: string;
  /** The rule that allowed the call. */
  readonly rule: string;
  readonly actionId: string;
  /** The call's own audit record. */
  readonly callAuditId: string;
  /** The record completed when the data arrives. */
  readonly auditId: string;
  readonly surface: string;
  /** What is awaited, in words ("phone numbers"). */
  readonly what: string;
  /** Apollo's request_id, canonical decimal int64. */
  readonly requestId: string;
  readonly createdAt: number;
  /** When to poll `webhook_result` if no webhook came. */
  readonly nextPollAt: number;
}

/** A delivery as stored. `payload` is personal data: never log it. */
export interface StoredDelivery extends NewDelivery {
  readonly state: DeliveryState;
  readonly via: DeliveryVia | null;
  /** Apollo's delivered JSON, as received (int64 ids intact). */
  readonly payload: string | null;
  readonly credits: number;
  /** Why it failed or came back empty. */
  readonly detail: string | null;
  readonly settledAt: number | null;
  readonly polls: number;
}

/** How a pending delivery ends. */
export interface DeliverySettlement {
  readonly state: Exclude<DeliveryState, 'pending'>;
  readonly at: number;
  readonly via?: DeliveryVia;
  readonly payload?: string;
  readonly credits?: number;
  readonly detail?: string;
}

/** The store of awaited deliveries. */
export interface DeliveryStore {
  create(delivery: NewDelivery): Promise<void>;
  byReceiver(receiverHash: string): Promise<StoredDelivery | undefined>;
  /** The agent's delivery for Apollo's request id (the newest, should Apollo repeat an id). */
  forAgent(agentId: string, requestId: string): Promise<StoredDelivery | undefined>;
  /**
   * The delivery that followed a call (by the call's audit record), without its payload: what an
   * admin may see of it. Undefined when the call awaited none.
   */
  forCall(callAuditId: string): Promise<Omit<StoredDelivery, 'payload'> | undefined>;
  /** Settles a pending delivery; undefined when it was already settled (Apollo retried). */
  settle(receiverHash: string, settlement: DeliverySettlement): Promise<StoredDelivery | undefined>;
  /** Pending deliveries whose poll is due at `now`, oldest first. */
  due(now: number, limit: number): Promise<StoredDelivery[]>;
  /** Counts a poll that found nothing yet and sets the next one. */
  reschedule(receiverHash: string, nextPollAt: number): Promise<void>;
  /** Deletes deliveries created before `olderThan`; returns how many. */
  prune(olderThan: number): Promise<number>;
}

import type { ApprovalState } from '../core/index.js';
export type { ApprovalState };

/** A call held for an admin's approval, bound to its exact validated input. */
export interface NewApproval {
  readonly id: string;
  readonly agentId: string;
  readonly agentName: string;
  readonly surface: Surface;
  readonly actionId: string;
  readonly rule: string;
  /** The validated input, exactly as it will be sent. */
  readonly input: Record<string, unknown>;
  /** SHA-256 of the input's JSON, checked again before the call runs. */
  readonly inputHash: string;
  /** The audit record's target, in words. */
  readonly target: string;
  /** What the agent said the call is for, if it said. */
  readonly reason: string | null;
  /** The pending audit record, completed when the approval ends. */
  readonly auditId: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/** A held call as stored. */
export interface StoredApproval extends NewApproval {
  readonly state: ApprovalState;
  readonly decidedAt: number | null;
  readonly decidedBy: string | null;
  readonly note: string | null;
  /** The HTTP status the call ended with (done or failed). */
  readonly resultStatus: number | null;
  /** Apollo's answer (unredacted) or the error, once the call ran. */
  readonly resultBody: unknown;
  readonly finishedAt: number | null;
}

/** What a transition may set. */
export interface ApprovalTransition {
  readonly at: number;
  readonly by?: string;
  readonly note?: string | null;
  readonly resultStatus?: number;
  readonly resultBody?: unknown;
  /** For a move out of `pending`: refuse when the approval expired by this time. */
  readonly unexpiredAt?: number;
}

/** The store of held calls. */
export interface ApprovalStore {
  create(approval: NewApproval): Promise<void>;
  get(id: string): Promise<StoredApproval | undefined>;
  /** Newest first. */
  list(filter: {
    readonly states?: readonly ApprovalState[];
    readonly agentId?: string;
    /** The held call's audit record. */
    readonly auditId?: string;
    readonly limit: number;
  }): Promise<StoredApproval[]>;
  /** Moves an approval from one of `from` to `to`, atomically; undefined when it was not in `from`. */
  transition(
    id: string,
    from: readonly ApprovalState[],
    to: ApprovalState,
    fields: ApprovalTransition,
  ): Promise<StoredApproval | undefined>;
  /** Pending approvals whose time ran out at `now`, oldest first. */
  expiredPending(now: number, limit: number): Promise<StoredApproval[]>;
  /** Deletes approvals created before `olderThan` that are no longer pending; returns how many. */
  prune(olderThan: number): Promise<number>;
}

/** Window lengths and limits for one shared take (null: the window is not limited). */
export interface SharedWindowLimits {
  readonly minute: number | null;
  readonly hour: number | null;
  readonly day: number | null;
}

/** What a shared take answered. */
export type SharedTake =
  | {
      readonly ok: true;
      readonly counts: SharedWindowLimits;
      /**
       * The shared counts were unknown (a new or restarted Redis): this call goes alone, and what
       * Apollo's answer says about its windows must be settled before others follow.
       */
      readonly probe: boolean;
    }
  /**
   * The bucket is full, held after Apollo's 429, or waiting for a probe's answer (`probing`):
   * try again in `retryAfterMs`.
   */
  | {
      readonly ok: false;
      readonly retryAfterMs: number;
      readonly window: 'minute' | 'hour' | 'day' | null;
      readonly probing?: boolean;
    };

/** Apollo's own count of calls in each window, from its headers; null where it said nothing. */
export type SharedWindowUsage = Readonly<Record<'minute' | 'hour' | 'day', number | null>>;

/**
 * Apollo's rate windows shared by every replica (Redis): each take counts one call in every
 * window of the bucket atomically, or refuses without counting, so N replicas together never send
 * more than a window allows. Throws when the shared store cannot be reached.
 */
export interface SharedWindows {
  take(bucket: string, limits: SharedWindowLimits): Promise<SharedTake>;
  /**
   * What Apollo said about the bucket's windows after a call: each shared count is raised to
   * Apollo's where Apollo's is higher (never lowered), and the counts become known. `usage` null
   * (an answer without rate headers, or none) teaches nothing; `probe` ends this call's probe
   * either way, so the next call may probe.
   */
  settle(bucket: string, usage: SharedWindowUsage | null, probe: boolean): Promise<void>;
  /** Gives back one call that never reached Apollo. */
  release(bucket: string): Promise<void>;
  /** Nothing goes in `bucket` for `ms` (Apollo answered 429). */
  hold(bucket: string, ms: number): Promise<void>;
  /** Answers when the shared store is reachable (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** One budget period as a reservation checks it. */
export interface ReservationPeriod {
  readonly period: 'day' | 'month';
  readonly limit: number;
  /** Credits the agent's completed calls spent in the period (the ledger). */
  readonly spent: number;
}

/**
 * Credits of calls in flight, shared by every replica (Redis): `reserve` adds `needed` to the
 * agent's in-flight credits only if, for every period, spent + in flight + needed stays within
 * the limit, atomically, so two replicas cannot both pass a nearly spent budget.
 */
export interface SharedReservations {
  reserveCredits(
    agentId: string,
    needed: number,
    periods: readonly ReservationPeriod[],
  ): Promise<{ ok: true } | { ok: false; period: 'day' | 'month'; inFlight: number }>;
  releaseCredits(agentId: string, credits: number): Promise<void>;
}

/** One console session: its CSRF token and who signed in (null: with the admin token). */
export interface ConsoleSession {
  readonly csrf: string;
  /** The console person's id (their role is read on every request, so a change applies at once). */
  readonly person: string | null;
}

/**
 * Console sessions, each ended after `idleMs` without use. In memory for one process; in Redis
 * so any replica behind a load balancer knows the session.
 */
export interface SessionStore {
  create(id: string, session: ConsoleSession, idleMs: number): Promise<void>;
  /** The session, its idle time restarted; null when unknown or idle too long. */
  touch(id: string, idleMs: number): Promise<ConsoleSession | null>;
  remove(id: string): Promise<void>;
}

/** What {@link AuthThrottle.attempt} answers: check the credential, or refuse without looking. */
export type AuthAttempt =
  | { readonly ok: true; /** The key's failures before this attempt. */ readonly failures: number }
  | { readonly ok: false; readonly retryAfterMs: number };

/**
 * Failed-authentication counters per client key (an address), shared by replicas through Redis.
 * `attempt` counts before the credential is checked, so concurrent guesses cannot slip past.
 */
export interface AuthThrottle {
  attempt(key: string): Promise<AuthAttempt>;
  /**
   * The attempt's credential was wrong (`failures` as `attempt` answered): returns the lockout it
   * started, if any, with its length and its number (1 for the first since the last success).
   */
  failed(
    key: string,
    failures: number,
  ): Promise<{ readonly lockedForMs: number; readonly lockout: number } | null>;
  /** The credential was right: the key's failures and lockout history are forgotten. */
  succeeded(key: string): Promise<void>;
}

/**
 * A lock every replica honours (Redis): `acquire` resolves with a release function, or null when
 * another holder has it. The lock expires after `ttlMs` even if its holder dies.
 */
export interface SharedLock {
  acquire(name: string, ttlMs: number): Promise<(() => Promise<void>) | null>;
}

/** The per-agent credit ledger (what completed calls spent). */
export interface CreditLedger {
  /** Credits the agent's calls spent since `since` (epoch ms). */
  spent(agentId: string, since: number): Promise<number>;
}

/** One grant row. */
export interface GrantRow {
  readonly target: string;
  readonly level: 'off' | 'read' | 'full';
  readonly requiresApproval: boolean;
  /** Waives the approval outbound actions need by default. */
  readonly noApproval?: boolean;
}

/** Finds agents by token and notes their use. */
export interface AgentDirectory {
  authenticate(token: string): Promise<AgentIdentity | null>;
  /** For a token that does not authenticate: the agent it belonged to, if it was ever one. */
  retired?(token: string): Promise<RetiredToken | null>;
  /** An active agent by id (null when unknown or revoked): approved calls re-check it. */
  byId?(agentId: string): Promise<AgentIdentity | null>;
  /** Records last-used time and IP; may be batched, must not block the call. */
  noteUse(agentId: string, ip: string | null, at: number): void;
}

/** The grants of an agent. */
export interface GrantSource {
  grantsFor(agentId: string): Promise<readonly GrantRow[]>;
}

/**
 * The audit trail, over core's AuditRecord. `open` is durable before it resolves (the record exists
 * even if the process dies during the upstream call) and returns the record's id; a record that is
 * already `completed` (a refusal) is written complete in one write. An open record is completed once.
 */
export interface AuditSink {
  open(record: AuditRecord): Promise<string>;
  complete(id: string, record: AuditRecord): Promise<void>;
}

/** One audit record as an agent may see its own (the MCP resource of recent calls). */
export interface AuditEntry {
  readonly id: string;
  readonly time: number;
  readonly action: string;
  readonly decision: string;
  readonly sentence: string;
}

/** Reads the audit trail for an agent's own view of its calls. */
export interface AuditReader {
  /** The agent's latest records, newest first. */
  recent(agentId: string, limit: number): Promise<readonly AuditEntry[]>;
}

/** The team's current Apollo credential, or null when Apollo is not connected. */
export interface CredentialSource {
  current(): Promise<Credential | null>;
  /**
   * After Apollo answered 401 to `rejected`: a credential worth one retry (an OAuth token refreshed
   * once however many calls ask, or one already refreshed meanwhile), or null when there is none.
   * Absent for credentials that cannot be renewed (API keys).
   */
  refreshAfterRejection?(rejected: Credential): Promise<Credential | null>;
}

/** Who a call is for, so shared limits can be fair between agents. */
export interface UpstreamCallContext {
  readonly agentId?: string;
}

/** Calls Apollo. */
export interface Upstream {
  call<I extends z.ZodType, O extends z.ZodType>(
    action: ActionSpec<I, O>,
    input: Record<string, unknown>,
    credential: Credential,
    context?: UpstreamCallContext,
  ): Promise<Result<UpstreamSuccess<z.output<O>>, UpstreamError>>;
}

/** Time, injectable. `now` is wall time in epoch ms; `monotonic` measures durations. */
export interface Clock {
  now(): number;
  monotonic(): number;
}

/** The logger interface; pino by default. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export type {
  Credential,
  NotSentReason,
  RateLimitInfo,
  UpstreamError,
  UpstreamErrorKind,
  UpstreamSuccess,
} from './upstream.js';
