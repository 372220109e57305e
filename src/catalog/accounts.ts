import { z } from 'zod';

import { exampleIds, stageSchema } from './contacts.js';
import { customFieldsParam } from './crm-params.js';
import { clauses, defineAction, quoted, searchPagination, searchTarget, shown } from './define.js';
import { accountSchema, breadcrumbSchema, labelSchema, paginationSchema } from './objects.js';
import { apolloId, boolParam, domainParam, list, pageParam, perPageParam, text } from './params.js';

/** The fields of an account that create and update both write. */
export const accountFields = {
  name: text(200)
    .optional()
    .describe("The company's name, up to 200 characters. Example: 'The Irish Copywriters'."),
  domain: domainParam
    .optional()
    .describe(
      "The company's domain, without scheme; a leading www. is dropped. Example: 'apollo.io'.",
    ),
  owner_id: apolloId
    .optional()
    .describe(
      "Team user who owns the account (from users.list; default: the key's user); a user outside the team is refused with 422. Example: '66302798d03b9601c7934ebf'.",
    ),
  account_stage_id: apolloId
    .optional()
    .describe(
      "Account stage id, from the account stages list (default: the team's stage for new accounts). Example: '6095a710bd01d100a506d4b9'.",
    ),
  phone: text(50)
    .optional()
    .describe("Main phone number in any format (Apollo sanitizes it). Example: '555-555-0133'."),
  raw_address: text(300)
    .optional()
    .describe(
      "The company's location in words, matched to a known place. Example: 'Dallas, United States'.",
    ),
  typed_custom_fields: customFieldsParam.optional(),
};

const accountSortFields = [
  'account_last_activity_date',
  'account_created_at',
  'account_updated_at',
] as const;

/** Search the team's saved accounts. */
export const accountsSearch = defineAction({
  id: 'accounts.search',
  group: 'accounts',
  access: 'read',
  effect: 'read',
  title: 'Search accounts',
  method: 'POST',
  altMethods: ['GET'],
  path: '/api/v1/accounts/search',
  keyScope: 'api/v1/accounts/search',
  oauthScope: 'accounts_search',
  rateClass: 'default',
  credits: { kind: 'none' },
  pagination: searchPagination('accounts'),
  input: z.object({
    q_organization_name: text(200)
      .optional()
      .describe("Part of the account's name (the name only, not the domain). Example: 'Google'."),
    account_stage_ids: list(apolloId)
      .optional()
      .describe(
        "Only accounts in one of these stages (ids from the account stages list). Example: ['6095a710bd01d100a506d4b9'].",
      ),
    account_label_ids: list(apolloId)
      .optional()
      .describe(
        "Only accounts on one of these lists (list ids). Example: ['6466e8261e13be000133f25d'].",
      ),
    sort_by_field: z
      .enum(accountSortFields)
      .optional()
      .describe(
        "Sort field: account_last_activity_date, account_created_at or account_updated_at. Example: 'account_created_at'.",
      ),
    sort_ascending: boolParam
      .optional()
      .describe('true for oldest first (default false); only with sort_by_field.'),
    page: pageParam.optional().describe('Page number, 1–500 (default 1). Example: 2.'),
    per_page: perPageParam
      .optional()
      .describe('Accounts per page, 1–100 (larger values are clamped). Example: 25.'),
  }),
  output: z.looseObject({
    accounts: z.array(accountSchema),
    pagination: paginationSchema,
    breadcrumbs: z.array(breadcrumbSchema).optional(),
  }),
  description:
    "Search the team's saved accounts (companies in the team's Apollo CRM) by name, stage or list. " +
    'Free. Up to 100 per page; pagination.total_pages says how many pages exist.',
  phrase: "searched the team's accounts",
  intent: "search the team's accounts",
  target: (i) =>
    searchTarget(
      clauses([
        i.q_organization_name ? `for names like ${quoted(i.q_organization_name)}` : undefined,
        i.account_stage_ids ? `in stages ${quoted(i.account_stage_ids)}` : undefined,
        i.account_label_ids ? `in lists ${quoted(i.account_label_ids)}` : undefined,
      ]),
      i,
    ),
  examples: [
    {
      q_organization_name: 'Google',
      sort_by_field: 'account_last_activity_date',
      sort_ascending: false,
    },
    {
      q_organization_name: 'Irish Copywriters',
      account_stage_ids: [exampleIds.accountStage],
      page: 1,
      per_page: 5,
    },
  ],
});

