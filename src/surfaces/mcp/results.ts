// Tool results models handle well: a one-line summary they can act on, then compact JSON (nulls,
// empty lists and Apollo's breadcrumbs removed) in the text and as structuredContent.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

import type { ActionSpec } from '../../catalog/index.js';
import { httpStatusFor, retryAfterFor, type GatewayError } from '../../core/index.js';

/** Deepest level of an answer shown to a model; what lies below is cut, never walked. */
const maxDepth = 128;

/**
 * Removes nulls, empty strings, empty lists and empty objects, recursively; drops breadcrumbs.
 * Keys become own properties (a `__proto__` key in an answer stays data), depth is bounded.
 */
export function compact(value: unknown, depth = 0): unknown {
  if (depth >= maxDepth && typeof value === 'object' && value !== null) return '[nested too deep]';
  if (Array.isArray(value)) {
    return value.map((v) => compact(v, depth + 1)).filter((v) => v !== undefined);
  }
  if (value === null || value === '') return undefined;
  if (typeof value !== 'object') return value;
  const out: Array<[string, unknown]> = [];
  for (const [k, v] of Object.entries(value)) {
    if (depth === 0 && k === 'breadcrumbs') continue;
    const c = compact(v, depth + 1);
    if (c === undefined) continue;
    if (Array.isArray(c) && c.length === 0) continue;
    if (typeof c === 'object' && c !== null && !Array.isArray(c) && Object.keys(c).length === 0) {
      continue;
    }
    out.push([k, c]);
  }
  return Object.fromEntries(out);
}

/** The fields `compact: true` keeps of each row: who or what it is, and how to reach it. */
const keyFields = [
  'id',
  'name',
  'first_name',
  'last_name',
  'title',
  'organization_name',
  'email',
  'primary_domain',
  'domain',
  'website_url',
  'linkedin_url',
  'city',
  'country',
  'status',
  'active',
  'type',
  'due_at',
  'amount',
  'contact_id',
  'account_id',
  'organization_id',
] as const;

/** A page of rows reduced to their key fields (a company's name is kept from a nested organization). */
export function keyFieldsOnly(body: unknown, rowsKey: string): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const b = body as Record<string, unknown>;
  const rows = b[rowsKey];
  if (!Array.isArray(rows)) return body;
  const slim = rows.map((row: unknown) => {
    if (!row || typeof row !== 'object') return row;
    const r = row as Record<string, unknown>;
    const org = r.organization as Record<string, unknown> | null | undefined;
    const kept: Array<[string, unknown]> = keyFields
      .filter((f) => r[f] !== undefined && r[f] !== null && r[f] !== '')
      .map((f) => [f, r[f]]);
    if (r.organization_name === undefined && typeof org?.name === 'string') {
      kept.push(['organization_name', org.name]);
    }
    return Object.fromEntries(kept);
  });
  return { ...b, [rowsKey]: slim };
}

const nouns: Record<string, string> = {
  emailer_campaigns: 'sequences',
  opportunities: 'deals',
};

const n = (v: number) => v.toLocaleString('en-US');

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Where a page of rows sits: rows on it, total, page, pages. */
export interface PageFacts {
  readonly rows: number;
  readonly total: number | null;
  readonly page: number;
  readonly totalPages: number | null;
}

/** Reads the paging facts of a search answer (Apollo's two pagination styles). */
export function pageFacts(
  action: ActionSpec,
  input: Record<string, unknown>,
  body: unknown,
): PageFacts | null {
  const p = action.pagination;
  if (!p || !body || typeof body !== 'object') return null;
  const b = body as Record<string, unknown>;
  const rows = Array.isArray(b[p.rowsKey]) ? (b[p.rowsKey] as unknown[]).length : 0;
  const pagination = (b.pagination ?? {}) as Record<string, unknown>;
  const total = num(pagination.total_entries) ?? num(b.total_entries);
  const page = num(pagination.page) ?? num(input.page) ?? 1;
  const perPage = num(pagination.per_page) ?? num(input.per_page) ?? 25;
  const reachable = total === null ? null : Math.min(total, p.maxRecords);
  const totalPages =
    num(pagination.total_pages) ??
    (reachable === null ? null : Math.min(p.maxPage, Math.ceil(reachable / perPage)));
  return { rows, total, page, totalPages };
}

function creditsText(credits: number): string {
  return credits > 0 ? `${n(credits)} credit${credits === 1 ? '' : 's'} spent` : 'no credits spent';
}

/** The one-line summary of a successful call. */
export function summarize(
  action: ActionSpec,
  input: Record<string, unknown>,
  body: unknown,
  credits: number,
): string {
  return `${summaryOf(action, input, body, credits)}${skippedNote(body)}`;
}

