import { z } from 'zod';

import { accountFields } from './accounts.js';
import { entityProgressJobSchema } from './contacts-bulk.js';
import { exampleIds } from './contacts.js';
import { countOf, customFieldsParam, idList, requiredId, requiredIds } from './crm-params.js';
import { defineAction, quoted, shown } from './define.js';
import { apolloId, boolParam, domainParam, list, text, urlParam } from './params.js';

// The accounts actions that touch many records in one call.

/** Most accounts one bulk create takes (Apollo: "Please limit your array to 100 accounts or fewer."). */
export const accountsBulkCreateLimit = 100;

/** Most accounts one bulk update takes. */
export const accountsBulkUpdateLimit = 1000;

/** One account in a bulk create. */
const bulkAccount = z.object({
  name: text(200).optional().describe("The company's name. Example: 'The Irish Copywriters'."),
  domain: domainParam
    .optional()
    .describe("The company's domain; a leading www. is dropped. Example: 'irishcopywriters.ie'."),
  owner_id: accountFields.owner_id,
  phone: accountFields.phone,
  phone_status_cd: text(50).optional().describe("Phone status code. Example: 'no_status'."),
  raw_address: accountFields.raw_address,
  linkedin_url: urlParam.optional().describe('The company LinkedIn page URL.'),
  facebook_url: urlParam.optional().describe('The company Facebook page URL.'),
  twitter_url: urlParam.optional().describe('The company Twitter/X URL.'),
  salesforce_id: text(100).optional().describe("The account's Salesforce id."),
  hubspot_id: text(100).optional().describe("The account's HubSpot id."),
  merged_crm_ids: list(text(100), 50)
    .optional()
    .describe('CRM ids of records merged into this account.'),
  organization_id: apolloId
    .optional()
    .describe("Apollo organization id of the company. Example: '5e66b6381e05b4008c8331b8'."),
  parent_account_id: apolloId
    .optional()
    .describe("Id of the team's account this one belongs to (a subsidiary's parent)."),
  account_stage_id: accountFields.account_stage_id,
  typed_custom_fields: customFieldsParam.optional(),
});

const slimAccountSchema = z.looseObject({
  id: z.string(),
  name: z.string().nullable().optional(),
  domain: z.string().nullable().optional(),
  owner_id: z.string().nullable().optional(),
});

const accountNames = (rows: unknown): string => {
  const list = Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
  const shownRows = list
    .slice(0, 3)
    .map((r) =>
      r.name ? `'${String(r.name)}'` : r.domain ? String(r.domain) : 'an unnamed account',
    );
  const more = list.length > 3 ? ` and ${list.length - 3} more` : '';
  return `${shownRows.join(', ')}${more}`;
};

/** Create up to 100 accounts; matches come back untouched. */
export const accountsBulkCreate = defineAction({
  id: 'accounts.bulk_create',
  group: 'accounts',
  access: 'write',
  effect: 'bulk_write',
  title: 'Create accounts in bulk',
  method: 'POST',
  path: '/api/v1/accounts/bulk_create',
  keyScope: 'api/v1/accounts/bulk_create',
  oauthScope: 'account_bulk_create',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z
    .object({
      accounts: z
        .array(bulkAccount)
        .min(1, 'accounts must list at least one account')
        .describe(
          "The accounts to create, 1–100. Example: [{'name': 'The Irish Copywriters', 'domain': 'irishcopywriters.ie'}].",
        ),
      append_label_names: list(text(200), 50)
        .optional()
        .describe(
          "Lists every created account is added to (created if missing). Example: ['Target Accounts'].",
        ),
      run_dedupe: boolParam
        .optional()
        .describe(
          'true to also match existing accounts by domain, organization_id and name; by default only CRM ids (salesforce_id, hubspot_id, merged_crm_ids) match. Matches are returned unchanged in existing_accounts.',
        ),
    })
    .refine((i) => i.accounts.length <= accountsBulkCreateLimit, {
      message: 'Please limit your array to 100 accounts or fewer.',
    }),
  output: z.looseObject({
    created_accounts: z.array(slimAccountSchema),
    existing_accounts: z.array(slimAccountSchema),
  }),
  description:
    "Create up to 100 accounts (companies) in the team's Apollo CRM in one call. Free. An account " +
    'that matches an existing one (by CRM id; with run_dedupe: true also by domain, organization ' +
    'or name) is not created or changed but returned in existing_accounts; the rest are in ' +
    'created_accounts.',
  phrase: 'created accounts in bulk',
  intent: 'create accounts in bulk',
  target: (i) =>
    `${accountNames(i.accounts)}${i.run_dedupe === true ? ', deduplicating' : ''}${
      i.append_label_names ? `, on lists ${quoted(i.append_label_names, 'and')}` : ''
    }`,
  recordCount: (i) => countOf(i.accounts),
  retrySafe: (i) => i.run_dedupe === true,
  verify: () =>
    "search the team's accounts for a few of the names (the accounts search) before trying again, or repeat it with run_dedupe: true so that accounts already created come back in existing_accounts instead of being created twice.",
  examples: [
    {
      accounts: [
        {
          name: 'The Irish Copywriters',
          domain: 'irishcopywriters.ie',
          phone: '555-555-0108',
          raw_address: 'Belfield, Dublin 4, Ireland',
          account_stage_id: exampleIds.accountStage,
        },
        { name: 'Google', domain: 'google.com', owner_id: exampleIds.user },
      ],
      append_label_names: ['Target Accounts'],
      run_dedupe: true,
    },
  ],
});

