import type { z } from 'zod';

import type { ActionHints, ActionSpec, PaginationRule } from './types.js';
import { pathParamNames } from './wire.js';

type Declared<I extends z.ZodType, O extends z.ZodType, Id extends string> = Omit<
  ActionSpec<I, O, Id>,
  | 'pathParams'
  | 'hints'
  | 'altMethods'
  | 'queryParams'
  | 'personalFields'
  | 'needsReveal'
  | 'masterKeyOnly'
  | 'retrySafe'
  | 'verify'
  | 'approvalByDefault'
  | 'altPaths'
  | 'secretFields'
  | 'paramNames'
  | 'examples'
> &
  Partial<
    Pick<
      ActionSpec<I, O, Id>,
      | 'altMethods'
      | 'queryParams'
      | 'personalFields'
      | 'needsReveal'
      | 'masterKeyOnly'
      | 'retrySafe'
      | 'verify'
      | 'altPaths'
      | 'secretFields'
      | 'examples'
    >
  > & { hints?: Partial<ActionHints> };

/** The keys an object schema documents (through optional, default, pipe or refine wrappers). */
export function schemaKeys(schema: z.ZodType): string[] {
  let s: unknown = schema;
  for (let i = 0; i < 8 && s; i++) {
    const shape = (s as { shape?: Record<string, unknown> }).shape;
    if (shape && typeof shape === 'object') return Object.keys(shape);
    const def = (s as { def?: { innerType?: unknown; in?: unknown; schema?: unknown } }).def;
    s = def?.innerType ?? def?.in ?? def?.schema;
  }
  return [];
}

const lookItUp =
  'look the record up in Apollo (for example with a search) to see whether it took effect before you make the call again.';

/** Declares one action; derives path parameters and MCP hints so they cannot drift from the path. */
export function defineAction<I extends z.ZodType, O extends z.ZodType, const Id extends string>(
  spec: Declared<I, O, Id>,
): ActionSpec<I, O, Id> {
  const read = spec.access === 'read';
  const hints: ActionHints = Object.freeze({
    readOnly: read,
    destructive: false,
    idempotent: read,
    openWorld: true,
    ...spec.hints,
  });
  return Object.freeze({
    ...spec,
    pathParams: Object.freeze(pathParamNames(spec.path)),
    altMethods: Object.freeze(spec.altMethods ?? []),
    queryParams: Object.freeze(spec.queryParams ?? []),
    personalFields: Object.freeze(spec.personalFields ?? []),
    needsReveal: spec.needsReveal ?? (() => false),
    masterKeyOnly: spec.masterKeyOnly ?? false,
    hints,
    retrySafe: spec.retrySafe ?? (() => hints.idempotent),
    verify: spec.verify ?? (() => lookItUp),
    approvalByDefault: spec.effect === 'outbound',
    altPaths: Object.freeze(spec.altPaths ?? []),
    secretFields: Object.freeze(spec.secretFields ?? []),
    examples: Object.freeze(spec.examples ?? []),
    paramNames: Object.freeze(schemaKeys(spec.input)),
  });
}

/** "'VP Sales' or 'Head of Sales'" — a readable list of quoted values, shortened past five. */
export function quoted(values: unknown, joiner = 'or'): string {
  const list = (Array.isArray(values) ? values : [values]).map((v) => `'${String(v)}'`);
  if (list.length > 5) return `${list.slice(0, 5).join(', ')} ${joiner} ${list.length - 5} more`;
  if (list.length <= 1) return list.join('');
  return `${list.slice(0, -1).join(', ')} ${joiner} ${list[list.length - 1]}`;
}

/** A clause per present filter, joined with commas: `for titles 'X', in 'Germany'`. */
export function clauses(parts: Array<string | false | undefined | null>): string {
  return parts.filter((p): p is string => typeof p === 'string' && p.length > 0).join(', ');
}

/** "(page 2, 25 per page)" with Apollo's defaults when absent. */
export function pageNote(input: Record<string, unknown>): string {
  const page = input.page ?? 1;
  const perPage = input.per_page ?? 25;
  return `(page ${String(page)}, ${String(perPage)} per page)`;
}

/** A search target: its clauses (each carrying its own preposition) and the page note. */
export function searchTarget(filters: string, input: Record<string, unknown>): string {
  return `${filters || 'with no filters'} ${pageNote(input)}`;
}

/** "250–500" for Apollo's "250,500" employee ranges, "10001+" for an open one. */
export function employeeRanges(values: unknown): string {
  const list = (Array.isArray(values) ? values : [values]).map((v) => {
    const [min, max] = String(v).split(',');
    return max ? `${min}–${max}` : `${min}+`;
  });
  return list.length > 1
    ? `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`
    : (list[0] ?? '');
}

/** A value for a sentence, or a placeholder when the input lacks it (invalid input is audited too). */
export function shown(value: unknown, placeholder = '(none)'): string {
  return value === undefined || value === null || value === '' ? placeholder : String(value);
}

/** "range 1,000–5,000" from a {min, max} object. */
export function rangeText(r: unknown): string {
  if (!r || typeof r !== 'object') return '';
  const { min, max } = r as { min?: unknown; max?: unknown };
  if (min !== undefined && max !== undefined) return `${String(min)}–${String(max)}`;
  if (min !== undefined) return `at least ${String(min)}`;
  return `at most ${String(max)}`;
}

/**
 * Apollo's pagination caps, the same on every search: 100 per page, page 500,
 * 50,000 records reachable; `rowsKey` names the array of rows in the answer.
 */
export function searchPagination(
  rowsKey: string,
  style: PaginationRule['style'] = 'pagination_object',
): PaginationRule {
  return { maxPerPage: 100, maxPage: 500, maxRecords: 50_000, style, rowsKey };
}
