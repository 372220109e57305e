// calls.create, calls.search and calls.update: phone call records. Logging a
// call records an activity on the contact; it never dials. Search echoes page and per_page as
// strings, as Apollo's example shows.

import { dayOf, isoOffset } from '../format.js';
import { invalidId, success, type WorldResult } from '../result.js';
import type { PhoneCallRecord } from './activity.js';
import { checkIds, crumb } from './common.js';
import { accountJson, contactJson } from './json.js';
import { matchesWords, paginate, sortBy } from './paging.js';
import type { CrmContext } from './state.js';

type Json = Record<string, unknown>;

export interface CallInput {
  logged?: boolean;
  user_id?: string[];
  contact_id?: string;
  account_id?: string;
  opportunity_id?: string;
  to_number?: string;
  from_number?: string;
  status?: string;
  start_time?: string;
  end_time?: string;
  duration?: number;
  phone_call_purpose_id?: string;
  phone_call_outcome_id?: string;
  note?: string;
  call_identifier?: string;
}

/** A call record; with `embed`, the contact and account ride along inside it. */
function callJson(ctx: CrmContext, p: PhoneCallRecord, embed: 'contact' | 'both' | 'none'): Json {
  const contact = p.contactId ? ctx.crm.contacts.get(p.contactId) : undefined;
  const account = p.accountId ? ctx.crm.accounts.get(p.accountId) : undefined;
  const recordingUrl = p.recordingSid
    ? `https://api.twilio.com/2010-04-01/Accounts/AC${ctx.crm.team.id.slice(0, 16)}/Recordings/${p.recordingSid}`
    : null;
  return {
    id: p.id,
    user_id: p.userId,
    account_id: p.accountId,
    contact_id: p.contactId,
    voice_setting_id: p.callSid ? `${ctx.crm.team.id.slice(0, 12)}${p.userId.slice(12)}` : null,
    phone_call_outcome_id: p.outcomeId,
    phone_call_purpose_id: p.purposeId,
    recording_url: recordingUrl,
    twilio_call_sid: p.callSid,
    call_identifier: p.callIdentifier,
    agent_call_sid: null,
    inbound: p.inbound,
    from_number: p.fromNumber,
    to_number: p.toNumber,
    start_time: isoOffset(p.startTime),
    end_time: isoOffset(p.endTime),
    transcription_too_long: null,
    twilio_recording_sid: p.recordingSid,
    need_recording_upload: true,
    logged: p.logged,
    note: p.note,
    status: p.status,
    outreach_task_id: null,
    salesforce_id: null,
    hubspot_id: null,
    conference_id: null,
    opportunity_id: p.opportunityId,
    voicemail_dropped: false,
    parallel_dial_item_id: null,
    transcribed: false,
    transcribing: false,
    transcription_progress: 0,
    note_text: p.note ?? '',
    ...(embed !== 'none' && contact ? { contact: contactJson(ctx, contact) } : {}),
    ...(embed === 'both' && account ? { account: accountJson(ctx, account, true) } : {}),
    duration: p.duration,
    conversation_id: p.conversationId,
  };
}

/** The 422 for a reference that names nothing (users, contact, account, deal, purpose, outcome). */
function checkRefs(ctx: CrmContext, input: CallInput): WorldResult | null {
  const bad = checkIds(ctx, [
    ...(input.user_id ?? []).map((id): ['user', string] => ['user', id]),
    ['contact', input.contact_id],
    ['account', input.account_id],
  ]);
  if (bad) return bad;
  const a = ctx.crm.activity;
  if (input.opportunity_id && !ctx.crm.deals.has(input.opportunity_id))
    return invalidId(input.opportunity_id);
  if (
    input.phone_call_purpose_id &&
    !a.callPurposes.some((x) => x.id === input.phone_call_purpose_id)
  )
    return invalidId(input.phone_call_purpose_id);
  if (
    input.phone_call_outcome_id &&
    !a.callOutcomes.some((x) => x.id === input.phone_call_outcome_id)
  )
    return invalidId(input.phone_call_outcome_id);
  return null;
}

