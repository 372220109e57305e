// prom-client's default metrics (CPU, memory, event-loop lag, GC, handles) under their usual
// names (process_*, nodejs_*), so standard Node.js dashboards and alerts work unchanged. They
// describe the process, not an app: collecting them per app would start another event-loop
// monitor and GC observer for every app a test builds, none of which can be stopped, so they are
// collected once per process, on first use, in a registry of their own.
import { collectDefaultMetrics, Registry } from 'prom-client';

let shared: Registry | null = null;

/** The process's default metrics, started on first call. */
export function processMetrics(): Registry {
  if (!shared) {
    shared = new Registry();
    collectDefaultMetrics({ register: shared });
  }
  return shared;
}
