import { z } from 'zod';

import { contactFields, exampleIds } from './contacts.js';
import { countOf, customFieldsParam, idList, requiredId, requiredIds } from './crm-params.js';
import { defineAction, quoted, shown } from './define.js';
import { contactSchema } from './objects.js';
import { apolloId, boolParam, emailParam, intParam, list, text, urlParam } from './params.js';

// The contacts actions that touch many records in one call.

/** Most contacts one bulk create takes (Apollo: "Please limit your array to 100 contacts or fewer."). */
export const contactsBulkCreateLimit = 100;

/** Most contacts one bulk update takes; more than 100 run in Apollo's background. */
export const contactsBulkUpdateLimit = 1000;

/** The contacts a bulk update changes synchronously; beyond this Apollo answers with a job. */
export const contactsBulkUpdateSyncLimit = 100;

const crmId = (what: string) =>
  text(100).optional().describe(`${what} (an id in the team's CRM or sales tool).`);

/** One contact in a bulk create. */
const bulkContact = z.object({
  first_name: text(200).optional().describe("First name. Example: 'Fyodor'."),
  last_name: text(200).optional().describe("Last name. Example: 'Dostoevsky'."),
  email: emailParam.optional().describe("Primary email. Example: 'fyodo@apollo.io'."),
  title: text(300).optional().describe("Job title. Example: 'Chief Fiction Writer'."),
  primary_title: text(300)
    .optional()
    .describe('Job title that wins over title when both are sent.'),
  organization_name: text(200).optional().describe("Employer name. Example: 'Apollo.io'."),
  phone: text(50).optional().describe("A phone number in any format. Example: '555-555-0149'."),
  present_raw_address: text(300)
    .optional()
    .describe("Where the person is, in words. Example: 'St. Petersburg, Russia'."),
  linkedin_url: urlParam.optional().describe('LinkedIn profile URL.'),
  facebook_url: urlParam.optional().describe('Facebook profile URL.'),
  twitter_url: urlParam.optional().describe('Twitter/X profile URL.'),
  photo_url: urlParam.optional().describe('Photo URL.'),
  account_id: apolloId
    .optional()
    .describe(
      "Id of the team's account the contact works for. Example: '63f53afe4ceeca00016bdd2f'.",
    ),
  organization_id: apolloId
    .optional()
    .describe("Apollo organization id of the employer. Example: '5e66b6381e05b4008c8331b8'."),
  contact_stage_id: apolloId
    .optional()
    .describe(
      "Contact stage id, from the contact stages list. Example: '6095a710bd01d100a506d4ae'.",
    ),
  salesforce_id: crmId('Salesforce id'),
  hubspot_id: crmId('HubSpot id'),
  salesforce_lead_id: crmId('Salesforce lead id'),
  salesforce_contact_id: crmId('Salesforce contact id'),
  salesforce_account_id: crmId('Salesforce account id'),
  outreach_id: crmId('Outreach id'),
  salesloft_id: crmId('Salesloft id'),
  phone_status_cd: text(50).optional().describe("Phone status code. Example: 'no_status'."),
  typed_custom_fields: customFieldsParam.optional(),
  contact_emails: z
    .array(
      z.object({
        email: emailParam.describe('An email address of the contact.'),
        position: intParam(0, 100, 'position').optional().describe('Order, 0 first.'),
      }),
    )
    .max(20)
    .optional()
    .describe("More email addresses. Example: [{'email': 'f.d@example.com', 'position': 1}]."),
  phone_numbers: z
    .array(
      z.object({
        raw_number: text(50).describe('A phone number in any format.'),
        position: intParam(0, 100, 'position').optional().describe('Order, 0 first.'),
      }),
    )
    .max(20)
    .optional()
    .describe("More phone numbers. Example: [{'raw_number': '555-555-0149', 'position': 0}]."),
  contact_role_type_ids: list(apolloId, 50).optional().describe('Contact role type ids.'),
});

