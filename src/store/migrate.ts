import { Migrator, PostgresIntrospector, sql } from 'kysely';
import type { Kysely, Migration, MigrationProvider } from 'kysely';

import { ok } from '../core/result.js';
import type { Result } from '../core/result.js';

import { storeError } from './errors.js';
import type { StoreError } from './errors.js';
import * as initial from './migrations/0001-initial.js';
import * as enrichmentCache from './migrations/0002-enrichment-cache.js';
import * as deliveries from './migrations/0003-deliveries.js';
import * as approvals from './migrations/0004-approvals.js';
import * as sealedPersonalData from './migrations/0005-sealed-personal-data.js';
import * as grantApprovalWaiver from './migrations/0006-grant-approval-waiver.js';
import * as retiredTokens from './migrations/0007-retired-tokens.js';
import * as alerts from './migrations/0008-alerts.js';
import * as mcpSessions from './migrations/0009-mcp-sessions.js';
import * as auditRequestId from './migrations/0010-audit-request-id.js';
import * as oauthServer from './migrations/0011-oauth-server.js';
import * as consolePeople from './migrations/0012-console-people.js';
import * as changeVersion from './migrations/0013-change-version.js';

// Imported, not globbed from disk: the same list works from src/, dist/ and a bundle.
// Names sort in the order they must run; never rename or edit one that has shipped.
const migrations: Readonly<Record<string, Migration>> = Object.freeze({
  '0001_initial': initial,
  '0002_enrichment_cache': enrichmentCache,
  '0003_deliveries': deliveries,
  '0004_approvals': approvals,
  '0005_sealed_personal_data': sealedPersonalData,
  '0006_grant_approval_waiver': grantApprovalWaiver,
  '0007_retired_tokens': retiredTokens,
  '0008_alerts': alerts,
  '0009_mcp_sessions': mcpSessions,
  '0010_audit_request_id': auditRequestId,
  '0011_oauth_server': oauthServer,
  '0012_console_people': consolePeople,
  '0013_change_version': changeVersion,
});

/** The bundled migrations, for Kysely's `Migrator`. */
export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...migrations }),
};

/** Our bookkeeping tables, named so they cannot collide with another app's Kysely migrations. */
export const migrationTableName = 'gatehouse_migration';
export const migrationLockTableName = 'gatehouse_migration_lock';

/**
 * Runs every migration not yet applied and returns the names of those that ran (empty when the
 * database is current). Safe to call on every start and from several replicas at once: Kysely
 * takes a lock, and on Postgres the whole run is one transaction.
 */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<Result<string[], StoreError>> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    migrationTableName,
    migrationLockTableName,
    ...(await migrationTableSchema(db)),
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName;
    const detail = error instanceof Error ? error.message : String(error);
    const which = failed === undefined ? 'database migration' : `database migration ${failed}`;
    return storeError('migration_failed', `${which} failed: ${detail}`, error);
  }
  return ok(results.filter((r) => r.status === 'Success').map((r) => r.migrationName));
}

/**
 * On Postgres, Kysely looks for its bookkeeping table in every schema unless told which one; a
 * table of the same name in another schema (another app, a parallel test run) would make it skip
 * creating ours. Pin it to the schema we actually work in.
 */
async function migrationTableSchema<DB>(
  db: Kysely<DB>,
): Promise<{ migrationTableSchema?: string }> {
  if (!(db.introspection instanceof PostgresIntrospector)) return {};
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(
    db,
  );
  const schema = rows[0]?.schema;
  return schema ? { migrationTableSchema: schema } : {};
}
