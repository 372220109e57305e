import { z } from 'zod';

import { clauses, defineAction, quoted, searchPagination, searchTarget, shown } from './define.js';
import { breadcrumbSchema, contactSchema, paginationSchema, sequenceSchema } from './objects.js';
import { apolloId, boolParam, dateTimeParam, intParam, list, text } from './params.js';

/** Reasons Apollo gives for not adding a contact to a sequence. */
export const skipReasons = [
  'contact_not_found',
  'contacts_already_exists_in_current_campaign',
  'contacts_active_in_other_campaigns',
  'contacts_finished_in_other_campaigns',
  'contacts_without_email',
  'contacts_unverified_email',
  'contacts_with_job_change',
  'contacts_in_same_company',
  'contacts_without_ownership_permission',
  'contacts_in_pending_state',
  'contacts_with_unverified_user_managed_email',
] as const;

/** Search the team's sequences (Apollo: emailer campaigns). */
export const sequencesSearch = defineAction({
  id: 'sequences.search',
  group: 'sequences',
  access: 'read',
  effect: 'read',
  title: 'Search sequences',
  method: 'POST',
  path: '/api/v1/emailer_campaigns/search',
  keyScope: 'api/v1/emailer_campaigns/search',
  oauthScope: 'emailer_campaigns_search',
  rateClass: 'default',
  credits: { kind: 'none' },
  pagination: searchPagination('emailer_campaigns'),
  input: z.object({
    q_name: text(200).optional(),
    // Apollo's schema types these as strings; intParam accepts both forms.
    page: intParam(1, 500, 'page').optional(),
    per_page: intParam(1, 100, 'per_page').optional(),
  }),
  output: z.looseObject({
    pagination: paginationSchema,
    breadcrumbs: z.array(breadcrumbSchema).optional(),
    emailer_campaigns: z.array(sequenceSchema),
  }),
  description:
    "List the team's email sequences, optionally filtered by part of the name (q_name). Free. " +
    'Use a returned id with sequences.add_contacts.',
  phrase: "searched the team's sequences",
  intent: "search the team's sequences",
  target: (i) =>
    searchTarget(clauses([i.q_name ? `for names like ${quoted(i.q_name)}` : undefined]), i),
});

/** Enroll contacts in a sequence: Apollo will start emailing them. */
export const sequencesAddContacts = defineAction({
  id: 'sequences.add_contacts',
  group: 'sequences',
  access: 'write',
  effect: 'outbound',
  title: 'Add contacts to a sequence',
  method: 'POST',
  path: '/api/v1/emailer_campaigns/{sequence_id}/add_contact_ids',
  keyScope: 'api/v1/emailer_campaigns/add_contact_ids',
  oauthScope: 'emailer_campaigns_add_contact_ids',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z
    .object({
      sequence_id: apolloId,
      emailer_campaign_id: apolloId.optional(),
      contact_ids: list(apolloId, 100).optional(),
      label_names: list(text(200), 20).optional(),
      send_email_from_email_account_id: z.union([apolloId, z.array(apolloId).min(1).max(20)]),
      send_email_from_email_address: z.email().optional(),
      sequence_no_email: boolParam.optional(),
      sequence_unverified_email: boolParam.optional(),
      sequence_job_change: boolParam.optional(),
      sequence_active_in_other_campaigns: boolParam.optional(),
      sequence_finished_in_other_campaigns: boolParam.optional(),
      sequence_same_company_in_same_campaign: boolParam.optional(),
      contacts_without_ownership_permission: boolParam.optional(),
      add_if_in_queue: boolParam.optional(),
      contact_verification_skipped: boolParam.optional(),
      user_id: apolloId.optional(),
      status: z.enum(['active', 'paused']).optional(),
      auto_unpause_at: dateTimeParam.optional(),
    })
    .refine((i) => Boolean(i.contact_ids?.length || i.label_names?.length), {
      message: 'contact_ids or label_names is required',
      path: ['contact_ids'],
    })
    .refine((i) => !i.emailer_campaign_id || i.emailer_campaign_id === i.sequence_id, {
      message: 'emailer_campaign_id must equal the sequence id in the path',
      path: ['emailer_campaign_id'],
    }),
  output: z.looseObject({
    contacts: z.array(contactSchema),
    skipped_contact_ids: z.record(z.string(), z.string()),
    emailer_campaign: sequenceSchema,
    emailer_steps: z.array(z.looseObject({ id: z.string() })),
    emailer_touches: z.array(z.looseObject({ id: z.string() })),
    team: z.looseObject({ id: z.string() }),
  }),
  description:
    'Enroll saved contacts (by contact_ids, or every contact in label_names lists) in a sequence, ' +
    'sending from the mailbox send_email_from_email_account_id. Apollo will start emailing them: ' +
    'this reaches real people. Free. Contacts Apollo refuses are listed in skipped_contact_ids with a ' +
    'reason (e.g. contacts_without_email, contacts_active_in_other_campaigns).',
  phrase: 'added contacts to sequence',
  intent: 'add contacts to sequence',
  target: (i) => {
    const ids = Array.isArray(i.contact_ids) ? i.contact_ids.length : 0;
    const who = clauses([
      ids ? `${ids} contact${ids === 1 ? '' : 's'}` : undefined,
      i.label_names ? `lists ${quoted(i.label_names, 'and')}` : undefined,
    ]);
    return `${shown(i.sequence_id)} (${who || 'no contacts given'}${i.status === 'paused' ? ', paused' : ''})`;
  },
  hints: { idempotent: true },
  verify: () =>
    'search the contacts (the contacts search) and look at their sequence status before trying again.',
});
