// The pacer for several replicas: Apollo's windows are counted in a store every replica
// shares (Redis), one atomic take per call, so the replicas together never send more than a
// window allows. A call that finds its window spent waits until the window reopens (polling the
// shared counters, with jitter) within the caller's maximum wait, and is refused past it. If the
// shared counters cannot be reached, calls are refused (fail closed) rather than sent unpaced.
//
// The shared counts start unknown (a new Redis, or one that restarted and lost them): then one
// call per endpoint goes alone, the probe, and the others wait until Apollo's rate headers on its
// answer have been settled into the counts. Apollo's count raises ours on every answer that shows
// it higher (other clients of the team's key), so windows reopened by a Redis restart are closed
// again by the first answer.
//
// Compared with the in-process pacer: no fair queue across replicas (waiters retry independently;
// within a window every replica competes equally), and snapshots are this replica's last view.
import type { Window, WindowLimits } from '../catalog/index.js';
import type { Logger, RateLimitInfo, SharedWindows } from '../ports/index.js';

import { figuresFromHeaders } from './reconcile.js';

import type {
  AcquireOptions,
  Grant,
  Pacer,
  PacerSnapshot,
  Refusal,
  WindowUsageStats,
} from './types.js';

const windows: readonly Window[] = ['minute', 'hour', 'day'];

