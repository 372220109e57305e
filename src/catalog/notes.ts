import { z } from 'zod';

import { clauses, defineAction, quoted } from './define.js';
import { apolloId, dateParam, intParam, list, text } from './params.js';

const str = z.string().nullable().optional();

/** A note attached to contacts, accounts, deals, meetings or conversations. */
export const noteSchema = z.looseObject({
  id: z.string(),
  user_id: str,
  content: str,
  created_at: str,
  updated_at: str,
  contact_id: str,
  account_id: str,
  opportunity_id: str,
  conversation_id: str,
  contact_ids: z.array(z.string()).optional(),
  account_ids: z.array(z.string()).optional(),
  pinned_to_top: z.boolean().optional(),
});

/** Largest page of notes Apollo returns. */
export const notesLimit = 100;

/** Notes of one or more records, offset-paged (skip/limit, no pagination object). */
export const notesList = defineAction({
  id: 'notes.list',
  group: 'notes',
  access: 'read',
  effect: 'read',
  title: 'List notes',
  method: 'GET',
  path: '/api/v1/notes',
  keyScope: 'meetings/api/v1/notes/index',
  oauthScope: 'notes_list',
  rateClass: 'default',
  credits: { kind: 'none' },
  // At least one record filter is required; Apollo answers 400 "At least one argument is
  // required" without one, which the sandbox reproduces rather than the schema refusing it.
  input: z.object({
    contact_id: apolloId
      .optional()
      .describe('Notes of this contact. Example: "66e34b81740c50074e3d1bd4".'),
    account_id: apolloId
      .optional()
      .describe('Notes of this account. Example: "66e9abf95ac32901b20d1a0d".'),
    opportunity_id: apolloId
      .optional()
      .describe('Notes of this deal. Example: "66e8c4567f32a501b2605004".'),
    calendar_event_id: text(100).optional().describe('Notes of this calendar event (meeting).'),
    conversation_id: apolloId
      .optional()
      .describe('Notes of this recorded conversation. Example: "6717f5a1c2b3d4e5f6a7b8c9".'),
    conversation_ids: list(apolloId).optional().describe('Notes of any of these conversations.'),
    contact_ids: list(apolloId).optional().describe('Notes of any of these contacts.'),
    start_date: dateParam
      .optional()
      .describe('Only notes created on or after this date, YYYY-MM-DD. Example: "2025-01-01".'),
    sort_by_field: z
      .enum(['created_at', 'updated_at'])
      .optional()
      .describe("Sort by 'created_at' (default) or 'updated_at'."),
    sort_direction: z
      .enum(['desc', 'asc'])
      .optional()
      .describe("'desc' (newest first, default) or 'asc'."),
    skip: intParam(0, 1_000_000, 'skip')
      .optional()
      .describe('How many notes to skip before the first one returned (offset paging; default 0).'),
    limit: intParam(1, 1_000_000, 'limit')
      .optional()
      .describe(`How many notes to return (default 25; Apollo returns at most ${notesLimit}).`),
  }),
  output: z.looseObject({ notes: z.array(noteSchema) }),
  description:
    'List the notes attached to a contact, account, deal, calendar event or conversation (give at ' +
    'least one of them). Free. Offset paging with skip and limit (at most 100 per call); the answer ' +
    'has no pagination object: fewer than limit notes means the end. Note bodies may hold call and ' +
    'meeting content.',
  phrase: 'listed notes',
  intent: 'list notes',
  target: (i) =>
    clauses([
      i.contact_id ? `of contact ${String(i.contact_id)}` : undefined,
      i.contact_ids ? `of contacts ${quoted(i.contact_ids)}` : undefined,
      i.account_id ? `of account ${String(i.account_id)}` : undefined,
      i.opportunity_id ? `of deal ${String(i.opportunity_id)}` : undefined,
      i.calendar_event_id ? `of calendar event ${String(i.calendar_event_id)}` : undefined,
      i.conversation_id ? `of conversation ${String(i.conversation_id)}` : undefined,
      i.conversation_ids ? `of conversations ${quoted(i.conversation_ids)}` : undefined,
    ]) || 'without a record',
  examples: [
    { contact_id: '66e34b81740c50074e3d1bd4' },
    { account_id: '66e9abf95ac32901b20d1a0d', sort_by_field: 'updated_at', sort_direction: 'asc' },
    { contact_ids: ['66e34b81740c50074e3d1bd4'], skip: '25', limit: '25' },
  ],
});
