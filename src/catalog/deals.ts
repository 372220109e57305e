import { z } from 'zod';

import { exampleIds } from './contacts.js';
import { clauses, defineAction, quoted, searchPagination, searchTarget, shown } from './define.js';
import { accountSchema, breadcrumbSchema, opportunitySchema, paginationSchema } from './objects.js';
import { apolloId, boolParam, dateParam, pageParam, perPageParam, text } from './params.js';

// Apollo documents amount as a string of digits and warns that commas blank it; real clients
// (Apollo's own CLI among them) send a number. Both forms are accepted, and thousands separators
// ("55,123,478") are removed so the deal keeps the amount the caller meant instead of losing it.
// Currency symbols and other text are refused: the currency is the team's setting.
const amount = z
  .union([
    z.number().nonnegative(),
    z
      .string()
      .trim()
      // eslint-disable-next-line security/detect-unsafe-regex -- fixed-width groups after a bounded digit run: linear
      .regex(/^(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$/, 'amount must be digits only, no currency symbols')
      .transform((s) => s.replace(/,/g, '')),
  ])
  .transform((v) => String(v))
  .describe(
    "The deal's value in the team's currency, as digits (a number is also accepted). Example: '55123478' for $55,123,478.",
  );

const dealFields = {
  owner_id: apolloId
    .optional()
    .describe(
      "Team user who owns the deal (from users.list; default: the key's user); a user outside the team is refused with 422. Example: '66302798d03b9601c7934ebf'.",
    ),
  amount: amount.optional(),
  opportunity_stage_id: apolloId
    .optional()
    .describe(
      "Deal stage id, from the deal stages list; a Closed Won or Closed Lost stage closes the deal. Example: '6095a710bd01d100a506d4bd'.",
    ),
  closed_date: dateParam
    .optional()
    .describe(
      "Expected (or actual) close date, YYYY-MM-DD, past or future. Example: '2025-10-30'.",
    ),
  typed_custom_fields: z
    .record(z.string().max(100), z.unknown())
    .optional()
    .describe(
      "Custom field values by custom field id; picklists take option ids. Example: {'60c39ed82bd02f01154c470a': '2025-08-07'}.",
    ),
};

const dealSortFields = ['amount', 'is_closed', 'is_won'] as const;

/** The list's filters; the same on the current path and on the legacy one. */
const listInput = z.object({
  sort_by_field: z
    .enum(dealSortFields)
    .optional()
    .describe(
      "amount (largest first), is_closed (closed first) or is_won (won first). Example: 'amount'.",
    ),
  sort_ascending: boolParam.optional().describe('true to reverse the sort (default false).'),
  q_keywords: text(500).optional().describe("Words in the deal's name. Example: 'Renewal'."),
  account_id: apolloId
    .optional()
    .describe("Only deals of this account. Example: '63f53afe4ceeca00016bdd2f'."),
  owner_id: apolloId
    .optional()
    .describe("Only deals owned by this team user. Example: '66302798d03b9601c7934ebf'."),
  opportunity_stage_id: apolloId
    .optional()
    .describe("Only deals in this stage. Example: '6095a710bd01d100a506d4bd'."),
  opportunity_pipeline_id: apolloId
    .optional()
    .describe('Only deals in this pipeline (the pipeline id of a deal stage).'),
  page: pageParam.optional().describe('Page number, 1–500 (default 1). Example: 4.'),
  per_page: perPageParam
    .optional()
    .describe('Deals per page, 1–100 (larger values are clamped). Example: 10.'),
});

const dealRowSchema = opportunitySchema.extend({ account: accountSchema.nullable().optional() });

const listOutput = z.looseObject({
  opportunities: z.array(dealRowSchema),
  pagination: paginationSchema,
  breadcrumbs: z.array(breadcrumbSchema).optional(),
});

const listTarget = (i: Record<string, unknown>) =>
  searchTarget(
    clauses([
      i.q_keywords ? `for keywords ${quoted(i.q_keywords)}` : undefined,
      i.account_id ? `for account ${String(i.account_id)}` : undefined,
      i.owner_id ? `owned by user ${String(i.owner_id)}` : undefined,
      i.opportunity_stage_id ? `in stage ${String(i.opportunity_stage_id)}` : undefined,
      i.sort_by_field ? `sorted by ${String(i.sort_by_field)}` : undefined,
    ]),
    i,
  );

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
  input: listInput,
  output: listOutput,
  description:
    "List the team's deals with amount, stage, owner and account, optionally sorted by amount, " +
    'is_closed or is_won. Free. Up to 100 per page; pagination.total_pages says how many pages ' +
    'exist.',
  phrase: "listed the team's deals",
  intent: "list the team's deals",
  target: listTarget,
  examples: [
    { sort_by_field: 'amount', page: 4, per_page: 10 },
    { sort_by_field: 'is_won', page: '1', per_page: '10' },
  ],
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
    name: text(300).describe("The deal's name, required. Example: 'Massive Q3 Deal'."),
    account_id: apolloId
      .optional()
      .describe(
        "Id of the team's account the deal is with (from the accounts search). Example: '63f53afe4ceeca00016bdd2f'.",
      ),
    ...dealFields,
    // Sent by Apollo's own CLI; the reference does not list them.
    currency_code: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO currency code such as USD')
      .optional()
      .describe("ISO currency code (default: the team's currency). Example: 'USD'."),
    opportunity_pipeline_id: apolloId
      .optional()
      .describe("Pipeline of the deal (default: the team's pipeline)."),
    description: text(5000).optional().describe('Free-text description of the deal.'),
  }),
  output: z.looseObject({ opportunity: opportunitySchema }),
  description:
    "Create a deal in the team's Apollo pipeline. name is required; amount is digits (no " +
    'currency symbol); closed_date is YYYY-MM-DD. Free. Apollo does not deduplicate deals.',
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
  examples: [
    {
      name: 'Massive Q3 Deal',
      owner_id: exampleIds.user,
      account_id: exampleIds.organization,
      amount: '55123478',
      opportunity_stage_id: exampleIds.dealStage,
      closed_date: '2025-10-30',
      typed_custom_fields: { [exampleIds.customField]: '2025-08-07' },
    },
    { name: 'Opportunity Name', amount: '200', closed_date: '2020-12-18' },
    { name: 'Pilot', amount: 12000, currency_code: 'USD' },
  ],
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
  // Apollo's reference lists exactly these; a deal is won or lost by moving it to such a stage.
  input: z.object({
    opportunity_id: apolloId.describe(
      "Id of the deal to change, from the deals list. Example: '66e09ea8e3cfcf01b2208ec7'.",
    ),
    name: text(300).optional().describe("New name of the deal. Example: 'Massive Q3 Deal'."),
    ...dealFields,
  }),
  output: z.looseObject({ opportunity: opportunitySchema }),
  description:
    'Change fields of a deal, identified by opportunity_id: name, owner, amount, stage, close ' +
    'date, custom fields. Free. Only the fields you send change; to mark a deal won or lost, move ' +
    'it to a closed stage (ids from deals.stages). An unknown id is refused with 422.',
  phrase: 'updated deal',
  intent: 'update deal',
  target: (i) => {
    const changed = Object.keys(i).filter((k) => k !== 'opportunity_id');
    return `${shown(i.opportunity_id)}${changed.length ? ` (${changed.join(', ')})` : ''}`;
  },
  hints: { idempotent: true, destructive: true },
  examples: [
    {
      opportunity_id: exampleIds.deal,
      owner_id: exampleIds.user,
      name: 'Massive Q3 Deal',
      amount: '55123478',
      opportunity_stage_id: exampleIds.dealStage,
      closed_date: '2025-10-30',
      typed_custom_fields: { [exampleIds.customField]: '2025-08-07' },
    },
    { opportunity_id: exampleIds.deal, name: 'Opportunity Name Updated' },
  ],
});

