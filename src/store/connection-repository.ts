import type { Kysely, Selectable } from 'kysely';

import { ok } from '../core/result.js';
import type { Result } from '../core/result.js';

import { parseJsonObject, stringifyJson } from './codec.js';
import type { ConnectionTable, Database } from './db.js';
import { storeError } from './errors.js';
import type { StoreError } from './errors.js';
import type { Vault } from './vault.js';

/** How Gatehouse authenticates to Apollo. */
export const connectionKinds = ['apikey', 'oauth'] as const;
export type ConnectionKind = (typeof connectionKinds)[number];

/** What Gatehouse learned about the credential; safe to show in the console. */
export interface ConnectionMetadata {
  /** API keys: a master key reaches every endpoint, a scoped one only its ticked scopes. */
  keyType?: 'master' | 'scoped';
  /** Action ids the credential was found to reach. */
  reachableActions?: string[];
  /** OAuth: the Apollo user who connected. */
  oauthUser?: { id?: string; email?: string; name?: string };
  /** OAuth: when the access token expires (epoch ms). */
  expiresAt?: number;
  [key: string]: unknown;
}

/** The connection without its secret: enough to display and to decide whether to unseal. */
export interface ConnectionInfo {
  kind: ConnectionKind;
  metadata: ConnectionMetadata;
  /** The vault key that sealed the credential. */
  keyId: string;
  createdAt: number;
  updatedAt: number;
}

/** The connection with its credential unsealed. */
export interface Connection extends ConnectionInfo {
  credential: Record<string, unknown>;
}

/** The Apollo connection: a single row whose credential is sealed by the vault. */
export interface ConnectionRepository {
  /** Seals and stores the credential, replacing any previous connection. */
  save(input: {
    kind: ConnectionKind;
    credential: Record<string, unknown>;
    metadata?: ConnectionMetadata;
  }): Promise<Result<ConnectionInfo, StoreError>>;
  /** The connection with its credential unsealed; ok(undefined) when none is configured. */
  load(): Promise<Result<Connection | undefined, StoreError>>;
  /** The connection without unsealing anything. */
  info(): Promise<ConnectionInfo | undefined>;
  /** Replaces the metadata (e.g. after re-checking reachable actions), keeping the credential. */
  updateMetadata(metadata: ConnectionMetadata): Promise<boolean>;
  /** Seals the stored credential again under the vault's current key; false when none is stored. */
  reseal(): Promise<Result<boolean, StoreError>>;
  /** Forgets the connection; true if there was one. */
  clear(): Promise<boolean>;
}

const rowId = 'apollo';
/** Binds the sealed value to this slot: it will not open if copied anywhere else. */
export const connectionAad = 'connection:apollo';

/** Creates the connection repository. */
export function createConnectionRepository(
  db: Kysely<Database>,
  deps: { vault: Vault; now: () => number },
): ConnectionRepository {
  const { vault } = deps;

  async function readRow(): Promise<Selectable<ConnectionTable> | undefined> {
    return db.selectFrom('connection').selectAll().where('id', '=', rowId).executeTakeFirst();
  }

  return {
    async save({ kind, credential, metadata = {} }) {
      if (!(connectionKinds as readonly string[]).includes(kind)) {
        return storeError('invalid_input', `unknown connection kind ${JSON.stringify(kind)}`);
      }
      const credentialJson = isPlainObject(credential) ? stringifyJson(credential) : undefined;
      const metadataJson = isPlainObject(metadata) ? stringifyJson(metadata) : undefined;
      if (credentialJson === undefined || metadataJson === undefined) {
        return storeError(
          'invalid_input',
          'connection credential and metadata must be JSON objects',
        );
      }
      const now = deps.now();
      const row: Selectable<ConnectionTable> = {
        id: rowId,
        kind,
        sealed_credential: vault.seal(credentialJson, connectionAad),
        key_id: vault.currentKeyId,
        metadata: metadataJson,
        created_at: now,
        updated_at: now,
      };
      await db
        .insertInto('connection')
        .values(row)
        .onConflict((oc) =>
          oc.column('id').doUpdateSet({
            kind: row.kind,
            sealed_credential: row.sealed_credential,
            key_id: row.key_id,
            metadata: row.metadata,
            updated_at: row.updated_at,
          }),
        )
        .execute();
      const saved = await readRow();
      return ok(toInfo(saved ?? row));
    },

    async load() {
      const row = await readRow();
      if (!row) return ok(undefined);
      const opened = vault.open(row.sealed_credential, connectionAad);
      if (!opened.ok) return opened;
      return ok({ ...toInfo(row), credential: parseJsonObject(opened.value) });
    },

    async info() {
      const row = await readRow();
      return row && toInfo(row);
    },

    async updateMetadata(metadata) {
      const json = isPlainObject(metadata) ? stringifyJson(metadata) : undefined;
      if (json === undefined) return false;
      const result = await db
        .updateTable('connection')
        .set({ metadata: json, updated_at: deps.now() })
        .where('id', '=', rowId)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async reseal() {
      const row = await readRow();
      if (!row) return ok(false);
      const resealed = vault.reseal(row.sealed_credential, connectionAad);
      if (!resealed.ok) return resealed;
      // Guarded by the old value, so a concurrent save is never overwritten with a stale secret.
      await db
        .updateTable('connection')
        .set({ sealed_credential: resealed.value, key_id: vault.currentKeyId })
        .where('id', '=', rowId)
        .where('sealed_credential', '=', row.sealed_credential)
        .execute();
      return ok(true);
    },

    async clear() {
      const result = await db.deleteFrom('connection').where('id', '=', rowId).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function toInfo(row: Selectable<ConnectionTable>): ConnectionInfo {
  return {
    kind: row.kind as ConnectionKind,
    metadata: parseJsonObject(row.metadata) as ConnectionMetadata,
    keyId: row.key_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
