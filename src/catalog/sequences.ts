import { z } from 'zod';

import { clauses, defineAction, quoted, searchPagination, searchTarget, shown } from './define.js';
import { breadcrumbSchema, contactSchema, paginationSchema, sequenceSchema } from './objects.js';
import { apolloId, boolParam, dateTimeParam, intParam, list, text } from './params.js';

// Sequences (Apollo: emailer campaigns) and the contacts enrolled in them. Enrolling contacts in
// an active sequence is what makes Apollo e-mail them; sequence-edit.ts creates and changes the
// sequences themselves.

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

/** What remove_or_stop_contact_ids does to the contacts (Apollo's `mode`). */
export const removeModes = ['mark_as_finished', 'remove', 'stop'] as const;

/** Event types of a contact's sequence timeline (activity_feed). */
export const sequenceEventTypes = [
  'enrolled',
  'paused',
  'resumed',
  'failed',
  'completed',
  'removed',
  'replied',
] as const;

/** Largest activity feed Apollo returns. */
export const activityFeedMax = 50;

const exampleSequence = '66e9e215ece19801b219997f';
const exampleContact = '66e34b81740c50074e3d1bd4';
const exampleMailbox = '6633baaece5fbd01c791d7ca';

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
    q_name: text(200)
      .optional()
      .describe(
        'Part of the sequence\'s name (only names are searched). Example: "marketing" finds ' +
          '"NY Marketing Sequence".',
      ),
    // Apollo's schema types these as strings; intParam accepts both forms.
    page: intParam(1, 500, 'page')
      .optional()
      .describe(
        'Page to return, from 1 (default 1), up to 500; a number or digit string. Example: "4".',
      ),
    per_page: intParam(1, 100, 'per_page')
      .optional()
      .describe(
        'Sequences per page, 1 to 100 (default 25); larger values are cut to 100. Example: "10".',
      ),
  }),
  output: z.looseObject({
    pagination: paginationSchema,
    breadcrumbs: z.array(breadcrumbSchema).optional(),
    emailer_campaigns: z.array(sequenceSchema),
  }),
  description:
    "List the team's email sequences, optionally filtered by part of the name (q_name), with their " +
    'active and archived state, owner, schedule, step count and engagement stats. Free. Use a ' +
    'returned id with sequences.add_contacts.',
  phrase: "searched the team's sequences",
  intent: "search the team's sequences",
  target: (i) =>
    searchTarget(clauses([i.q_name ? `for names like ${quoted(i.q_name)}` : undefined]), i),
  examples: [
    { q_name: 'marketing conference attendees', page: '4', per_page: '10' },
    { q_name: 'Copywriting Dublin' },
    {},
  ],
});