/** View one deal with its account. */
export const dealsGet = defineAction({
  id: 'deals.get',
  group: 'deals',
  access: 'read',
  effect: 'read',
  title: 'View a deal',
  method: 'GET',
  path: '/api/v1/opportunities/{opportunity_id}',
  keyScope: 'deals/api/v1/opportunities/show',
  oauthScope: 'opportunity_read',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({
    opportunity_id: apolloId.describe(
      "Id of the deal, from the deals list. Example: '66e09ea8e3cfcf01b2208ec7'.",
    ),
  }),
  output: z.looseObject({
    opportunity: opportunitySchema.extend({
      num_contacts: z.number().optional(),
      account: accountSchema.nullable().optional(),
    }),
  }),
  description:
    'Show one deal by id: name, amount, stage, owner, close date, the contacts on it and its ' +
    "account. Free. An unknown id is answered with 404 {status: 404, error: 'Not Found'}.",
  phrase: 'viewed deal',
  intent: 'view deal',
  target: (i) => shown(i.opportunity_id),
  examples: [{ opportunity_id: exampleIds.deal }],
});

/** The team's deal stages, across every pipeline. */
export const dealsStages = defineAction({
  id: 'deals.stages',
  group: 'deals',
  access: 'read',
  effect: 'read',
  title: 'List deal stages',
  method: 'GET',
  path: '/api/v1/opportunity_stages',
  keyScope: 'deals/api/v1/opportunity_stages/index',
  oauthScope: 'opportunity_stages_list',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({}),
  output: z.looseObject({
    opportunity_stages: z.array(
      z.looseObject({
        id: z.string(),
        name: z.string(),
        display_order: z.number().nullable().optional(),
        is_won: z.boolean().nullable().optional(),
        is_closed: z.boolean().nullable().optional(),
        probability: z.number().nullable().optional(),
        opportunity_pipeline_id: z.string().nullable().optional(),
      }),
    ),
  }),
  description:
    "List the team's deal stages of every pipeline in one list (group them by " +
    'opportunity_pipeline_id), each with its probability, forecast category and whether it ' +
    'closes the deal as won or lost. Free. Use an id as opportunity_stage_id on deals.',
  phrase: "listed the team's deal stages",
  intent: "list the team's deal stages",
  target: () => '',
  examples: [{}],
});

/**
 * The legacy "get all deals" path. Apollo's retired reference names it while its own sample calls
 * the search path, so it is treated as an alias of the deals list, under the list's key scope.
 */
export const dealsListLegacy = defineAction({
  id: 'deals.list_legacy',
  group: 'deals',
  access: 'read',
  effect: 'read',
  title: 'List deals (legacy path)',
  method: 'GET',
  path: '/api/v1/opportunities',
  keyScope: 'deals/api/v1/opportunities/search',
  oauthScope: 'opportunities_list',
  rateClass: 'default',
  credits: { kind: 'none' },
  pagination: searchPagination('opportunities'),
  input: listInput,
  output: listOutput,
  description:
    "List the team's deals through Apollo's older GET /opportunities path; it answers as the " +
    'deals list does (same filters, same pages). Free. Prefer deals.list, the documented path.',
  phrase: "listed the team's deals (legacy path)",
  intent: "list the team's deals (legacy path)",
  target: listTarget,
  examples: [{}, { page: 2, per_page: 25 }],
});
