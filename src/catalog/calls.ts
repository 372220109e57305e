import { z } from 'zod';

import { clauses, defineAction, quoted, searchPagination, searchTarget, shown } from './define.js';
import { breadcrumbSchema, contactSchema, paginationSchema } from './objects.js';
import {
  apolloId,
  boolParam,
  dateParam,
  intParam,
  list,
  pageParam,
  perPageParam,
  range,
  text,
} from './params.js';

// Phone calls are activity records: logging one contacts nobody (Apollo says this endpoint cannot
// dial). All three phone-call endpoints take only a master API key.

/**
 * An ISO-8601 time as Apollo reads it: GMT when no offset is given, and forgiving of the
 * "+05:00Z" form its own reference uses as an example. Normalised to a UTC ISO string.
 */
export const apolloTimeParam = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .transform((s, ctx) => {
    const t = s.replace(/([+-]\d{2}:?\d{2})Z$/i, '$1');
    const zoned = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(t) || !/T\d/.test(t) ? t : `${t}Z`;
    const ms = Date.parse(zoned);
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: 'custom', message: 'must be an ISO-8601 date-time' });
      return z.NEVER;
    }
    return new Date(ms).toISOString();
  });

/** Call statuses Apollo documents; its answers also spell one of them `no-answer`. */
export const callStatuses = [
  'queued',
  'ringing',
  'in-progress',
  'completed',
  'no_answer',
  'no-answer',
  'failed',
  'busy',
] as const;

const str = z.string().nullable().optional();

/** A phone call record. */
export const phoneCallSchema = z.looseObject({
  id: z.string(),
  user_id: str,
  contact_id: str,
  account_id: str,
  opportunity_id: str,
  phone_call_outcome_id: str,
  phone_call_purpose_id: str,
  inbound: z.boolean().nullable().optional(),
  from_number: str,
  to_number: str,
  start_time: str,
  end_time: str,
  duration: z.number().nullable().optional(),
  status: str,
  logged: z.boolean().nullable().optional(),
  note: str,
  recording_url: str,
});

const callFields = {
  logged: boolParam
    .optional()
    .describe('true creates an individual record for the call in Apollo (the default here).'),
  user_id: list(apolloId, 10)
    .optional()
    .describe(
      'The caller: a user of the team (sent as user_id[] in query form). Example: ["67e33d527de088000daa60c4"].',
    ),
  contact_id: apolloId
    .optional()
    .describe('The contact who was called. Example: "66e34b81740c50074e3d1bd4".'),
  account_id: apolloId
    .optional()
    .describe(
      'The account the call belongs to (defaults to the contact\'s). Example: "66e9abf95ac32901b20d1a0d".',
    ),
  opportunity_id: apolloId.optional().describe('A deal the call belongs to.'),
  to_number: text(50).optional().describe('The number that was dialled. Example: "5555550164".'),
  from_number: text(50)
    .optional()
    .describe('The number the call came from. Example: "5555550164".'),
  status: z
    .enum(callStatuses)
    .optional()
    .describe('queued, ringing, in-progress, completed, no_answer, failed or busy.'),
  start_time: apolloTimeParam
    .optional()
    .describe(
      'When the call started, ISO 8601 (GMT unless an offset is given). Example: "2025-02-15T08:10:30Z".',
    ),
  end_time: apolloTimeParam
    .optional()
    .describe('When the call ended, ISO 8601. Example: "2025-02-15T08:12:30Z".'),
  duration: intParam(0, 86_400, 'duration')
    .optional()
    .describe('Length of the call in seconds (not minutes). Example: 120.'),
  phone_call_purpose_id: apolloId
    .optional()
    .describe(
      'The call\'s purpose, one of the team\'s call purposes. Example: "6095a710bd01d100a506d4cd".',
    ),
  phone_call_outcome_id: apolloId
    .optional()
    .describe(
      'The call\'s outcome (disposition), one of the team\'s. Example: "6095a710bd01d100a506d4c5".',
    ),
  note: text(5000)
    .optional()
    .describe('A note on the call. Example: "Interested in the new product line."'),
  call_identifier: text(200)
    .optional()
    .describe(
      "Your system's id for the call; Apollo's CLI uses it as an upsert key (a call logged again with it is updated).",
    ),
};

