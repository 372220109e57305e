// What the pacer promises its callers, as types: how it is built, what a caller asks for, and the
// values it answers with (a Grant or a Refusal, never an HTTP status). Both pacers implement
// `Pacer`: the in-process one (`createPacer`) and the one shared by replicas (`createSharedPacer`).
import type { Window, WindowLimits } from '../catalog/index.js';
import type { NotSentReason, RateLimitInfo } from '../ports/index.js';

/** The time source: milliseconds, monotonic in production (`Clock.monotonic`). */
export interface PacerClock {
  now(): number;
}

/** Runs `fn` once after `ms` milliseconds; the returned function cancels it. */
export type SetTimer = (fn: () => void, ms: number) => () => void;

/** How the pacer is built. */
export interface PacerOptions {
  readonly clock: PacerClock;
  readonly setTimer: SetTimer;
  /** The limits a bucket starts with (the plan's preset for the endpoint's rate class). */
  readonly defaults: (bucket: string) => WindowLimits;
  /** Calls that may wait per bucket; more are refused with `queue_full`. Default 1,000. */
  readonly maxQueue?: number;
  /** Upper bound of the one-way delay from granting a call to Apollo receiving it. Default 1,000 ms. */
  readonly marginMs?: number;
  /**
   * Optional cap per agent, as a share of a window's limit (e.g. `{ day: 0.5 }`): one agent may
   * use at most `floor(limit × share)` (at least 1) calls of each window instance, so it cannot
   * spend a day's allowance before the other agents arrive. Off by default.
   */
  readonly agentShare?: Partial<Record<Window, number>>;
  /** Window lengths; Apollo's by default. Tests and benchmarks shrink them. */
  readonly windowMs?: Readonly<Record<Window, number>>;
}

/** How long a caller is prepared to wait. */
export interface AcquireOptions {
  /** Refused at once when the estimated wait is longer, and refused when a wait reaches it. */
  readonly maxWaitMs: number;
  /** Aborting removes the waiter; it is answered with a `cancelled` refusal. */
  readonly signal?: AbortSignal;
}

/** Permission to send one call now. The slot is reserved: it stays counted in its windows. */
export interface Grant {
  readonly ok: true;
  readonly bucket: string;
  readonly agentId: string;
  /** When the slot was reserved (the clock's time). */
  readonly grantedAt: number;
  readonly waitedMs: number;
  /** Calls ahead of this one when it arrived, plus one; 0 when it went at once. */
  readonly position: number;
  /** The window that made it wait; null when it did not wait or Apollo's 429 did. */
  readonly waitedFor: Window | null;
}

/**
 * Why a call was not granted: `queue_full`, `wait_too_long`, `cancelled`, `closed` (the pacer is
 * closing with Gatehouse) or `shared_unavailable` (the rate counters replicas share cannot be
 * reached: fail closed). Declared with the upstream port, which reports it as `not_sent`.
 */
export type RefusalReason = NotSentReason;

/** A call that will not go. */
export interface Refusal {
  readonly ok: false;
  readonly bucket: string;
  readonly agentId: string;
  readonly reason: RefusalReason;
  /** Whole seconds, at least 1: when the call could go if retried (the queue ahead considered). */
  readonly retryAfterSeconds: number;
  /** The spent window; null when Apollo's 429 named none or nothing but the queue blocks. */
  readonly window: Window | null;
  /** Calls that were waiting ahead of this one. */
  readonly ahead: number;
}

/** One window of a bucket, for `whoami` and the admin console. */
export interface PacerWindowSnapshot {
  readonly limit: number | null;
  /** Calls counted in the current window instance (0 when none is open). */
  readonly sent: number;
  readonly left: number | null;
  /** Until the current instance ends; null when none is open. */
  readonly resetsInMs: number | null;
}

/** The state of one bucket. */
export interface PacerSnapshot {
  readonly bucket: string;
  readonly windows: Readonly<Record<Window, PacerWindowSnapshot>>;
  readonly queued: number;
  readonly agentsWaiting: number;
  /** Left of a hold after Apollo's 429 that named no window. */
  readonly heldForMs: number;
  /** How long a new call would wait behind the current queue (Infinity for a zero limit). */
  readonly estimatedWaitMs: number;
}

/** One window as Apollo's usage-stats endpoint reports it (SPEC.md §8.3). */
export interface WindowUsageStats {
  readonly limit: number | null;
  readonly consumed: number | null;
  readonly left_over: number | null;
}

/** The pacer. Buckets are created on first use from `defaults`. */
export interface Pacer {
  /** Waits for a slot in `bucket` for `agentId`; resolves with a Grant or a Refusal, never rejects. */
  acquire(bucket: string, agentId: string, options: AcquireOptions): Promise<Grant | Refusal>;
  /**
   * Gives back a slot whose call never reached Apollo (failed before sending). Returns false when
   * the grant was already given back. Never call it for a call that may have reached Apollo.
   */
  cancelReservation(grant: Grant): boolean;
  /**
   * Applies Apollo's rate headers from the answer to the call `grant` let go: limits are replaced
   * and the count corrected when Apollo's disagrees with ours beyond what calls in flight explain
   * (higher: other clients share the team's windows; lower: Apollo's window reset earlier).
   */
  observe(grant: Grant, info: RateLimitInfo): void;
  /**
   * The call `grant` let go was answered without rate headers, or not at all (timed out, cut
   * off): nothing to learn, but the pacer may be waiting on this answer (the shared pacer's probe).
   */
  answeredWithoutRate?(grant: Grant): void;
  /** The same from the usage-stats endpoint, for a request sent at `requestedAt`. */
  observeUsageStats(
    bucket: string,
    stats: Partial<Record<Window, WindowUsageStats>>,
    requestedAt: number,
  ): void;
  /**
   * Apollo answered 429: nothing goes until `retryAfterSeconds` have passed. A named window is
   * taken as spent and reopens then; without one the whole bucket waits. A null retry-after
   * waits one length of the named window (a minute when none is named).
   */
  hold(bucket: string, retryAfterSeconds: number | null, window?: Window | null): void;
  /** Replaces some limits (an admin override or a plan change). */
  setLimits(bucket: string, limits: Partial<WindowLimits>): void;
  snapshot(bucket: string): PacerSnapshot;
  /** How long a new call (from `agentId`, if given) would wait now; for response headers. */
  estimateWaitMs(bucket: string, agentId?: string): number;
  /** Cancels every timer and refuses every waiter with `closed`; later calls are refused too. */
  close(): void;
}
