// The store and its repositories, opened once from the configuration. CLI commands and the server
// both get their data through here, never by opening the store themselves.
import type { Config } from '../config/config.js';
import { GatewayFault, gatewayError } from '../core/errors.js';
import type { Logger } from '../ports/index.js';
import {
  createPersonalDataSealing,
  createSealer,
  createStore,
  createVault,
  isPostgresUrl,
  loadKeyring,
  migrateToLatest,
  openDatabase,
  type DatabaseHandle,
  type PersonalDataSealing,
  type Sealer,
  type Store,
  type Vault,
  type Connection,
} from './index.js';

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
  /** The server's: SQLite's WAL checkpoints run in a worker thread, off the request path. */
  options: { readonly backgroundCheckpoints?: boolean } = {},
): Promise<StoreServices> {
  const keyring = await loadKeyring(keySources(config));
  if (!keyring.ok) throw new Error(keyring.error.message);
  if (keyring.value.created) {
    logger.warn(
      { keyFile: config.keyFile },
      'created a new data key file: back it up, since sealed credentials cannot be opened without it',
    );
  }
  const migrated = await migrate(config);
  if (!migrated.ok) throw new Error(`database migration failed: ${migrated.error.message}`);
  const handle = openDatabase(config.db, {
    ...databaseOptions(config),
    ...(options.backgroundCheckpoints ? { backgroundCheckpoints: true } : {}),
  });
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
    ...createStore(handle.db, { vault, now, ...(handle.sqlite ? { sqlite: handle.sqlite } : {}) }),
    handle,
    vault,
    sealer,
    personalData,
    migrated: migrated.value,
    reloadKeys,
    close: () => handle.close(),
  };
}

/** How the store's own pool is opened: the configured pool size and timeouts (Postgres). */
export function databaseOptions(config: Config) {
  return {
    poolSize: config.pgPoolSize,
    connectTimeoutMs: config.pgConnectTimeoutMs,
    statementTimeoutMs: config.pgStatementTimeoutMs,
  };
}

/**
 * Migrations run on a connection of their own without the statement timeout: building an index
 * on a large audit table, or waiting for another replica's migration lock, may take longer than
 * any request should. Connecting is still bounded, so an unreachable database fails the start.
 */
async function migrate(config: Config) {
  if (!isPostgresUrl(config.db)) {
    const handle = openDatabase(config.db);
    try {
      return await migrateToLatest(handle.db);
    } finally {
      await handle.close();
    }
  }
  const handle = openDatabase(config.db, {
    poolSize: 1,
    connectTimeoutMs: config.pgConnectTimeoutMs,
    statementTimeoutMs: 0,
    queryTimeoutMs: 0,
  });
  try {
    return await migrateToLatest(handle.db);
  } finally {
    await handle.close();
  }
}

/** Thrown when the stored connection cannot be opened: what the operator must do, in words. */
export class CredentialUnreadable extends GatewayFault {
  constructor(
    readonly operatorMessage: string,
    cause?: unknown,
  ) {
    super(gatewayError.credentialUnreadable(cause));
  }
}

/**
 * The stored connection with its credential unsealed (undefined when Apollo is not connected).
 * Throws {@link CredentialUnreadable} when it cannot be opened (sealed with a data key this
 * process was not given, or altered), which only an operator can fix; the agent is told so
 * (CREDENTIAL_UNREADABLE), never that Apollo is not connected.
 */
export async function loadConnection(
  store: Pick<StoreServices, 'connection' | 'reloadKeys'>,
): Promise<Connection | undefined> {
  let loaded = await store.connection.load();
  if (!loaded.ok && loaded.error.code === 'vault_unknown_key') {
    // Sealed by a `gatehouse secrets rotate` since this process loaded its keys.
    await store.reloadKeys();
    loaded = await store.connection.load();
  }
  if (loaded.ok) return loaded.value;
  const fix =
    'start Gatehouse with the data key that sealed it (GATEHOUSE_SECRET_KEY, GATEHOUSE_PREVIOUS_SECRET_KEYS or GATEHOUSE_KEY_FILE), or connect Apollo again (gatehouse connect apikey) to seal it with the current key';
  const said =
    loaded.error.code === 'vault_unknown_key'
      ? `the data key is wrong: the stored Apollo credential was sealed with a data key this Gatehouse does not have (${loaded.error.message}); ${fix}.`
      : `the stored Apollo credential cannot be opened with this Gatehouse's data key (${loaded.error.message}): ${fix}.`;
  throw new CredentialUnreadable(said, loaded.error);
}
