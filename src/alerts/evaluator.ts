// Evaluates the anomaly rules over the shared audit table, so alerts cover every replica's traffic
// and survive restarts. Every replica runs an evaluator on a timer; a lease in the database lets
// one of them at a time read the audit records written since the stored watermark, feed them to
// the detector and store what it raises. Alerts are stored under a key (kind, agent, quiet
// window), so records evaluated twice (a holder that stalled past its lease while another took
// over) still raise each alert once. The watermark trails the clock by `settleMs`: a record is
// evaluated once it is that old, which covers the time between a record's timestamp and its
// commit, and clock differences between replicas.
import type { AlertStore, AuditEvent, StoredAlert } from '../ports/alerts.js';
import type { Logger } from '../ports/index.js';

import {
  createAlertDetector,
  detectorMemoryMs,
  type AlertDetector,
  type AlertOptions,
  type BudgetState,
  type DetectedAlert,
} from './detector.js';

/** The lease's name: one evaluation of the audit table per deployment. */
export const auditEvaluationLease = 'audit';

/** How the evaluator runs. */
export interface EvaluatorOptions {
  /** Time between evaluations (default 2 s). */
  readonly intervalMs?: number;
  /** How old a record must be before it is evaluated (default 2 s). */
  readonly settleMs?: number;
  /** How long a lease lasts unless renewed (default 15 s): a stopped holder is replaced after it. */
  readonly leaseMs?: number;
  /** The longest stretch of audit time evaluated before the watermark advances (default 5 minutes). */
  readonly spanMs?: number;
  /**
   * About how many records one query reads (default 400). A stretch holding more (counted first)
   * is read in equal slices of time, and between two the evaluator gives the event loop back: on
   * SQLite a query runs on it, and two seconds of records at 500 calls/s read at once held every
   * call for about 20 ms, every two seconds.
   */
  readonly sliceRecords?: number;
  /** Alerts older than this are deleted by the lease holder, hourly (default: kept). */
  readonly retentionMs?: number;
  readonly detector?: AlertOptions;
}

/** What the evaluator needs. */
export interface EvaluatorDeps {
  readonly store: AlertStore;
  /** This process's name in the lease; unique per running app. */
  readonly holder: string;
  readonly now: () => number;
  readonly logger: Logger;
  /** An agent's daily credit budget and what it spent so far today (null: no budget). */
  readonly budget: (agentId: string, at: number) => Promise<BudgetState | null>;
  /** Called once per stored alert, by the one evaluator that stored it. */
  readonly onRaised: (alert: StoredAlert) => void;
  readonly options?: EvaluatorOptions;
}

/** The evaluator. */
export interface AlertEvaluator {
  /** One evaluation (none while another replica holds the lease); the alerts it stored. */
  evaluateOnce(): Promise<StoredAlert[]>;
  /** Evaluates now and then every `intervalMs`. */
  start(): void;
  /** Stops the timer, waits for an evaluation in progress and gives the lease up. */
  stop(): Promise<void>;
}

const maxSpansPerEvaluation = 12;

