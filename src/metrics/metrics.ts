// Gatehouse's Prometheus metrics: one registry per app (tests build several apps in a process),
// the GatewayObserver the pipeline's hooks report to, and gauges read on scrape from the sources
// the composition attaches (the pacer, the approvals, MCP sessions, the stores' health).
//
// Label values are bounded: actions are catalog ids (anything else is `unknown`), surfaces,
// decisions, statuses, reasons and windows are small fixed sets, and agent names are created by
// admins, so they grow with the team's agents, not with traffic. No label carries a token, an IP
// address, a path or a parameter.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

import { getAction } from '../catalog/index.js';
import type { PacerSnapshot } from '../pacing/index.js';
import type { GatewayObserver } from '../ports/observer.js';

import { processMetrics } from './process.js';

/** Windows of Apollo's rate limits, as the pacer reports them. */
const windows = ['minute', 'hour', 'day'] as const;

/** What the gauges read on each scrape; each source is optional. */
export interface MetricSources {
  /** The pacer's state per bucket (an action id) that calls have used. */
  readonly pacer?: {
    buckets(): Iterable<string>;
    snapshot(bucket: string): PacerSnapshot;
  };
  /** Held calls waiting for an admin. */
  readonly pendingApprovals?: () => Promise<number>;
  /** MCP sessions this process holds open. */
  readonly mcpSessions?: () => number;
  /** The stores' health: `dependency` is `sqlite`, `postgres` or `redis`. */
  readonly health?: () => Promise<readonly { dependency: string; up: boolean }[]>;
}

/** Options for {@link createMetrics}. */
export interface MetricsOptions {
  /** This process's name among replicas (`gatehouse_info`). */
  readonly replicaId: string;
  /** Include prom-client's default process and Node.js metrics (on by default). */
  readonly processMetrics?: boolean;
}

/** The registry and its typed handles. */
export interface Metrics {
  readonly registry: Registry;
  /** What the gateway's hooks report to. */
  readonly observer: GatewayObserver;
  /** Sets what the scrape-time gauges read (the composition calls it once, when built). */
  attach(sources: MetricSources): void;
  /** The exposition text, this app's series and the process's. */
  render(): Promise<{ contentType: string; body: string }>;
}