/** Options for {@link createSharedPacer}. */
export interface SharedPacerOptions {
  readonly shared: SharedWindows;
  /** The limits a bucket starts with (the plan's preset for the endpoint's rate class). */
  readonly defaults: (bucket: string) => WindowLimits;
  readonly logger: Logger;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

interface Local {
  limits: WindowLimits;
  counts: Record<Window, number>;
  lastRefusal: { at: number; retryAfterMs: number } | null;
}

/** Creates the shared pacer. */
export function createSharedPacer(options: SharedPacerOptions): Pacer {
  const now = options.now ?? (() => performance.now());
  const sleep =
    options.sleep ??
    ((ms: number) =>
      new Promise<void>((resolve) => {
        const t = setTimeout(resolve, ms);
        t.unref();
      }));
  const buckets = new Map<string, Local>();
  // Grants sent while the shared counts were unknown, whose answer the other calls wait for.
  const probes = new WeakSet<Grant>();
  let closed = false;

  const settle = (bucket: string, usage: Parameters<SharedWindows['settle']>[1], probe: boolean) =>
    void options.shared
      .settle(bucket, usage, probe)
      .catch((e: unknown) =>
        options.logger.warn({ err: e, bucket }, 'could not share what Apollo said of its windows'),
      );

  const local = (bucket: string): Local => {
    let b = buckets.get(bucket);
    if (!b) {
      b = {
        limits: { ...options.defaults(bucket) },
        counts: { minute: 0, hour: 0, day: 0 },
        lastRefusal: null,
      };
      buckets.set(bucket, b);
    }
    return b;
  };

  const refusal = (
    bucket: string,
    agentId: string,
    reason: Refusal['reason'],
    retryAfterMs: number,
    window: Window | null,
  ): Refusal => ({
    ok: false,
    bucket,
    agentId,
    reason,
    retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)),
    window,
    ahead: 0,
  });

  const learn = (b: Local, w: Window, limit: number | null | undefined) => {
    if (typeof limit === 'number' && limit >= 0) b.limits = { ...b.limits, [w]: limit };
  };

  return {
    async acquire(bucket, agentId, { maxWaitMs, signal }: AcquireOptions) {
      const b = local(bucket);
      const started = now();
      let waitedFor: Window | null = null;
      for (;;) {
        if (closed) return refusal(bucket, agentId, 'closed', 1000, null);
        if (signal?.aborted) return refusal(bucket, agentId, 'cancelled', 0, null);
        let taken;
        try {
          taken = await options.shared.take(bucket, b.limits);
        } catch (e) {
          options.logger.warn(
            { bucket, reason: (e as Error).message },
            'shared rate counters unreachable: refusing the call',
          );
          return refusal(bucket, agentId, 'shared_unavailable', 5_000, null);
        }
        if (taken.ok) {
          for (const w of windows) b.counts[w] = taken.counts[w] ?? 0;
          const waitedMs = Math.round(now() - started);
          const grant: Grant = {
            ok: true,
            bucket,
            agentId,
            grantedAt: now(),
            waitedMs,
            position: 0,
            waitedFor: waitedMs > 0 ? waitedFor : null,
          };
          if (taken.probe) {
            probes.add(grant);
            options.logger.info(
              { bucket },
              "the shared rate counts are unknown (new or restarted Redis): one call goes first to learn Apollo's",
            );
          }
          return grant;
        }
        b.lastRefusal = { at: now(), retryAfterMs: taken.retryAfterMs };
        waitedFor = taken.window;
        const left = maxWaitMs - (now() - started);
        if (taken.retryAfterMs > left) {
          return refusal(bucket, agentId, 'wait_too_long', taken.retryAfterMs, taken.window);
        }
        // Jitter spreads the replicas' retries when a window reopens.
        await sleep(taken.retryAfterMs + Math.floor(Math.random() * 25));
      }
    },

    cancelReservation(grant) {
      void options.shared.release(grant.bucket).catch(() => undefined);
      if (probes.delete(grant)) settle(grant.bucket, null, true);
      return true;
    },

    observe(grant, info: RateLimitInfo) {
      // Apollo's headers are the truth about limits, as for the in-process pacer: a window they
      // report without a limit is not limited.
      const b = local(grant.bucket);
      b.limits = { minute: info.limit.minute, hour: info.limit.hour, day: info.limit.day };
      // Apollo's counts reach the shared store when they are news: after a probe, or when Apollo
      // counts more than the shared count this call saw (others use the team's key, or the
      // shared counts were lost).
      const figures = figuresFromHeaders(info);
      const usage = {
        minute: figures.minute?.used ?? null,
        hour: figures.hour?.used ?? null,
        day: figures.day?.used ?? null,
      };
      const probe = probes.delete(grant);
      const higher = windows.some((w) => usage[w] !== null && usage[w] > b.counts[w]);
      if (probe || higher) settle(grant.bucket, usage, probe);
    },

    answeredWithoutRate(grant) {
      if (probes.delete(grant)) settle(grant.bucket, null, true);
    },

    observeUsageStats(bucket, stats: Partial<Record<Window, WindowUsageStats>>) {
      const b = local(bucket);
      for (const w of windows) learn(b, w, stats[w]?.limit);
    },

    hold(bucket, retryAfterSeconds, window) {
      const ms =
        retryAfterSeconds !== null
          ? retryAfterSeconds * 1000
          : window === 'hour'
            ? 3_600_000
            : window === 'day'
              ? 86_400_000
              : 60_000;
      void options.shared
        .hold(bucket, ms)
        .catch((e: unknown) => options.logger.warn({ err: e }, 'could not share a hold'));
    },

    setLimits(bucket, limits) {
      const b = local(bucket);
      b.limits = { ...b.limits, ...limits };
    },

    snapshot(bucket): PacerSnapshot {
      const b = local(bucket);
      const wait = b.lastRefusal
        ? Math.max(0, b.lastRefusal.retryAfterMs - (now() - b.lastRefusal.at))
        : 0;
      return {
        bucket,
        windows: Object.fromEntries(
          windows.map((w) => {
            const limit = b.limits[w];
            return [
              w,
              {
                limit,
                sent: b.counts[w],
                left: limit === null ? null : Math.max(0, limit - b.counts[w]),
                resetsInMs: null,
              },
            ];
          }),
        ) as PacerSnapshot['windows'],
        queued: 0,
        agentsWaiting: 0,
        heldForMs: 0,
        estimatedWaitMs: wait,
      };
    },

    estimateWaitMs(bucket) {
      return this.snapshot(bucket).estimatedWaitMs;
    },

    close() {
      closed = true;
    },
  };
}