const bulkUpdateCount = (i: Record<string, unknown>) =>
  countOf(i.account_ids) || countOf(i.account_attributes);

/** Update up to 1,000 accounts. */
export const accountsBulkUpdate = defineAction({
  id: 'accounts.bulk_update',
  group: 'accounts',
  access: 'write',
  effect: 'bulk_write',
  title: 'Update accounts in bulk',
  method: 'POST',
  path: '/api/v1/accounts/bulk_update',
  keyScope: 'api/v1/accounts/bulk_update',
  // Apollo's reference names the stage-update scope here, not an account-update one.
  oauthScope: 'account_stages_update',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z
    .object({
      account_ids: idList
        .optional()
        .describe(
          "Ids of the accounts that all get the values sent beside them (name, owner_id, account_stage_id). Example: ['66e9abf95ac32901b20d1a0d'].",
        ),
      account_attributes: z
        .array(
          z.object({
            id: apolloId.describe('Id of the account to change.'),
            name: accountFields.name,
            owner_id: accountFields.owner_id,
            account_stage_id: accountFields.account_stage_id,
            typed_custom_fields: customFieldsParam.optional(),
          }),
        )
        .optional()
        .describe(
          "One object per account with its id and its own values; used instead of account_ids. Example: [{'id': '66e9abf95ac32901b20d1a0d', 'name': 'The Fast Irish Copywriters'}].",
        ),
      name: accountFields.name,
      owner_id: accountFields.owner_id,
      account_stage_id: accountFields.account_stage_id,
      async: boolParam
        .optional()
        .describe(
          'true to run in the background (only with account_ids; with account_attributes Apollo refuses it).',
        ),
    })
    .refine((i) => bulkUpdateCount(i) > 0, {
      message: 'Please provide either account_ids or account_attributes',
    })
    .refine((i) => bulkUpdateCount(i) <= accountsBulkUpdateLimit, {
      message: 'Please limit your array to fewer than 1000.',
    })
    .refine((i) => !(i.async === true && i.account_attributes !== undefined), {
      message: 'Async processing is not permitted.',
    }),
  output: z.looseObject({
    accounts: z.array(slimAccountSchema).optional(),
    entity_progress_job: entityProgressJobSchema.optional(),
  }),
  description:
    'Change up to 1,000 saved accounts in one call: account_ids with the values they all get ' +
    '(name, owner_id, account_stage_id), or account_attributes with values per account. Free. ' +
    'With async: true (account_ids only) the answer is an entity_progress_job.',
  phrase: 'updated accounts in bulk',
  intent: 'update accounts in bulk',
  target: (i) => {
    if (i.account_attributes) return 'with values per account';
    const changed = ['name', 'owner_id', 'account_stage_id'].filter((k) => i[k] !== undefined);
    return `(${changed.length ? changed.join(', ') : 'no fields'})`;
  },
  recordCount: bulkUpdateCount,
  hints: { idempotent: true, destructive: true },
  examples: [
    {
      account_ids: [exampleIds.account2, exampleIds.account],
      account_stage_id: exampleIds.accountStage,
    },
    {
      account_attributes: [
        { id: exampleIds.account2, name: 'The Fast Irish Copywriters', owner_id: exampleIds.user },
      ],
    },
  ],
});

/** Give many accounts a new owner. */
export const accountsUpdateOwners = defineAction({
  id: 'accounts.update_owners',
  group: 'accounts',
  access: 'write',
  effect: 'bulk_write',
  title: 'Reassign accounts',
  method: 'POST',
  path: '/api/v1/accounts/update_owners',
  keyScope: 'api/v1/accounts/update_owners',
  oauthScope: 'account_owners_update',
  rateClass: 'default',
  credits: { kind: 'none' },
  // Apollo reads these from the query string (its own CLI sends an empty body).
  queryParams: ['account_ids', 'owner_id'],
  input: z.object({
    account_ids: requiredIds('account_ids').describe(
      "Ids of the accounts to reassign. Example: ['66e9abf95ac32901b20d1a0d'].",
    ),
    owner_id: requiredId('owner_id').describe(
      "The team user who becomes their owner, an id from users.list; a user outside the team is refused with 422. Example: '66302798d03b9601c7934ebf'.",
    ),
  }),
  output: z.looseObject({
    accounts: z.array(
      z.looseObject({
        id: z.string(),
        owner_id: z.string().nullable().optional(),
        crm_owner_id: z.string().nullable().optional(),
      }),
    ),
  }),
  description:
    'Make one team user (id from users.list) the owner of many saved accounts. Free. Returns each ' +
    'changed account as {id, owner_id, crm_owner_id}; ids that name no account are left out.',
  phrase: 'reassigned accounts to user',
  intent: 'reassign accounts to user',
  target: (i) => shown(i.owner_id),
  recordCount: (i) => countOf(i.account_ids),
  hints: { idempotent: true, destructive: true },
  examples: [{ account_ids: [exampleIds.account2, exampleIds.account], owner_id: exampleIds.user }],
});
