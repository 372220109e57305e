import { z } from 'zod';

import { clauses, defineAction, quoted, searchPagination, searchTarget, shown } from './define.js';
import { breadcrumbSchema, contactSchema, paginationSchema } from './objects.js';
import {
  apolloId,
  boolParam,
  dateParam,
  list,
  pageParam,
  perPageParam,
  range,
  text,
} from './params.js';

// Apollo's "emailer messages": one-off emails (type outreach_manual_email) and the emails a
// sequence sends (outreach_automatic_email). Sending is two calls: a draft (emails.create), then
// emails.send_now, which is the only endpoint that e-mails a prospect directly.

const str = z.string().nullable().optional();

/** An emailer message (an outreach email), as drafts, sends, searches and stats show it. */
export const emailerMessageSchema = z.looseObject({
  id: z.string(),
  user_id: str,
  status: z.string(),
  type: str,
  contact_id: str,
  email_account_id: str,
  emailer_campaign_id: str,
  emailer_step_id: str,
  subject: str,
  to_email: str,
  from_email: str,
  due_at: str,
  completed_at: str,
  failed_at: str,
  created_at: str,
});

/** Message statuses Apollo's search filters on (`emailer_message_stats[]`). */
export const emailerMessageStats = [
  'delivered',
  'scheduled',
  'drafted',
  'not_opened',
  'opened',
  'clicked',
  'unsubscribed',
  'demoed',
  'bounced',
  'spam_blocked',
  'failed_other',
] as const;

/** Reply classes Apollo's search filters on (`emailer_message_reply_classes[]`). */
export const emailerReplyClasses = [
  'willing_to_meet',
  'follow_up_question',
  'person_referral',
  'out_of_office',
  'already_left_company_or_not_right_person',
  'not_interested',
  'unsubscribe',
  'none_of_the_above',
] as const;

/** Why Apollo did not send a message (`not_sent_reason`; the 18 codes its search documents). */
export const notSentReasons = [
  'contact_stage_safeguard',
  'same_account_reply',
  'account_stage_safeguard',
  'email_unverified',
  'snippets_missing',
  'personalized_opener_missing',
  'thread_reply_original_email_missing',
  'no_active_email_account',
  'email_format_invalid',
  'ownership_permission',
  'email_service_provider_delivery_failure',
  'sendgrid_dropped_email',
  'mailgun_dropped_email',
  'gdpr_compliance',
  'not_valid_hard_bounce_detected',
  'other_safeguard',
  'new_job_change_detected',
  'email_on_global_bounce_list',
] as const;

const messageAnswer = z.looseObject({
  emailer_message: emailerMessageSchema,
  task: z.looseObject({ id: z.string() }).optional(),
});

const exampleContact = '66e34b81740c50074e3d1bd4';
const exampleMessage = '66e8cc45028aed019c25d724';

