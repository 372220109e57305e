/**
 * Row types of the Gatehouse database, as Kysely sees them. Column names are snake_case; the
 * repositories translate rows into camelCase objects, so nothing outside src/store sees a row.
 *
 * Types chosen to behave the same on SQLite and Postgres:
 * - timestamps are epoch milliseconds in `bigint` columns (SQLite INTEGER; Postgres int8, parsed
 *   to a JS number by the pool, see dialect.ts);
 * - booleans are `integer` 0/1 with a CHECK, because SQLite has no boolean and better-sqlite3
 *   cannot bind JS booleans;
 * - JSON is `text`, parsed by the repositories (no JSONB: SQLite would not have it).
 */
import type { Generated } from 'kysely';

/** Epoch milliseconds. */
export type EpochMs = number;

/** A boolean stored as 0 or 1. */
export type IntBool = 0 | 1;

/** Agents: one row per agent, revoked agents included (audit records name them). */
export interface AgentsTable {
  id: string;
  name: string;
  /** SHA-256 of the token, lowercase hex. The token itself is never stored. */
  token_hash: string;
  /** The token's first characters, for recognising it in lists (`gh_agent_AbCd`). */
  token_prefix: string;
  description: string | null;
  created_at: EpochMs;
  token_created_at: EpochMs;
  revoked_at: EpochMs | null;
  last_used_at: EpochMs | null;
  last_used_ip: string | null;
  credit_budget_day: number | null;
  credit_budget_month: number | null;
  requests_per_minute: number | null;
  /** JSON array of field names removed from responses. */
  redacted_fields: string;
}

/** Grants: (agent, target) → level; a target is a group, an action id or `people.reveal`. */
export interface GrantsTable {
  agent_id: string;
  target: string;
  level: string;
  requires_approval: IntBool;
  /** 1 when the grant waives the approval that outbound actions need by default. */
  no_approval: Generated<IntBool>;
  updated_at: EpochMs;
  updated_by: string;
}

/** Audit records: append-only; only the completion fields of an open record are ever written. */
export interface AuditRecordsTable {
  id: string;
  time: EpochMs;
  agent_id: string | null;
  agent_name: string | null;
  surface: string;
  action: string;
  target: string;
  /** JSON, masked by the caller before it gets here. */
  params: string;
  decision: string;
  rule: string | null;
  reason: string | null;
  upstream_status: number | null;
  credits: number;
  duration_ms: number | null;
  sentence: string;
  completed_at: EpochMs | null;
  error_code: string | null;
  /**
   * The HTTP request's id (X-Request-Id); null outside a request and before migration 0010.
   * Optional so rows written without one need not name it.
   */
  request_id?: string | null;
}

/** The Apollo upstream connection: at most one row, id `apollo`. */
export interface ConnectionTable {
  id: string;
  kind: string;
  /** `gh1.<keyId>.<iv>.<ciphertext>.<tag>` from the vault. */
  sealed_credential: string;
  /** Id of the vault key that sealed the credential, so a rotation can find stale rows. */
  key_id: string;
  /** JSON: key type, reachable actions, OAuth user, expiry. */
  metadata: string;
  created_at: EpochMs;
  updated_at: EpochMs;
}

/** Settings: small JSON values by key. */
export interface SettingsTable {
  key: string;
  value: string;
  updated_at: EpochMs;
}

/**
 * Enrichment cache: an Apollo Person or Organization under one of its identity keys, until
 * `expires_at`. Personal data, sealed and pruned at TTL (see enrichment-cache-repository.ts).
 */
export interface EnrichmentCacheTable {
  /**
   * HMAC-SHA-256 (base64url) of a normalised identity (`person:email:…`), never the identity
   * itself; a row from before sealing (key_id NULL) still holds the plaintext identity.
   */
  key: string;
  kind: string;
  reveal_personal_emails: IntBool;
  reveal_phone_number: IntBool;
  /** Vault value of the JSON Person or Organization, bound to `key`. */
  body: string;
  credits: number;
  created_at: EpochMs;
  expires_at: EpochMs;
  /** The vault key that sealed `body`; NULL for a row written before sealing (plaintext). */
  key_id: string | null;
}

