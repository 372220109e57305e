// The store and its repositories, opened once from the configuration. CLI commands and the server
// both get their data through here, never by opening the store themselves.
import type { Config } from '../config/config.js';
import type { Logger } from '../ports/index.js';
import {
  createPersonalDataSealing,
  createSealer,
  createStore,
  createVault,
  loadKeyring,
  migrateToLatest,
  openDatabase,
  type DatabaseHandle,
  type PersonalDataSealing,
  type Sealer,
  type Store,
  type Vault,
} from '../store/index.js';

/** Repositories, the vault and the database handle. */
export interface StoreServices extends Store {
  readonly handle: DatabaseHandle;
  readonly vault: Vault;
  /** The vault as the repositories of end-user data use it (reloads the keys on a new key id). */
  readonly sealer: Sealer;
  /** Seals and reseals end-user data at rest (the cache, deliveries, approvals). */
  readonly personalData: PersonalDataSealing;
  /** Migrations this open applied (empty when the schema was current). */
  readonly migrated: readonly string[];
  /**
   * Re-reads the data keys (key file or variables) into the vault, for values sealed by a
   * `gatehouse secrets rotate` run in another process since this one started.
   */
  reloadKeys(): Promise<void>;
  close(): Promise<void>;
}

function keySources(config: Config) {
  return {
    secretKey: config.secretKey,
    previousSecretKeys: config.previousSecretKeys,
    keyFile: config.keyFile,
  };
}

/** Opens the database, runs pending migrations, loads the data key and builds the repositories. */
export async function openStore(
  config: Config,
  logger: Logger,
  now: () => number = Date.now,
): Promise<StoreServices> {
  const keyring = await loadKeyring(keySources(config));
  if (!keyring.ok) throw new Error(keyring.error.message);
  if (keyring.value.created) {
    logger.warn(
      { keyFile: config.keyFile },
      'created a new data key file: back it up, since sealed credentials cannot be opened without it',
    );
  }
  const handle = openDatabase(config.db);
  const migrated = await migrateToLatest(handle.db);
  if (!migrated.ok) {
    await handle.close();
    throw new Error(`database migration failed: ${migrated.error.message}`);
  }
  if (migrated.value.length) logger.info({ migrations: migrated.value }, 'database migrated');
  const vault = createVault(keyring.value.keyring);
  const reloadKeys = async () => {
    const reloaded = await loadKeyring(keySources(config));
    if (!reloaded.ok) throw new Error(reloaded.error.message);
    vault.useKeyring(reloaded.value.keyring);
  };
  const sealer = createSealer(vault, reloadKeys);
  const personalData = createPersonalDataSealing(handle.db, sealer, {
    now,
    dialect: handle.dialect,
  });
  // Rows written before end-user data was sealed at rest (an upgraded database) are sealed now,
  // before anything is served; on a current database this is one indexed probe per table.
  try {
    const legacy = await personalData.sealLegacy();
    const sealed = Object.values(legacy.sealed).reduce((a, b) => a + b, 0);
    const failed = Object.values(legacy.failed).reduce((a, b) => a + b, 0);
    if (sealed) logger.info({ rows: legacy.sealed }, 'sealed end-user data stored before sealing');
    if (failed) {
      logger.warn(
        { rows: legacy.failed, reason: legacy.firstFailure },
        'some end-user data stored before sealing could not be sealed and was left as it was',
      );
    }
  } catch (error) {
    await handle.close();
    throw error;
  }
  return {
    ...createStore(handle.db, { vault, now }),
    handle,
    vault,
    sealer,
    personalData,
    migrated: migrated.value,
    reloadKeys,
    close: () => handle.close(),
  };
}
