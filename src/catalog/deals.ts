import { z } from 'zod';

import { clauses, defineAction, quoted, searchPagination, searchTarget, shown } from './define.js';
import { breadcrumbSchema, opportunitySchema, paginationSchema } from './objects.js';
import { apolloId, boolParam, dateParam, pageParam, perPageParam, text } from './params.js';

// Apollo wants amount as a string of digits; commas or symbols silently blank it (SPEC.md §7.1),
// so Gatehouse refuses them instead of letting a deal lose its amount.
const amount = z
  .union([
    z.number().nonnegative(),
    z
      .string()
      .trim()
      // eslint-disable-next-line security/detect-unsafe-regex -- one optional group after a digit run: linear
      .regex(/^\d+(\.\d+)?$/, 'amount must be digits only, no commas or currency symbols'),
  ])
  .transform((v) => String(v));

const dealFields = {
  owner_id: apolloId.optional(),
  account_id: apolloId.optional(),
  amount: amount.optional(),
  opportunity_stage_id: apolloId.optional(),
  closed_date: dateParam.optional(),
  typed_custom_fields: z.record(z.string().max(100), z.unknown()).optional(),
};

/** List the team's deals (Apollo: opportunities). */
export const dealsList = defineAction({
  id: 'deals.list',
  group: 'deals',
  access: 'read',
  effect: 'read',
  title: 'List deals',
  method: 'GET',
  altMethods: ['POST'],
  path: '/api/v1/opportunities/search',
  keyScope: 'deals/api/v1/opportunities/search',
  oauthScope: 'opportunities_list',
  rateClass: 'default',
  credits: { kind: 'none' },
  pagination: searchPagination('opportunities'),
  input: z.object({
    sort_by_field: z.enum(['amount', 'is_closed', 'is_won']).optional(),
    sort_ascending: boolParam.optional(),
    q_keywords: text(500).optional(),
    account_id: apolloId.optional(),
    owner_id: apolloId.optional(),
    opportunity_stage_id: apolloId.optional(),
    page: pageParam.optional(),
    per_page: perPageParam.optional(),
  }),
  output: z.looseObject({
    opportunities: z.array(opportunitySchema),
    pagination: paginationSchema,
    breadcrumbs: z.array(breadcrumbSchema).optional(),
  }),
  description:
    "List the team's deals with amount, stage, owner and account, optionally sorted by amount, " +
    'is_closed or is_won. Free. Up to 100 per page.',
  phrase: "listed the team's deals",
  intent: "list the team's deals",
  target: (i) =>
    searchTarget(
      clauses([
        i.q_keywords ? `for keywords ${quoted(i.q_keywords)}` : undefined,
        i.account_id ? `for account ${String(i.account_id)}` : undefined,
        i.owner_id ? `owned by user ${String(i.owner_id)}` : undefined,
        i.sort_by_field ? `sorted by ${String(i.sort_by_field)}` : undefined,
      ]),
      i,
    ),
});

/** Create a deal. */
export const dealsCreate = defineAction({
  id: 'deals.create',
  group: 'deals',
  access: 'write',
  effect: 'write',
  title: 'Create a deal',
  method: 'POST',
  path: '/api/v1/opportunities',
  keyScope: 'deals/api/v1/opportunities/create',
  oauthScope: 'opportunity_write',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({
    name: text(300),
    ...dealFields,
    currency_code: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO currency code such as USD')
      .optional(),
    description: text(5000).optional(),
  }),
  output: z.looseObject({ opportunity: opportunitySchema }),
  description:
    "Create a deal in the team's Apollo pipeline. name is required; amount is digits only (no " +
    'commas or symbols); closed_date is YYYY-MM-DD. Free. Apollo does not deduplicate deals.',
  phrase: 'created a deal',
  intent: 'create a deal',
  target: (i) =>
    clauses([
      i.name ? `'${String(i.name)}'` : 'without a name',
      i.amount ? `amount ${String(i.amount)}` : undefined,
      i.account_id ? `for account ${String(i.account_id)}` : undefined,
    ]),
  verify: () =>
    "list the team's deals (the deals list) and look for it by name before trying again.",
});

/** Update a deal. */
export const dealsUpdate = defineAction({
  id: 'deals.update',
  group: 'deals',
  access: 'write',
  effect: 'write',
  title: 'Update a deal',
  method: 'PATCH',
  altMethods: ['PUT'],
  path: '/api/v1/opportunities/{opportunity_id}',
  keyScope: 'deals/api/v1/opportunities/update',
  oauthScope: 'opportunity_update',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({
    opportunity_id: apolloId,
    name: text(300).optional(),
    ...dealFields,
    is_closed: boolParam.optional(),
    is_won: boolParam.optional(),
    source: text(100).optional(),
  }),
  output: z.looseObject({ opportunity: opportunitySchema }),
  description:
    'Change fields of a deal, identified by opportunity_id: name, amount, stage, close date, ' +
    'is_closed, is_won. Free. Only the fields you send change.',
  phrase: 'updated deal',
  intent: 'update deal',
  target: (i) => {
    const changed = Object.keys(i).filter((k) => k !== 'opportunity_id');
    return `${shown(i.opportunity_id)}${changed.length ? ` (${changed.join(', ')})` : ''}`;
  },
  hints: { idempotent: true, destructive: true },
});