const callOutput = z.looseObject({
  phone_call: phoneCallSchema,
  contact: contactSchema.nullable().optional(),
});

const callPersonal = ['to_number', 'from_number', 'note'];

function callWho(i: Record<string, unknown>): string {
  return clauses([
    i.contact_id ? `with contact ${String(i.contact_id)}` : undefined,
    i.account_id ? `for account ${String(i.account_id)}` : undefined,
    i.status ? `(${String(i.status)})` : undefined,
  ]);
}

/** Log a call made in another system (a dialer such as Orum or Nooks). */
export const callsCreate = defineAction({
  id: 'calls.create',
  group: 'calls',
  access: 'write',
  effect: 'write',
  title: 'Log a phone call',
  method: 'POST',
  path: '/api/v1/phone_calls',
  keyScope: 'api/v1/phone_calls/create',
  oauthScope: 'phone_call_write',
  masterKeyOnly: true,
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object(callFields),
  output: callOutput.extend({
    team: z.looseObject({ id: z.string() }).optional(),
  }),
  description:
    "Log a phone call made outside Apollo (another dialer) on the team's records: caller, contact, " +
    'numbers, times, duration, status, purpose, outcome and a note. It records an activity and ' +
    'cannot dial anyone. Free. Needs a master API key. Answers the call record and the contact. ' +
    'Not deduplicated unless call_identifier is given.',
  phrase: 'logged a phone call',
  intent: 'log a phone call',
  target: (i) => callWho(i) || 'with no contact',
  personalFields: callPersonal,
  // With call_identifier the CLI says Apollo updates the call it already has (our reading).
  retrySafe: (i) => typeof i.call_identifier === 'string',
  verify: (i) =>
    `search the team's calls (the calls search${i.contact_id ? ` for contact ${String(i.contact_id)}` : ''}) before trying again, or repeat it with the same call_identifier.`,
  examples: [
    {
      logged: true,
      user_id: ['67e33d527de088000daa60c4'],
      contact_id: '66e34b81740c50074e3d1bd4',
      account_id: '66e9abf95ac32901b20d1a0d',
      to_number: '5555550164',
      status: 'completed',
      start_time: '2025-02-15T08:10:30Z',
      end_time: '2025-05-15T08:10:30Z',
      duration: 120,
      phone_call_purpose_id: '6095a710bd01d100a506d4cd',
      phone_call_outcome_id: '6095a710bd01d100a506d4c5',
      note: 'This lead is interested in learning more about our new product line.',
    },
    { contact_id: '66e34b81740c50074e3d1bd4', start_time: '2025-03-25T10:15:30+05:00Z' },
  ],
});

