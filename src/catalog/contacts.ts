import { z } from 'zod';

import { clauses, defineAction, quoted, searchPagination, searchTarget, shown } from './define.js';
import { breadcrumbSchema, contactSchema, labelSchema, paginationSchema } from './objects.js';
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

const contactFields = {
  first_name: text(200).optional(),
  last_name: text(200).optional(),
  organization_name: text(200).optional(),
  title: text(300).optional(),
  account_id: apolloId.optional(),
  email: emailParam.optional(),
  website_url: urlParam.optional(),
  label_names: list(text(200), 50).optional(),
  contact_stage_id: apolloId.optional(),
  present_raw_address: text(300).optional(),
  direct_phone: text(50).optional(),
  corporate_phone: text(50).optional(),
  mobile_phone: text(50).optional(),
  home_phone: text(50).optional(),
  other_phone: text(50).optional(),
  linkedin_url: urlParam.optional(),
  owner_id: apolloId.optional(),
  typed_custom_fields: z.record(z.string().max(100), z.string().max(5000)).optional(),
};

/** Personal data in contact writes: emails, phones, LinkedIn. Names stay readable in the audit. */
const contactPersonal = [
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

function contactWho(i: Record<string, unknown>): string {
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
    q_keywords: text(500).optional(),
    contact_stage_ids: list(apolloId).optional(),
    contact_label_ids: list(apolloId).optional(),
    sort_by_field: z.enum(contactSortFields).optional(),
    sort_ascending: boolParam.optional(),
    page: pageParam.optional(),
    per_page: perPageParam.optional(),
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
  input: z.object({ ...contactFields, run_dedupe: boolParam.optional() }),
  output: z.looseObject({
    contact: contactSchema,
    labels: z.array(labelSchema).optional(),
    dedupe_result: z
      .looseObject({ found_existing: z.boolean(), match_reason: z.string().optional() })
      .optional(),
  }),
  description:
    "Save a person as a contact in the team's Apollo CRM. Free. By default Apollo always creates a " +
    'new record, even for a duplicate; pass run_dedupe: true to update the existing contact with the ' +
    'same email (or same name at the same company) instead. label_names adds the contact to lists.',
  phrase: 'created a contact',
  intent: 'create a contact',
  target: (i) => contactWho(i) + (i.run_dedupe === true ? ', deduplicating' : ''),
  personalFields: contactPersonal,
  // With run_dedupe Apollo updates the matching record instead of adding one: a retry is safe.
  retrySafe: (i) => i.run_dedupe === true,
  verify: () =>
    "search the team's contacts for its email or name (the contacts search) before trying again, or repeat it with run_dedupe: true so that Apollo returns the contact if it exists instead of creating a second one.",
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
  input: z.object({ contact_id: apolloId, ...contactFields }),
  output: z.looseObject({ contact: contactSchema, labels: z.array(labelSchema).optional() }),
  description:
    'Change fields of a saved contact, identified by contact_id. Free. Only the fields you send ' +
    "change; label_names replaces the contact's lists.",
  phrase: 'updated contact',
  intent: 'update contact',
  target: (i) => {
    const changed = Object.keys(i).filter((k) => k !== 'contact_id');
    return `${shown(i.contact_id)}${changed.length ? ` (${changed.join(', ')})` : ''}`;
  },
  personalFields: contactPersonal,
  hints: { idempotent: true, destructive: true },
});
