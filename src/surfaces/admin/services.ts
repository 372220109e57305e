// What the admin API needs from the rest of Gatehouse, as JSON-ready values. The composition root
// implements it over the store and the gateway (surfaces do not reach the store directly).
import type { Result } from '../../core/result.js';

/** A refusal the admin API answers with: an HTTP status and one sentence. */
export interface AdminProblem {
  readonly status: 400 | 403 | 404 | 409 | 410 | 422;
  readonly message: string;
}

/** Audit filters as the admin API accepts them (already validated). */
export interface AdminAuditQuery {
  readonly agent?: string;
  readonly action?: string;
  readonly decision?: string;
  readonly since?: number;
  readonly until?: number;
  readonly text?: string;
  readonly limit: number;
  readonly before?: string;
}

/** A grant as the admin sets it. */
export interface AdminGrant {
  readonly target: string;
  readonly level: 'off' | 'read' | 'full';
  readonly approval: boolean;
  /** Waives the approval outbound actions need by default. */
  readonly no_approval?: boolean;
}

/** An agent's limits as the admin sets them: absent unchanged, null none. */
export interface AdminLimits {
  readonly credits_per_day?: number | null;
  readonly credits_per_month?: number | null;
  readonly requests_per_minute?: number | null;
  /** Field names removed from the agent's answers (email, phone_numbers …); [] redacts nothing. */
  readonly redact?: readonly string[];
}

/** Who made an admin change: `admin:console` or `admin:api`. */
export type AdminBy = `admin:${string}`;

/** The admin API's view of Gatehouse. */
export interface AdminServices {
  overview(): Promise<Record<string, unknown>>;
  agents(): Promise<Array<Record<string, unknown>>>;
  createAgent(
    input: { name: string; description?: string; grants: readonly AdminGrant[] },
    by: AdminBy,
  ): Promise<Result<Record<string, unknown>, AdminProblem>>;
  rotateAgent(id: string, by: AdminBy): Promise<Result<Record<string, unknown>, AdminProblem>>;
  revokeAgent(id: string, by: AdminBy): Promise<Result<Record<string, unknown>, AdminProblem>>;
  setLimits(
    agentId: string,
    limits: AdminLimits,
    by: AdminBy,
  ): Promise<Result<Record<string, unknown>, AdminProblem>>;
  /** Agents × grant targets, each cell the agent's level there. */
  matrix(): Promise<Record<string, unknown>>;
  setGrant(
    agentId: string,
    grant: AdminGrant,
    by: AdminBy,
  ): Promise<Result<Record<string, unknown>, AdminProblem>>;
  audit(query: AdminAuditQuery): Promise<Record<string, unknown>>;
  /** Every matching record as export lines (header first for CSV), read lazily. */
  exportAudit(
    format: 'csv' | 'jsonl',
    query: Omit<AdminAuditQuery, 'limit' | 'before'>,
  ): AsyncIterable<string>;
  /** Calls, denials and credits per UTC day per agent, for the last `days` days. */
  usage(days: number): Promise<Record<string, unknown>>;
  approvals(states: readonly string[] | null): Promise<Array<Record<string, unknown>>>;
  /**
   * Starts connecting Apollo over OAuth for the admin's browser: the authorization URL to send it
   * to. `binding` is the secret the route puts in the browser's binding cookie.
   */
  startOAuth(
    input: { clientId: string; clientSecret: string; scopes: readonly string[] | null },
    binding: string,
  ): Promise<Result<{ url: string; expiresAt: number }, AdminProblem>>;
  /** Anomaly alerts, newest first, each with the audit records that triggered it. */
  alerts(all: boolean): Promise<Array<Record<string, unknown>>>;
  /** Acknowledges an alert once; a second time answers the first acknowledgement, unchanged. */
  acknowledgeAlert(
    id: string,
    note: string | null,
    by: AdminBy,
  ): Promise<Result<Record<string, unknown>, AdminProblem>>;
  answerApproval(
    id: string,
    approve: boolean,
    note: string | null,
    by: AdminBy,
  ): Promise<Result<Record<string, unknown>, AdminProblem>>;
}
