// The pacer decides when a call to an Apollo endpoint may go, so that Gatehouse delivers Apollo's
// whole allowance and Apollo never answers 429. Apollo counts per endpoint in three
// fixed windows (minute, hour, day) evaluated together; each window opens at the first request
// after the previous one ended. The pacer keeps the same windows, reserves a slot when a call is
// granted (so concurrent calls cannot overrun), queues the rest per agent and serves agents round
// robin when a window reopens. Pure: time and timers are injected, there is no I/O.
//
// Latency margin. Apollo opens a window when a call *arrives*, Gatehouse when it *sends*. With a
// one-way delay between 0 and `marginMs`, Apollo's window starts somewhere in [s, s + margin] for
// a window Gatehouse opened at s. So a call counted in a window must be sent before
// s + window - margin (it then arrives before Apollo's window can end), and the next window may
// open only at s + window + margin (its first call then arrives after Apollo's window has surely
// ended). Under those two rules Apollo's window holds exactly the calls Gatehouse counted in the
// matching window, so Apollo's count never exceeds Gatehouse's and never its limit. The cost is
// one margin per saturated window (1.7 % of a minute at the default 1 s); `marginMs: 0` gives the
// plain model. The same reasoning keeps Apollo's window bounded when a reserved call is given back
// (`cancelReservation`) and when Apollo's own count corrects ours (`observe`). The guarantee
// assumes Gatehouse is the only client of the team's windows; other clients are caught by
// `observe` and, when they still cause a 429, by `hold`.
import {
  windowMs as apolloWindowMs,
  windows,
  type Window,
  type WindowLimits,
} from '../catalog/index.js';
import type { RateLimitInfo } from '../ports/index.js';

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

/** Why a call was not granted. */
export type RefusalReason =
  | 'queue_full'
  | 'wait_too_long'
  | 'cancelled'
  | 'closed'
  /** The rate counters shared by replicas (Redis) cannot be reached: fail closed. */
  | 'shared_unavailable';

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

/** One window as Apollo's usage-stats endpoint reports it. */
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