/**
 * Apollo answers a sequence enrolment with 200 even when it skipped contacts (no email, active in
 * another sequence …): the model must hear which, and why, or it believes they were added.
 */
export function skippedNote(body: unknown): string {
  const skipped = (body as { skipped_contact_ids?: unknown } | null)?.skipped_contact_ids;
  if (!skipped || typeof skipped !== 'object' || Array.isArray(skipped)) return '';
  const entries = Object.entries(skipped as Record<string, unknown>);
  if (entries.length === 0) return '';
  const listed = entries.slice(0, 5).map(([id, why]) => `${id} (${String(why)})`);
  const more = entries.length > 5 ? ` and ${entries.length - 5} more` : '';
  return ` Apollo skipped ${entries.length} contact${entries.length === 1 ? '' : 's'}: ${listed.join(', ')}${more}; see Apollo's sequence options (e.g. sequence_active_in_other_campaigns) to include them.`;
}

function summaryOf(
  action: ActionSpec,
  input: Record<string, unknown>,
  body: unknown,
  credits: number,
): string {
  const facts = pageFacts(action, input, body);
  const p = action.pagination;
  if (facts && p) {
    const noun = nouns[p.rowsKey] ?? p.rowsKey.replace(/_/g, ' ');
    const of = facts.total === null ? '' : ` of ${n(facts.total)}`;
    const pages = facts.totalPages === null ? '' : ` of ${n(facts.totalPages)}`;
    const more =
      facts.totalPages !== null && facts.page < facts.totalPages
        ? `; call again with page ${facts.page + 1} for more`
        : '; this is the last page';
    return `${n(facts.rows)}${of} ${noun}, page ${facts.page}${pages}${more} (${creditsText(credits)}).`;
  }
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  if (action.id === 'people.match') {
    const person = b.person as Record<string, unknown> | null | undefined;
    return person
      ? `Found ${[person.name ?? person.first_name].filter(Boolean).join(' ') || 'the person'}${person.title ? `, ${String(person.title)}` : ''} (${creditsText(credits)}).`
      : `No matching person (${creditsText(credits)}).`;
  }
  if (action.id === 'people.bulk_match') {
    const matches = Array.isArray(b.matches) ? b.matches.filter(Boolean).length : 0;
    const asked = Array.isArray(input.details) ? input.details.length : matches;
    return `Matched ${matches} of ${asked} people (${creditsText(credits)}).`;
  }
  return `${action.title}: done (${creditsText(credits)}).`;
}

/** A successful tool result. */
export function successResult(
  summary: string,
  body: unknown,
  gatehouse: Record<string, unknown>,
): CallToolResult {
  const data = compact(body);
  const structured = {
    ...(data && typeof data === 'object' && !Array.isArray(data) ? data : { value: data }),
    gatehouse,
  } as Record<string, unknown>;
  return {
    content: [{ type: 'text', text: `${summary}\n\n${JSON.stringify(structured)}` }],
    structuredContent: structured,
  };
}

/** Plain text as a tool result; an error when the model should change something first. */
export function textResult(text: string, isError = false): CallToolResult {
  return isError
    ? { isError, content: [{ type: 'text', text }] }
    : { content: [{ type: 'text', text }] };
}

/**
 * A refused or failed call as a tool result the model can act on (`isError: true`). Its metadata
 * carries the code, the HTTP status and the retry-after of core's one mapping, as REST sends them.
 */
export function failureResult(error: GatewayError, auditId: string): CallToolResult {
  const text = sentenceFor(error);
  const retry = retryAfterFor(error);
  return {
    isError: true,
    // A refusal that could not be recorded (Gatehouse's database was down) has no audit id.
    content: [{ type: 'text', text: auditId ? `${text} (audit ${auditId})` : text }],
    _meta: {
      'gatehouse/error': {
        code: error.code,
        status: httpStatusFor(error),
        ...(retry !== null ? { retry_after_seconds: retry } : {}),
        audit_id: auditId || null,
      },
    },
  };
}

function sentenceFor(error: GatewayError): string {
  switch (error.code) {
    case 'not_granted':
      return `Denied: ${error.message.charAt(0).toLowerCase()}${error.message.slice(1)}`;
    case 'invalid_input':
      return `Invalid arguments, nothing was sent to Apollo: ${error.issues
        .map((i) => (i.path ? `${i.path}: ${i.message}` : i.message))
        .join('; ')}. Fix them and call again.`;
    case 'unauthenticated':
      return `${error.message} Ask an admin for a new Gatehouse token.`;
    default:
      return error.message;
  }
}