const bulkPersonal = [
  'email',
  'phone',
  'present_raw_address',
  'linkedin_url',
  'facebook_url',
  'twitter_url',
  'photo_url',
  'typed_custom_fields',
  'contact_emails',
  'phone_numbers',
];

const slimContactSchema = z.looseObject({
  id: z.string(),
  first_name: z.string().nullable().optional(),
  last_name: z.string().nullable().optional(),
  owner_id: z.string().nullable().optional(),
});

/** Apollo's answer to a bulk write it runs in the background. */
export const entityProgressJobSchema = z.looseObject({
  id: z.string(),
  job_type: z.string(),
  status: z.string().optional(),
  entity_ids: z.array(z.string()).optional(),
});

const names = (rows: unknown): string => {
  const list = Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
  const shownRows = list.slice(0, 3).map((r) => {
    const n = [r.first_name, r.last_name].filter(Boolean).map(String).join(' ');
    return n ? `'${n}'` : 'a contact without a name';
  });
  const more = list.length > 3 ? ` and ${list.length - 3} more` : '';
  return `${shownRows.join(', ')}${more}`;
};

/** Create up to 100 contacts; with run_dedupe, matches come back untouched. */
export const contactsBulkCreate = defineAction({
  id: 'contacts.bulk_create',
  group: 'contacts',
  access: 'write',
  effect: 'bulk_write',
  title: 'Create contacts in bulk',
  method: 'POST',
  path: '/api/v1/contacts/bulk_create',
  keyScope: 'api/v1/contacts/bulk_create',
  oauthScope: 'contacts_bulk_create',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z
    .object({
      contacts: z
        .array(bulkContact)
        .min(1, 'contacts must list at least one contact')
        .describe(
          "The contacts to create, 1–100. Example: [{'first_name': 'Fyodor', 'last_name': 'Dostoevsky', 'email': 'fyodo@apollo.io'}].",
        ),
      append_label_names: list(text(200), 50)
        .optional()
        .describe(
          "Lists every created contact is added to (created if missing). Example: ['Q4 Outbound'].",
        ),
      owner_id: apolloId
        .optional()
        .describe(
          "Team user who owns every contact of the batch (from users.list; default: the key's user); a user outside the team is refused with 422. Example: '66302798d03b9601c7934ebf'.",
        ),
      run_dedupe: boolParam
        .optional()
        .describe(
          'true to match each contact against existing ones (CRM ids, then email including additional emails, then name at the same company) and return matches unchanged in existing_contacts; default false creates every row.',
        ),
    })
    .refine((i) => i.contacts.length <= contactsBulkCreateLimit, {
      message: 'Please limit your array to 100 contacts or fewer.',
    }),
  output: z.looseObject({
    created_contacts: z.array(slimContactSchema),
    existing_contacts: z.array(slimContactSchema),
  }),
  description:
    "Create up to 100 contacts in the team's Apollo CRM in one call. Free. Unlike contacts.create, " +
    'run_dedupe: true never changes an existing contact: matches are returned as they are in ' +
    'existing_contacts, new ones in created_contacts. Without run_dedupe every row is created, ' +
    'duplicates included. owner_id and append_label_names apply to the whole batch.',
  phrase: 'created contacts in bulk',
  intent: 'create contacts in bulk',
  target: (i) =>
    `${names(i.contacts)}${i.run_dedupe === true ? ', deduplicating' : ''}${
      i.append_label_names ? `, on lists ${quoted(i.append_label_names, 'and')}` : ''
    }`,
  personalFields: bulkPersonal,
  recordCount: (i) => countOf(i.contacts),
  retrySafe: (i) => i.run_dedupe === true,
  verify: () =>
    "search the team's contacts for a few of the emails or names (the contacts search) before trying again, or repeat it with run_dedupe: true so that contacts already created come back in existing_contacts instead of being created twice.",
  examples: [
    {
      contacts: [
        {
          first_name: 'Fyodor',
          last_name: 'Dostoevsky',
          email: 'fyodo@apollo.io',
          title: 'Chief Fiction Writer',
          organization_name: 'Apollo.io',
          account_id: exampleIds.account,
          contact_stage_id: exampleIds.contactStage,
          phone_numbers: [{ raw_number: '555-555-0149', position: 0 }],
        },
        { first_name: 'Walt', last_name: 'Whitman', email: 'wwhitman@apollo.io' },
      ],
      append_label_names: ['writer'],
      owner_id: exampleIds.user,
      run_dedupe: true,
    },
  ],
});

