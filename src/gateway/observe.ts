// The gateway's metric hooks: decorators over the ports the pipeline already uses (the audit sink,
// the upstream, the pacer) that tell a GatewayObserver what happened. The composition applies them
// once; without an observer they are not applied and cost nothing. Apollo's latency is the
// client's own measure and the queue wait the pacer's; only the audit writes are timed here.
import type { AuditDecision } from '../core/index.js';
import type { Grant, Pacer, Refusal } from '../pacing/index.js';
import type { AuditSink, Upstream } from '../ports/index.js';
import type { GatewayObserver } from '../ports/observer.js';

const settledByAnswer: ReadonlySet<AuditDecision> = new Set(['approved', 'rejected', 'expired']);

/** Options for {@link observeAuditSink}. */
export interface ObservedSinkOptions {
  /** Milliseconds from a monotonic clock. */
  readonly monotonic: () => number;
  /**
   * Count each record's first write as a request. True for the pipeline's sink (every request
   * opens exactly one record); false for other writers of the trail, such as deliveries, whose
   * records follow a call already counted.
   */
  readonly countRequests: boolean;
}

/**
 * The audit sink, timed, and read for what its records say: the decision of each request when its
 * record is first written, and on completion the credits spent, the cache's savings and the
 * answer to a held call.
 */
export function observeAuditSink(
  sink: AuditSink,
  observer: GatewayObserver,
  options: ObservedSinkOptions,
): AuditSink {
  const { monotonic, countRequests } = options;
  return {
    async open(record) {
      const started = monotonic();
      try {
        const id = await sink.open(record);
        if (countRequests) observer.requestRecorded(record.surface, record.action, record.decision);
        return id;
      } finally {
        observer.auditWritten('open', (monotonic() - started) / 1000);
      }
    },
    async complete(id, record) {
      // What the record says happened (credits spent, the cache's answer) is counted as the
      // completion is issued: the pipeline answers without waiting for it to commit.
      if (settledByAnswer.has(record.decision))
        observer.approvalSettled(record.action, record.decision);
      if (record.credits) observer.creditsSpent(record.agentName ?? 'unknown', record.credits);
      if (record.cacheHit) observer.cacheServed(record.action, 'full', record.savedCredits ?? 0);
      else if (record.savedCredits)
        observer.cacheServed(record.action, 'partial', record.savedCredits);
      const started = monotonic();
      try {
        await sink.complete(id, record);
      } finally {
        observer.auditWritten('complete', (monotonic() - started) / 1000);
      }
    },
  };
}

/**
 * The upstream, reporting each answer's status (or failure kind) and Apollo's time. Apply it
 * below the pacer, so the time is Apollo's and not the queue's.
 */
export function observeUpstream(upstream: Upstream, observer: GatewayObserver): Upstream {
  return {
    async call(action, input, credential, context) {
      const answer = await upstream.call(action, input, credential, context);
      if (answer.ok) {
        observer.upstreamAnswered(action.id, answer.value.status, answer.value.durationMs / 1000);
      } else if (answer.error.kind !== 'not_sent') {
        const e = answer.error;
        observer.upstreamAnswered(
          action.id,
          'status' in e ? e.status : e.kind,
          e.durationMs / 1000,
        );
      }
      return answer;
    },
  };
}

/** A pacer that also says which buckets calls have asked for (to report their state). */
export interface ObservedPacer extends Pacer {
  /** The buckets asked for so far: catalog action ids, so a bounded set. */
  buckets(): ReadonlySet<string>;
}

/** The pacer, reporting how long each granted call waited and each refusal's reason. */
export function observePacer(pacer: Pacer, observer: GatewayObserver): ObservedPacer {
  const used = new Set<string>();
  const report = (answer: Grant | Refusal): Grant | Refusal => {
    if (answer.ok) observer.queueWaited(answer.bucket, answer.waitedMs / 1000);
    else observer.pacerRefused(answer.bucket, answer.reason);
    return answer;
  };
  return {
    // The pacers' methods are closures (the shared pacer's `this` is the object they are on, which
    // this copy also is), so copying them keeps every method, optional ones included.
    ...pacer,
    acquire(bucket, agentId, options) {
      used.add(bucket);
      return pacer.acquire(bucket, agentId, options).then(report);
    },
    buckets: () => used,
  };
}
