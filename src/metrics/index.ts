// Prometheus metrics: the registry, its series and the GatewayObserver behind them.
export {
  auditBuckets,
  createMetrics,
  queueWaitBuckets,
  upstreamBuckets,
  type MetricSources,
  type Metrics,
  type MetricsOptions,
} from './metrics.js';
export { processMetrics } from './process.js';