interface Instance {
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

interface Waiter {
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

interface Bucket {
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

interface Reservation {
  readonly bucket: Bucket;
  readonly at: number;
  /** False once given back. */
  live: boolean;
  /** Apollo answered it (`observe`): it cannot be given back. */
  confirmed: boolean;
  readonly instances: Partial<Record<Window, Instance>>;
}

const defaultMaxQueue = 1_000;
const defaultMarginMs = 1_000;
/** How long grants are remembered beyond the margin: answers to older calls correct only limits. */
const recentHorizonMs = 120_000;
/** Bounds the wait simulation; each pair of steps places at least one call. */
const maxSimulationSteps = 100_000;

/** Builds a pacer. Throws on invalid options (a wiring bug). */
export function createPacer(options: PacerOptions): Pacer {
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

  const buckets = new Map<string, Bucket>();
  const reservations = new WeakMap<Grant, Reservation>();
  let closed = false;

  const newBucket = (name: string): Bucket => ({
    name,
    limits: { ...defaults(name) },
    inst: {},
    heldUntil: -Infinity,
    queues: new Map(),
    queued: 0,
    minDeadline: Infinity,
    timer: null,
    recent: [],
    recentHead: 0,
    recentSince: -Infinity,
  });

  const bucketFor = (name: string): Bucket => {
    let b = buckets.get(name);
    if (!b) {
      b = newBucket(name);
      buckets.set(name, b);
    }
    return b;
  };

  /** The open instance of a window, dropping one that has ended. */
  const live = (b: Bucket, w: Window, now: number): Instance | undefined => {
    const inst = b.inst[w];
    if (inst && now >= inst.resetAt) {
      delete b.inst[w];
      return undefined;
    }
    return inst;
  };

  const openInstance = (w: Window, at: number, anchor: Reservation | null): Instance => ({
    sent: 0,
    sendUntil: at + lengths[w] - margin,
    resetAt: at + lengths[w] + margin,
    anchor,
    confirmedAt: Infinity,
    byAgent: shares[w] === undefined ? null : new Map(),
    held: false,
    syncedBefore: -Infinity,
  });

  /** When every window lets a call go, with the window that reopens last; null if one may go now. */
  const blockedUntil = (
    b: Bucket,
    now: number,
  ): { until: number; window: Window | null } | null => {
    let until = b.heldUntil;
    let window: Window | null = null;
    for (const w of windows) {
      const limit = b.limits[w];
      const inst = live(b, w, now);
      let reopens: number | null = null;
      if (limit === 0) reopens = Infinity;
      else if (
        inst &&
        (inst.held || (limit !== null && (now >= inst.sendUntil || inst.sent >= limit)))
      ) {
        reopens = inst.resetAt;
      }
      if (reopens !== null && reopens > until) {
        until = reopens;
        window = w;
      }
    }
    return until > now ? { until, window } : null;
  };

  const agentCap = (b: Bucket, w: Window): number | null => {
    const share = shares[w];
    const limit = b.limits[w];
    return share === undefined || limit === null ? null : Math.max(1, Math.floor(limit * share));
  };

  /** When the agent's own share lets it go again; null when it is not capped. */
  const cappedUntil = (b: Bucket, agentId: string, now: number): number | null => {
    let until: number | null = null;
    for (const w of windows) {
      const cap = agentCap(b, w);
      const inst = cap === null ? undefined : live(b, w, now);
      if (cap !== null && inst?.byAgent && (inst.byAgent.get(agentId) ?? 0) >= cap) {
        until = Math.max(until ?? -Infinity, inst.resetAt);
      }
    }
    return until;
  };

  /**
   * Calls served before a new one from `agentId` under round robin: its own, and as many per
   * other agent (agents held back by their share are left out).
   */
  const aheadFor = (b: Bucket, agentId: string | null, now: number): number => {
    if (agentId === null) return b.queued;
    const own = b.queues.get(agentId)?.length ?? 0;
    let ahead = own;
    for (const [other, q] of b.queues) {
      if (other !== agentId && cappedUntil(b, other, now) === null) {
        ahead += Math.min(q.length, own + 1);
      }
    }
    return ahead;
  };

  /**
   * When the `n`th call from now could go if the queue were served in order and nothing else
   * arrived: replays the windows forward, filling each as it reopens.
   */
  const simulate = (
    b: Bucket,
    n: number,
    now: number,
    cutoff: number,
  ): { ms: number; window: Window | null } => {
    const sim = windows.map((w) => {
      const inst = live(b, w, now);
      return {
        w,
        limit: b.limits[w],
        live: inst !== undefined,
        sent: inst?.sent ?? 0,
        sendUntil: inst?.sendUntil ?? 0,
        resetAt: inst?.resetAt ?? 0,
        held: inst?.held ?? false,
      };
    });
    let t = now;
    let window: Window | null = null;
    if (b.heldUntil > t) t = b.heldUntil;
    let remaining = n;
    for (let step = 0; step < maxSimulationSteps; step++) {
      let capacity = Infinity;
      let wake = t;
      let wakeWindow: Window | null = null;
      for (const s of sim) {
        if (s.live && t >= s.resetAt) s.live = false;
        let room: number;
        let reopens = t;
        if (s.limit === 0) {
          room = 0;
          reopens = Infinity;
        } else if (!s.live) {
          room = s.limit ?? Infinity;
        } else if (s.held || (s.limit !== null && (t >= s.sendUntil || s.sent >= s.limit))) {
          room = 0;
          reopens = s.resetAt;
        } else {
          room = s.limit === null ? Infinity : s.limit - s.sent;
        }
        if (room === 0 && reopens > wake) {
          wake = reopens;
          wakeWindow = s.w;
        }
        capacity = Math.min(capacity, room);
      }
      if (capacity >= remaining) return { ms: t - now, window };
      if (capacity > 0) {
        for (const s of sim) {
          if (!s.live) {
            Object.assign(s, {
              live: true,
              sent: 0,
              sendUntil: t + lengths[s.w] - margin,
              resetAt: t + lengths[s.w] + margin,
              held: false,
            });
          }
          s.sent += capacity;
        }
        remaining -= capacity;
        continue;
      }
      t = wake;
      window = wakeWindow;
      if (!Number.isFinite(t) || t - now > cutoff) return { ms: t - now, window };
    }
    return { ms: Infinity, window };
  };

  /** The simulation plus the agent's own share: it waits for the instances it has used up. */
  const estimate = (
    b: Bucket,
    agentId: string | null,
    ahead: number,
    now: number,
    cutoff: number,
  ): { ms: number; window: Window | null } => {
    let result = simulate(b, ahead + 1, now, cutoff);
    if (agentId === null) return result;
    const own = b.queues.get(agentId)?.length ?? 0;
    for (const w of windows) {
      const cap = agentCap(b, w);
      if (cap === null) continue;
      const inst = live(b, w, now);
      const used = inst?.byAgent?.get(agentId) ?? 0;
      const resets = Math.floor((used + own) / cap);
      if (resets === 0) continue;
      const cycle = lengths[w] + margin;
      const ms = (inst ? inst.resetAt - now : cycle) + (resets - 1) * cycle;
      if (ms > result.ms) result = { ms, window: w };
    }
    return result;
  };

  const retrySeconds = (ms: number, w: Window | null): number => {
    const wait = Number.isFinite(ms) ? ms : lengths[w ?? 'day'];
    return Math.max(1, Math.ceil(wait / 1000));
  };

  const refusal = (b: Bucket, agentId: string, reason: RefusalReason, ahead: number): Refusal => {
    const est = estimate(b, agentId, ahead, clock.now(), Infinity);
    return Object.freeze({
      ok: false as const,
      bucket: b.name,
      agentId,
      reason,
      retryAfterSeconds: retrySeconds(est.ms, est.window),
      window: est.window,
      ahead,
    });
  };

  /** Counts one call in every window, opening the instances it is the first of. */
  const reserve = (
    b: Bucket,
    agentId: string,
    now: number,
    waited: { arrivedAt: number; position: number; waitedFor: Window | null } | null,
  ): Grant => {
    const grant: Grant = Object.freeze({
      ok: true as const,
      bucket: b.name,
      agentId,
      grantedAt: now,
      waitedMs: waited ? now - waited.arrivedAt : 0,
      position: waited?.position ?? 0,
      waitedFor: waited?.waitedFor ?? null,
    });
    const instances: Partial<Record<Window, Instance>> = {};
    const record: Reservation = { bucket: b, at: now, live: true, confirmed: false, instances };
    for (const w of windows) {
      let inst = live(b, w, now);
      if (!inst) {
        inst = openInstance(w, now, record);
        b.inst[w] = inst;
      }
      inst.sent += 1;
      inst.byAgent?.set(agentId, (inst.byAgent.get(agentId) ?? 0) + 1);
      instances[w] = inst;
    }
    reservations.set(grant, record);
    const horizon = now - recentHorizonMs - 2 * margin;
    while (b.recentHead < b.recent.length && b.recent[b.recentHead]!.at < horizon) {
      b.recentHead += 1;
      b.recentSince = horizon;
    }
    if (b.recentHead > 1_024 && b.recentHead * 2 > b.recent.length) {
      b.recent = b.recent.slice(b.recentHead);
      b.recentHead = 0;
    }
    b.recent.push(record);
    return grant;
  };

  const settle = (waiter: Waiter, result: Grant | Refusal): void => {
    if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
    waiter.onAbort = null;
    waiter.resolve(result);
  };

  const removeWaiter = (b: Bucket, waiter: Waiter): boolean => {
    const q = b.queues.get(waiter.agentId);
    const i = q ? q.indexOf(waiter) : -1;
    if (!q || i < 0) return false;
    q.splice(i, 1);
    if (q.length === 0) b.queues.delete(waiter.agentId);
    b.queued -= 1;
    return true;
  };

  /** The next waiter under round robin: the first agent in turn that its share lets go. */
  const nextWaiter = (b: Bucket, now: number): Waiter | null => {
    for (const [agentId, q] of b.queues) {
      if (cappedUntil(b, agentId, now) !== null) continue;
      const waiter = q.shift()!;
      b.queues.delete(agentId);
      if (q.length > 0) b.queues.set(agentId, q);
      b.queued -= 1;
      return waiter;
    }
    return null;
  };

  const clearTimer = (b: Bucket): void => {
    b.timer?.cancel();
    b.timer = null;
  };

  /** One timer per bucket, at the earliest time a waiter may go or reach its deadline. */
  const schedule = (b: Bucket, now: number): void => {
    if (b.queued === 0 || closed) {
      clearTimer(b);
      return;
    }
    let wake = b.minDeadline;
    const blocked = blockedUntil(b, now);
    if (blocked) wake = Math.min(wake, blocked.until);
    else {
      for (const agentId of b.queues.keys()) {
        const until = cappedUntil(b, agentId, now);
        if (until !== null) wake = Math.min(wake, until);
      }
    }
    if (b.timer?.at === wake) return;
    clearTimer(b);
    if (!Number.isFinite(wake)) return;
    const at = wake;
    b.timer = {
      at,
      cancel: setTimer(
        () => {
          if (b.timer?.at !== at) return;
          b.timer = null;
          pump(b);
        },
        Math.max(1, Math.ceil(at - now)),
      ),
    };
  };

  /** Grants what the windows allow, round robin; then refuses waiters past their deadline. */
  const pump = (b: Bucket, inAcquire: Waiter | null = null): void => {
    if (closed) return;
    const now = clock.now();
    while (b.queued > 0 && !blockedUntil(b, now)) {
      const waiter = nextWaiter(b, now);
      if (!waiter) break;
      const atOnce = waiter === inAcquire;
      settle(
        waiter,
        reserve(b, waiter.agentId, now, {
          arrivedAt: waiter.arrivedAt,
          position: atOnce ? 0 : waiter.position,
          waitedFor: atOnce ? null : waiter.waitedFor,
        }),
      );
    }
    if (b.queued > 0 && now >= b.minDeadline) {
      let min = Infinity;
      for (const q of [...b.queues.values()]) {
        for (const waiter of [...q]) {
          if (waiter.deadline <= now) {
            removeWaiter(b, waiter);
            const ahead = aheadFor(b, waiter.agentId, now);
            settle(waiter, refusal(b, waiter.agentId, 'wait_too_long', ahead));
          } else min = Math.min(min, waiter.deadline);
        }
      }
      b.minDeadline = min;
    }
    if (b.queued === 0) b.minDeadline = Infinity;
    schedule(b, now);
  };

  return {
    acquire(name, agentId, { maxWaitMs, signal }) {
      const b = bucketFor(name);
      if (closed) return Promise.resolve(refusal(b, agentId, 'closed', 0));
      if (signal?.aborted) return Promise.resolve(refusal(b, agentId, 'cancelled', 0));
      const maxWait = Number.isNaN(maxWaitMs) ? 0 : Math.max(0, maxWaitMs);
      // Serve waiters whose time has come first, so a newcomer never jumps them.
      pump(b);
      const now = clock.now();
      if (b.queued === 0 && !blockedUntil(b, now) && cappedUntil(b, agentId, now) === null) {
        return Promise.resolve(reserve(b, agentId, now, null));
      }
      const ahead = aheadFor(b, agentId, now);
      if (b.queued >= maxQueue) return Promise.resolve(refusal(b, agentId, 'queue_full', ahead));
      const found = estimate(b, agentId, ahead, now, maxWait);
      // The estimate stops once it passes maxWait; the refusal states the whole wait.
      if (found.ms > maxWait) return Promise.resolve(refusal(b, agentId, 'wait_too_long', ahead));
      return new Promise<Grant | Refusal>((resolve) => {
        const waiter: Waiter = {
          agentId,
          arrivedAt: now,
          deadline: now + maxWait,
          position: ahead + 1,
          ahead,
          waitedFor: found.window,
          resolve,
          signal,
          onAbort: null,
        };
        if (signal) {
          waiter.onAbort = () => {
            if (!removeWaiter(b, waiter)) return;
            settle(waiter, refusal(b, agentId, 'cancelled', ahead));
            pump(b);
          };
          signal.addEventListener('abort', waiter.onAbort, { once: true });
        }
        const q = b.queues.get(agentId);
        if (q) q.push(waiter);
        else b.queues.set(agentId, [waiter]);
        b.queued += 1;
        b.minDeadline = Math.min(b.minDeadline, waiter.deadline);
        pump(b, waiter);
      });
    },

    cancelReservation(grant) {
      const r = reservations.get(grant);
      if (!r?.live || r.confirmed) return false;
      r.live = false;
      const b = r.bucket;
      const now = clock.now();
      for (const w of windows) {
        const inst: Instance | undefined = r.instances[w];
        if (!inst || b.inst[w] !== inst || now >= inst.resetAt || inst.held) continue;
        const mine = inst.byAgent?.get(grant.agentId);
        if (inst.byAgent && mine !== undefined) {
          if (mine <= 1) inst.byAgent.delete(grant.agentId);
          else inst.byAgent.set(grant.agentId, mine - 1);
        }
        if (r.at >= inst.syncedBefore) inst.sent = Math.max(0, inst.sent - 1);
        if (inst.sent === 0) {
          // Apollo saw nothing of this instance: its next call opens a new window, as ours will.
          delete b.inst[w];
          continue;
        }
        if (inst.anchor === r) inst.anchor = null;
        if (inst.anchor === null) {
          // Apollo's window opened with the earliest member that reached it: one it answered, or
          // else one granted before now. Ours must not end before Apollo's can.
          const bound = Math.min(inst.confirmedAt, now);
          inst.resetAt = Math.max(inst.resetAt, bound + lengths[w] + margin);
        }
      }
      pump(b);
      return true;
    },

    observe(grant, info) {
      const figures = {} as Record<Window, { limit: number | null; used: number | null }>;
      for (const w of windows) {
        const limit = info.limit[w];
        const left = info.left[w];
        figures[w] = {
          limit,
          used: info.usage[w] ?? (limit !== null && left !== null ? limit - left : null),
        };
      }
      const self = reservations.get(grant);
      reconcile(self?.bucket ?? bucketFor(grant.bucket), figures, grant.grantedAt, self ?? null);
    },

    observeUsageStats(name, stats, requestedAt) {
      const figures: Partial<Record<Window, { limit: number | null; used: number | null }>> = {};
      for (const w of windows) {
        const s = stats[w];
        if (!s) continue;
        figures[w] = {
          limit: s.limit,
          used:
            s.consumed ?? (s.limit !== null && s.left_over !== null ? s.limit - s.left_over : null),
        };
      }
      reconcile(bucketFor(name), figures, requestedAt, null);
    },

    hold(name, retryAfterSeconds, window) {
      const b = bucketFor(name);
      const now = clock.now();
      const ms =
        retryAfterSeconds !== null && Number.isFinite(retryAfterSeconds) && retryAfterSeconds >= 0
          ? retryAfterSeconds * 1000
          : lengths[window ?? 'minute'];
      if (window) {
        // Apollo says this window is spent and when it reopens: trust it, so the next call opens
        // a window as Apollo's does.
        const inst = live(b, window, now);
        b.inst[window] = {
          sent: Math.max(inst?.sent ?? 0, b.limits[window] ?? 0),
          sendUntil: now,
          resetAt: now + ms,
          anchor: null,
          confirmedAt: Infinity,
          byAgent: inst?.byAgent ?? null,
          held: true,
          syncedBefore: -Infinity,
        };
      } else {
        b.heldUntil = Math.max(b.heldUntil, now + ms);
      }
      pump(b);
    },

    setLimits(name, limits) {
      const b = bucketFor(name);
      for (const w of windows) {
        const limit = limits[w];
        if (limit !== undefined) b.limits[w] = limit;
      }
      pump(b);
    },

    snapshot(name) {
      const b = buckets.get(name) ?? newBucket(name);
      const now = clock.now();
      const out = {} as Record<Window, PacerWindowSnapshot>;
      for (const w of windows) {
        const inst = live(b, w, now);
        const limit = b.limits[w];
        const sent = inst?.sent ?? 0;
        out[w] = Object.freeze({
          limit,
          sent,
          left: limit === null ? null : Math.max(0, limit - sent),
          resetsInMs: inst ? inst.resetAt - now : null,
        });
      }
      return Object.freeze({
        bucket: name,
        windows: Object.freeze(out),
        queued: b.queued,
        agentsWaiting: b.queues.size,
        heldForMs: Math.max(0, b.heldUntil - now),
        estimatedWaitMs: waitFor(b, null, now),
      });
    },

    estimateWaitMs(name, agentId) {
      const b = buckets.get(name) ?? newBucket(name);
      return waitFor(b, agentId ?? null, clock.now());
    },

    close() {
      closed = true;
      for (const b of buckets.values()) {
        clearTimer(b);
        for (const q of [...b.queues.values()]) {
          for (const waiter of [...q]) {
            removeWaiter(b, waiter);
            settle(waiter, refusal(b, waiter.agentId, 'closed', waiter.ahead));
          }
        }
        b.minDeadline = Infinity;
      }
    },
  };

  function waitFor(b: Bucket, agentId: string | null, now: number): number {
    if (b.queued === 0 && !blockedUntil(b, now)) {
      if (agentId === null) return 0;
      const capped = cappedUntil(b, agentId, now);
      if (capped === null) return 0;
    }
    return estimate(b, agentId, aheadFor(b, agentId, now), now, Infinity).ms;
  }

  /**
   * Reads Apollo's count `used` for a window, as Apollo stood when a request sent at `sentAt`
   * reached it (`self` is that call's reservation when it was one of ours). Our grants sent more
   * than a margin before it had reached Apollo by then (or never will); those sent more than a
   * margin after it had not; those in between may have. So Apollo's true count lies between
   * `used + after` and `used + between + after`. Ours is left alone inside those bounds and set to
   * the upper one outside them: higher means other clients share the team's windows, lower means
   * Apollo's window reset before ours.
   */
  function reconcile(
    b: Bucket,
    figures: Partial<Record<Window, { limit: number | null; used: number | null }>>,
    sentAt: number,
    self: Reservation | null,
  ): void {
    const now = clock.now();
    const from = sentAt - margin;
    if (self) self.confirmed = true;
    let first = b.recentHead;
    for (let hi = b.recent.length; first < hi;) {
      const mid = (first + hi) >>> 1;
      if (b.recent[mid]!.at < from) first = mid + 1;
      else hi = mid;
    }
    for (const w of windows) {
      const f = figures[w];
      if (!f) continue;
      b.limits[w] = f.limit;
      const used = f.used;
      if (used === null || !Number.isFinite(used) || used < 0) continue;
      const inst = live(b, w, now);
      if (inst?.held) continue;
      if (!inst) {
        // Only usage stats can show a window Gatehouse has not opened (another client, or a
        // previous process): best effort, as if it opened when asked.
        if (!self && used > 0) {
          const opened = openInstance(w, Math.min(sentAt, now), null);
          opened.sent = used;
          opened.syncedBefore = from;
          b.inst[w] = opened;
        }
        continue;
      }
      // An answer to a call counted in an earlier instance describes a window that has ended; one
      // older than the grants remembered cannot be read against them.
      if (self && self.instances[w] !== inst) continue;
      if (self) inst.confirmedAt = Math.min(inst.confirmedAt, self.at);
      if (from < b.recentSince) continue;
      let between = 0;
      let after = 0;
      for (let i = first; i < b.recent.length; i++) {
        const r = b.recent[i]!;
        if (r === self || !r.live || r.instances[w] !== inst) continue;
        if (r.at > sentAt + margin) after += 1;
        else between += 1;
      }
      const high = used + between + after;
      if (inst.sent >= used + after && inst.sent <= high) continue;
      inst.sent = high;
      inst.syncedBefore = Math.max(inst.syncedBefore, from);
      inst.anchor = null;
      if (high === 0) {
        delete b.inst[w];
      } else if (self && used === 1) {
        // This call opened Apollo's window: it began when the call arrived.
        inst.sendUntil = sentAt + lengths[w] - margin;
        inst.resetAt = Math.max(inst.resetAt, sentAt + lengths[w] + margin);
      } else {
        // Apollo's window held this request, so it opened by the time the request arrived.
        inst.resetAt = Math.max(inst.resetAt, sentAt + margin + lengths[w]);
      }
    }
    pump(b);
  }
}

const perWindow: Readonly<Record<Window, string>> = Object.freeze({
  minute: 'per-minute',
  hour: 'per-hour',
  day: 'per-day',
});

/** "1,234": thousands separated, independent of the process locale. */
function group(n: number): string {
  // eslint-disable-next-line security/detect-unsafe-regex -- formats Gatehouse's own numbers, never input
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "350 ms" below a second, else whole seconds: "12 s", "1,234 s". */
function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${group(Math.round(ms / 1000))} s`;
}

/** "waited 12 s for Apollo's per-minute window"; null when the call went at once. */
export function describeWait(grant: Grant): string | null {
  if (grant.waitedMs <= 0) return null;
  return grant.waitedFor
    ? `waited ${seconds(grant.waitedMs)} for Apollo's ${perWindow[grant.waitedFor]} window`
    : `waited ${seconds(grant.waitedMs)} in Gatehouse's queue for this endpoint`;
}

/**
 * A refusal in words for the agent: "rate limited: Apollo's per-hour window for this endpoint is
 * spent; retry in 1,234 s". `endpoint` names the endpoint ("people search").
 */
export function describeRefusal(refusal: Refusal, endpoint = 'this endpoint'): string {
  const retry = `retry in ${group(refusal.retryAfterSeconds)} s`;
  const queued = refusal.ahead > 0 ? ` (${group(refusal.ahead)} calls waiting)` : '';
  const spent = refusal.window
    ? `Apollo's ${perWindow[refusal.window]} window for ${endpoint} is spent`
    : `Apollo asked Gatehouse to wait before calling ${endpoint} again`;
  switch (refusal.reason) {
    case 'queue_full':
      return `rate limited: ${group(refusal.ahead)} calls are already waiting for ${endpoint}; ${retry}`;
    case 'wait_too_long':
      return `rate limited: ${spent}${queued}; ${retry}`;
    case 'cancelled':
      return `cancelled while waiting for ${endpoint}`;
    case 'closed':
      return `Gatehouse is shutting down; ${retry}`;
    case 'shared_unavailable':
      return `rate limited: the rate counters Gatehouse's replicas share (Redis) cannot be reached, so nothing is sent to ${endpoint} that could overrun Apollo's windows; ${retry}`;
  }
}

/** Time driven by hand, for tests and benchmarks: a clock and a scheduler in one. */
export interface ManualTime extends PacerClock {
  readonly setTimer: SetTimer;
  /** Moves the clock to `t`, running every timer due by then at its own time, in order. */
  advanceTo(t: number): void;
  advance(ms: number): void;
  /** The time of the earliest pending timer, or null. */
  nextTimerAt(): number | null;
  pendingTimers(): number;
}

/** A manual clock and scheduler starting at `start`. */
export function createManualTime(start = 0): ManualTime {
  let now = start;
  let seq = 0;
  const timers: { at: number; seq: number; fn: () => void }[] = [];
  const earliest = (): number => {
    let best = -1;
    timers.forEach((t, i) => {
      const b = timers[best];
      if (!b || t.at < b.at || (t.at === b.at && t.seq < b.seq)) best = i;
    });
    return best;
  };
  const time: ManualTime = {
    now: () => now,
    setTimer(fn, ms) {
      const timer = { at: now + Math.max(0, ms), seq: seq++, fn };
      timers.push(timer);
      return () => {
        const i = timers.indexOf(timer);
        if (i >= 0) timers.splice(i, 1);
      };
    },
    advanceTo(t) {
      for (;;) {
        const i = earliest();
        const timer = timers[i];
        if (!timer || timer.at > t) break;
        timers.splice(i, 1);
        now = Math.max(now, timer.at);
        timer.fn();
      }
      now = Math.max(now, t);
    },
    advance(ms) {
      time.advanceTo(now + ms);
    },
    nextTimerAt() {
      return timers[earliest()]?.at ?? null;
    },
    pendingTimers: () => timers.length,
  };
  return time;
}
