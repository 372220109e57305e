// How a call leaves for Apollo: the client, under the pacer (so Apollo never answers 429), with
// concurrent single matches batched above it (so a bulk call is paced under bulk_match's windows).
// With GATEHOUSE_REDIS_URL the windows are counted in Redis, shared by every replica.
import { alignMatches } from '../cache/index.js';
import { getAction, planLimits } from '../catalog/index.js';
import type { Config } from '../config/config.js';
import { createMatchBatcher } from '../gateway/match-batcher.js';
import { observePacer, observeUpstream, type ObservedPacer } from '../gateway/observe.js';
import {
  createPacedUpstream,
  createPacer,
  createSharedPacer,
  type Pacer,
} from '../pacing/index.js';
import type { Clock, Logger, Upstream } from '../ports/index.js';
import type { GatewayObserver } from '../ports/observer.js';
import type { createRedisShared } from '../store/index.js';
import { createApolloClient } from '../upstream/index.js';

import type { UpstreamWiring } from './upstream-wiring.js';

/** The client (for the deliveries' polls), the pacer, and the upstream the gateway calls. */
export interface UpstreamPath {
  readonly client: ReturnType<typeof createApolloClient>;
  readonly pacer: Pacer;
  /** The pacer as the metrics read it (null without metrics). */
  readonly observedPacer: ObservedPacer | null;
  /** Apollo through the pacer, without the batcher: Gatehouse's own calls (usage stats). */
  readonly paced: Upstream;
  /** What the gateway calls: the batcher over the paced upstream. */
  readonly upstream: Upstream;
}

export function createUpstreamPath(deps: {
  readonly config: Config;
  readonly wiring: UpstreamWiring;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly observer: GatewayObserver | undefined;
  readonly shared: ReturnType<typeof createRedisShared> | null;
}): UpstreamPath {
  const { config, wiring, clock, logger, observer, shared } = deps;
  const client = createApolloClient({
    baseUrl: wiring.baseUrl,
    timeoutMs: config.upstreamTimeoutMs,
    ...(wiring.fetch ? { fetch: wiring.fetch } : {}),
    userAgent: 'gatehouse/0.1',
    // Apollo's answers are passed on as they come (see ApolloClientOptions.validateAnswers).
    validateAnswers: false,
  });
  const defaults = (bucket: string) =>
    planLimits[config.apolloPlan][getAction(bucket)?.rateClass ?? 'default'];
  const unobserved = shared
    ? createSharedPacer({ shared, defaults, logger })
    : createPacer({
        clock: { now: () => clock.monotonic() },
        setTimer: (fn, ms) => {
          const t = setTimeout(fn, ms);
          t.unref();
          return () => clearTimeout(t);
        },
        defaults,
      });
  const observedPacer = observer ? observePacer(unobserved, observer) : null;
  const pacer: Pacer = observedPacer ?? unobserved;
  const apollo: Upstream = {
    call: (action, input, credential) => client.call(action, input, credential),
  };
  const paced = createPacedUpstream(
    // Observed below the pacer, so Apollo's latency does not include the queue's wait.
    observer ? observeUpstream(apollo, observer) : apollo,
    pacer,
    { maxWaitMs: config.maxQueueWaitMs },
  );
  const upstream = createMatchBatcher(paced, {
    windowMs: config.batchWindowMs,
    align: (details, matches) => alignMatches(details, matches).aligned,
  });
  return { client, pacer, observedPacer, paced, upstream };
}