/**
 * An asynchronous enrichment Apollo sends later (phone reveal, waterfall), awaited for one agent.
 * `payload` is personal data (phone numbers, emails): a vault value bound to the row, pruned with
 * the rest after 30 days.
 */
export interface DeliveriesTable {
  receiver_hash: string;
  agent_id: string;
  agent_name: string;
  rule: string;
  action_id: string;
  call_audit_id: string;
  audit_id: string;
  surface: string;
  what: string;
  request_id: string;
  state: string;
  via: string | null;
  payload: string | null;
  credits: number;
  detail: string | null;
  created_at: EpochMs;
  settled_at: EpochMs | null;
  next_poll_at: EpochMs | null;
  polls: number;
  /** The vault key that sealed `payload`; NULL for a row written before sealing (plaintext). */
  key_id: string | null;
}

/**
 * A call held for an admin's approval, bound to its exact input (see 0004-approvals.ts). `input`,
 * `target`, `reason` and `result_body` are vault values bound to the row (personal data: the
 * contact the call creates, Apollo's answer).
 */
export interface ApprovalsTable {
  id: string;
  agent_id: string;
  agent_name: string;
  surface: string;
  action_id: string;
  rule: string;
  input: string;
  input_hash: string;
  target: string;
  reason: string | null;
  audit_id: string;
  state: string;
  created_at: EpochMs;
  expires_at: EpochMs;
  decided_at: EpochMs | null;
  decided_by: string | null;
  note: string | null;
  result_status: number | null;
  result_body: string | null;
  finished_at: EpochMs | null;
  /**
   * The vault key that sealed the row's values; `mixed` when they were sealed under different
   * keys (a result written by a process on a newer key), NULL for a row written before sealing.
   */
  key_id: string | null;
}

/** An anomaly alert (see 0008-alerts.ts); `dedupe_key` is unique. */
export interface AlertsTable {
  id: string;
  kind: string;
  agent_id: string;
  agent_name: string;
  time: EpochMs;
  message: string;
  /** JSON array of the audit record ids that triggered it. */
  audit_ids: string;
  dedupe_key: string;
  created_at: EpochMs;
  acknowledged_at: EpochMs | null;
  acknowledged_by: string | null;
  acknowledged_note: string | null;
}

/** The alert evaluator's lease and watermark: one row per evaluator name. */
export interface AlertEvaluationTable {
  name: string;
  holder: string;
  lease_until: EpochMs;
  /** Changes whenever the lease changes hands. */
  epoch: number;
  watermark: EpochMs | null;
  updated_at: EpochMs;
}

/** Addresses each agent's token has been used from (new-address alerts across replicas). */
export interface AlertKnownIpsTable {
  agent_id: string;
  ip: string;
  first_seen_at: EpochMs;
}

/** The hash of a token a rotation replaced, and whose it was. */
export interface RetiredTokensTable {
  token_hash: string;
  agent_id: string;
  retired_at: EpochMs;
}

/** People who sign in to the console (see 0012-console-people.ts); `email` is unique. */
export interface ConsolePeopleTable {
  id: string;
  /** Lowercased. */
  email: string;
  /** viewer | approver | admin. */
  role: string;
  /** `scrypt$N$r$p$salt$hash`; null: sign-in through the identity provider only. */
  password_hash: string | null;
  created_at: EpochMs;
  created_by: string;
  updated_at: EpochMs;
  last_login_at: EpochMs | null;
}

/** The whole schema, for `Kysely<Database>`. */
/** One row (id 1): moves with every write to the rows each call reads (Postgres; 0013). */
export interface ChangeVersionTable {
  id: number;
  version: number;
}

export interface Database {
  agents: AgentsTable;
  retired_tokens: RetiredTokensTable;
  grants: GrantsTable;
  audit_records: AuditRecordsTable;
  connection: ConnectionTable;
  settings: SettingsTable;
  enrichment_cache: EnrichmentCacheTable;
  deliveries: DeliveriesTable;
  approvals: ApprovalsTable;
  alerts: AlertsTable;
  alert_evaluation: AlertEvaluationTable;
  alert_known_ips: AlertKnownIpsTable;
  console_people: ConsolePeopleTable;
  change_version: ChangeVersionTable;
}