/** Create a one-off email draft: the first half of a send. */
export const emailsCreate = defineAction({
  id: 'emails.create',
  group: 'emails',
  access: 'write',
  effect: 'write',
  title: 'Draft an email',
  method: 'POST',
  path: '/api/v1/emailer_messages',
  keyScope: 'api/v1/emailer_messages/create',
  oauthScope: 'emailer_messages_create',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z
    .object({
      contact_id: apolloId
        .optional()
        .describe(
          'Id of the saved contact the email is for (from the contacts search); required unless ' +
            `in_response_to_emailer_message_id is given. Example: "${exampleContact}".`,
        ),
      subject: z
        .string()
        .max(1000)
        .optional()
        .describe('Subject line. Example: "Quick question about your team\'s workflow".'),
      body_html: z
        .string()
        .max(200_000)
        .optional()
        .describe(
          'Body as HTML; Apollo sanitises it before saving. Example: "<p>Hi Ava, I wanted to reach out…</p>".',
        ),
      // Apollo checks the addresses itself and refuses the whole draft when one is invalid, so
      // they are not validated here (a stricter check would hide Apollo's own answer).
      recipients: z
        .array(
          z.object({
            email: text(320).describe('Recipient address. Example: "ava.ruiz@sumware.com".'),
            contact_id: apolloId.optional().describe('The contact behind this address, if any.'),
            recipient_type_cd: z
              .enum(['to', 'cc', 'bcc'])
              .optional()
              .describe("'to', 'cc' or 'bcc'."),
          }),
        )
        .max(100)
        .optional()
        .describe(
          'To, cc and bcc recipients. Without a to recipient the existing ones are kept; every address ' +
            'must be valid or nothing is saved.',
        ),
      in_response_to_emailer_message_id: apolloId
        .optional()
        .describe(
          'Id of an email to reply to in its thread; the contact and recipients come from it. ' +
            `Example: "${exampleMessage}".`,
        ),
      emailer_template_id: apolloId
        .optional()
        .describe(
          'Id of an email template to attach to the draft. Example: "66e8cc45028aed019c25d725".',
        ),
      attachment_ids: list(apolloId, 20).optional().describe('Ids of attachments to include.'),
      enable_tracking: boolParam
        .optional()
        .describe('true to track opens and clicks (only if the team may track emails).'),
      outreach_task_id: apolloId
        .optional()
        .describe(
          'Id of an outreach task to link the draft to; an existing draft for that task is reused. ' +
            'Example: "66e8cc45028aed019c25d726".',
        ),
    })
    .refine((i) => Boolean(i.contact_id || i.in_response_to_emailer_message_id), {
      message: 'contact_id is required unless in_response_to_emailer_message_id is given',
      path: ['contact_id'],
    }),
  output: messageAnswer,
  description:
    'Create a one-off email draft to a saved contact, or a reply in an existing thread ' +
    '(in_response_to_emailer_message_id). It sends nothing by itself: it is the first half of a send, ' +
    "and emails.send_now with the returned id sends it. Free. Drafted as the key's user from their " +
    'mailbox; that user must be allowed to email the contact, and contacts blocked by do-not-contact ' +
    'rules are refused. Answers the emailer_message (status drafted).',
  phrase: 'drafted an email',
  intent: 'draft an email',
  target: (i) =>
    i.in_response_to_emailer_message_id
      ? `in reply to email ${String(i.in_response_to_emailer_message_id)}`
      : `to contact ${shown(i.contact_id)}`,
  personalFields: ['recipients', 'subject', 'body_html'],
  // A task's draft is reused, so only a draft without a task would be made twice.
  retrySafe: (i) => Boolean(i.outreach_task_id),
  verify: (i) =>
    `search the outreach emails (emails.search with emailer_message_stats drafted) for a draft to contact ${shown(i.contact_id)} before trying again, so the contact does not get two drafts.`,
  examples: [
    {
      contact_id: exampleContact,
      subject: "Quick question about your team's workflow",
      body_html: '<p>Hi Ava, I wanted to reach out about how Apollo can help your team.</p>',
      recipients: [
        { email: 'ava.ruiz@sumware.com', contact_id: exampleContact, recipient_type_cd: 'to' },
      ],
      enable_tracking: true,
    },
    { in_response_to_emailer_message_id: exampleMessage, body_html: '<p>Following up.</p>' },
  ],
});

/** Send an existing email now: the only call that e-mails a prospect directly. */
export const emailsSendNow = defineAction({
  id: 'emails.send_now',
  group: 'emails',
  access: 'write',
  effect: 'outbound',
  title: 'Send an email now',
  method: 'POST',
  path: '/api/v1/emailer_messages/{id}/send_now',
  keyScope: 'api/v1/emailer_messages/send_now',
  oauthScope: 'emailer_messages_send_now',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({
    id: apolloId.describe(
      `Id of the email to send: a draft from emails.create, or a scheduled or failed email. Example: "${exampleMessage}".`,
    ),
    surface: text(100)
      .optional()
      .describe(
        'Where in Apollo the send is attributed to, for Apollo\'s analytics. Example: "emails".',
      ),
  }),
  output: messageAnswer,
  description:
    'Send an existing email right away (a draft from emails.create, or a scheduled or failed email): ' +
    "this e-mails a real person, from the key's user's mailbox. Free. A 200 means queued, not " +
    'delivered (status scheduled): poll emails.send_status with the id. Refused (422) when already ' +
    'sent or being sent, past the daily sending limit, without a mailbox, or when do-not-contact ' +
    'rules block the contact.',
  phrase: 'sent email',
  intent: 'send email',
  target: (i) => `${shown(i.id)} now`,
  // Apollo refuses a second send of the same email ("already been sent", "currently being sent").
  retrySafe: () => true,
  verify: (i) =>
    `check the email with emails.send_status (id ${shown(i.id)}) before trying again: scheduled or completed means it was sent.`,
  examples: [{ id: exampleMessage }, { id: exampleMessage, surface: 'emails' }],
});