const sharedUpdate = {
  owner_id: contactFields.owner_id,
  email: emailParam.optional().describe("New email address. Example: 'example@email.com'."),
  organization_name: text(200).optional().describe("New employer name. Example: 'Apollo.io'."),
  title: text(300).optional().describe("New job title. Example: 'Associate Writer'."),
  first_name: text(200).optional().describe("New first name. Example: 'Walt'."),
  last_name: text(200).optional().describe("New last name. Example: 'Whitman'."),
  account_id: contactFields.account_id,
  present_raw_address: text(300)
    .optional()
    .describe("New location, in words. Example: 'Dallas, United States'."),
  linkedin_url: urlParam.optional().describe('New LinkedIn profile URL.'),
  typed_custom_fields: customFieldsParam.optional(),
};

const bulkUpdateCount = (i: Record<string, unknown>) =>
  countOf(i.contact_ids) || countOf(i.contact_attributes);

/** Update up to 1,000 contacts: the same values for many ids, or one set of values per contact. */
export const contactsBulkUpdate = defineAction({
  id: 'contacts.bulk_update',
  group: 'contacts',
  access: 'write',
  effect: 'bulk_write',
  title: 'Update contacts in bulk',
  method: 'POST',
  path: '/api/v1/contacts/bulk_update',
  keyScope: 'api/v1/contacts/bulk_update',
  oauthScope: 'contacts_bulk_update',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z
    .object({
      contact_ids: idList
        .optional()
        .describe(
          "Ids of the contacts that all get the values sent beside them (owner_id, title, …). Example: ['66e34b81740c50074e3d1bd4'].",
        ),
      contact_attributes: z
        .array(z.object({ id: apolloId.describe('Id of the contact to change.'), ...sharedUpdate }))
        .optional()
        .describe(
          "One object per contact, each with its id and its own values; used instead of contact_ids. Example: [{'id': '66e34b81740c50074e3d1bd4', 'title': 'Associate Writer'}].",
        ),
      ...sharedUpdate,
      async: boolParam
        .optional()
        .describe(
          'true to run in the background at any size (the answer is then a progress job); more than 100 contacts always run in the background.',
        ),
      visible_entity_ids: idList
        .optional()
        .describe('Ids of the changed contacts to echo back in the answer (default: all).'),
    })
    .refine((i) => bulkUpdateCount(i) > 0, {
      message: 'Please provide either contact_ids or contact_attributes',
    })
    .refine((i) => bulkUpdateCount(i) <= contactsBulkUpdateLimit, {
      message: 'Please limit your array to fewer than 1000.',
    }),
  output: z.looseObject({
    contacts: z.array(slimContactSchema).optional(),
    entity_progress_job: entityProgressJobSchema.optional(),
  }),
  description:
    'Change up to 1,000 saved contacts in one call: either contact_ids with the values they all ' +
    'get (owner, account, title, email…), or contact_attributes with values per contact. Free. ' +
    'Up to 100 are changed at once and returned; more (or async: true) run in the background and ' +
    'the answer is an entity_progress_job.',
  phrase: 'updated contacts in bulk',
  intent: 'update contacts in bulk',
  target: (i) => {
    const changed = Object.keys(i).filter(
      (k) => !['contact_ids', 'contact_attributes', 'async', 'visible_entity_ids'].includes(k),
    );
    return i.contact_attributes
      ? 'with values per contact'
      : `(${changed.length ? changed.join(', ') : 'no fields'})`;
  },
  personalFields: ['email', 'present_raw_address', 'linkedin_url', 'typed_custom_fields'],
  recordCount: bulkUpdateCount,
  hints: { idempotent: true, destructive: true },
  examples: [
    { contact_ids: [exampleIds.contact, exampleIds.contact2], owner_id: exampleIds.user },
    {
      contact_attributes: [
        { id: exampleIds.contact, title: 'Chief Fiction Writer', account_id: exampleIds.account },
        { id: exampleIds.contact2, first_name: 'Walt', last_name: 'Whitman' },
      ],
    },
  ],
});

