import { z } from 'zod';

import { apolloTimeParam } from './calls.js';
import { clauses, defineAction, quoted, shown } from './define.js';
import { paginationSchema } from './objects.js';
import {
  amountParam,
  apolloId,
  boolParam,
  emailParam,
  intParam,
  list,
  pageParam,
  text,
} from './params.js';

// Conversations are recorded calls and video meetings (Apollo's conversation intelligence). The
// search returns summaries for free; a conversation in full, or an export, costs a credit per
// conversation that has AI insights.

const str = z.string().nullable().optional();

/** A conversation as the search lists it (no transcript, no recording URLs). */
export const conversationSummarySchema = z.looseObject({
  id: z.string(),
  topic: str,
  start_time: str,
  duration: z.number().nullable().optional(),
  state: str,
  conversation_type: str,
  host_id: str,
  account_ids: z.array(z.string()).optional(),
  participant_names: z.array(z.string()).optional(),
});

/** What a conversation answer costs: one credit when it has AI insights (export: assumed 50). */
const insightCredits = (assumed: number) =>
  ({ kind: 'per_insight', perConversation: 1, assumed }) as const;

/** Find recorded conversations. */
export const conversationsSearch = defineAction({
  id: 'conversations.search',
  group: 'conversations',
  access: 'read',
  effect: 'read',
  title: 'Search conversations',
  method: 'POST',
  path: '/api/v1/conversations/search',
  keyScope: 'api/v1/conversations/search',
  oauthScope: 'conversations_search',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({
    page: pageParam.optional().describe('Page number, from 1. Example: 1.'),
    num_fetch_result: intParam(1, 100, 'num_fetch_result')
      .optional()
      .describe("Conversations per page (Apollo's page-size parameter here), 1–100. Example: 25."),
    per_page: intParam(1, 100, 'per_page')
      .optional()
      .describe(
        "Conversations per page as Apollo's CLI sends it; num_fetch_result wins when both are given.",
      ),
    conversation_type: z
      .enum(['video_conference', 'phone_call'])
      .optional()
      .describe("'video_conference' (meetings) or 'phone_call'."),
    account_id: apolloId
      .optional()
      .describe('Conversations with this account. Example: "66e9abf95ac32901b20d1a0d".'),
    contact_ids: list(apolloId).optional().describe('Conversations with any of these contacts.'),
    tag_ids: list(apolloId).optional().describe('Conversations carrying any of these tags.'),
    tracker_ids: list(apolloId)
      .optional()
      .describe('Conversations in which any of these trackers fired.'),
    organization_ids: list(apolloId)
      .optional()
      .describe(
        'Conversations with people from any of these organizations (Apollo organization ids).',
      ),
    date_range: z
      .object({
        start: apolloTimeParam
          .optional()
          .describe('Earliest start time, ISO 8601 (GMT). Example: "2025-01-01T00:00:00Z".'),
        end: apolloTimeParam
          .optional()
          .describe('Latest start time, ISO 8601 (GMT). Example: "2025-03-31T23:59:59Z".'),
      })
      .optional()
      .describe('Conversations that started within {start, end}.'),
    scorecard_template_id: apolloId
      .optional()
      .describe('Only conversations scored with this scorecard template.'),
    scorecard_max_rating: amountParam
      .optional()
      .describe('Only conversations whose scorecard rating is at most this. Example: 3.'),
    sort_by_field: text(100)
      .optional()
      .describe("Field to sort on: 'start_time' (default, newest first) or 'duration'."),
    enforce_contact_boundary: boolParam
      .optional()
      .describe("Apollo's contact-boundary switch (its effect is not documented)."),
  }),
  output: z.looseObject({
    conversations: z.array(conversationSummarySchema),
    pagination: paginationSchema,
  }),
  description:
    "Search the team's recorded calls and video meetings by type, account, contacts, tags, " +
    'trackers, organizations or date range. Free. Answers summaries (topic, time, duration, host, ' +
    'participants, deals) without transcripts or recordings; fetch one in full with the ' +
    'conversation get (which can cost a credit). Page size is num_fetch_result.',
  phrase: "searched the team's conversations",
  intent: "search the team's conversations",
  target: (i) =>
    `${
      clauses([
        i.conversation_type ? `of type ${String(i.conversation_type)}` : undefined,
        i.account_id ? `with account ${String(i.account_id)}` : undefined,
        i.contact_ids ? `with contacts ${quoted(i.contact_ids)}` : undefined,
      ]) || 'with no filters'
    } (page ${String(i.page ?? 1)})`,
  examples: [
    { page: 1, num_fetch_result: 25, conversation_type: 'video_conference' },
    {
      account_id: '66e9abf95ac32901b20d1a0d',
      date_range: { start: '2025-01-01T00:00:00Z', end: '2025-03-31T23:59:59Z' },
      per_page: 10,
    },
  ],
});