/** The delivery state of one email. */
export const emailsSendStatus = defineAction({
  id: 'emails.send_status',
  group: 'emails',
  access: 'read',
  effect: 'read',
  title: 'Check an email’s send status',
  method: 'POST',
  path: '/api/v1/emailer_messages/email_send_status',
  keyScope: 'api/v1/emailer_messages/email_send_status',
  oauthScope: 'emailer_messages_email_send_status',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({
    // Any string: Apollo answers 404 for an id that names none of the team's emails.
    id: text(100).describe(`Id of the email to check. Example: "${exampleMessage}".`),
  }),
  output: z.looseObject({
    id: z.string(),
    status: z.string(),
    message: z.string().optional(),
    completed_at: z.string().optional(),
    failed_at: z.string().optional(),
    not_sent_reason: z.string().nullable().optional(),
    failure_reason: z.string().nullable().optional(),
    retry_after_seconds: z.number().optional(),
  }),
  description:
    'Check whether an email was delivered: answers its status (drafted, scheduled, completed, ' +
    'failed) with a sentence, completed_at once delivered, the reasons when it failed, and ' +
    "retry_after_seconds while it is still waiting. Free. An id that is not one of the team's " +
    'emails is a 404.',
  phrase: 'checked the send status of email',
  intent: 'check the send status of email',
  target: (i) => shown(i.id),
  examples: [{ id: exampleMessage }],
});

/** Search the team's outreach emails. */
export const emailsSearch = defineAction({
  id: 'emails.search',
  group: 'emails',
  access: 'read',
  effect: 'read',
  title: 'Search outreach emails',
  method: 'GET',
  altMethods: ['POST'],
  path: '/api/v1/emailer_messages/search',
  keyScope: 'api/v1/emailer_messages/search',
  oauthScope: 'emailer_messages_search',
  rateClass: 'default',
  credits: { kind: 'none' },
  pagination: searchPagination('emailer_messages'),
  input: z.object({
    emailer_message_stats: list(z.enum(emailerMessageStats), 11)
      .optional()
      .describe(
        `Only emails in any of these states: ${emailerMessageStats.join(', ')}. Example: ["opened", "clicked"].`,
      ),
    emailer_message_reply_classes: list(z.enum(emailerReplyClasses), 8)
      .optional()
      .describe(
        `Only emails whose reply was classed as one of: ${emailerReplyClasses.join(', ')}. Example: ["willing_to_meet"].`,
      ),
    user_ids: list(apolloId, 100)
      .optional()
      .describe(
        'Only emails sent by these users (ids from users.list). Example: ["66302798d03b9601c7934ebf"].',
      ),
    email_account_id_and_aliases: text(400)
      .optional()
      .describe('Only emails sent from this mailbox id (from emails.accounts) and its aliases.'),
    emailer_campaign_ids: list(apolloId, 100)
      .optional()
      .describe('Only emails of these sequences. Example: ["66e9e215ece19801b219997f"].'),
    not_emailer_campaign_ids: list(apolloId, 100)
      .optional()
      .describe('Leave out emails of these sequences.'),
    emailer_message_date_range_mode: z
      .enum(['due_at', 'completed_at'])
      .optional()
      .describe(
        "Which date the range filters on: 'due_at' (when scheduled, default) or 'completed_at' (when delivered).",
      ),
    emailer_message_date_range: range(dateParam)
      .optional()
      .describe(
        'Date range, YYYY-MM-DD: {min, max} (query form emailer_message_date_range[min]=2025-10-01).',
      ),
    // The spelling of an earlier version of Apollo's reference, still sent by clients generated from it.
    emailerMessageDateRange: range(dateParam)
      .optional()
      .describe('Older spelling of emailer_message_date_range, accepted the same way.'),
    not_sent_reason_cds: list(z.enum(notSentReasons), 18)
      .optional()
      .describe(
        'Only emails not sent for one of these reasons. Example: ["contact_stage_safeguard"].',
      ),
    q_keywords: text(500)
      .optional()
      .describe(
        'Words that must appear in the email\'s subject, body, recipient or sender. Example: "Jane".',
      ),
    page: pageParam
      .optional()
      .describe('Page to return, from 1 (default 1), up to 500. Example: 4.'),
    per_page: perPageParam
      .optional()
      .describe(
        'Emails per page, 1 to 100 (default 25); larger values are cut to 100. Example: 10.',
      ),
  }),
  output: z.looseObject({
    emailer_messages: z.array(emailerMessageSchema),
    emailer_steps: z.array(z.looseObject({ id: z.string() })).optional(),
    breadcrumbs: z.array(breadcrumbSchema).optional(),
    // Apollo's reference shows no pagination object here; its CLI documentation says there is one.
    pagination: paginationSchema.optional(),
  }),
  description:
    "Search the team's outreach emails (one-off and sequence emails) by state (delivered, opened, " +
    'bounced…), reply class, sender, mailbox, sequence, date or keywords. Free. Answers full message ' +
    'bodies and recipients, newest first, up to 100 per page and 50,000 in all.',
  phrase: "searched the team's outreach emails",
  intent: "search the team's outreach emails",
  target: (i) =>
    searchTarget(
      clauses([
        i.emailer_message_stats ? `in states ${quoted(i.emailer_message_stats)}` : undefined,
        i.emailer_campaign_ids ? `of sequences ${quoted(i.emailer_campaign_ids)}` : undefined,
        i.user_ids ? `sent by users ${quoted(i.user_ids)}` : undefined,
        i.q_keywords ? `for keywords ${quoted(i.q_keywords)}` : undefined,
      ]),
      i,
    ),
  examples: [
    { emailer_message_stats: ['opened', 'clicked'], per_page: 10 },
    {
      emailer_campaign_ids: ['66e9e215ece19801b219997f'],
      emailer_message_date_range_mode: 'completed_at',
      emailer_message_date_range: { min: '2025-10-01', max: '2025-10-30' },
      page: '4',
      per_page: '10',
    },
    { q_keywords: 'Jane', user_ids: ['66302798d03b9601c7934ebf'] },
  ],
});

