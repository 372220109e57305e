import { z } from 'zod';

import { clearable, customFieldsParam } from './crm-params.js';
import { clauses, defineAction, quoted, searchPagination, searchTarget, shown } from './define.js';
import {
  accountSchema,
  breadcrumbSchema,
  contactSchema,
  labelSchema,
  opportunitySchema,
  paginationSchema,
} from './objects.js';
import {
  apolloId,
  boolParam,
  emailParam,
  list,
  pageParam,
  perPageParam,
  text,
  urlParam,
} from './params.js';

// The ids in examples are the ones Apollo's own reference uses (contact 66e34b81740c50074e3d1bd4,
// stage 6095a710bd01d100a506d4ae, account 63f53afe4ceeca00016bdd2f, user 66302798d03b9601c7934ebf).

/** Apollo's documented example ids, reused by the CRM examples. */
export const exampleIds = {
  contact: '66e34b81740c50074e3d1bd4',
  contact2: '66e3726977d36c03f2c30afc',
  contactStage: '6095a710bd01d100a506d4ae',
  contactStage2: '6095a710bd01d100a506d4af',
  account: '63f53afe4ceeca00016bdd2f',
  account2: '66e9abf95ac32901b20d1a0d',
  accountStage: '6095a710bd01d100a506d4b9',
  user: '66302798d03b9601c7934ebf',
  organization: '5e66b6381e05b4008c8331b8',
  deal: '66e09ea8e3cfcf01b2208ec7',
  dealStage: '6095a710bd01d100a506d4bd',
  customField: '60c39ed82bd02f01154c470a',
} as const;

const phone = (what: string, example: string) =>
  clearable(text(50))
    .optional()
    .describe(
      `${what}, in any format (Apollo sanitizes it into phone_numbers[]); '' removes it. Example: '${example}'.`,
    );

/** The fields of a contact that create and update both write. */
export const contactFields = {
  first_name: clearable(text(200))
    .optional()
    .describe("First name, up to 200 characters; '' clears it. Example: 'Tim'."),
  last_name: clearable(text(200))
    .optional()
    .describe("Last name, up to 200 characters; '' clears it. Example: 'Zheng'."),
  organization_name: clearable(text(200))
    .optional()
    .describe("The contact's employer (company name); '' clears it. Example: 'Apollo.io'."),
  title: clearable(text(300))
    .optional()
    .describe("Current job title; '' clears it. Example: 'senior research analyst'."),
  account_id: apolloId
    .optional()
    .describe(
      "Id of the team's account (saved company) the contact works for, from the accounts search; an unknown id is refused with 422. Example: '63f53afe4ceeca00016bdd2f'.",
    ),
  email: clearable(emailParam)
    .optional()
    .describe("Email address; '' clears it. Example: 'example@email.com'."),
  website_url: clearable(urlParam)
    .optional()
    .describe("The employer's website, an http(s) URL. Example: 'https://www.apollo.io/'."),
  label_names: list(text(200), 50)
    .optional()
    .describe(
      "Names of the lists the contact is on (1–50); a list that does not exist yet is created. On update this replaces the contact's lists. Example: ['Q4 Outbound'].",
    ),
  contact_stage_id: apolloId
    .optional()
    .describe(
      "Contact stage id, from the contact stages list; an unknown id is refused with 422. Example: '6095a710bd01d100a506d4ae'.",
    ),
  present_raw_address: clearable(text(300))
    .optional()
    .describe(
      "Where the person is, in words; Apollo derives city, state, country and time zone. Example: 'Atlanta, United States'.",
    ),
  direct_phone: phone('Direct work phone', '555-555-0133'),
  corporate_phone: phone('Company (headquarters) phone', '+44 7700 900852'),
  mobile_phone: phone('Mobile phone', '555-555-0133'),
  home_phone: phone('Home phone', '555-555-0133'),
  other_phone: phone('Another phone', '555-555-0133'),
  linkedin_url: clearable(urlParam)
    .optional()
    .describe("LinkedIn profile URL. Example: 'https://www.linkedin.com/in/timzheng'."),
  owner_id: apolloId
    .optional()
    .describe(
      "Id of the team user who owns the contact (from users.list; default: the key's user); a user outside the team is refused with 422. Example: '66302798d03b9601c7934ebf'.",
    ),
  typed_custom_fields: customFieldsParam.optional(),
};