/** Writes the sent fields; times and duration complete each other when only some are sent. */
function apply(ctx: CrmContext, p: PhoneCallRecord, input: CallInput): void {
  if (input.user_id?.[0]) p.userId = input.user_id[0];
  if (input.contact_id !== undefined) {
    p.contactId = input.contact_id;
    if (input.account_id === undefined)
      p.accountId = ctx.crm.contacts.get(input.contact_id)!.accountId ?? p.accountId;
  }
  if (input.account_id !== undefined) p.accountId = input.account_id;
  if (input.opportunity_id !== undefined) p.opportunityId = input.opportunity_id;
  if (input.to_number !== undefined) p.toNumber = input.to_number;
  if (input.from_number !== undefined) p.fromNumber = input.from_number;
  if (input.status !== undefined) p.status = input.status;
  if (input.logged !== undefined) p.logged = input.logged;
  if (input.note !== undefined) p.note = input.note;
  if (input.phone_call_purpose_id !== undefined) p.purposeId = input.phone_call_purpose_id;
  if (input.phone_call_outcome_id !== undefined) p.outcomeId = input.phone_call_outcome_id;
  if (input.call_identifier !== undefined) p.callIdentifier = input.call_identifier;
  const start = input.start_time !== undefined ? Date.parse(input.start_time) : p.startTime;
  const end = input.end_time !== undefined ? Date.parse(input.end_time) : undefined;
  p.startTime = start;
  if (input.duration !== undefined) p.duration = input.duration;
  else if (end !== undefined) p.duration = Math.max(0, Math.round((end - start) / 1000));
  p.endTime = end ?? start + p.duration * 1000;
  p.updatedAt = ctx.now();
  // A logged call is the contact's latest activity, as in Apollo's example answer.
  const contact = p.contactId ? ctx.crm.contacts.get(p.contactId) : undefined;
  if (contact && (contact.lastActivityAt === null || contact.lastActivityAt < p.startTime))
    contact.lastActivityAt = p.startTime;
}

function answer(ctx: CrmContext, p: PhoneCallRecord, team: boolean): WorldResult {
  const contact = p.contactId ? ctx.crm.contacts.get(p.contactId) : undefined;
  return success({
    phone_call: callJson(ctx, p, 'both'),
    contact: contact ? contactJson(ctx, contact) : null,
    ...(team ? { team: { id: ctx.crm.team.id, phone_calls_finder_empty: false } } : {}),
  });
}

/**
 * calls.create. A call_identifier already on a call updates that call instead (Apollo's CLI
 * calls it an upsert key; the reference is silent, so this is our reading).
 */
export function createCall(ctx: CrmContext, input: CallInput, userId: string): WorldResult {
  const bad = checkRefs(ctx, input);
  if (bad) return bad;
  const calls = ctx.crm.activity.phoneCalls;
  const existing = input.call_identifier
    ? [...calls.values()].find((c) => c.callIdentifier === input.call_identifier)
    : undefined;
  if (existing) {
    apply(ctx, existing, input);
    return answer(ctx, existing, true);
  }
  const now = ctx.now();
  const p: PhoneCallRecord = {
    id: ctx.ids.next(now),
    userId,
    contactId: null,
    accountId: null,
    opportunityId: null,
    purposeId: null,
    outcomeId: null,
    inbound: false,
    fromNumber: null,
    toNumber: null,
    startTime: now,
    endTime: now,
    duration: 0,
    status: 'completed',
    // A call logged through the API is an individual record unless the caller says otherwise.
    logged: true,
    note: null,
    recordingSid: null,
    callSid: null,
    callIdentifier: null,
    conversationId: null,
    createdAt: now,
    updatedAt: now,
  };
  apply(ctx, p, input);
  calls.set(p.id, p);
  return answer(ctx, p, true);
}

/** calls.update. An unknown id is a 404 (Apollo's body undocumented; its usual "Record not found."). */
export function updateCall(ctx: CrmContext, input: CallInput & { id: string }): WorldResult {
  const p = ctx.crm.activity.phoneCalls.get(input.id);
  if (!p) return { ok: false, status: 404, body: { error: 'Record not found.' } };
  const bad = checkRefs(ctx, input);
  if (bad) return bad;
  apply(ctx, p, input);
  return answer(ctx, p, false);
}