/** Subject, body and recipients of sent emails, by id. */
export const emailsContent = defineAction({
  id: 'emails.content',
  group: 'emails',
  access: 'read',
  effect: 'read',
  title: 'Read sent emails',
  method: 'POST',
  path: '/api/v1/emailer_messages/get_content',
  keyScope: 'api/v1/emailer_messages/get_content',
  oauthScope: 'emailer_messages_get_content',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({
    // Apollo reads the first 10 and drops the rest silently, and leaves out ids that name none of
    // the team's sent emails (malformed ones included), so neither is refused here.
    ids: list(text(100), 1000).describe(
      `Ids of sent emails (from emails.search); only the first 10 are read. Example: ["${exampleMessage}"].`,
    ),
    body_format: text(20)
      .optional()
      .describe(
        "'plain' (default: tags removed) or 'html' (as written); case-sensitive, anything else means plain.",
      ),
  }),
  output: z.looseObject({
    emailer_messages: z.array(
      z.looseObject({
        id: z.string(),
        subject: str,
        body: str,
        body_format: z.string(),
        status: z.string(),
        sent_at: str,
        recipients: z.array(z.looseObject({ email: z.string(), type: z.string() })),
      }),
    ),
  }),
  description:
    'Read the subject, body and recipients of emails the team has finished sending, up to 10 ids per ' +
    'call, as plain text or HTML. Free. Drafts, scheduled and failed emails, replies and unknown ids ' +
    'are left out without an error: match the answer to your ids by id.',
  phrase: 'read sent emails',
  intent: 'read sent emails',
  target: (i) => {
    const n = Array.isArray(i.ids) ? i.ids.length : i.ids === undefined ? 0 : 1;
    return `(${n} id${n === 1 ? '' : 's'}${i.body_format === 'html' ? ', as HTML' : ''})`;
  },
  examples: [
    { ids: [exampleMessage] },
    { ids: [exampleMessage, '66e8cc45028aed019c25d725'], body_format: 'html' },
  ],
});

/** Full stats of one email; Apollo serves it to master keys only. */
export const emailsActivities = defineAction({
  id: 'emails.activities',
  group: 'emails',
  access: 'read',
  effect: 'read',
  title: 'Show an email’s stats',
  method: 'GET',
  path: '/api/v1/emailer_messages/{id}/activities',
  keyScope: 'api/v1/emailer_messages/activities',
  // Apollo documents no OAuth scope for it: an OAuth token cannot reach it.
  oauthScope: null,
  masterKeyOnly: true,
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({
    id: apolloId.describe(
      'Id of the email (from emails.search). Example: "684b2203a2ce950021cbf730".',
    ),
  }),
  output: z.looseObject({
    activities: z.array(z.looseObject({ id: z.string(), type: z.string() })),
    emailer_message: emailerMessageSchema.extend({
      contact: contactSchema.nullable().optional(),
      num_opens: z.number().optional(),
      num_clicks: z.number().optional(),
    }),
  }),
  description:
    'Show one outreach email in full with its stats: content, opens, clicks, events, the sequence ' +
    'and step it belongs to, and the full contact it went to. Free. Apollo answers this to a master ' +
    'API key only (no standard key or OAuth token reaches it); an unknown id is a 422.',
  phrase: 'viewed the stats of email',
  intent: 'view the stats of email',
  target: (i) => shown(i.id),
  examples: [{ id: '684b2203a2ce950021cbf730' }],
});
