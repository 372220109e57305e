import { z } from 'zod';

import { apolloId } from './params.js';

// Parameter shapes shared by the CRM actions (contacts, accounts, deals) beyond params.ts.

/**
 * A list of record ids Apollo requires, given as an array or (query form) a lone string; when it
 * is missing the error is Apollo's own sentence ("Required parameter 'contact_ids' missing").
 * How many ids a call may carry is checked by the action, which knows Apollo's wording for it.
 */
export function requiredIds(name: string) {
  const missing = `Required parameter '${name}' missing`;
  return z.preprocess(
    (v) => (typeof v === 'string' ? [v] : v),
    z.array(apolloId, { error: (issue) => (issue.input === undefined ? missing : undefined) }),
  );
}

/** An id Apollo requires, with Apollo's sentence when it is missing. */
export function requiredId(name: string) {
  const missing = `Required parameter '${name}' missing`;
  return z
    .string({ error: (issue) => (issue.input === undefined ? missing : undefined) })
    .trim()
    .regex(/^[0-9a-f]{24}$/i, 'must be an Apollo id (24 hexadecimal characters)');
}

/** A list of record ids, as an array or (query form) a lone string; no length bound here. */
export const idList = z.preprocess(
  (v) => (typeof v === 'string' ? [v] : v),
  z.array(apolloId).min(1, 'must list at least one id'),
);

/**
 * A text field Apollo clears when sent empty: its documentation says an empty value clears the
 * field rather than being ignored, so `''` is accepted beside the bounded text.
 */
export function clearable<T extends z.ZodType<string>>(schema: T) {
  return z.union([schema, z.literal('')]);
}

/**
 * `typed_custom_fields`: custom field id → value, as a string (Apollo documents strings; picklist
 * values are the option's id).
 */
export const customFieldsParam = z
  .record(z.string().max(100), z.string().max(5000))
  .describe(
    "Custom field values by custom field id (ids from the fields list), each value a string; a picklist takes the option's id. Example: {'60c39ed82bd02f01154c470a': '2025-08-07'}.",
  );

/** Number of ids in a list parameter (a lone string counts as one). */
export function countOf(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  return value === undefined || value === null || value === '' ? 0 : 1;
}
