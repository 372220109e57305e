// sequences.create, update, approve, abort and archive.
// Turning a sequence off pauses its active contacts ("Sequence inactive"); turning it on resumes
// those and only those, leaving contacts paused by hand as they are.

import { invalidId, success, unprocessable, type WorldResult } from '../result.js';
import { sequenceJson, stepJson, touchesJson } from './json.js';
import {
  dropPendingMail,
  enrollment,
  nextSendTime,
  recordEvent,
  scheduleSequenceMail,
} from './outreach.js';
import { editSteps, newSteps, type StepInput, type StepUpdate } from './sequence-steps.js';
import type { CrmContext, SequenceRecord } from './state.js';

type Json = Record<string, unknown>;

const recordNotFound = (): WorldResult => ({
  ok: false,
  status: 404,
  body: { error: 'Record not found.' },
});

const sequenceInactive = 'Sequence inactive';

/** Settings stored as given and answered under the same names. */
const settingKeys = [
  'folder_id',
  'sequence_by_exact_daytime',
  'max_emails_per_day',
  'mark_finished_if_reply',
  'mark_finished_if_click',
  'mark_finished_if_interested',
  'mark_paused_if_ooo',
  'days_to_wait_before_mark_as_response',
  'create_task_if_email_open',
  'email_open_trigger_task_threshold',
  'same_account_reply_delay_days',
  'excluded_account_stage_ids',
  'excluded_contact_stage_ids',
  'ignore_apollo_global_email_bounce_list',
  'sequence_ruleset_id',
  'creation_type',
  'cc_emails',
  'bcc_emails',
] as const;

/** A schedule id, checked: the team's, and not empty. */
function checkSchedule(ctx: CrmContext, id: string | undefined): WorldResult | null {
  if (id === undefined) return null;
  const schedule = ctx.crm.outreach.schedules.get(id);
  if (!schedule) return invalidId(id);
  if (Object.values(schedule.windows).every((w) => !w || w.length === 0)) {
    return unprocessable(
      'The schedule you are trying to attach to this sequence is empty. You cannot attach an empty schedule to the sequence',
    );
  }
  return null;
}

/** Ids of the sequence lists with these names, creating the missing ones. */
function sequenceLabelIds(ctx: CrmContext, names: readonly string[]): string[] {
  const labels = ctx.crm.outreach.sequenceLabels;
  return [...new Set(names.map((n) => n.trim()))].map((name) => {
    const found = [...labels.values()].find((l) => l.name.toLowerCase() === name.toLowerCase());
    if (found) return found.id;
    const id = ctx.ids.next(ctx.now());
    labels.set(id, { id, name });
    return id;
  });
}

function pickSettings(input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of settingKeys) if (input[k] !== undefined) out[k] = input[k];
  return out;
}

/** Turns a sequence on: the contacts it paused resume, and their waiting emails are due now. */
function turnOn(ctx: CrmContext, q: SequenceRecord): void {
  const now = ctx.now();
  q.active = true;
  for (const c of ctx.crm.contacts.values()) {
    const s = enrollment(c, q.id);
    if (!s || s.status !== 'paused' || s.inactiveReason !== sequenceInactive) continue;
    s.status = 'active';
    s.inactiveReason = null;
    s.pausedAt = null;
    recordEvent(ctx.crm, { contactId: c.id, sequenceId: q.id, type: 'resumed', at: now });
  }
  for (const m of ctx.crm.outreach.messages.values()) {
    if (m.sequenceId === q.id && m.status === 'scheduled' && m.dueAt !== null && m.dueAt < now) {
      const c = m.contactId ? ctx.crm.contacts.get(m.contactId) : undefined;
      m.dueAt = nextSendTime(ctx.crm, q, c, now);
    }
  }
  scheduleSequenceMail(ctx, q);
}

/** Turns a sequence off: every active contact is paused. */
function turnOff(ctx: CrmContext, q: SequenceRecord): void {
  const now = ctx.now();
  q.active = false;
  for (const c of ctx.crm.contacts.values()) {
    const s = enrollment(c, q.id);
    if (!s || s.status !== 'active') continue;
    s.status = 'paused';
    s.inactiveReason = sequenceInactive;
    recordEvent(ctx.crm, {
      contactId: c.id,
      sequenceId: q.id,
      type: 'paused',
      at: now,
      reason: sequenceInactive,
    });
  }
}

export interface CreateSequenceInput extends Record<string, unknown> {
  name: string;
  active?: boolean;
  emailer_schedule_id?: string;
  label_names?: string[];
  emailer_steps?: StepInput[];
}

