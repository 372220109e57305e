// Readiness: what /readyz checks (the store, Apollo's credential, the webhook address, secret
// ages, and with replicas the shared rate windows in Redis).
import type { Config } from '../config/config.js';
import { webhookReceiverPath } from '../deliveries/deliveries.js';
import type { SharedWindows } from '../ports/index.js';
import type { ReadinessCheck } from '../surfaces/ops/routes.js';

import { describeConnection } from './admin-services.js';
import { oauthRefreshWarning } from './oauth-credential.js';
import { staleSecrets } from './secret-ages.js';
import type { StoreServices } from './services.js';
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

export async function readiness(
  store: StoreServices,
  upstream: UpstreamWiring,
  config: Config,
  now: number,
  publicUrl: string,
): Promise<ReadinessCheck[]> {
  const checks: ReadinessCheck[] = [];
  try {
    await store.settings.get('readiness-probe');
    checks.push({
      name: 'store',
      code: 'store_unreachable',
      ok: true,
      detail: `${store.handle.dialect} reachable`,
    });
  } catch (e) {
    checks.push({
      name: 'store',
      code: 'store_unreachable',
      ok: false,
      detail: `store unreachable: ${(e as Error).message}`,
    });
  }
  const credential = await upstream.credential.current().catch(() => null);
  const info = await store.connection.info().catch(() => undefined);
  checks.push({
    name: 'upstream',
    code: 'credential_missing',
    ok: credential !== null,
    detail: credential
      ? `connected to ${upstream.label} with ${credential.kind === 'apikey' ? 'an API key' : 'OAuth'}${info ? describeConnection(info.metadata) : ''}`
      : 'Apollo is not connected (gatehouse connect)',
    ...(await oauthRefreshWarning(store)),
  });
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
  const ages = await staleSecrets(store, config, now).catch(() => null);
  if (ages) {
    checks.push({
      name: 'secrets',
      code: 'secrets_unchecked',
      ok: true,
      detail: `${ages.checked} credential${ages.checked === 1 ? '' : 's'} checked against a ${config.maxSecretAgeDays}-day rotation period`,
      ...(ages.warnings.length ? { warning: ages.warnings.map((w) => w.message).join(' ') } : {}),
    });
  }
  return checks;
}
