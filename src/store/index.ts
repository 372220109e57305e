// The store: Kysely over SQLite or Postgres, bundled migrations, one repository per table, and the
// vault that seals the Apollo credential. Wired once in src/app; nothing here is a singleton.
import type SqliteDatabase from 'better-sqlite3';
import type { Kysely } from 'kysely';

import { createAgentRepository } from './agent-repository.js';
import type { AgentRepository } from './agent-repository.js';
import { createAlertRepository } from './alert-repository.js';
import type { AlertRepository } from './alert-repository.js';
import { createAuditRepository } from './audit-repository.js';
import { createAuditWriter, type AuditWriter } from './audit-writer.js';
import type { AuditRepository } from './audit-repository.js';
import { createConnectionRepository } from './connection-repository.js';
import type { ConnectionRepository } from './connection-repository.js';
import type { Database } from './db.js';
import { createGrantRepository } from './grant-repository.js';
import type { GrantRepository } from './grant-repository.js';
import type { RandomBytes } from './ids.js';
import { createPeopleRepository } from './people-repository.js';
import type { PeopleRepository } from './people-repository.js';
import { createSettingsRepository } from './settings-repository.js';
import type { SettingsRepository } from './settings-repository.js';
import type { Vault } from './vault.js';

/** Every repository over one database. */
export interface Store {
  agents: AgentRepository;
  grants: GrantRepository;
  /** The audit trail; its reads see every write issued before them through `auditWriter`. */
  audit: AuditRepository;
  /** Group commit for the pipeline's opens and completions (see audit-writer.ts). */
  auditWriter: AuditWriter;
  connection: ConnectionRepository;
  settings: SettingsRepository;
  alerts: AlertRepository;
  people: PeopleRepository;
}

/**
 * The audit repository with its group-commit writer. A call's completion is committed after its
 * answer has gone (gateway/call.ts), so a read of the trail first waits for the writes this
 * process issued before it: whoever reads right after an answer (the console, a budget check, a
 * test) sees the call completed.
 */
function auditTrail(repository: AuditRepository): {
  audit: AuditRepository;
  auditWriter: AuditWriter;
} {
  const auditWriter = createAuditWriter(repository);
  const after =
    <A extends unknown[], R>(read: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await auditWriter.flushed();
      return read(...args);
    };
  return {
    auditWriter,
    audit: {
      ...repository,
      get: after(repository.get),
      query: after(repository.query),
      count: after(repository.count),
      sumCredits: after(repository.sumCredits),
      async *stream(filters, options) {
        await auditWriter.flushed();
        yield* repository.stream(filters, options);
      },
    },
  };
}

/** Builds every repository over one Kysely instance with shared dependencies. */
export function createStore(
  db: Kysely<Database>,
  deps: {
    vault: Vault;
    now: () => number;
    randomBytes?: RandomBytes;
    /** SQLite's connection under `db`, for the audit trail's precompiled writes. */
    sqlite?: SqliteDatabase.Database;
  },
): Store {
  const { now, vault } = deps;
  const random = deps.randomBytes ? { randomBytes: deps.randomBytes } : {};
  return {
    agents: createAgentRepository(db, { now, ...random }),
    grants: createGrantRepository(db, { now }),
    ...auditTrail(
      createAuditRepository(db, {
        now,
        ...random,
        ...(deps.sqlite ? { sqlite: deps.sqlite } : {}),
      }),
    ),
    connection: createConnectionRepository(db, { vault, now }),
    settings: createSettingsRepository(db, { now }),
    alerts: createAlertRepository(db, { now, ...random }),
    people: createPeopleRepository(db, { now, ...random }),
  };
}

