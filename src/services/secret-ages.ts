// Which credentials Gatehouse watches for age, read from the store: agent tokens, the Apollo API
// key, and the admin token (whose first sighting is recorded, since it lives in the environment).
import { createHash } from 'node:crypto';

import type { Config } from '../config/config.js';
import { secretAgeWarnings, type SecretAgeWarning, type WatchedSecret } from '../core/index.js';

import type { StoreServices } from '../store/open-store.js';

const adminTokenSetting = 'admin_token_first_seen';

/** Records when this admin token was first seen (a new token restarts its age). */
export async function recordAdminToken(
  store: Pick<StoreServices, 'settings'>,
  adminToken: string | undefined,
  now: number,
): Promise<void> {
  if (!adminToken) return;
  const hash = createHash('sha256').update(adminToken).digest('hex');
  const seen = (await store.settings.get(adminTokenSetting)) as
    { hash?: string; since?: number } | undefined;
  // eslint-disable-next-line security/detect-possible-timing-attacks -- compares two hashes to notice a rotation; no secret is being checked
  if (seen?.hash !== hash) await store.settings.set(adminTokenSetting, { hash, since: now });
}

/** Every watched credential with its issue time. */
export async function watchedSecrets(
  store: Pick<StoreServices, 'agents' | 'connection' | 'settings'>,
  config: Pick<Config, 'adminToken'>,
): Promise<WatchedSecret[]> {
  const secrets: WatchedSecret[] = [];
  for (const agent of await store.agents.list()) {
    if (agent.revokedAt) continue;
    secrets.push({
      subject: `agent token of ${agent.name}`,
      issuedAt: agent.tokenCreatedAt,
      rotate: `gatehouse agent rotate ${agent.name}`,
    });
  }
  const connection = await store.connection.info();
  if (connection?.kind === 'apikey') {
    secrets.push({
      subject: 'Apollo API key',
      issuedAt: connection.createdAt,
      rotate: 'create a new key in Apollo, then gatehouse connect apikey',
    });
  }
  const admin = (await store.settings.get(adminTokenSetting)) as { since?: number } | undefined;
  if (config.adminToken && typeof admin?.since === 'number') {
    secrets.push({
      subject: 'admin token',
      issuedAt: admin.since,
      rotate: 'set a new GATEHOUSE_ADMIN_TOKEN and restart',
    });
  }
  return secrets;
}

/** Warnings for credentials past GATEHOUSE_MAX_SECRET_AGE_DAYS. */
export async function staleSecrets(
  store: Pick<StoreServices, 'agents' | 'connection' | 'settings'>,
  config: Pick<Config, 'adminToken' | 'maxSecretAgeDays'>,
  now: number,
): Promise<{ checked: number; warnings: SecretAgeWarning[] }> {
  const secrets = await watchedSecrets(store, config);
  return {
    checked: secrets.length,
    warnings: secretAgeWarnings(secrets, now, config.maxSecretAgeDays),
  };
}