/** Personal data in contact writes: emails, phones, LinkedIn. Names stay readable in the audit. */
export const contactPersonal = [
  'email',
  'present_raw_address',
  'typed_custom_fields',
  'direct_phone',
  'corporate_phone',
  'mobile_phone',
  'home_phone',
  'other_phone',
  'linkedin_url',
];

/** "'Tim Zheng' (analyst) at Apollo.io, email t***@apollo.io" from (masked) contact fields. */
export function contactWho(i: Record<string, unknown>): string {
  const nameText = [i.first_name, i.last_name].filter(Boolean).map(String).join(' ');
  const who = [
    nameText ? `'${nameText}'` : 'without a name',
    i.title ? ` (${String(i.title)})` : '',
    i.organization_name ? ` at ${String(i.organization_name)}` : '',
  ].join('');
  return i.email ? `${who}, email ${String(i.email)}` : who;
}

const contactSortFields = [
  'contact_last_activity_date',
  'contact_email_last_opened_at',
  'contact_email_last_clicked_at',
  'contact_created_at',
  'contact_updated_at',
] as const;

/** Search the team's saved contacts. */
export const contactsSearch = defineAction({
  id: 'contacts.search',
  group: 'contacts',
  access: 'read',
  effect: 'read',
  title: 'Search contacts',
  method: 'POST',
  altMethods: ['GET'],
  path: '/api/v1/contacts/search',
  keyScope: 'api/v1/contacts/search',
  oauthScope: 'contacts_search',
  rateClass: 'default',
  credits: { kind: 'none' },
  pagination: searchPagination('contacts'),
  input: z.object({
    q_keywords: text(500)
      .optional()
      .describe(
        "Words that must all appear in the contact's name, title, employer or email. Example: 'Apollo.io'.",
      ),
    contact_stage_ids: list(apolloId)
      .optional()
      .describe(
        "Only contacts in one of these stages (ids from the contact stages list). Example: ['6095a710bd01d100a506d4ae'].",
      ),
    contact_label_ids: list(apolloId)
      .optional()
      .describe(
        "Only contacts on one of these lists (list ids). Example: ['66e34b81740c50074e3d1bd0'].",
      ),
    sort_by_field: z
      .enum(contactSortFields)
      .optional()
      .describe(
        "Sort field: contact_last_activity_date, contact_email_last_opened_at, contact_email_last_clicked_at, contact_created_at or contact_updated_at. Example: 'contact_created_at'.",
      ),
    sort_ascending: boolParam
      .optional()
      .describe('true for oldest/smallest first (default false); only with sort_by_field.'),
    page: pageParam.optional().describe('Page number, 1–500 (default 1). Example: 2.'),
    per_page: perPageParam
      .optional()
      .describe('Contacts per page, 1–100 (larger values are clamped). Example: 25.'),
  }),
  output: z.looseObject({
    contacts: z.array(contactSchema),
    pagination: paginationSchema,
    breadcrumbs: z.array(breadcrumbSchema).optional(),
  }),
  description:
    "Search the team's saved contacts (people already in the team's Apollo CRM) by keywords " +
    '(name, title, employer, email), stage or list. Free. Up to 100 per page; pagination.total_pages ' +
    'says how many pages exist. Sort with sort_by_field (e.g. contact_created_at).',
  phrase: "searched the team's contacts",
  intent: "search the team's contacts",
  target: (i) =>
    searchTarget(
      clauses([
        i.q_keywords ? `for keywords ${quoted(i.q_keywords)}` : undefined,
        i.contact_stage_ids ? `in stages ${quoted(i.contact_stage_ids)}` : undefined,
        i.contact_label_ids ? `in lists ${quoted(i.contact_label_ids)}` : undefined,
      ]),
      i,
    ),
  examples: [
    {
      q_keywords: 'Apollo.io',
      contact_stage_ids: [exampleIds.contactStage],
      sort_by_field: 'contact_last_activity_date',
      sort_ascending: false,
      page: 1,
      per_page: 2,
    },
    { q_keywords: 'tim', contact_label_ids: '66e34b81740c50074e3d1bd0', page: '1', per_page: '10' },
  ],
});