/** Find the team's call records (dialer calls and logged ones). */
export const callsSearch = defineAction({
  id: 'calls.search',
  group: 'calls',
  access: 'read',
  effect: 'read',
  title: 'Search phone calls',
  method: 'GET',
  altMethods: ['POST'],
  path: '/api/v1/phone_calls/search',
  keyScope: 'api/v1/phone_calls/search',
  oauthScope: 'phone_call_search',
  masterKeyOnly: true,
  rateClass: 'default',
  credits: { kind: 'none' },
  pagination: searchPagination('phone_calls'),
  input: z.object({
    date_range: range(dateParam)
      .optional()
      .describe(
        'Calls on or between dates, {min, max} as YYYY-MM-DD (query: date_range[min]=…). Example: {"min":"2025-04-01"}.',
      ),
    duration: range(intParam(0, 86_400, 'duration'))
      .optional()
      .describe('Call length in seconds, {min, max}. Example: {"min":30,"max":180}.'),
    inbound: z
      .union([z.enum(['incoming', 'outgoing']), boolParam])
      .optional()
      .describe("'incoming' (the prospect called) or 'outgoing' (the team called)."),
    user_ids: list(apolloId).optional().describe('Calls made by any of these users.'),
    user_id: apolloId.optional().describe('Calls made by this user (the CLI form).'),
    contact_label_ids: list(apolloId)
      .optional()
      .describe(
        'Calls with these contacts (Apollo names the filter after lists; contact ids and list ids both match).',
      ),
    contact_id: apolloId.optional().describe('Calls with this contact (the CLI form).'),
    account_id: apolloId.optional().describe('Calls for this account (the CLI form).'),
    phone_call_purpose_ids: list(apolloId).optional().describe('Calls with any of these purposes.'),
    phone_call_outcome_ids: list(apolloId)
      .optional()
      .describe('Calls with any of these outcomes (dispositions).'),
    q_keywords: text(500)
      .optional()
      .describe('Words to find in the call note, numbers or contact name. Example: "pricing".'),
    sort_by_field: text(100)
      .optional()
      .describe(
        "Field to sort on (the CLI's option; e.g. 'start_time', the default, or 'duration').",
      ),
    sort_ascending: boolParam
      .optional()
      .describe('true for ascending order (default newest first).'),
    page: pageParam.optional().describe('Page number, from 1. Example: 2.'),
    per_page: perPageParam.optional().describe('Calls per page, 1–100 (default 25).'),
  }),
  output: z.looseObject({
    phone_calls: z.array(phoneCallSchema),
    pagination: paginationSchema,
    breadcrumbs: z.array(breadcrumbSchema).optional(),
    faceting: z.looseObject({}).optional(),
  }),
  description:
    "Search the team's phone call records (made with Apollo's dialer or logged) by date range, " +
    'duration, direction, users, contacts, purpose, outcome or keywords. Free. Needs a master API ' +
    'key. Up to 100 per page; page and per_page come back as strings. Rows can hold recording URLs.',
  phrase: "searched the team's phone calls",
  intent: "search the team's phone calls",
  target: (i) =>
    searchTarget(
      clauses([
        i.q_keywords ? `for keywords ${quoted(i.q_keywords)}` : undefined,
        i.contact_id ? `with contact ${String(i.contact_id)}` : undefined,
        i.contact_label_ids ? `with contacts ${quoted(i.contact_label_ids)}` : undefined,
        i.account_id ? `for account ${String(i.account_id)}` : undefined,
        i.user_id ? `by user ${String(i.user_id)}` : undefined,
        i.user_ids ? `by users ${quoted(i.user_ids)}` : undefined,
        i.inbound !== undefined ? `(${String(i.inbound)})` : undefined,
      ]),
      i,
    ),
  examples: [
    { date_range: { min: '2025-04-01', max: '2025-06-12' }, page: '1', per_page: '5' },
    {
      duration: { min: '30', max: '180' },
      inbound: 'outgoing',
      q_keywords: 'marketing conference attendees',
    },
    {
      user_id: '66302798d03b9601c7934ebf',
      contact_id: '66e34b81740c50074e3d1bd4',
      sort_ascending: true,
    },
  ],
});

/** Edit a call record. */
export const callsUpdate = defineAction({
  id: 'calls.update',
  group: 'calls',
  access: 'write',
  effect: 'write',
  title: 'Update a phone call',
  method: 'PUT',
  altMethods: ['PATCH'],
  path: '/api/v1/phone_calls/{id}',
  keyScope: 'api/v1/phone_calls/update',
  oauthScope: 'phone_call_update',
  masterKeyOnly: true,
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({
    id: apolloId.describe(
      'Id of the call record, from the calls search. Example: "6859b0dd828b270021e69648".',
    ),
    ...callFields,
  }),
  output: callOutput,
  description:
    'Change a phone call record of the team: its note, outcome, purpose, status, contact, times or ' +
    'duration. Free. Needs a master API key. Only the fields you send change. Answers the call ' +
    'record and its contact.',
  phrase: 'updated phone call',
  intent: 'update phone call',
  target: (i) => {
    const changed = Object.keys(i).filter((k) => k !== 'id');
    return `${shown(i.id)}${changed.length ? ` (${changed.join(', ')})` : ''}`;
  },
  personalFields: callPersonal,
  hints: { idempotent: true },
  examples: [
    {
      id: '6859b0dd828b270021e69648',
      note: "I forgot to add a note about this contact's desire to discuss APIs.",
    },
    {
      id: '6859b0dd828b270021e69648',
      phone_call_outcome_id: '6095a710bd01d100a506d4c5',
      status: 'completed',
    },
  ],
});