/** Lets the calls waiting on the event loop run. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const pruneEveryMs = 60 * 60_000;

/** Creates an evaluator. */
export function createAlertEvaluator(deps: EvaluatorDeps): AlertEvaluator {
  const { store, holder, now, logger } = deps;
  const options = deps.options ?? {};
  const intervalMs = options.intervalMs ?? 2000;
  const settleMs = options.settleMs ?? 2000;
  const leaseMs = options.leaseMs ?? 15_000;
  const spanMs = options.spanMs ?? 5 * 60_000;
  const sliceRecords = Math.max(1, options.sliceRecords ?? 400);
  const quietMs = options.detector?.quietMs ?? 15 * 60_000;
  let detector: AlertDetector = createAlertDetector(options.detector);
  /** The lease as this process holds it; null when another may have evaluated since. */
  let held: { epoch: number; watermark: number } | null = null;
  let running: Promise<StoredAlert[]> | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  let stopped = false;
  let lastPrune = 0;

  /**
   * The records of one stretch, opened and completed, in the order they happened. An admin's
   * change (`admin.*`: an agent created, a grant set) is not a call the agent made, so no rule
   * counts it.
   */
  const agentsCall = (e: AuditEvent) => !e.action.startsWith('admin.');
  const inOrder = (events: { opened: AuditEvent[]; completed: AuditEvent[] }) =>
    [
      ...events.opened.filter(agentsCall).map((e) => ({ at: e.time, opened: true, e })),
      ...events.completed
        .filter(agentsCall)
        .map((e) => ({ at: e.completedAt ?? e.time, opened: false, e })),
    ].sort((a, b) => a.at - b.at || Number(b.opened) - Number(a.opened));

  /**
   * The records of (after, upTo] in consecutive slices of time, in order: the same events in the
   * same order as one read. A stretch of more than `sliceRecords` is cut into equal slices of
   * time (at least 1 ms) that hold about that many when the records are spread evenly, and the
   * calls waiting on the event loop run between two.
   */
  async function* slices(after: number, upTo: number) {
    if (after >= upTo) return;
    const count = await store.auditEventCount({ after, upTo });
    const parts = Math.min(upTo - after, Math.max(1, Math.ceil(count / sliceRecords)));
    const step = (upTo - after) / parts;
    for (let i = 0; i < parts; i++) {
      const from = i === 0 ? after : Math.floor(after + i * step);
      const end = i === parts - 1 ? upTo : Math.floor(after + (i + 1) * step);
      if (end <= from) continue;
      yield await store.auditEvents({ after: from, upTo: end });
      if (i < parts - 1) await turn();
    }
  }

  /** Rebuilds the detector's memory from the records before `from`, raising nothing. */
  async function warmUp(from: number): Promise<void> {
    detector = createAlertDetector(options.detector);
    for await (const events of slices(from - detectorMemoryMs, from)) {
      for (const step of inOrder(events)) if (step.opened) detector.opened(step.e);
    }
    // Alerts raised before, by whichever evaluator, start their quiet time here too.
    const recent = await store.list({
      includeAcknowledged: true,
      since: from - quietMs,
      limit: 1000,
    });
    for (const a of recent) detector.noteRaised(a.kind, a.agentId, a.time);
  }

  async function detect(events: {
    opened: AuditEvent[];
    completed: AuditEvent[];
  }): Promise<DetectedAlert[]> {
    const out: DetectedAlert[] = [];
    for (const step of inOrder(events)) {
      if (step.opened) {
        out.push(...detector.opened(step.e));
      } else if (step.e.credits > 0) {
        const budget = await deps.budget(step.e.agentId, step.at);
        if (budget) out.push(...detector.completed(step.e, budget));
      }
    }
    return out;
  }

  async function evaluate(): Promise<StoredAlert[]> {
    const t = now();
    const lease = await store.acquireLease(auditEvaluationLease, holder, t, leaseMs);
    if (!lease) {
      held = null;
      return [];
    }
    if (held?.epoch !== lease.epoch) {
      // Taking over (first start, or another replica evaluated since): the first evaluation of a
      // deployment starts now, without going through the history written before alerts existed.
      const from = lease.watermark ?? t - settleMs;
      await warmUp(from);
      held = { epoch: lease.epoch, watermark: from };
    }
    const stored: StoredAlert[] = [];
    const upTo = now() - settleMs;
    for (let i = 0; i < maxSpansPerEvaluation && held.watermark < upTo; i++) {
      const to = Math.min(upTo, held.watermark + spanMs);
      for await (const events of slices(held.watermark, to)) {
        for (const alert of await detect(events)) {
          const saved = await store.raise(alert);
          if (saved) {
            stored.push(saved);
            deps.onRaised(saved);
          }
        }
      }
      const advanced = await store.advance({
        name: auditEvaluationLease,
        holder,
        epoch: held.epoch,
        watermark: to,
        now: now(),
        ttlMs: leaseMs,
      });
      if (!advanced) {
        // Another replica took over while this one was busy: it evaluates from here on.
        held = null;
        return stored;
      }
      held.watermark = to;
    }
    if (lease.watermark === null && held.watermark >= upTo) {
      // A new deployment: record where evaluation starts, so a restart does not skip ahead.
      await store.advance({
        name: auditEvaluationLease,
        holder,
        epoch: held.epoch,
        watermark: held.watermark,
        now: now(),
        ttlMs: leaseMs,
      });
    }
    if (options.retentionMs !== undefined && t - lastPrune >= pruneEveryMs) {
      lastPrune = t;
      const removed = await store.prune({ olderThan: t - options.retentionMs });
      if (removed > 0) logger.info({ removed }, 'pruned alerts past their retention');
    }
    return stored;
  }

  const evaluateOnce = (): Promise<StoredAlert[]> => {
    if (stopped) return Promise.resolve([]);
    running ??= evaluate().finally(() => {
      running = null;
    });
    return running;
  };

  const tick = () =>
    void evaluateOnce().catch((e: unknown) => {
      held = null;
      logger.warn({ err: e }, 'alert evaluation failed; will retry');
    });

  return {
    evaluateOnce,
    start() {
      if (timer || stopped) return;
      tick();
      timer = setInterval(tick, intervalMs);
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      await running?.catch(() => undefined);
      if (held) {
        held = null;
        await store
          .releaseLease(auditEvaluationLease, holder)
          .catch((e: unknown) => logger.warn({ err: e }, 'could not release the alert lease'));
      }
    },
  };
}