export interface CallSearchInput {
  date_range?: { min?: string; max?: string };
  duration?: { min?: number; max?: number };
  inbound?: 'incoming' | 'outgoing' | boolean;
  user_ids?: string[];
  user_id?: string;
  contact_label_ids?: string[];
  contact_id?: string;
  account_id?: string;
  phone_call_purpose_ids?: string[];
  phone_call_outcome_ids?: string[];
  q_keywords?: string;
  sort_by_field?: string;
  sort_ascending?: boolean;
  page?: number;
  per_page?: number;
}

const DAY = 86_400_000;

/**
 * calls.search. contact_label_ids is described by Apollo as contacts: a call matches when its
 * contact is one of the ids or is on one of the lists with those ids. Newest first by default.
 */
export function searchCalls(ctx: CrmContext, input: CallSearchInput): WorldResult {
  const { crm } = ctx;
  const users = [...(input.user_ids ?? []), ...(input.user_id ? [input.user_id] : [])];
  const from = input.date_range?.min ? dayOf(input.date_range.min) * DAY : null;
  const to = input.date_range?.max ? (dayOf(input.date_range.max) + 1) * DAY : null;
  const inbound =
    input.inbound === undefined
      ? undefined
      : input.inbound === 'incoming' || input.inbound === true;
  let rows = [...crm.activity.phoneCalls.values()].filter((p) => {
    const c = p.contactId ? crm.contacts.get(p.contactId) : undefined;
    const labels = input.contact_label_ids;
    return (
      (from === null || p.startTime >= from) &&
      (to === null || p.startTime < to) &&
      (input.duration?.min === undefined || p.duration >= input.duration.min) &&
      (input.duration?.max === undefined || p.duration <= input.duration.max) &&
      (inbound === undefined || p.inbound === inbound) &&
      (users.length === 0 || users.includes(p.userId)) &&
      (!labels ||
        (p.contactId !== null && labels.includes(p.contactId)) ||
        (c !== undefined && c.labelIds.some((l) => labels.includes(l)))) &&
      (!input.contact_id || p.contactId === input.contact_id) &&
      (!input.account_id || p.accountId === input.account_id) &&
      (!input.phone_call_purpose_ids ||
        (p.purposeId !== null && input.phone_call_purpose_ids.includes(p.purposeId))) &&
      (!input.phone_call_outcome_ids ||
        (p.outcomeId !== null && input.phone_call_outcome_ids.includes(p.outcomeId))) &&
      (!input.q_keywords ||
        matchesWords(input.q_keywords, [
          p.note,
          p.toNumber,
          p.fromNumber,
          c?.firstName,
          c?.lastName,
          c?.organizationName,
        ]))
    );
  });
  rows = sortBy(
    rows,
    (p) => (input.sort_by_field === 'duration' ? p.duration : p.startTime),
    input.sort_ascending === true,
  );
  const { rows: page, pagination } = paginate(rows, input.page, input.per_page);
  const outcomes = crm.activity.callOutcomes;
  const active = new Set(['queued', 'ringing', 'in-progress']);
  const facets = [
    {
      value: 'active',
      display_name: 'Active Calls',
      count: rows.filter((p) => active.has(p.status)).length,
    },
    ...outcomes.map((o) => ({
      value: o.id,
      display_name: o.name,
      count: rows.filter((p) => p.outcomeId === o.id).length,
    })),
    {
      value: 'other',
      display_name: 'No Disposition',
      count: rows.filter((p) => !p.outcomeId).length,
    },
  ];
  return success({
    pagination: {
      ...pagination,
      page: String(pagination.page),
      per_page: String(pagination.per_page),
    },
    breadcrumbs: [
      ...(input.date_range?.min
        ? [crumb('Date', 'date_range', input.date_range.min, `After ${input.date_range.min}`)]
        : []),
      ...(input.date_range?.max
        ? [crumb('Date', 'date_range', input.date_range.max, `Before ${input.date_range.max}`)]
        : []),
    ],
    phone_calls: page.map((p) => callJson(ctx, p, 'contact')),
    faceting: { phone_call_stats_facets: facets },
    pipeline_total: rows.length,
    num_fetch_result: null,
  });
}