export {
  agentTokenPrefix,
  createAgentRepository,
  hashToken,
  validateAgentName,
} from './agent-repository.js';
export type {
  Agent,
  AgentLimits,
  AgentRepository,
  AgentRepositoryDeps,
  CreateAgentInput,
  IssuedToken,
} from './agent-repository.js';
export { createAlertRepository, maxAlertNoteLength } from './alert-repository.js';
export { consoleRoles, createPeopleRepository, normaliseEmail } from './people-repository.js';
export type { ConsolePerson, ConsoleRole, PeopleRepository } from './people-repository.js';
export type { AlertRepository, AlertRepositoryDeps } from './alert-repository.js';
export { auditDecisions, auditSurfaces, createAuditRepository } from './audit-repository.js';
export { createAuditWriter, maxAuditBatch } from './audit-writer.js';
export type { AuditWriter } from './audit-writer.js';
export type {
  AuditCompletion,
  AuditDecision,
  AuditFilters,
  AuditPage,
  AuditQuery,
  AuditRecord,
  AuditRepository,
  AuditRepositoryDeps,
  AuditStreamOptions,
  AuditSurface,
  AuditWrite,
  AuditWritten,
  OpenAuditInput,
} from './audit-repository.js';
export type { JsonValue } from './codec.js';
export {
  connectionAad,
  connectionKinds,
  createConnectionRepository,
} from './connection-repository.js';
export type {
  Connection,
  ConnectionInfo,
  ConnectionKind,
  ConnectionMetadata,
  ConnectionRepository,
} from './connection-repository.js';
export type { Database } from './db.js';
export { createDeliveryRepository, maxDeliveryPayloadBytes } from './delivery-repository.js';
export { createApprovalRepository, maxApprovalNoteLength } from './approval-repository.js';
export { createRedisShared } from './redis-shared.js';
export { createMcpSessionRepository } from './mcp-session-repository.js';
export type { McpSessionTable } from './mcp-session-repository.js';
export { createRedisMcpSessions } from './mcp-session-redis.js';
export type { RedisMcpSessionOptions } from './mcp-session-redis.js';
export type { RedisConnection } from './redis-shared.js';
export { createAgentRateLimiter } from './agent-rate.js';
export type { AgentRateOptions } from './agent-rate.js';
export { createAuthThrottle, defaultAuthThrottleLimits, lockoutMs } from './auth-throttle.js';
export type { AuthThrottleLimits, AuthThrottleOptions } from './auth-throttle.js';
export {
  createEnrichmentCacheRepository,
  enrichmentCacheKinds,
  maxEnrichmentKeyLength,
  maxEnrichmentKeys,
} from './enrichment-cache-repository.js';
export type {
  CachedEnrichment,
  EnrichmentCacheEntry,
  EnrichmentCacheKind,
  EnrichmentCacheRepository,
  EnrichmentCacheRequirement,
  EnrichmentCacheStats,
} from './enrichment-cache-repository.js';
export { isPostgresUrl, openDatabase } from './dialect.js';
export { backupSqlite, BackupRefused, postgresBackupHelp } from './backup.js';
export type { BackupReport } from './backup.js';
export {
  holdSingleReplicaLock,
  holdSqliteServerLock,
  SingleReplicaRefused,
} from './single-replica-lock.js';
export type { SingleReplicaLock } from './single-replica-lock.js';
export type { DatabaseHandle, DialectName, OpenDatabaseOptions } from './dialect.js';
export type { StoreError, StoreErrorCode } from './errors.js';
export {
  createGrantRepository,
  grantLevels,
  isGrantTarget,
  validateGrant,
} from './grant-repository.js';
export type { Grant, GrantInput, GrantLevel, GrantRepository } from './grant-repository.js';
export type { RandomBytes } from './ids.js';
export { migrateToLatest, migrationProvider } from './migrate.js';
export { createPersonalDataSealing, sealedAad } from './personal-data.js';
export type {
  PersonalDataCounts,
  PersonalDataSealing,
  PersonalDataSealingOptions,
  PersonalDataTable,
  SealingReport,
} from './personal-data.js';
export { createSealer } from './sealer.js';
export type { Sealer } from './sealer.js';
export { createSettingsRepository } from './settings-repository.js';
export type { SettingsRepository } from './settings-repository.js';
export {
  createKeyring,
  createVault,
  generateSecretKey,
  keyIdOf,
  loadKeyring,
  rotateKeyFile,
  dropPreviousKeys,
} from './vault.js';
export type { Keyring, LoadedKeyring, LoadKeyringOptions, Vault, VaultKey } from './vault.js';
