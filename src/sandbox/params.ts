import type { z } from 'zod';

import {
  bulkEnrichLimit,
  bulkMatchLimit,
  decodeQuery,
  describeInputShapeProblem,
  inputShapeLimits,
  inspectInputShape,
  type ActionSpec,
} from '../catalog/index.js';

import { bulkFailure, json, unprocessable } from './respond.js';

// Apollo reads parameters from the query string (bracketed: `k[]=a`, `k[min]=1`) and from a JSON
// body alike. The sandbox merges both, the body winning, and adds the path
// parameters, which win over either since the URL names the record.

/** Rack's parameter depth limit (100); the value count stays Gatehouse's. */
const sandboxShapeLimits = { ...inputShapeLimits, maxDepth: 100 };

/** The largest request body the sandbox reads; Apollo's own limit is not documented. */
export const maxBodyBytes = 1_048_576;

export type Outcome<T> = { ok: true; value: T } | { ok: false; response: Response };

async function readText(req: Request): Promise<Outcome<string>> {
  const tooLarge = (): Outcome<string> => ({
    ok: false,
    response: json(413, { error: `Request body too large: the limit is ${maxBodyBytes} bytes.` }),
  });
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (declared > maxBodyBytes) return tooLarge();
  if (!req.body) return { ok: true, value: '' };
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBodyBytes) {
      await reader.cancel();
      return tooLarge();
    }
    chunks.push(value);
  }
  return { ok: true, value: Buffer.concat(chunks).toString('utf8') };
}

/** Reads the body as an object: JSON, or a form (Rails accepts both). */
export async function readBody(req: Request): Promise<Outcome<Record<string, unknown>>> {
  const text = await readText(req);
  if (!text.ok) return text;
  const type = req.headers.get('content-type') ?? '';
  // curl's `-d '{...}'` labels JSON as a form; reading it as the JSON it is spares a silent
  // no-filter search (a leniency Apollo may not share).
  const looksJson = /^\s*[[{]/.test(text.value);
  if (/application\/x-www-form-urlencoded/i.test(type) && !looksJson) {
    return { ok: true, value: decodeQuery(new URLSearchParams(text.value)) };
  }
  if (text.value.trim() === '') return { ok: true, value: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.value);
  } catch (err) {
    const detail = err instanceof Error ? `: ${err.message}` : '';
    return {
      ok: false,
      response: json(400, {
        error: `The request body is not valid JSON${detail}. Send a JSON object with Content-Type: application/json.`,
      }),
    };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { ok: false, response: unprocessable('The request body must be a JSON object.') };
  }
  return { ok: true, value: parsed as Record<string, unknown> };
}

/** Query string, body and path parameters, merged in that order of precedence (last wins). */
export function mergeParams(
  query: URLSearchParams,
  body: Record<string, unknown>,
  pathParams: Record<string, string>,
): Record<string, unknown> {
  return { ...decodeQuery(query), ...body, ...pathParams };
}

/**
 * Apollo clamps an oversized per_page to its maximum rather than refusing it, so
 * this runs before validation; anything not a whole number is left for validation to refuse.
 */
export function clampPerPage(
  action: Pick<ActionSpec, 'pagination'>,
  params: Record<string, unknown>,
): Record<string, unknown> {
  const max = action.pagination?.maxPerPage;
  const raw = params.per_page;
  if (max === undefined || raw === undefined) return params;
  const n = typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
  return typeof n === 'number' && Number.isInteger(n) && n > max
    ? { ...params, per_page: max }
    : params;
}

function fieldName(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`))
    .join('');
}

/** One readable sentence per issue, each naming its field: `per_page must be at most 100`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const field = fieldName(issue.path);
      const last = [...issue.path].reverse().find((p) => typeof p === 'string');
      if (!field) return issue.message;
      if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) {
        return `${field} is required`;
      }
      const named =
        typeof last === 'string' &&
        (issue.message.startsWith(`${last} `) || issue.message.includes(`'${last}'`));
      return named ? issue.message : `${field}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * Bulk enrichments answer their own envelope, with 400 for a missing or oversized list: the records are `details`, or for organizations `domains` when no details are
 * given.
 */
const bulkEnvelopes: Record<
  string,
  {
    records: (p: Record<string, unknown>) => unknown;
    missing: string;
    tooMany: string;
    limit: number;
  }
> = {
  'people.bulk_match': {
    records: (p) => p.details,
    missing: 'invalid request, missing details',
    tooMany: `cannot enrich more than ${bulkMatchLimit} in a single request`,
    limit: bulkMatchLimit,
  },
  'organizations.bulk_enrich': {
    records: (p) => (isEmpty(p.details) ? p.domains : p.details),
    missing: 'invalid request, missing domains',
    tooMany: `domain count cannot be more than ${bulkEnrichLimit}`,
    limit: bulkEnrichLimit,
  },
};

// Apollo answers these with 400 "param is missing or the value is empty: <name>" (Rails'
// required parameters) rather than its usual 422.
const railsRequired: Record<string, readonly string[]> = {
  'reports.sync': [
    'metrics',
    'group_by',
    'sorts',
    'filters',
    'group_by_totals_selected',
    'pivot_group_by_totals_selected',
    'date_ranges',
  ],
};

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

/**
 * Parses an action's parameters with its input schema. Errors take Apollo's shapes: `{error}` with
 * 422, except bulk enrichment, which answers its own envelope and uses 400 for a missing or
 * oversized list, and endpoints whose missing parameters are a 400.
 */
export function validateInput(
  action: ActionSpec,
  params: Record<string, unknown>,
): Outcome<Record<string, unknown>> {
  // Rails (Rack) refuses parameters nested past its depth limit with 400 and never lets a key
  // reach an object's prototype; the sandbox refuses both before reading any parameter.
  const shape = inspectInputShape(params, sandboxShapeLimits);
  if (shape) {
    return {
      ok: false,
      response: json(400, { error: `Invalid parameters: ${describeInputShapeProblem(shape)}` }),
    };
  }
  const clamped = clampPerPage(action, params);
  const envelope = bulkEnvelopes[action.id];
  const bulk = envelope !== undefined;
  if (envelope) {
    const records = envelope.records(clamped);
    if (isEmpty(records)) {
      return { ok: false, response: bulkFailure(400, 'INVALID_REQUEST', envelope.missing) };
    }
    if (Array.isArray(records) && records.length > envelope.limit) {
      return { ok: false, response: bulkFailure(400, 'RECORD_LIMIT_EXCEEDED', envelope.tooMany) };
    }
  }
  // Metrics may be an empty list, and a JSON false is a value: only absent keys are missing.
  const missing = (railsRequired[action.id] ?? []).find(
    (k) => clamped[k] === undefined || clamped[k] === null || clamped[k] === '',
  );
  if (missing) {
    return {
      ok: false,
      response: json(400, { error: `param is missing or the value is empty: ${missing}` }),
    };
  }
  const parsed = action.input.safeParse(clamped);
  if (parsed.success) return { ok: true, value: parsed.data as Record<string, unknown> };
  // A phone reveal or waterfall without a webhook_url: two clients report Apollo's answer as 400
  // (none as 422), with Apollo's own sentence as the whole body.
  const webhook = parsed.error.issues.find(
    (i) => i.code === 'custom' && i.path.length === 1 && i.path[0] === 'webhook_url',
  );
  if (webhook) return { ok: false, response: json(400, { error: webhook.message }) };
  const message = describeIssues(parsed.error);
  return {
    ok: false,
    response: bulk ? bulkFailure(422, 'UNKNOWN_ERROR', message) : unprocessable(message),
  };
}
