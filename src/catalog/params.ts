import { z } from 'zod';

// Apollo accepts parameters as JSON or as query strings, so numbers and booleans may arrive as
// strings ("2", "true"); these helpers accept both forms and normalise them, and nothing else.

/** An integer within bounds, given as a number or a string of digits. */
export function intParam(min: number, max: number, what = 'value') {
  return z
    .union([
      z.number(),
      z
        .string()
        .trim()
        .regex(/^-?\d+$/, `${what} must be a whole number`),
    ])
    .transform((v) => Number(v))
    .pipe(
      z
        .number()
        .int(`${what} must be a whole number`)
        .min(min, `${what} must be at least ${min}`)
        .max(max, `${what} must be at most ${max}`),
    );
}

/** A non-negative amount (revenue, funding), given as a number or a digit string. */
export const amountParam = z
  .union([
    z.number(),
    z
      .string()
      .trim()
      // eslint-disable-next-line security/detect-unsafe-regex -- one optional group after a digit run: linear
      .regex(/^\d+(\.\d+)?$/, 'must be a plain number'),
  ])
  .transform((v) => Number(v))
  .pipe(z.number().nonnegative());

/** A boolean, given as true/false or the strings "true"/"false". */
export const boolParam = z
  .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
  .describe('true or false');

/** A bounded string. */
export function text(max = 500) {
  return z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`);
}

/** An Apollo record id: 24 hexadecimal characters (Mongo ObjectId style). */
export const apolloId = z
  .string()
  .trim()
  .regex(/^[0-9a-f]{24}$/i, 'must be an Apollo id (24 hexadecimal characters)');

/** A list of strings; a lone string is accepted as a one-element list (query strings do that). */
export function list<T extends z.ZodType<string>>(item: T, max = 100) {
  return z.preprocess(
    (v) => (typeof v === 'string' ? [v] : v),
    z
      .array(item)
      .min(1, 'must list at least one value')
      .max(max, `must list at most ${max} values`),
  );
}

/** A `{min, max}` range (query form `key[min]=…&key[max]=…`). */
export function range<T extends z.ZodType>(bound: T) {
  return z
    .object({ min: bound.optional(), max: bound.optional() })
    .refine((r) => r.min !== undefined || r.max !== undefined, 'give min, max or both');
}

/** A calendar date, YYYY-MM-DD. */
export const dateParam = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'must be a real calendar date');

/** An ISO-8601 date-time (with a zone or offset). */
export const dateTimeParam = z.iso.datetime({
  offset: true,
  message: 'must be an ISO-8601 date-time',
});

/** An email address. */
export const emailParam = z.email('must be an email address').max(254);

/**
 * A domain name without scheme or `@` (Apollo's rule for domain filters). Apollo asks for no
 * `www.` but real clients send it, so a leading `www.` is dropped rather than refused.
 */
export const domainParam = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .transform((d) => d.replace(/^www\./, ''))
  .pipe(
    z.string().regex(
      // eslint-disable-next-line security/detect-unsafe-regex -- each repetition starts with a literal dot, so matching is linear
      /^(?!-)[a-z0-9-]+(\.[a-z0-9-]+)+$/,
      'must be a bare domain such as apollo.io (no scheme or @)',
    ),
  );

/** An http(s) URL. */
export const urlParam = z
  .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
  .max(2048);

/** `page` for searches capped at 500 pages. */
export const pageParam = intParam(1, 500, 'page');

/** `per_page` for searches capped at 100 rows. */
export const perPageParam = intParam(1, 100, 'per_page');

/** Employee-count range strings such as "1,10" or "10001,". */
export const employeeRangeParam = z
  .string()
  .trim()
  .regex(/^\d+,\d*$/, 'must look like "min,max", e.g. "250,500"');
