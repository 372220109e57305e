// notes.list: the notes of the records named, offset-paged with skip and limit,
// with no pagination object. Without any record filter Apollo answers 400.

import { dayOf, iso } from '../format.js';
import { success, type WorldResult } from '../result.js';
import type { NoteRecord } from './activity.js';
import type { CrmContext } from './state.js';

export interface NotesInput {
  contact_id?: string;
  account_id?: string;
  opportunity_id?: string;
  calendar_event_id?: string;
  conversation_id?: string;
  conversation_ids?: string[];
  contact_ids?: string[];
  start_date?: string;
  sort_by_field?: 'created_at' | 'updated_at';
  sort_direction?: 'asc' | 'desc';
  skip?: number;
  limit?: number;
}

/** Apollo's default and largest page of notes. */
const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 100;

function noteJson(n: NoteRecord): Record<string, unknown> {
  return {
    id: n.id,
    user_id: n.userId,
    content: n.content,
    created_at: iso(n.createdAt),
    updated_at: iso(n.updatedAt),
    contact_id: n.contactIds[0] ?? null,
    account_id: n.accountIds[0] ?? null,
    opportunity_id: n.opportunityIds[0] ?? null,
    conversation_id: n.conversationIds[0] ?? null,
    account_ids: [...n.accountIds],
    contact_ids: [...n.contactIds],
    opportunity_ids: [...n.opportunityIds],
    calendar_event_ids: [...n.calendarEventIds],
    conversation_ids: [...n.conversationIds],
    pinned_to_top: n.pinned,
    system: false,
    is_org_chart_note: false,
    crm_notes: [],
  };
}

/**
 * notes.list. A note matches when it is attached to any record named (the filters are read as
 * alternatives, our reading of "at least one of"); start_date keeps notes created that day or
 * later. A limit above 100 is clamped (our assumption: the docs give only the maximum).
 */
export function listNotes(ctx: CrmContext, input: NotesInput): WorldResult {
  const contacts = [...(input.contact_id ? [input.contact_id] : []), ...(input.contact_ids ?? [])];
  const conversations = [
    ...(input.conversation_id ? [input.conversation_id] : []),
    ...(input.conversation_ids ?? []),
  ];
  const any =
    contacts.length > 0 ||
    conversations.length > 0 ||
    input.account_id !== undefined ||
    input.opportunity_id !== undefined ||
    input.calendar_event_id !== undefined;
  if (!any) return { ok: false, status: 400, body: { error: 'At least one argument is required' } };
  const since = input.start_date ? dayOf(input.start_date) * 86_400_000 : null;
  const key = input.sort_by_field ?? 'created_at';
  const dir = input.sort_direction === 'asc' ? 1 : -1;
  const rows = [...ctx.crm.activity.notes.values()]
    .filter(
      (n) =>
        (n.contactIds.some((id) => contacts.includes(id)) ||
          n.conversationIds.some((id) => conversations.includes(id)) ||
          (input.account_id !== undefined && n.accountIds.includes(input.account_id)) ||
          (input.opportunity_id !== undefined && n.opportunityIds.includes(input.opportunity_id)) ||
          (input.calendar_event_id !== undefined &&
            n.calendarEventIds.includes(input.calendar_event_id))) &&
        (since === null || n.createdAt >= since),
    )
    .sort((a, b) => {
      const d =
        (key === 'updated_at' ? a.updatedAt - b.updatedAt : a.createdAt - b.createdAt) * dir;
      return d !== 0 ? d : a.id < b.id ? -dir : dir;
    });
  const skip = input.skip ?? 0;
  const limit = Math.min(input.limit ?? DEFAULT_LIMIT, MAX_LIMIT);
  return success({ notes: rows.slice(skip, skip + limit).map(noteJson) });
}