/** Histogram buckets for Apollo's answers, in seconds: tens of ms to the 30 s timeout. */
export const upstreamBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Histogram buckets for waits in the pacer's queue, in seconds (most calls wait 0). */
export const queueWaitBuckets = [0.001, 0.01, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Histogram buckets for one audit write (group-committed), in seconds. */
export const auditBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** Builds a fresh registry with every Gatehouse series. */
export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  let sources: MetricSources = {};
  const registers = [registry];

  new Gauge({
    name: 'gatehouse_info',
    help: 'Always 1; the label names this replica (GATEHOUSE_REPLICA_ID).',
    labelNames: ['replica'] as const,
    registers,
  })
    .labels(options.replicaId)
    .set(1);

  const requests = new Counter({
    name: 'gatehouse_requests_total',
    help: 'Requests, each counted once when its audit record is first written, by surface, action and decision (allowed, denied, pending).',
    labelNames: ['surface', 'action', 'decision'] as const,
    registers,
  });
  const approvalOutcomes = new Counter({
    name: 'gatehouse_approval_outcomes_total',
    help: 'Held calls settled, by action and decision (approved, rejected, expired).',
    labelNames: ['action', 'decision'] as const,
    registers,
  });
  const upstream = new Histogram({
    name: 'gatehouse_upstream_request_duration_seconds',
    help: "Apollo's time to answer a call Gatehouse sent, by action and status (the HTTP status, or timeout / network).",
    labelNames: ['action', 'status'] as const,
    buckets: upstreamBuckets,
    registers,
  });
  const queueWait = new Histogram({
    name: 'gatehouse_pacer_queue_wait_seconds',
    help: "How long calls let go by the pacer waited for room in Apollo's windows, by action.",
    labelNames: ['action'] as const,
    buckets: queueWaitBuckets,
    registers,
  });
  const refusals = new Counter({
    name: 'gatehouse_pacer_refusals_total',
    help: 'Calls the pacer did not send (GATEHOUSE_BUSY and the like), by action and reason.',
    labelNames: ['action', 'reason'] as const,
    registers,
  });
  // Agent names are created by admins: the series grow with the team's agents, not with traffic.
  const credits = new Counter({
    name: 'gatehouse_credits_spent_total',
    help: 'Apollo credits spent, by agent name, from completed audit records.',
    labelNames: ['agent'] as const,
    registers,
  });
  const cacheHits = new Counter({
    name: 'gatehouse_enrichment_cache_hits_total',
    help: 'Calls the enrichment cache answered in full or in part, by action and kind.',
    labelNames: ['action', 'kind'] as const,
    registers,
  });
  const creditsSaved = new Counter({
    name: 'gatehouse_enrichment_cache_credits_saved_total',
    help: 'Credits the enrichment cache saved, by action.',
    labelNames: ['action'] as const,
    registers,
  });
  const auditWrites = new Histogram({
    name: 'gatehouse_audit_write_duration_seconds',
    help: 'Time for one audit write to be committed, by operation (open, complete).',
    labelNames: ['operation'] as const,
    buckets: auditBuckets,
    registers,
  });

  new Gauge({
    name: 'gatehouse_pacer_queue_depth',
    help: "Calls waiting in the pacer's queue, by action (actions used since start).",
    labelNames: ['action'] as const,
    registers,
    collect() {
      this.reset();
      for (const bucket of sources.pacer?.buckets() ?? [])
        this.labels(bucket).set(sources.pacer!.snapshot(bucket).queued);
    },
  });
  new Gauge({
    name: 'gatehouse_pacer_window_remaining',
    help: "Calls left in the current instance of Apollo's window, by action and window, as this replica's pacer counts them (absent when the window is unlimited).",
    labelNames: ['action', 'window'] as const,
    registers,
    collect() {
      this.reset();
      for (const bucket of sources.pacer?.buckets() ?? []) {
        const snapshot = sources.pacer!.snapshot(bucket);
        for (const w of windows) {
          const left = snapshot.windows[w].left;
          if (left !== null) this.labels(bucket, w).set(left);
        }
      }
    },
  });
  new Gauge({
    name: 'gatehouse_pacer_window_limit',
    help: "The limit of Apollo's window, by action and window (absent when unlimited).",
    labelNames: ['action', 'window'] as const,
    registers,
    collect() {
      this.reset();
      for (const bucket of sources.pacer?.buckets() ?? []) {
        const snapshot = sources.pacer!.snapshot(bucket);
        for (const w of windows) {
          const limit = snapshot.windows[w].limit;
          if (limit !== null) this.labels(bucket, w).set(limit);
        }
      }
    },
  });
  new Gauge({
    name: 'gatehouse_approvals_pending',
    help: 'Held calls waiting for an admin.',
    registers,
    async collect() {
      if (sources.pendingApprovals) this.set(await sources.pendingApprovals());
    },
  });
  new Gauge({
    name: 'gatehouse_mcp_sessions_open',
    help: 'MCP sessions this process holds open.',
    registers,
    collect() {
      if (sources.mcpSessions) this.set(sources.mcpSessions());
    },
  });
  new Gauge({
    name: 'gatehouse_dependency_up',
    help: 'Whether a store answers its readiness check (1) or not (0), by dependency (sqlite, postgres, redis).',
    labelNames: ['dependency'] as const,
    registers,
    async collect() {
      this.reset();
      for (const d of (await sources.health?.()) ?? []) this.labels(d.dependency).set(d.up ? 1 : 0);
    },
  });

  // Children per label values, looked up in nested maps so a hot-path update builds no key.
  const requestChild = children3(requests);
  const upstreamChild = children2(upstream);
  const waitChild = children1(queueWait);
  const refusalChild = children2(refusals);
  const creditChild = children1(credits);
  const hitChild = children2(cacheHits);
  const savedChild = children1(creditsSaved);
  const outcomeChild = children2(approvalOutcomes);
  const auditChild = children1(auditWrites);

  const observer: GatewayObserver = {
    requestRecorded(surface, action, decision) {
      requestChild(surface, actionLabel(action), decision).inc();
    },
    approvalSettled(action, decision) {
      outcomeChild(actionLabel(action), decision).inc();
    },
    upstreamAnswered(action, status, seconds) {
      upstreamChild(actionLabel(action), statusLabel(status)).observe(seconds);
    },
    queueWaited(action, seconds) {
      waitChild(actionLabel(action)).observe(seconds);
    },
    pacerRefused(action, reason) {
      refusalChild(actionLabel(action), reason).inc();
    },
    creditsSpent(agentName, amount) {
      if (amount > 0) creditChild(agentName).inc(amount);
    },
    cacheServed(action, kind, saved) {
      const label = actionLabel(action);
      hitChild(label, kind).inc();
      if (saved > 0) savedChild(label).inc(saved);
    },
    auditWritten(operation, seconds) {
      auditChild(operation).observe(seconds);
    },
  };

  const process = options.processMetrics === false ? null : processMetrics();
  return {
    registry,
    observer,
    attach(next) {
      sources = next;
    },
    async render() {
      const own = await registry.metrics();
      const body = process ? `${own}\n${await process.metrics()}` : own;
      return { contentType: registry.contentType, body };
    },
  };
}

/** A catalog action id as itself; anything else (an unknown path, a protocol method) as `unknown`. */
function actionLabel(action: string): string {
  return getAction(action) ? action : 'unknown';
}

const statusLabels = new Map<number, string>();
function statusLabel(status: number | string): string {
  if (typeof status === 'string') return status;
  let label = statusLabels.get(status);
  if (label === undefined) {
    label = String(status);
    statusLabels.set(status, label);
  }
  return label;
}

interface Labelled<C> {
  labels(...values: string[]): C;
}

function children1<C>(metric: Labelled<C>): (a: string) => C {
  const cache = new Map<string, C>();
  return (a) => {
    let c = cache.get(a);
    if (c === undefined) {
      c = metric.labels(a);
      cache.set(a, c);
    }
    return c;
  };
}

function children2<C>(metric: Labelled<C>): (a: string, b: string) => C {
  const cache = new Map<string, Map<string, C>>();
  return (a, b) => {
    let inner = cache.get(a);
    if (inner === undefined) {
      inner = new Map();
      cache.set(a, inner);
    }
    let c = inner.get(b);
    if (c === undefined) {
      c = metric.labels(a, b);
      inner.set(b, c);
    }
    return c;
  };
}

function children3<C>(metric: Labelled<C>): (a: string, b: string, c: string) => C {
  const cache = new Map<string, (b: string, c: string) => C>();
  return (a, b, c) => {
    let inner = cache.get(a);
    if (inner === undefined) {
      inner = children2({ labels: (y: string, z: string) => metric.labels(a, y, z) });
      cache.set(a, inner);
    }
    return inner(b, c);
  };
}
