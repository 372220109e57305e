// Readiness: what /readyz checks (the store, Apollo's credential, the webhook address, secret
// ages, and with replicas the shared rate windows in Redis).
import type { Config } from '../config/config.js';
import { faultOf } from '../core/index.js';
import { webhookReceiverPath } from '../deliveries/deliveries.js';
import type { Credential, SharedWindows } from '../ports/index.js';
import type { ReadinessCheck } from '../surfaces/ops/routes.js';

import { describeConnection } from '../services/admin/public.js';
import { oauthRefreshWarning } from '../services/oauth/credential.js';
import { staleSecrets } from '../services/secret-ages.js';
import { CredentialUnreadable, type StoreServices } from '../store/open-store.js';
import { embeddedSandboxLabel, type UpstreamWiring } from './upstream-wiring.js';

/** Readiness of the rate counters replicas share: without them calls are refused (fail closed). */
export async function sharedCheck(shared: SharedWindows): Promise<ReadinessCheck> {
  try {
    await shared.ping();
    return {
      name: 'redis',
      code: 'redis_unreachable',
      ok: true,
      detail: 'shared rate windows reachable',
    };
  } catch (e) {
    return {
      name: 'redis',
      code: 'redis_unreachable',
      ok: false,
      detail: `shared rate windows unreachable (${(e as Error).message}): calls to Apollo are refused until Redis is back`,
    };
  }
}

/**
 * The longest /readyz waits for any one check, in ms. A probe must get an answer in bounded time
 * (load balancers give up after a few seconds); a check that has not answered by then fails.
 */
export const readinessDeadlineMs = 2000;

/** `work`, or a rejection once `ms` have passed without its answer. */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

export async function readiness(
  store: StoreServices,
  upstream: UpstreamWiring,
  config: Config,
  now: number,
  publicUrl: string,
  deadlineMs: number = readinessDeadlineMs,
): Promise<ReadinessCheck[]> {
  const checks: ReadinessCheck[] = [];
  const bounded = <T>(work: () => Promise<T>, what: string) =>
    withDeadline(Promise.resolve().then(work), deadlineMs, what);
  // Every check reads the store; they run side by side, each within the deadline.
  const [probe, credential, info, refresh, ages] = await Promise.allSettled([
    bounded(() => store.settings.get('readiness-probe'), `the ${store.handle.dialect} database`),
    bounded(() => upstream.credential.current(), "Apollo's credential"),
    bounded(() => store.connection.info(), 'the stored connection'),
    bounded(() => oauthRefreshWarning(store), 'the OAuth refresh state'),
    bounded(() => staleSecrets(store, config, now), 'the secret ages'),
  ]);
  const storeOk = probe.status === 'fulfilled';
  checks.push({
    name: 'store',
    code: 'store_unreachable',
    ok: storeOk,
    detail: storeOk
      ? `${store.handle.dialect} reachable`
      : `store unreachable: ${causeText(probe.reason)}`,
  });
  // Without the store nothing else can be known; its failure is the one reason reported.
  if (storeOk) checks.push(upstreamCheck(upstream, credential, info, refresh));
  // Apollo POSTs phone and waterfall results only to a public HTTPS address.
  const sandboxed =
    upstream.label === embeddedSandboxLabel || /^http:\/\/(127\.|localhost)/.test(upstream.baseUrl);
  checks.push({
    name: 'webhooks',
    code: 'webhooks_unavailable',
    ok: true,
    detail: `asynchronous enrichments are received at ${publicUrl}${webhookReceiverPath}/<secret>, with webhook_result polling as the fallback`,
    ...(!sandboxed && !publicUrl.startsWith('https://')
      ? {
          warning:
            'Apollo delivers webhooks only to a public HTTPS address: set GATEHOUSE_PUBLIC_URL. Until then phone and waterfall results arrive by polling, tens of seconds later.',
        }
      : {}),
  });
  if (storeOk && ages.status === 'fulfilled') {
    const ages_ = ages.value;
    checks.push({
      name: 'secrets',
      code: 'secrets_unchecked',
      ok: true,
      detail: `${ages_.checked} credential${ages_.checked === 1 ? '' : 's'} checked against a ${config.maxSecretAgeDays}-day rotation period`,
      ...(ages_.warnings.length ? { warning: ages_.warnings.map((w) => w.message).join(' ') } : {}),
    });
  }
  return checks;
}

/** The thrown value's words for an operator: the driver's own when a fault wraps its error. */
function causeText(reason: unknown): string {
  const cause = faultOf(reason)?.cause ?? reason;
  return cause instanceof Error ? cause.message || cause.name : String(cause);
}

/**
 * Whether Apollo can be called: connected (with whom), not connected (and how to connect), or a
 * stored connection this process cannot open, which says the data key is wrong rather than that
 * Apollo is not connected.
 */
function upstreamCheck(
  upstream: UpstreamWiring,
  credential: PromiseSettledResult<Credential | null>,
  info: PromiseSettledResult<Awaited<ReturnType<StoreServices['connection']['info']>>>,
  refresh: PromiseSettledResult<Awaited<ReturnType<typeof oauthRefreshWarning>>>,
): ReadinessCheck {
  const warning = refresh.status === 'fulfilled' ? refresh.value : {};
  if (credential.status === 'rejected') {
    const why = credential.reason;
    return {
      name: 'upstream',
      code: 'credential_missing',
      ok: false,
      detail:
        why instanceof CredentialUnreadable
          ? `Apollo is connected, but ${why.operatorMessage}`
          : `Apollo's credential could not be loaded: ${causeText(why)}`,
    };
  }
  const c = credential.value;
  const stored = info.status === 'fulfilled' ? info.value : undefined;
  return {
    name: 'upstream',
    code: 'credential_missing',
    ok: c !== null,
    detail: c
      ? `connected to ${upstream.label} with ${c.kind === 'apikey' ? 'an API key' : 'OAuth'}${stored ? describeConnection(stored.metadata) : ''}`
      : 'Apollo is not connected (gatehouse connect)',
    ...warning,
  };
}
