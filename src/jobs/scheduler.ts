// The one scheduler for Gatehouse's background jobs (audit retention, cache pruning, approval
// expiry, delivery polling, usage polling). Each job runs on its own interval, never twice at
// once (a slow run makes the next tick skip, not pile up); a failure is logged with the job's
// name and retried at the next tick; timers never keep the process alive; `stop` waits for runs
// in progress, so a shutdown does not close the store under a job.
import type { Logger } from '../ports/index.js';

/** A background job. */
export interface Job {
  /** Named in logs: "could not <name>". */
  readonly name: string;
  readonly everyMs: number;
  /** Also run once when the scheduler starts (default false). */
  readonly runAtStart?: boolean;
  run(): Promise<unknown>;
}

export interface Scheduler {
  /** Runs a job now (unless it is running: then waits for that run). */
  runNow(name: string): Promise<void>;
  /** Stops every timer and waits for runs in progress. */
  stop(): Promise<void>;
}

/** Starts the jobs. */
export function startScheduler(jobs: readonly Job[], logger: Logger): Scheduler {
  const running = new Map<string, Promise<void>>();
  const byName = new Map(jobs.map((j) => [j.name, j]));
  let stopped = false;

  const runJob = (job: Job): Promise<void> => {
    const current = running.get(job.name);
    if (current) return current;
    const run = (async () => {
      try {
        await job.run();
      } catch (e) {
        logger.warn({ err: e, job: job.name }, `could not ${job.name}; will retry`);
      } finally {
        running.delete(job.name);
      }
    })();
    running.set(job.name, run);
    return run;
  };

  const timers = jobs.map((job) => {
    const timer = setInterval(() => {
      if (!stopped && !running.has(job.name)) void runJob(job);
    }, job.everyMs);
    timer.unref();
    return timer;
  });
  for (const job of jobs) if (job.runAtStart) void runJob(job);

  return {
    async runNow(name) {
      const job = byName.get(name);
      if (!job) throw new Error(`no background job named ${name}`);
      await runJob(job);
    },
    async stop() {
      stopped = true;
      for (const t of timers) clearInterval(t);
      await Promise.all(running.values());
    },
  };
}
