import { z } from 'zod';

import { clauses, defineAction, quoted, searchPagination, searchTarget, shown } from './define.js';
import { accountSchema, breadcrumbSchema, labelSchema, paginationSchema } from './objects.js';
import { apolloId, boolParam, domainParam, list, pageParam, perPageParam, text } from './params.js';

const accountFields = {
  name: text(200).optional(),
  domain: domainParam.optional(),
  owner_id: apolloId.optional(),
  account_stage_id: apolloId.optional(),
  phone: text(50).optional(),
  raw_address: text(300).optional(),
  typed_custom_fields: z.record(z.string().max(100), z.string().max(5000)).optional(),
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
    q_organization_name: text(200).optional(),
    account_stage_ids: list(apolloId).optional(),
    account_label_ids: list(apolloId).optional(),
    sort_by_field: z.enum(accountSortFields).optional(),
    sort_ascending: boolParam.optional(),
    page: pageParam.optional(),
    per_page: perPageParam.optional(),
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
    "Save a company as an account in the team's Apollo CRM, with a name and/or bare domain. Free. " +
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
  input: z.object({ account_id: apolloId, ...accountFields }),
  output: z.looseObject({ account: accountSchema, labels: z.array(labelSchema).optional() }),
  description:
    'Change fields of a saved account, identified by account_id. Free. Only the fields you send change.',
  phrase: 'updated account',
  intent: 'update account',
  target: (i) => {
    const changed = Object.keys(i).filter((k) => k !== 'account_id');
    return `${shown(i.account_id)}${changed.length ? ` (${changed.join(', ')})` : ''}`;
  },
  hints: { idempotent: true, destructive: true },
});
