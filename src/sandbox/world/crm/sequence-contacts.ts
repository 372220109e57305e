// sequences.remove_contacts and sequences.activity_feed: changing where
// contacts stand in sequences, and reading a contact's sequence timeline.

import { createHash } from 'node:crypto';

import { iso } from '../format.js';
import { success, type WorldResult } from '../result.js';
import { contactJson, sequenceCounts, stepJson } from './json.js';
import { dropPendingMail, enrollment, recordEvent } from './outreach.js';
import type { ContactRecord, CrmContext } from './state.js';

/** Above this many contacts Apollo answers with a background job (our threshold; undocumented). */
export const removeSyncLimit = 100;

export interface RemoveContactsInput {
  emailer_campaign_ids: string[];
  contact_ids: string[];
  mode: 'mark_as_finished' | 'remove' | 'stop';
  stop_reason?: string;
}

/**
 * sequences.remove_contacts: `mark_as_finished` finishes the enrollments, `remove` deletes them,
 * `stop` pauses them where they are (our reading of "their progress halts"). Contacts or sequences
 * that are not the team's, and contacts not in a listed sequence, are left alone.
 */
export function removeContacts(
  ctx: CrmContext,
  input: RemoveContactsInput,
  userId: string,
): WorldResult {
  const { crm } = ctx;
  const now = ctx.now();
  const sequenceIds = [...new Set(input.emailer_campaign_ids)].filter((id) =>
    crm.sequences.has(id),
  );
  const touched: ContactRecord[] = [];
  for (const id of [...new Set(input.contact_ids)]) {
    const c = crm.contacts.get(id);
    if (!c) continue;
    for (const sequenceId of sequenceIds) {
      const s = enrollment(c, sequenceId);
      if (!s) continue;
      const event = { contactId: c.id, sequenceId, at: now, stepPosition: s.currentStepPosition };
      if (input.mode === 'remove') {
        c.campaigns = c.campaigns.filter((x) => x !== s);
        dropPendingMail(crm, c.id, sequenceId);
        recordEvent(crm, { ...event, type: 'removed' });
      } else if (input.mode === 'mark_as_finished') {
        if (s.status === 'finished') continue;
        s.status = 'finished';
        s.finishedAt = now;
        s.pausedAt = null;
        s.inactiveReason = 'manually finished';
        dropPendingMail(crm, c.id, sequenceId);
        recordEvent(crm, { ...event, type: 'completed' });
      } else {
        if (s.status !== 'active' && s.status !== 'paused') continue;
        s.status = 'paused';
        s.pausedAt = now;
        s.autoUnpauseAt = null;
        s.inactiveReason = input.stop_reason ?? 'manually stopped';
        recordEvent(crm, { ...event, type: 'paused', reason: s.inactiveReason });
      }
      c.updatedAt = now;
    }
    touched.push(c);
  }

  if (input.contact_ids.length > removeSyncLimit) {
    // Apollo's job echoes the caller's credentials in its params; the world never sees the key,
    // so it answers a key-shaped stand-in derived from the team (Gatehouse strips the field).
    const apiKey = createHash('sha256')
      .update(`key:${crm.team.id}`)
      .digest('base64url')
      .slice(0, 22);
    return success({
      entity_progress_job: {
        id: ctx.ids.next(now),
        user_id: userId,
        job_type: 'sequence_remove_stop_contacts',
        entity_ids: [...new Set(input.contact_ids)],
        params: {
          sequence_ids: sequenceIds,
          mode: input.mode,
          stop_reason: input.stop_reason ?? null,
          api_key: apiKey,
          access_token: null,
        },
        // The sandbox finishes the work before answering.
        progress: 1,
        batch_size: 999,
      },
    });
  }
  const totals = { active: 0, failed: 0, paused: 0, finished: 0, bounced: 0 };
  for (const id of sequenceIds) {
    const counts = sequenceCounts(crm, id);
    for (const k of Object.keys(totals) as Array<keyof typeof totals>) totals[k] += counts[k] ?? 0;
  }
  return success({
    contacts: touched.map((c) => contactJson(ctx, c)),
    emailer_campaigns: sequenceIds.map((id) => ({ id })),
    num_contacts: touched.length,
    contact_statuses: { ...totals, hard_bounced: 0, spam_blocked: 0, not_sent: 0 },
    emailer_steps: sequenceIds.flatMap((id) => {
      const q = crm.sequences.get(id)!;
      return q.steps.map((step) => stepJson(crm, q, step));
    }),
  });
}

/** `2026-07-28T10:26:55Z`: the activity feed's timestamps carry no milliseconds. */
const feedTime = (ms: number) => iso(ms).replace(/\.\d{3}Z$/, 'Z');

/** sequences.activity_feed: a contact's timeline, newest first, at most per_page (≤ 50). */
export function activityFeed(
  ctx: CrmContext,
  input: { contact_id: string; sequence_id?: string; per_page?: number },
): WorldResult {
  const { crm } = ctx;
  if (!crm.contacts.has(input.contact_id)) {
    return { ok: false, status: 404, body: { error: 'Contact not found' } };
  }
  const events = crm.outreach.events
    .map((e, i) => ({ e, i }))
    .filter(
      ({ e }) =>
        e.contactId === input.contact_id &&
        (input.sequence_id === undefined || e.sequenceId === input.sequence_id),
    )
    .sort((a, b) => b.e.at - a.e.at || b.i - a.i)
    .slice(0, input.per_page ?? 50)
    .map(({ e }) => {
      const q = crm.sequences.get(e.sequenceId);
      // Keys that do not apply are left out, never null.
      return {
        type: e.type,
        occurred_at: feedTime(e.at),
        sequence_id: e.sequenceId,
        ...(q ? { sequence_name: q.name } : {}),
        ...(e.stepPosition !== undefined && e.type !== 'paused' && e.type !== 'replied'
          ? { step_position: e.stepPosition }
          : {}),
        ...(e.type === 'paused' && e.reason ? { reason: e.reason } : {}),
        ...(e.type === 'replied' && e.messageId ? { emailer_message_id: e.messageId } : {}),
      };
    });
  return success({ contact_id: input.contact_id, events });
}
