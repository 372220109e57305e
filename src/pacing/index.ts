// Pacing: when a call to an Apollo endpoint may go, so Apollo never has to answer 429. The
// in-process pacer (one replica), the shared pacer (several replicas, counted in Redis), and the
// upstream wrapper that paces every call where it leaves for Apollo.
export { describeRefusal, describeWait } from './describe.js';
export { createPacedUpstream, type PacedUpstreamOptions } from './paced-upstream.js';
export { createPacer } from './pacer.js';
export { createSharedPacer, type SharedPacerOptions } from './shared-pacer.js';
export type {
  AcquireOptions,
  Grant,
  Pacer,
  PacerClock,
  PacerOptions,
  PacerSnapshot,
  PacerWindowSnapshot,
  Refusal,
  RefusalReason,
  SetTimer,
  WindowUsageStats,
} from './types.js';
