// Sequences as Apollo's JSON (the sequence, its steps and their touches), with live
// enrollment counts from the contacts' campaign statuses.

import { iso } from '../format.js';
import type { Crm, SequenceRecord, StepRecord } from './state.js';

type Json = Record<string, unknown>;

const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

/** Live enrollment counts of a sequence, by status. */
export function sequenceCounts(crm: Crm, sequenceId: string): Record<string, number> {
  const counts = { active: 0, paused: 0, finished: 0, failed: 0, bounced: 0 };
  for (const c of crm.contacts.values()) {
    for (const s of c.campaigns) {
      if (s.sequenceId !== sequenceId) continue;
      counts[s.status]++;
      if (s.failureReason === 'bounced' || s.failureReason === 'hard_bounced') counts.bounced++;
    }
  }
  return counts;
}

/** A sequence. */
export function sequenceJson(crm: Crm, q: SequenceRecord): Json {
  const counts = sequenceCounts(crm, q.id);
  const h = q.history;
  const delivered = h.unique_delivered ?? 0;
  const rate = (n: number) => (delivered ? Math.round((n / delivered) * 1000) / 1000 : 0);
  return {
    id: q.id,
    name: q.name,
    archived: q.archived,
    active: q.active,
    created_at: iso(q.createdAt),
    emailer_schedule_id: q.scheduleId,
    max_emails_per_day: null,
    user_id: q.userId,
    same_account_reply_policy_cd: null,
    excluded_account_stage_ids: [],
    excluded_contact_stage_ids: [],
    contact_email_event_to_stage_mapping: {},
    label_ids: [...q.labelIds],
    create_task_if_email_open: false,
    email_open_trigger_task_threshold: 3,
    mark_finished_if_click: false,
    mark_finished_if_reply: true,
    mark_finished_if_interested: true,
    mark_paused_if_ooo: true,
    days_to_wait_before_mark_as_response: 5,
    starred_by_user_ids: [],
    sequence_by_exact_daytime: null,
    last_used_at: isoOrNull(q.lastUsedAt),
    sequence_ruleset_id: null,
    folder_id: null,
    same_account_reply_delay_days: 30,
    is_performing_poorly: false,
    num_contacts_email_status_extrapolated: 0,
    remind_ab_test_results: false,
    ab_test_step_ids: [],
    prioritized_by_user: null,
    creation_type: 'new',
    num_steps: q.steps.length,
    unique_scheduled: h.unique_scheduled ?? 0,
    unique_delivered: delivered,
    unique_bounced: h.unique_bounced ?? 0,
    unique_opened: h.unique_opened ?? 0,
    unique_hard_bounced: h.unique_hard_bounced ?? 0,
    unique_spam_blocked: h.unique_spam_blocked ?? 0,
    unique_replied: h.unique_replied ?? 0,
    unique_demoed: h.unique_demoed ?? 0,
    unique_clicked: h.unique_clicked ?? 0,
    unique_unsubscribed: h.unique_unsubscribed ?? 0,
    bounce_rate: rate(h.unique_bounced ?? 0),
    hard_bounce_rate: rate(h.unique_hard_bounced ?? 0),
    open_rate: rate(h.unique_opened ?? 0),
    click_rate: rate(h.unique_clicked ?? 0),
    reply_rate: rate(h.unique_replied ?? 0),
    spam_block_rate: rate(h.unique_spam_blocked ?? 0),
    opt_out_rate: rate(h.unique_unsubscribed ?? 0),
    demo_rate: rate(h.unique_demoed ?? 0),
    loaded_stats: true,
    cc_emails: '',
    bcc_emails: '',
    underperforming_touches_count: 0,
    ...q.settings,
    contact_statuses: counts,
    sharing_permission: {
      visibility: q.sharing?.visibility ?? 'everyone',
      access_type: q.sharing ? q.sharing.accessType : 'can_view',
      object_type: 'EmailerCampaign',
      object_id: q.id,
      is_owner: false,
      owner_id: q.userId,
      sharing_accesses: (q.sharing?.accesses ?? []).map((a) => ({
        id: a.id,
        shared_by: a.sharedBy,
        user_or_team_id: a.userOrTeamId,
        user_or_team_type: a.userOrTeamType,
        access_type: a.accessType,
        object_id: q.id,
        object_type: 'EmailerCampaign',
        is_default: false,
      })),
    },
  };
}

/** The steps of a sequence with live counts. */
export function stepJson(crm: Crm, q: SequenceRecord, step: StepRecord): Json {
  const counts = { active: 0, paused: 0, finished: 0, bounced: 0 };
  for (const c of crm.contacts.values()) {
    for (const s of c.campaigns) {
      if (s.sequenceId !== q.id || s.currentStepId !== step.id) continue;
      if (s.status === 'failed') counts.bounced++;
      else counts[s.status]++;
    }
  }
  return {
    id: step.id,
    emailer_campaign_id: q.id,
    position: step.position,
    wait_time: step.waitTime,
    type: step.type,
    wait_mode: step.waitMode,
    note: step.note,
    max_emails_per_day: step.maxEmailsPerDay ?? null,
    exact_datetime: step.exactDatetime ?? null,
    priority: step.priority,
    auto_skip_in_x_days: step.autoSkipInXDays ?? null,
    counts,
    unique_scheduled: counts.active,
    unique_skipped: 0,
    unique_completed: counts.finished,
  };
}

/** The email touches of a sequence's steps. */
export function touchesJson(q: SequenceRecord): Json[] {
  return q.steps.flatMap((step) =>
    step.touches.map((t) => ({
      id: t.id,
      emailer_step_id: step.id,
      emailer_template_id: t.templateId,
      emailer_template: {
        id: t.templateId,
        name: t.subject,
        subject: t.subject,
        body_html: t.bodyHtml ?? null,
        archived: false,
      },
      status: t.status,
      type: t.type,
      include_signature: t.includeSignature ?? true,
      has_personalized_attachments: false,
      personalized_attachment_id: null,
      unique_scheduled: 0,
      unique_delivered: 0,
      unique_bounced: 0,
      unique_opened: 0,
      unique_replied: 0,
    })),
  );
}
