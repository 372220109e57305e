import { err } from '../core/result.js';

/**
 * Snake_case codes for the failures a store caller is expected to handle.
 *
 * Convention for the whole store: an outcome a caller can cause or act on (a duplicate name, an
 * unknown agent, a tampered secret, a bad key file) comes back as a `Result` holding a
 * `StoreError`; a broken database (connection lost, disk full) or a programming error is thrown,
 * because nobody upstream can do better than report it as `internal`.
 */
export type StoreErrorCode =
  | 'invalid_name'
  | 'duplicate_name'
  | 'invalid_input'
  | 'agent_not_found'
  | 'agent_revoked'
  | 'invalid_grant'
  | 'audit_not_found'
  | 'audit_already_completed'
  | 'audit_invalid_transition'
  | 'migration_failed'
  | 'vault_malformed'
  | 'vault_unknown_key'
  | 'vault_open_failed'
  | 'secret_key_invalid'
  | 'key_file_invalid'
  | 'key_file_insecure'
  | 'key_file_unreadable';

/** A store failure as a value: `message` is one plain-English sentence that says what to fix. */
export interface StoreError {
  readonly code: StoreErrorCode;
  readonly message: string;
  /** The underlying exception, for logs only; never shown to agents. */
  readonly cause?: unknown;
}

/** Builds a failed `Result` carrying a `StoreError`. */
export function storeError(
  code: StoreErrorCode,
  message: string,
  cause?: unknown,
): { ok: false; error: StoreError } {
  return err(cause === undefined ? { code, message } : { code, message, cause });
}

/** True when a driver error is a unique-constraint violation (SQLite or Postgres). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  // better-sqlite3: SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY; pg: SQLSTATE 23505.
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === '23505'
  );
}

/** True when a driver error is a foreign-key violation (SQLite or Postgres). */
export function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503';
}