/** sequences.create: owned by the acting user whatever user_id says; restricted until shared. */
export function createSequence(
  ctx: CrmContext,
  input: CreateSequenceInput,
  userId: string,
): WorldResult {
  const { crm } = ctx;
  const badSchedule = checkSchedule(ctx, input.emailer_schedule_id);
  if (badSchedule) return badSchedule;
  const steps = newSteps(ctx, input.emailer_steps ?? [], input.sequence_by_exact_daytime === true);
  if (!steps.ok) return steps.error;
  const scheduleId =
    input.emailer_schedule_id ??
    [...crm.outreach.schedules.values()].find((s) => s.isDefault)?.id ??
    ctx.ids.next(ctx.now());
  const now = ctx.now();
  const q: SequenceRecord = {
    id: ctx.ids.next(now),
    name: input.name,
    archived: false,
    active: false,
    userId,
    scheduleId,
    labelIds: input.label_names ? sequenceLabelIds(ctx, input.label_names) : [],
    steps: steps.value,
    createdAt: now,
    lastUsedAt: null,
    history: {},
    updatedAt: now,
    settings: pickSettings(input),
    sharing: { visibility: 'restricted', accessType: null, accesses: [] },
  };
  crm.sequences.set(q.id, q);
  if (input.active === true) turnOn(ctx, q);
  return success({
    emailer_campaign: {
      ...sequenceJson(crm, q),
      object_owner_id: q.userId,
      description: null,
      status_reason: 'manual_approve',
      auto_pause_enabled: false,
      auto_pause_config: {
        evaluation_window_days: 7,
        min_volume: 200,
        warning_threshold_pct: 7,
        auto_pause_threshold_pct: 10,
      },
      allowed_send_from_domains: [],
      dmp_ids: [],
      product_profile_ids: [],
    },
    sharing_accesses: [],
    emailer_steps: q.steps.map((s) => stepJson(crm, q, s)),
    emailer_touches: touchesJson(q),
    emailer_templates: templatesJson(q),
    attachments: [],
    team: { id: crm.team.id, sequences_finder_empty: false },
  });
}

function templatesJson(q: SequenceRecord): Json[] {
  return q.steps.flatMap((s) =>
    s.touches.map((t) => ({
      id: t.templateId,
      name: null,
      user_id: q.userId,
      subject: t.subject,
      body_html: t.bodyHtml ?? null,
      body_text: null,
      archived: null,
      global: false,
      folder_id: null,
      label_ids: [],
      created_at: new Date(q.updatedAt ?? q.createdAt).toISOString(),
    })),
  );
}

type Access = 'can_view' | 'can_edit' | 'full_access';

export interface UpdateSequenceInput extends Record<string, unknown> {
  id: string;
  name?: string;
  active?: boolean;
  user_id?: string;
  emailer_schedule_id?: string;
  label_names?: string[];
  sharing_permission?: {
    visibility?: 'restricted' | 'everyone';
    access_type?: Access;
    added_sharing_accesses?: Array<{
      user_or_team_id: string;
      user_or_team_type?: 'user' | 'team' | 'subteam';
      access_type?: Access;
    }>;
    updated_sharing_accesses?: Array<{ user_or_team_id: string; access_type?: Access }>;
    deleted_sharing_accesses?: Array<{ user_or_team_id: string }>;
  };
  emailer_steps?: StepUpdate[];
}

/** sequences.update: user_id reassigns the owner; emailer_steps is the complete list of steps. */
export function updateSequence(
  ctx: CrmContext,
  input: UpdateSequenceInput,
  userId: string,
): WorldResult {
  const { crm } = ctx;
  const q = crm.sequences.get(input.id);
  if (!q) return recordNotFound();
  if (input.user_id !== undefined && !crm.users.has(input.user_id)) return invalidId(input.user_id);
  const badSchedule = checkSchedule(ctx, input.emailer_schedule_id);
  if (badSchedule) return badSchedule;
  if (input.emailer_steps) {
    const edited = editSteps(ctx, q, input.emailer_steps);
    if (!edited.ok) return edited.error;
    const kept = new Set(edited.value.map((s) => s.id));
    q.steps = edited.value;
    for (const c of crm.contacts.values()) {
      const s = enrollment(c, q.id);
      if (s?.currentStepId && !kept.has(s.currentStepId)) {
        // The step the contact was on is gone: it carries on from the first step.
        s.currentStepId = q.steps[0]?.id ?? null;
        s.currentStepPosition = 1;
        dropPendingMail(crm, c.id, q.id);
      }
    }
  }
  if (input.name !== undefined) q.name = input.name;
  if (input.user_id !== undefined) q.userId = input.user_id;
  if (input.emailer_schedule_id !== undefined) q.scheduleId = input.emailer_schedule_id;
  if (input.label_names) q.labelIds = sequenceLabelIds(ctx, input.label_names);
  q.settings = { ...q.settings, ...pickSettings(input) };
  if (input.sharing_permission) share(ctx, q, input.sharing_permission, userId);
  if (input.active === true && !q.active && !q.archived) turnOn(ctx, q);
  else if (input.active === false && q.active) turnOff(ctx, q);
  else if (q.active) scheduleSequenceMail(ctx, q);
  q.updatedAt = ctx.now();
  const created = new Date(q.createdAt).toISOString();
  const touches = q.steps.flatMap((s) => s.touches);
  return success({
    id: q.id,
    name: q.name,
    active: q.active,
    archived: q.archived,
    created_at: created,
    updated_at: new Date(q.updatedAt).toISOString(),
    num_steps: q.steps.length,
    steps: q.steps.map((s) => ({
      id: s.id,
      position: s.position,
      step_type: s.type,
      wait_time: s.waitTime,
      wait_mode: s.waitMode,
      auto_skip_in_x_days: s.autoSkipInXDays ?? null,
    })),
    emailer_campaign: { id: q.id, name: q.name, active: q.active },
    emailer_steps: q.steps.map((s) => ({ id: s.id, position: s.position })),
    emailer_touches: touches.map((t) => ({ id: t.id, status: t.status })),
  });
}