/** Move many contacts to one stage. */
export const contactsUpdateStages = defineAction({
  id: 'contacts.update_stages',
  group: 'contacts',
  access: 'write',
  effect: 'bulk_write',
  title: 'Move contacts to a stage',
  method: 'POST',
  path: '/api/v1/contacts/update_stages',
  keyScope: 'api/v1/contacts/update_stages',
  oauthScope: 'contact_stages_update',
  rateClass: 'default',
  credits: { kind: 'none' },
  // Apollo reads these from the query string (its own CLI sends an empty body).
  queryParams: ['contact_ids', 'contact_stage_id'],
  input: z.object({
    contact_ids: requiredIds('contact_ids').describe(
      "Ids of the contacts to move. Example: ['66e34b81740c50074e3d1bd4'].",
    ),
    contact_stage_id: requiredId('contact_stage_id').describe(
      "The stage they all move to, an id from the contact stages list. Example: '6095a710bd01d100a506d4af'.",
    ),
  }),
  output: z.looseObject({ contacts: z.array(contactSchema) }),
  description:
    'Move many saved contacts to one contact stage (ids from contacts.stages). Free. Stage changes ' +
    "can set off the team's stage-based automations and sequence exclusions. Returns the changed " +
    'contacts in full; ids that name no contact are left out.',
  phrase: 'moved contacts to stage',
  intent: 'move contacts to stage',
  target: (i) => `${shown(i.contact_stage_id)}`,
  recordCount: (i) => countOf(i.contact_ids),
  hints: { idempotent: true, destructive: true },
  examples: [
    {
      contact_ids: [exampleIds.contact, exampleIds.contact2],
      contact_stage_id: exampleIds.contactStage2,
    },
    { contact_ids: exampleIds.contact, contact_stage_id: exampleIds.contactStage2 },
  ],
});

/** Give many contacts a new owner. */
export const contactsUpdateOwners = defineAction({
  id: 'contacts.update_owners',
  group: 'contacts',
  access: 'write',
  effect: 'bulk_write',
  title: 'Reassign contacts',
  method: 'POST',
  path: '/api/v1/contacts/update_owners',
  keyScope: 'api/v1/contacts/update_owners',
  oauthScope: 'contact_owners_update',
  rateClass: 'default',
  credits: { kind: 'none' },
  queryParams: ['contact_ids', 'owner_id'],
  input: z.object({
    contact_ids: requiredIds('contact_ids').describe(
      "Ids of the contacts to reassign. Example: ['66e34b81740c50074e3d1bd4'].",
    ),
    owner_id: requiredId('owner_id').describe(
      "The team user who becomes their owner, an id from users.list; a user outside the team is refused with 422. Example: '66302798d03b9601c7934ebf'.",
    ),
  }),
  output: z.looseObject({
    contacts: z.array(
      z.looseObject({
        id: z.string(),
        owner_id: z.string().nullable().optional(),
        crm_owner_id: z.string().nullable().optional(),
      }),
    ),
  }),
  description:
    'Make one team user (id from users.list) the owner of many saved contacts. Free. Returns ' +
    'each changed contact as {id, owner_id, crm_owner_id}; ids that name no contact are left out.',
  phrase: 'reassigned contacts to user',
  intent: 'reassign contacts to user',
  target: (i) => `${shown(i.owner_id)}`,
  recordCount: (i) => countOf(i.contact_ids),
  hints: { idempotent: true, destructive: true },
  examples: [{ contact_ids: [exampleIds.contact, exampleIds.contact2], owner_id: exampleIds.user }],
});
