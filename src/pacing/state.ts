// The in-process pacer's state, shared by its parts (window arithmetic, estimates, reservations,
// the round-robin queue, reconciliation): per bucket (one Apollo endpoint) the open instance of
// each window, each agent's queue, and the recent grants Apollo's counts are read against.
import { windowMs as apolloWindowMs, windows, type Window } from '../catalog/index.js';

import type { Grant, PacerClock, PacerOptions, Refusal, SetTimer } from './types.js';

/** One instance of a window: opened by a call, over at `resetAt`. */
export interface Instance {
  sent: number;
  /** Calls may be counted in this instance only before this time. */
  sendUntil: number;
  /** From this time the instance is over; the next call opens a new one. */
  resetAt: number;
  /**
   * Apollo opens its window when the first call reaches it, so its window starts no later than a
   * margin after the earliest member that does. `anchor` is the member presumed to (the opener,
   * until given back); `confirmedAt` the earliest grant time of a member Apollo answered.
   */
  anchor: Reservation | null;
  confirmedAt: number;
  /** Calls per agent, when a share applies to this window. */
  byAgent: Map<string, number> | null;
  /** Set by `hold`: blocked until `resetAt` whatever the limit. */
  held: boolean;
  /**
   * Apollo's count replaced ours at some point: grants older than this are settled in it (they
   * reached Apollo, or never will), so giving one back must not lower the count again.
   */
  syncedBefore: number;
}

/** A call waiting in its agent's queue. */
export interface Waiter {
  readonly agentId: string;
  readonly arrivedAt: number;
  readonly deadline: number;
  readonly position: number;
  readonly ahead: number;
  readonly waitedFor: Window | null;
  readonly resolve: (result: Grant | Refusal) => void;
  readonly signal: AbortSignal | undefined;
  onAbort: (() => void) | null;
}

/** One Apollo endpoint's windows and queues. */
export interface Bucket {
  readonly name: string;
  readonly limits: Record<Window, number | null>;
  readonly inst: Partial<Record<Window, Instance>>;
  /** A 429 that named no window holds the whole bucket until then. */
  heldUntil: number;
  /** Each agent's own FIFO; Map order is the round-robin order. */
  readonly queues: Map<string, Waiter[]>;
  queued: number;
  /** A lower bound of the waiters' deadlines (recomputed when reached). */
  minDeadline: number;
  timer: { at: number; cancel: () => void } | null;
  /** Recent grants in time order, from `recentHead`, for reading Apollo's counts against. */
  recent: Reservation[];
  recentHead: number;
  /** Grants before this time have left `recent`. */
  recentSince: number;
}

/** The slot a grant holds in each window instance it was counted in. */
export interface Reservation {
  readonly bucket: Bucket;
  readonly at: number;
  /** False once given back. */
  live: boolean;
  /** Apollo answered it (`observe`): it cannot be given back. */
  confirmed: boolean;
  readonly instances: Partial<Record<Window, Instance>>;
}

/** Everything the pacer's parts share: its options, resolved, and its buckets. */
export interface PacerState {
  readonly clock: PacerClock;
  readonly setTimer: SetTimer;
  readonly defaults: PacerOptions['defaults'];
  readonly maxQueue: number;
  readonly margin: number;
  readonly lengths: Readonly<Record<Window, number>>;
  readonly shares: Partial<Record<Window, number>>;
  readonly buckets: Map<string, Bucket>;
  readonly reservations: WeakMap<Grant, Reservation>;
  closed: boolean;
}

const defaultMaxQueue = 1_000;
const defaultMarginMs = 1_000;

/** Resolves the options into the pacer's state. Throws on invalid options (a wiring bug). */
export function createState(options: PacerOptions): PacerState {
  const { clock, setTimer, defaults } = options;
  const maxQueue = options.maxQueue ?? defaultMaxQueue;
  const margin = options.marginMs ?? defaultMarginMs;
  const lengths = options.windowMs ?? apolloWindowMs;
  const shares = options.agentShare ?? {};
  if (!Number.isInteger(maxQueue) || maxQueue < 0) {
    throw new Error('pacer: maxQueue must be a whole number ≥ 0');
  }
  if (!Number.isFinite(margin) || margin < 0) throw new Error('pacer: marginMs must be ≥ 0');
  for (const w of windows) {
    if (!(lengths[w] > 2 * margin)) {
      throw new Error(`pacer: the ${w} window must be longer than twice marginMs`);
    }
    const share = shares[w];
    if (share !== undefined && !(share > 0 && share <= 1)) {
      throw new Error(`pacer: agentShare.${w} must be in (0, 1]`);
    }
  }
  return {
    clock,
    setTimer,
    defaults,
    maxQueue,
    margin,
    lengths,
    shares,
    buckets: new Map(),
    reservations: new WeakMap(),
    closed: false,
  };
}

/** A bucket with the default limits and nothing counted yet. */
export function newBucket(s: PacerState, name: string): Bucket {
  return {
    name,
    limits: { ...s.defaults(name) },
    inst: {},
    heldUntil: -Infinity,
    queues: new Map(),
    queued: 0,
    minDeadline: Infinity,
    timer: null,
    recent: [],
    recentHead: 0,
    recentSince: -Infinity,
  };
}

/** The bucket of this name, created on first use. */
export function bucketFor(s: PacerState, name: string): Bucket {
  let b = s.buckets.get(name);
  if (!b) {
    b = newBucket(s, name);
    s.buckets.set(name, b);
  }
  return b;
}