/** Applies a sharing change; visibility resets the team's access (everyone → can_view). */
function share(
  ctx: CrmContext,
  q: SequenceRecord,
  p: NonNullable<UpdateSequenceInput['sharing_permission']>,
  userId: string,
): void {
  const sharing = q.sharing ?? { visibility: 'everyone', accessType: 'can_view', accesses: [] };
  if (p.visibility) {
    sharing.visibility = p.visibility;
    sharing.accessType = p.visibility === 'everyone' ? 'can_view' : null;
  }
  if (p.access_type && sharing.visibility === 'everyone') sharing.accessType = p.access_type;
  for (const a of p.added_sharing_accesses ?? []) {
    if (a.user_or_team_id === q.userId) continue;
    sharing.accesses = sharing.accesses.filter((x) => x.userOrTeamId !== a.user_or_team_id);
    sharing.accesses.push({
      id: ctx.ids.next(ctx.now()),
      userOrTeamId: a.user_or_team_id,
      userOrTeamType: a.user_or_team_type ?? 'user',
      accessType: a.access_type ?? 'can_view',
      sharedBy: userId,
    });
  }
  for (const a of p.updated_sharing_accesses ?? []) {
    const found = sharing.accesses.find((x) => x.userOrTeamId === a.user_or_team_id);
    if (found && a.access_type) found.accessType = a.access_type;
  }
  const deleted = new Set((p.deleted_sharing_accesses ?? []).map((a) => a.user_or_team_id));
  sharing.accesses = sharing.accesses.filter((x) => !deleted.has(x.userOrTeamId));
  q.sharing = sharing;
}

function switchAnswer(ctx: CrmContext, q: SequenceRecord): WorldResult {
  return success({
    emailer_campaign: {
      id: q.id,
      unique_scheduled: q.history.unique_scheduled ?? 0,
      active: q.active,
    },
    emailer_steps: q.steps.map((s) => ({
      id: s.id,
      emailer_campaign_id: q.id,
      position: s.position,
      wait_time: s.waitTime,
      type: s.type,
      note: s.note,
    })),
  });
}

/** sequences.approve: activates the sequence; its paused-by-sequence contacts resume. */
export function approveSequence(ctx: CrmContext, input: { sequence_id: string }): WorldResult {
  const q = ctx.crm.sequences.get(input.sequence_id);
  if (!q) return recordNotFound();
  // An archived sequence cannot be turned on again (Apollo's wording is undocumented).
  if (q.archived) return unprocessable('The sequence is archived and cannot be activated.');
  if (q.active) return unprocessable('The sequence is already active.');
  if (q.steps.length === 0) {
    return unprocessable(
      'Please make sure you have added at least 1 step before turning on the sequence.',
    );
  }
  turnOn(ctx, q);
  return switchAnswer(ctx, q);
}

/** sequences.abort: deactivates the sequence; all its active contacts are paused. */
export function abortSequence(ctx: CrmContext, input: { sequence_id: string }): WorldResult {
  const q = ctx.crm.sequences.get(input.sequence_id);
  if (!q) return recordNotFound();
  if (!q.active) return unprocessable('The sequence is already inactive.');
  turnOff(ctx, q);
  return switchAnswer(ctx, q);
}

/** sequences.archive: inactive and archived, and every active or paused contact is finished. */
export function archiveSequence(ctx: CrmContext, input: { sequence_id: string }): WorldResult {
  const { crm } = ctx;
  const q = crm.sequences.get(input.sequence_id);
  if (!q) return recordNotFound();
  const now = ctx.now();
  q.active = false;
  q.archived = true;
  for (const c of crm.contacts.values()) {
    const s = enrollment(c, q.id);
    if (!s || (s.status !== 'active' && s.status !== 'paused')) continue;
    s.status = 'finished';
    s.finishedAt = now;
    s.pausedAt = null;
    s.inactiveReason = 'Sequence archived';
    c.updatedAt = now;
    dropPendingMail(crm, c.id, q.id);
    recordEvent(crm, {
      contactId: c.id,
      sequenceId: q.id,
      type: 'completed',
      at: now,
      stepPosition: s.currentStepPosition,
    });
  }
  return success({ emailer_campaign: { id: q.id, active: false, archived: true, deleted: true } });
}