/** Create a contact (optionally deduplicated against existing ones). */
export const contactsCreate = defineAction({
  id: 'contacts.create',
  group: 'contacts',
  access: 'write',
  effect: 'write',
  title: 'Create a contact',
  method: 'POST',
  path: '/api/v1/contacts',
  keyScope: 'api/v1/contacts/create',
  oauthScope: 'contact_write',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({
    ...contactFields,
    run_dedupe: boolParam
      .optional()
      .describe(
        'true to look for an existing contact first (by email, primary or additional, then by first and last name at the same company) and UPDATE it in place with the fields sent, returning its old id and dedupe_result; default false always creates a new contact.',
      ),
  }),
  output: z.looseObject({
    contact: contactSchema,
    labels: z.array(labelSchema).optional(),
    dedupe_result: z
      .looseObject({ found_existing: z.boolean(), match_reason: z.string().optional() })
      .optional(),
  }),
  description:
    "Save a person as a contact in the team's Apollo CRM. Free. By default Apollo always creates a " +
    'new record, even for a duplicate; with run_dedupe: true it finds the existing contact (same ' +
    'email, or same name at the same company), overwrites the fields you send, keeps the others, ' +
    'and returns it with its old id and dedupe_result. label_names adds the contact to lists.',
  phrase: 'created a contact',
  intent: 'create a contact',
  target: (i) => contactWho(i) + (i.run_dedupe === true ? ', deduplicating' : ''),
  personalFields: contactPersonal,
  // With run_dedupe Apollo updates the matching record instead of adding one: a retry is safe.
  retrySafe: (i) => i.run_dedupe === true,
  verify: () =>
    "search the team's contacts for its email or name (the contacts search) before trying again, or repeat it with run_dedupe: true so that Apollo returns the contact if it exists instead of creating a second one.",
  examples: [
    {
      first_name: 'John',
      last_name: 'Smith',
      email: 'john.smith@example.com',
      organization_name: 'Example Corp',
      title: 'Software Engineer',
    },
    {
      first_name: 'Jane',
      last_name: 'Doe',
      email: 'jane.doe@example.com',
      organization_name: 'Example Corp',
      title: 'Product Manager',
      run_dedupe: true,
    },
    {
      first_name: 'Tim',
      last_name: 'Zheng',
      organization_name: 'apollo',
      title: 'senior research analyst',
      account_id: exampleIds.account,
      email: 'example@email.com',
      website_url: 'https://www.apollo.io/',
      label_names: ['writer', 'fiction'],
      contact_stage_id: exampleIds.contactStage,
      present_raw_address: 'Atlanta, United States',
      direct_phone: '555-555-0133',
      corporate_phone: '+44 7700 900852',
      mobile_phone: '555-555-0133',
      home_phone: '555-555-0133',
      other_phone: '555-555-0133',
      typed_custom_fields: { [exampleIds.customField]: '2025-08-07' },
    },
  ],
});

/** Update a saved contact. */
export const contactsUpdate = defineAction({
  id: 'contacts.update',
  group: 'contacts',
  access: 'write',
  effect: 'write',
  title: 'Update a contact',
  method: 'PATCH',
  altMethods: ['PUT'],
  path: '/api/v1/contacts/{contact_id}',
  keyScope: 'api/v1/contacts/update',
  oauthScope: 'contact_update',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({
    contact_id: apolloId.describe(
      "Id of the contact to change, from the contacts search. Example: '66e34b81740c50074e3d1bd4'.",
    ),
    ...contactFields,
  }),
  output: z.looseObject({ contact: contactSchema, labels: z.array(labelSchema).optional() }),
  description:
    'Change fields of a saved contact, identified by contact_id. Free. Only the fields you send ' +
    "change ('' clears a text field); label_names replaces the contact's lists. An unknown " +
    'contact_id is refused with 422.',
  phrase: 'updated contact',
  intent: 'update contact',
  target: (i) => {
    const changed = Object.keys(i).filter((k) => k !== 'contact_id');
    return `${shown(i.contact_id)}${changed.length ? ` (${changed.join(', ')})` : ''}`;
  },
  personalFields: contactPersonal,
  hints: { idempotent: true, destructive: true },
  examples: [
    {
      contact_id: exampleIds.contact,
      first_name: 'Fyodor',
      last_name: 'Dostoevsky',
      title: 'Chief Fiction Writer',
      organization_name: 'Apollo.io',
      label_names: ['writer'],
      present_raw_address: 'St. Petersburg, Russia',
      direct_phone: '555-555-0149',
    },
    { contact_id: exampleIds.contact, contact_stage_id: exampleIds.contactStage2, title: '' },
  ],
});