const flag = (what: string) =>
  boolParam.optional().describe(`true to add contacts even ${what} (default false).`);

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
      sequence_id: apolloId.describe(
        `Id of the sequence (from sequences.search). Example: "${exampleSequence}".`,
      ),
      emailer_campaign_id: apolloId
        .optional()
        .describe(
          "The same id as sequence_id. Apollo's reference marks it required and its CLI always sends it; " +
            'send it to be safe.',
        ),
      // Apollo's own CLI sends the sequence id a third time, as `id`.
      id: apolloId.optional().describe("The same id as sequence_id, as Apollo's CLI sends it."),
      contact_ids: list(apolloId, 100)
        .optional()
        .describe(
          `Ids of saved contacts to enroll (contact_ids or label_names is required). Example: ["${exampleContact}"].`,
        ),
      label_names: list(text(200), 20)
        .optional()
        .describe('Enroll every contact on these lists instead. Example: ["Q4 Outbound"].'),
      send_email_from_email_account_id: z
        .union([apolloId, z.array(apolloId).min(1).max(20)])
        .describe(
          'Mailbox id to send from, from emails.accounts (never invent one); several ids rotate ' +
            `between mailboxes. Example: "${exampleMailbox}" or ["${exampleMailbox}", "6633baaece5fbd01c791d7cb"].`,
        ),
      send_email_from_email_address: z
        .email()
        .optional()
        .describe('A specific address of that mailbox (an alias) to send from.'),
      sequence_no_email: flag('without an email address'),
      sequence_unverified_email: flag('with an unverified email address'),
      sequence_job_change: flag('when they recently changed jobs'),
      sequence_active_in_other_campaigns: flag('when active or paused in another sequence'),
      sequence_finished_in_other_campaigns: flag('when finished in another sequence'),
      sequence_same_company_in_same_campaign: flag(
        'when a contact from the same company is already in this sequence',
      ),
      contacts_without_ownership_permission: flag('without ownership permission for them'),
      add_if_in_queue: flag('while they are queued for processing'),
      contact_verification_skipped: boolParam
        .optional()
        .describe('true to skip contact verification while adding (default false).'),
      user_id: apolloId
        .optional()
        .describe(
          "The user taking the action (shown in the sequence's activity log), from users.list. " +
            'Example: "66302798d03b9601c7934ebf".',
        ),
      status: z
        .enum(['active', 'paused'])
        .optional()
        .describe("Initial status of the added contacts: 'active' (default) or 'paused'."),
      auto_unpause_at: dateTimeParam
        .optional()
        .describe(
          'With status paused: when the contacts start, ISO-8601. Example: "2026-03-02T09:00:00Z".',
        ),
    })
    .refine((i) => Boolean(i.contact_ids?.length || i.label_names?.length), {
      message: 'contact_ids or label_names is required',
      path: ['contact_ids'],
    })
    .refine((i) => !i.emailer_campaign_id || i.emailer_campaign_id === i.sequence_id, {
      message: 'emailer_campaign_id must equal the sequence id in the path',
      path: ['emailer_campaign_id'],
    })
    .refine((i) => !i.id || i.id === i.sequence_id, {
      message: 'id must equal the sequence id in the path',
      path: ['id'],
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
    'sending from the mailbox send_email_from_email_account_id (an id from emails.accounts). In an ' +
    'active sequence Apollo starts emailing them on its schedule: this reaches real people. Free. ' +
    'Contacts Apollo refuses are listed in skipped_contact_ids with a reason (e.g. ' +
    "contacts_without_email, contacts_active_in_other_campaigns); added contacts' " +
    'contact_campaign_statuses show the enrollment.',
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
  examples: [
    {
      sequence_id: exampleSequence,
      emailer_campaign_id: exampleSequence,
      contact_ids: [exampleContact],
      send_email_from_email_account_id: exampleMailbox,
    },
    {
      sequence_id: exampleSequence,
      label_names: ['Q4 Outbound'],
      send_email_from_email_account_id: [exampleMailbox, '6633baaece5fbd01c791d7cb'],
      sequence_active_in_other_campaigns: 'true',
      status: 'paused',
      auto_unpause_at: '2026-03-02T09:00:00Z',
    },
  ],
});

const progressJobSchema = z.looseObject({
  id: z.string(),
  job_type: z.string(),
  progress: z.number(),
});