/** Create an account. Apollo never deduplicates single creates. */
export const accountsCreate = defineAction({
  id: 'accounts.create',
  group: 'accounts',
  access: 'write',
  effect: 'write',
  title: 'Create an account',
  method: 'POST',
  path: '/api/v1/accounts',
  keyScope: 'api/v1/accounts/create',
  oauthScope: 'account_write',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object(accountFields).refine((i) => Boolean(i.name || i.domain), {
    message: 'Please specify at least a name or domain.',
  }),
  output: z.looseObject({ account: accountSchema }),
  description:
    "Save a company as an account in the team's Apollo CRM, with a name and/or domain. Free. " +
    'Apollo does not deduplicate: search accounts first, or you may create a second copy.',
  phrase: 'created an account',
  intent: 'create an account',
  target: (i) =>
    [
      i.name ? `'${String(i.name)}'` : 'without a name',
      i.domain ? ` (${String(i.domain)})` : '',
    ].join(''),
  verify: () =>
    "search the team's accounts for its name or domain (the accounts search) before trying again.",
  examples: [
    {
      name: 'The Irish Copywriters',
      domain: 'irishcopywriters.ie',
      owner_id: exampleIds.user,
      account_stage_id: exampleIds.accountStage,
      phone: '555-555-0108',
      raw_address: 'Belfield, Dublin 4, Ireland',
      typed_custom_fields: { [exampleIds.customField]: '2025-08-07' },
    },
    { name: 'Google', domain: 'google.com', raw_address: '1600 Amphitheatre Parkway' },
    { domain: 'www.microsoft.com', phone: '+44 7700 900852' },
  ],
});

/** Update a saved account. */
export const accountsUpdate = defineAction({
  id: 'accounts.update',
  group: 'accounts',
  access: 'write',
  effect: 'write',
  title: 'Update an account',
  method: 'PATCH',
  altMethods: ['PUT'],
  path: '/api/v1/accounts/{account_id}',
  keyScope: 'api/v1/accounts/update',
  oauthScope: 'account_update',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({
    account_id: apolloId.describe(
      "Id of the account to change, from the accounts search. Example: '66e9abf95ac32901b20d1a0d'.",
    ),
    ...accountFields,
  }),
  output: z.looseObject({ account: accountSchema, labels: z.array(labelSchema).optional() }),
  description:
    'Change fields of a saved account, identified by account_id. Free. Only the fields you send ' +
    'change. An unknown account_id is refused with 422.',
  phrase: 'updated account',
  intent: 'update account',
  target: (i) => {
    const changed = Object.keys(i).filter((k) => k !== 'account_id');
    return `${shown(i.account_id)}${changed.length ? ` (${changed.join(', ')})` : ''}`;
  },
  hints: { idempotent: true, destructive: true },
  examples: [
    {
      account_id: exampleIds.account2,
      name: 'The Fast Irish Copywriters',
      domain: 'irishcopywriters.ie',
      account_stage_id: exampleIds.accountStage,
      raw_address: 'Dallas, United States',
    },
    { account_id: exampleIds.account2, name: 'new name' },
  ],
});

/** View one saved account with its organization data and engagement. */
export const accountsGet = defineAction({
  id: 'accounts.get',
  group: 'accounts',
  access: 'read',
  effect: 'read',
  title: 'View an account',
  method: 'GET',
  path: '/api/v1/accounts/{id}',
  keyScope: 'api/v1/accounts/show',
  oauthScope: 'account_read',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({
    id: apolloId.describe(
      "Id of the saved account, from the accounts search. Example: '66e9abf95ac32901b20d1a0d'.",
    ),
  }),
  output: z.looseObject({
    account: accountSchema,
    salesforce_users: z.array(z.unknown()).optional(),
    hubspot_owners: z.array(z.unknown()).optional(),
  }),
  description:
    "Show one of the team's saved accounts by id: name, domain, stage, owner, the linked " +
    "organization's data (industry, size, location), monthly engagement, how many contacts it " +
    'has and their sequence statuses. Free. An unknown id is refused with 422.',
  phrase: 'viewed account',
  intent: 'view account',
  target: (i) => shown(i.id),
  examples: [{ id: exampleIds.account2 }],
});

/** The team's account stages. */
export const accountsStages = defineAction({
  id: 'accounts.stages',
  group: 'accounts',
  access: 'read',
  effect: 'read',
  title: 'List account stages',
  method: 'GET',
  path: '/api/v1/account_stages',
  keyScope: 'api/v1/account_stages/index',
  oauthScope: 'account_stages_list',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({}),
  output: z.looseObject({ account_stages: z.array(stageSchema) }),
  description:
    "List the team's account stages (Cold, Active Opportunity, Current Customer, …) in display " +
    'order, with their ids and category. Free. Use an id as account_stage_id when creating or ' +
    'updating accounts.',
  phrase: "listed the team's account stages",
  intent: "list the team's account stages",
  target: () => '',
  examples: [{}],
});