/** View one saved contact, with its lists. */
export const contactsGet = defineAction({
  id: 'contacts.get',
  group: 'contacts',
  access: 'read',
  effect: 'read',
  title: 'View a contact',
  method: 'GET',
  path: '/api/v1/contacts/{contact_id}',
  keyScope: 'api/v1/contacts/show',
  oauthScope: 'contact_read',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({
    contact_id: apolloId.describe(
      "Id of the saved contact, from the contacts search. Example: '66e34b81740c50074e3d1bd4'.",
    ),
  }),
  output: z.looseObject({ contact: contactSchema, labels: z.array(labelSchema).optional() }),
  description:
    "Show one of the team's saved contacts by id: name, title, employer, email, phones, stage, " +
    'owner, sequences and its account, plus the lists (labels) it is on. Free. An unknown id is ' +
    "answered with 422 'Oops! This contact does not exist in Apollo.'",
  phrase: 'viewed contact',
  intent: 'view contact',
  target: (i) => shown(i.contact_id),
  examples: [{ contact_id: exampleIds.contact }],
});

/** Deals linked to one contact. */
export const contactsDeals = defineAction({
  id: 'contacts.deals',
  group: 'contacts',
  access: 'read',
  effect: 'read',
  title: "List a contact's deals",
  // Apollo documents POST (the body is ignored); older notes call it with GET.
  method: 'POST',
  altMethods: ['GET'],
  path: '/api/v1/contacts/{contact_id}/opportunities',
  keyScope: 'deals/api/v1/opportunities/search',
  // Apollo's reference names this scope, but its own CLI found no OAuth scope reaching the
  // endpoint: expect it to work with API keys only.
  oauthScope: 'opportunities_list',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({
    contact_id: apolloId.describe(
      "Id of the saved contact, from the contacts search. Example: '66e34b81740c50074e3d1bd4'.",
    ),
  }),
  output: z.looseObject({
    opportunities: z.array(
      opportunitySchema.extend({
        num_contacts: z.number().optional(),
        account: accountSchema.nullable().optional(),
        opportunity_contact_roles: z.array(z.looseObject({ id: z.string() })).optional(),
      }),
    ),
  }),
  description:
    'List the deals (opportunities) a saved contact is linked to, each with its account and the ' +
    "contact's role on it (e.g. Decision Maker). Free. A contact with no deals, or an unknown " +
    'contact id, gives an empty list rather than an error.',
  phrase: "listed a contact's deals",
  intent: "list a contact's deals",
  target: (i) => `for contact ${shown(i.contact_id)}`,
  examples: [{ contact_id: exampleIds.contact }],
});

/** A contact or account stage. */
const stageSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  display_name: z.string().nullable().optional(),
  display_order: z.number().nullable().optional(),
  category: z.string().nullable().optional(),
});

/** The team's contact stages. */
export const contactsStages = defineAction({
  id: 'contacts.stages',
  group: 'contacts',
  access: 'read',
  effect: 'read',
  title: 'List contact stages',
  method: 'GET',
  path: '/api/v1/contact_stages',
  keyScope: 'api/v1/contact_stages/index',
  oauthScope: 'contact_stages_list',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({}),
  output: z.looseObject({ contact_stages: z.array(stageSchema) }),
  description:
    "List the team's contact stages (Cold, Approaching, Replied, …) in display order, with their " +
    'ids and category (in_progress, succeeded, failed). Free. Use an id as contact_stage_id when ' +
    'creating or updating contacts, or with contacts.update_stages.',
  phrase: "listed the team's contact stages",
  intent: "list the team's contact stages",
  target: () => '',
  examples: [{}],
});

export { stageSchema };