/** Finish, remove or stop contacts in sequences. */
export const sequencesRemoveContacts = defineAction({
  id: 'sequences.remove_contacts',
  group: 'sequences',
  access: 'write',
  effect: 'bulk_write',
  title: 'Finish, remove or stop contacts in sequences',
  method: 'POST',
  path: '/api/v1/emailer_campaigns/remove_or_stop_contact_ids',
  keyScope: 'api/v1/emailer_campaigns/remove_or_stop_contact_ids',
  oauthScope: 'emailer_campaigns_remove_or_stop_contact_ids',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({
    emailer_campaign_ids: list(apolloId, 100).describe(
      `Ids of the sequences to change the contacts in (required). Example: ["${exampleSequence}"].`,
    ),
    contact_ids: list(apolloId, 1000).describe(
      `Ids of the contacts (required). Example: ["${exampleContact}"].`,
    ),
    mode: z
      .enum(removeModes)
      .describe(
        "Required: 'mark_as_finished' (the contacts finish the sequence), 'remove' (they leave it " +
          "entirely) or 'stop' (their progress halts; they stay in it, paused).",
      ),
    stop_reason: text(500).optional().describe("Why, for the record (Apollo's CLI sends it)."),
  }),
  output: z.looseObject({
    contacts: z.array(contactSchema).optional(),
    emailer_campaigns: z.array(z.looseObject({ id: z.string() })).optional(),
    num_contacts: z.number().optional(),
    entity_progress_job: progressJobSchema.optional(),
  }),
  description:
    'Finish (mark_as_finished), remove or stop contacts in one or more sequences, so Apollo sends ' +
    'them nothing more from those sequences. Free. Answers the contacts with their updated ' +
    'contact_campaign_statuses, or for a large batch a background job (entity_progress_job). ' +
    'Finishing and removing cannot be undone by this API.',
  phrase: 'changed the sequence status of contacts',
  intent: 'change the sequence status of contacts',
  target: (i) => {
    const n = Array.isArray(i.contact_ids) ? i.contact_ids.length : 0;
    return `(${n} contact${n === 1 ? '' : 's'}, ${shown(i.mode, 'no mode')}) in sequences ${quoted(i.emailer_campaign_ids ?? [])}`;
  },
  recordCount: (i) => (Array.isArray(i.contact_ids) ? i.contact_ids.length : 1),
  // Apollo's background job echoes the caller's credentials in its params.
  secretFields: ['api_key', 'access_token'],
  hints: { idempotent: true, destructive: true },
  verify: () =>
    'search the contacts (the contacts search) and look at their contact_campaign_statuses before trying again.',
  examples: [
    {
      emailer_campaign_ids: [exampleSequence],
      contact_ids: [exampleContact],
      mode: 'mark_as_finished',
    },
    { emailer_campaign_ids: [exampleSequence], contact_ids: [exampleContact], mode: 'remove' },
    {
      emailer_campaign_ids: [exampleSequence],
      contact_ids: [exampleContact],
      mode: 'stop',
      stop_reason: 'Replied on LinkedIn',
    },
  ],
});

/** Clamps Apollo's activity-feed size: out-of-range and non-numeric values are moved, not refused. */
function feedSize(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v.trim()) : Number.NaN;
  if (!Number.isFinite(n) || n < 1) return 1;
  return Math.min(activityFeedMax, Math.floor(n));
}

/** One contact's sequence timeline. */
export const sequencesActivityFeed = defineAction({
  id: 'sequences.activity_feed',
  group: 'sequences',
  access: 'read',
  effect: 'read',
  title: "Show a contact's sequence activity",
  method: 'POST',
  path: '/api/v1/emailer_campaigns/activity_feed',
  keyScope: 'api/v1/emailer_campaigns/activity_feed',
  oauthScope: 'emailer_campaigns_activity_feed',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({
    // Any string: Apollo answers 404 for an id that names none of the team's contacts.
    contact_id: text(100).describe(
      `Id of the contact (from the contacts search; required). Example: "${exampleContact}".`,
    ),
    sequence_id: text(100)
      .optional()
      .describe(
        `Only events of this sequence; an id without activity gives an empty list. Example: "${exampleSequence}".`,
      ),
    per_page: z
      .union([z.number(), z.string(), z.boolean(), z.null()])
      .optional()
      .transform((v) => (v === undefined ? undefined : feedSize(v)))
      .describe(
        'How many of the newest events to return, 1 to 50 (default 50); Apollo moves values outside ' +
          'that range, or not numbers, to the nearest bound. There is no page. Example: 25.',
      ),
  }),
  output: z.looseObject({
    contact_id: z.string(),
    events: z.array(
      z.looseObject({
        type: z.string(),
        occurred_at: z.string(),
        sequence_id: z.string().optional(),
        sequence_name: z.string().optional(),
        step_position: z.number().optional(),
        reason: z.string().optional(),
        emailer_message_id: z.string().optional(),
      }),
    ),
  }),
  description:
    "Show one contact's sequence timeline, newest first: when they were enrolled, paused, resumed, " +
    'failed, finished or removed, and when they replied (with the email id), optionally for one ' +
    'sequence. Free. At most 50 events, no paging; an unknown contact is a 404.',
  phrase: 'viewed the sequence activity of contact',
  intent: 'view the sequence activity of contact',
  target: (i) =>
    `${shown(i.contact_id)}${i.sequence_id ? ` in sequence ${String(i.sequence_id)}` : ''}`,
  examples: [
    { contact_id: exampleContact },
    { contact_id: exampleContact, sequence_id: exampleSequence, per_page: 25 },
  ],
});
