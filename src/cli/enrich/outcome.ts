// One row's result: the cells appended to it from the gateway's answer (or why it was skipped,
// denied or failed), and the answers that stop the whole run instead (no budget left, the agent
// refused).
import { createHash } from 'node:crypto';

import { normalizeDomain } from '../../cache/index.js';
import type { GatewayOutcome } from '../../gateway/pipeline.js';

/** The columns appended to every row. */
export const enrichedColumns = [
  'apollo_id',
  'name',
  'title',
  'email',
  'linkedin_url',
  'organization',
  'domain',
  'status',
  'credits',
  'audit_id',
] as const;

/** The appended column names, with personal_emails when they were asked for. */
export function appendedColumns(reveal: boolean): string[] {
  return [...enrichedColumns, ...(reveal ? ['personal_emails'] : [])];
}

export const skippedStatus = 'skipped: no email, LinkedIn URL, id or name+domain';

export type Outcome = 'matched' | 'cache' | 'not_found' | 'denied' | 'error' | 'skipped';

/** A finished row as the progress file keeps it. */
export interface Finished {
  readonly row: number;
  /** A digest of the row's input cells: a row edited since is enriched again. */
  readonly hash: string;
  readonly outcome: Outcome;
  readonly credits: number;
  /** The appended cells, in {@link enrichedColumns} order (+ personal_emails). */
  readonly cells: string[];
  /** A passing failure (pacing, Apollo unreachable): sent again on the next run. */
  readonly retry?: boolean;
}

/** Why a run stopped before the end. */
export type Stop =
  | { kind: 'cap' }
  | { kind: 'budget'; message: string }
  | { kind: 'refused'; message: string }
  | { kind: 'signal'; signal: 'SIGINT' | 'SIGTERM' }
  | { kind: 'fatal'; error: unknown };

/** The digest a finished row is saved under. */
export const rowHash = (cells: readonly string[]) =>
  createHash('sha256').update(JSON.stringify(cells)).digest('base64url').slice(0, 22);

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/** A row with no answer to show: only its status, no credits and its audit record (if any). */
function blank(
  row: number,
  hash: string,
  reveal: boolean,
  outcome: Outcome,
  status: string,
  auditId = '',
  retry = false,
): Finished {
  return {
    row,
    hash,
    outcome,
    credits: 0,
    cells: [
      ...enrichedColumns.map((c) =>
        c === 'status' ? status : c === 'credits' ? '0' : c === 'audit_id' ? auditId : '',
      ),
      ...(reveal ? [''] : []),
    ],
    ...(retry ? { retry } : {}),
  };
}

/** A row that names nobody: never sent, costs nothing. */
export function skippedRow(row: number, hash: string, reveal: boolean): Finished {
  return blank(row, hash, reveal, 'skipped', skippedStatus);
}

/** The appended cells for a gateway answer, or a stop when the run cannot go on. */
export function finishRow(
  row: number,
  hash: string,
  outcome: GatewayOutcome,
  reveal: boolean,
): Finished | Stop {
  if (!outcome.ok) {
    const { error, auditId } = outcome.error;
    const failed = (retry: boolean) =>
      blank(row, hash, reveal, 'error', `error: ${error.message}`, auditId, retry);
    switch (error.code) {
      case 'budget_exhausted':
        return { kind: 'budget', message: error.message };
      case 'unauthenticated':
      case 'credential_missing':
        return { kind: 'refused', message: error.message };
      case 'not_granted':
      case 'approval_pending':
      case 'approval_rejected':
      case 'approval_expired':
        return blank(row, hash, reveal, 'denied', `denied: ${error.message}`, auditId);
      case 'rate_limited':
      case 'gatehouse_busy':
      case 'shared_state_unavailable':
      case 'gatehouse_shutting_down':
      case 'upstream_unreachable':
      case 'internal':
        return failed(true);
      case 'upstream_error':
        return failed(error.upstream.status >= 500);
      default:
        return failed(false);
    }
  }
  const { body, auditId, credits, cache } = outcome.value;
  const person = (body as { person?: Record<string, unknown> | null } | null)?.person;
  if (!person) return blank(row, hash, reveal, 'not_found', 'not found', auditId);
  const org = (person.organization ?? {}) as Record<string, unknown>;
  const fromCache = cache?.hit === 'full';
  const values: Record<(typeof enrichedColumns)[number], string> = {
    apollo_id: str(person.id),
    name:
      str(person.name) || [str(person.first_name), str(person.last_name)].filter(Boolean).join(' '),
    title: str(person.title),
    email: str(person.email),
    linkedin_url: str(person.linkedin_url),
    organization: str(org.name),
    domain: str(org.primary_domain) || (normalizeDomain(str(org.website_url)) ?? ''),
    status: fromCache ? 'matched (from cache)' : 'matched',
    credits: String(credits),
    audit_id: auditId,
  };
  const personal = Array.isArray(person.personal_emails)
    ? person.personal_emails.map(str).filter(Boolean).join('; ')
    : '';
  return {
    row,
    hash,
    outcome: fromCache ? 'cache' : 'matched',
    credits,
    cells: [...enrichedColumns.map((c) => values[c]), ...(reveal ? [personal] : [])],
  };
}