/** One conversation in full: transcript, recordings, participants, deals, AI summary. */
export const conversationsGet = defineAction({
  id: 'conversations.get',
  group: 'conversations',
  access: 'read',
  effect: 'spend',
  title: 'View a conversation',
  method: 'GET',
  path: '/api/v1/conversations/{id}',
  keyScope: 'api/v1/conversations/show',
  oauthScope: 'conversations_show',
  rateClass: 'default',
  credits: insightCredits(1),
  input: z.object({
    id: text(200).describe(
      'Id of the conversation, from the conversations search; a shared conversation is "<id>_<share id>". Example: "6717f5a1c2b3d4e5f6a7b8c9".',
    ),
  }),
  // Apollo answers the conversation unwrapped, at the top level.
  output: conversationSummarySchema.extend({
    transcript: z
      .array(z.looseObject({ spoken_sentence: str }))
      .nullable()
      .optional(),
  }),
  description:
    'Fetch one recorded call or meeting in full: transcript, recording URLs, participants, linked ' +
    'deals and, when Apollo generated them, AI insights (summary, next steps, objections). Costs 1 ' +
    'credit when the conversation has AI insights, otherwise free. Sensitive: full transcripts.',
  phrase: 'viewed conversation',
  intent: 'view conversation',
  target: (i) => shown(i.id),
  examples: [{ id: '6717f5a1c2b3d4e5f6a7b8c9' }, { id: '6717f5a1c2b3d4e5f6a7b8c9_a1b2c3d4' }],
});

/** Start a bulk export of a time range of conversations; a teammate is e-mailed the file. */
export const conversationsExport = defineAction({
  id: 'conversations.export',
  group: 'conversations',
  access: 'write',
  effect: 'spend',
  title: 'Export conversations',
  method: 'POST',
  path: '/api/v1/conversations/export',
  keyScope: 'api/v1/conversations/export',
  oauthScope: 'conversations_export',
  rateClass: 'conversation_export',
  credits: insightCredits(50),
  input: z.object({
    start_time: apolloTimeParam.describe(
      'Start of the time range, ISO 8601 (GMT unless an offset is given). Example: "2025-01-01T00:00:00Z".',
    ),
    end_time: apolloTimeParam.describe(
      'End of the time range, after start_time. Example: "2025-01-31T23:59:59Z".',
    ),
    email: emailParam.describe(
      'Email of a user of the team, who is e-mailed when the file is ready. Example: "ops@example.com".',
    ),
  }),
  output: z.looseObject({ export_url: z.string(), export_id: z.string() }),
  description:
    'Start an export of every recorded conversation in a time range to a gzipped JSON file, and ' +
    'e-mail a teammate (email) when it is ready. Costs 1 credit per exported conversation that has ' +
    'AI insights (Gatehouse reserves 50). Answers export_id; fetch the download link with the export ' +
    'status. A retry starts and bills a second export.',
  phrase: 'exported conversations',
  intent: 'export conversations',
  target: (i) => `from ${shown(i.start_time)} to ${shown(i.end_time)}, e-mailing ${shown(i.email)}`,
  personalFields: ['email'],
  verify: () =>
    'wait for the e-mail the export sends, or ask the team, before trying again: Apollo offers no way to list exports, and a second export is billed again.',
  examples: [
    {
      start_time: '2025-01-01T00:00:00Z',
      end_time: '2025-01-31T23:59:59Z',
      email: 'ops@example.com',
    },
  ],
});

/** The download link of a finished export. */
export const conversationsExportStatus = defineAction({
  id: 'conversations.export_status',
  group: 'conversations',
  access: 'read',
  effect: 'read',
  title: 'Get a conversation export',
  method: 'GET',
  path: '/api/v1/conversations/export/{id}',
  keyScope: 'api/v1/conversations/find_export',
  oauthScope: 'conversations_find_export',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({
    id: apolloId.describe(
      'The export_id the export answered. Example: "6790a1b2c3d4e5f601234567".',
    ),
  }),
  output: z.looseObject({ redirect_url: z.string() }),
  description:
    'Get the download link (redirect_url, a signed URL to the .json.gz file) of a conversation ' +
    'export started with the conversations export. Free. The link alone grants access to every ' +
    'exported transcript: do not share or log it. An unknown export is a 404.',
  phrase: 'fetched a conversation export',
  intent: 'fetch a conversation export',
  target: (i) => shown(i.id),
  examples: [{ id: '6790a1b2c3d4e5f601234567' }],
});
