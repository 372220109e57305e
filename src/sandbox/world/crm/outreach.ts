// How outreach moves with the clock: sequence emails are scheduled when a contact reaches an email
// step, and sent (or refused by a safeguard) once due while the sequence and the enrollment are
// active; an email queued by send_now is delivered a few seconds later. The world calls
// settleOutreach before every action, so every answer reflects the current time.

import { hash, hex8 } from '../hash.js';
import type { MessageRecord, SequenceEventRecord } from './outreach-state.js';
import type {
  CampaignStatusRecord,
  ContactRecord,
  Crm,
  CrmContext,
  SequenceRecord,
  StepRecord,
} from './state.js';

/** How long Apollo takes to deliver an email queued by send_now (it answers "wait up to 20 seconds"). */
export const SEND_DELAY_MS = 15_000;

const HOUR = 3_600_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The weekday and hour at `ms` in a time zone (the schedule's if the contact's is unknown). */
function localHour(ms: number, zones: string[]): { weekday: string; hour: number } {
  for (const zone of zones) {
    let f = formatters.get(zone);
    try {
      f ??= new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        weekday: 'long',
        hour: 'numeric',
        hourCycle: 'h23',
      });
    } catch {
      continue;
    }
    formatters.set(zone, f);
    const parts = f.formatToParts(ms);
    const weekday = parts.find((p) => p.type === 'weekday')?.value.toLowerCase() ?? '';
    const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
    return { weekday, hour };
  }
  return { weekday: '', hour: 0 };
}

/**
 * The first moment at or after `at` inside the sequence's sending schedule: Apollo sends
 * sequence emails only in the schedule's windows, in the contact's time zone when the schedule
 * says so. (Holidays are not modelled.) Two weeks without a window leaves the time as it is.
 */
export function nextSendTime(
  crm: Crm,
  q: SequenceRecord,
  c: ContactRecord | undefined,
  at: number,
): number {
  const schedule = crm.outreach.schedules.get(q.scheduleId);
  if (!schedule) return at;
  const zones = [
    ...(schedule.useContactsTimeZone && c?.timeZone ? [c.timeZone] : []),
    schedule.timeZone,
  ];
  let t = at;
  for (let i = 0; i < 24 * 14; i++) {
    const { weekday, hour } = localHour(t, zones);
    const windows = schedule.windows[weekday as keyof typeof schedule.windows] ?? [];
    if (windows.some(([start, end]) => hour >= start && hour < end)) return t;
    t = (Math.floor(t / HOUR) + 1) * HOUR;
  }
  return at;
}

/** Milliseconds of one unit of a step's wait. */
export function waitMs(step: Pick<StepRecord, 'waitTime' | 'waitMode'>): number {
  const unit = { minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000 }[
    step.waitMode
  ];
  return step.waitTime * unit;
}

/** Fills {{first_name}}-style variables from the contact (unknown variables become empty). */
export function render(template: string, c: ContactRecord | undefined, crm: Crm): string {
  const account = c?.accountId ? crm.accounts.get(c.accountId) : undefined;
  const values: Record<string, string | null | undefined> = {
    first_name: c?.firstName,
    last_name: c?.lastName,
    name: [c?.firstName, c?.lastName].filter(Boolean).join(' '),
    title: c?.title,
    company: account?.name ?? c?.organizationName,
    account_name: account?.name ?? c?.organizationName,
    email: c?.email,
  };
  return template.replace(/\{\{\s*([a-z_]+)\s*\}\}/gi, (_, key: string) =>
    Object.hasOwn(values, key.toLowerCase()) ? (values[key.toLowerCase()] ?? '') : '',
  );
}

/** Adds an entry to a contact's sequence timeline. */
export function recordEvent(crm: Crm, event: SequenceEventRecord): void {
  crm.outreach.events.push(event);
}

/** A message that has not gone out yet (drafted or waiting to be sent). */
export function isPending(m: MessageRecord): boolean {
  return m.status === 'drafted' || m.status === 'scheduled';
}

/** Deletes the unsent sequence emails of a contact in a sequence (after it leaves or finishes). */
export function dropPendingMail(crm: Crm, contactId: string, sequenceId: string): void {
  for (const m of [...crm.outreach.messages.values()]) {
    if (m.contactId === contactId && m.sequenceId === sequenceId && isPending(m)) {
      crm.outreach.messages.delete(m.id);
    }
  }
}

/** The contact's enrollment in a sequence, if any. */
export function enrollment(c: ContactRecord, sequenceId: string): CampaignStatusRecord | undefined {
  return c.campaigns.find((s) => s.sequenceId === sequenceId);
}

/** An email step's first approved touch: only approved touches send. */
function sendingTouch(step: StepRecord | undefined) {
  if (!step || step.type !== 'auto_email') return undefined;
  return step.touches.find((t) => t.status === 'approved');
}

/**
 * Schedules the email of the contact's current step when that step sends one and none is waiting,
 * due `wait` after `from` (the enrollment, or the previous email).
 */
export function scheduleStepMail(
  ctx: CrmContext,
  q: SequenceRecord,
  c: ContactRecord,
  s: CampaignStatusRecord,
  from: number,
): MessageRecord | undefined {
  const { crm } = ctx;
  const step = q.steps.find((x) => x.id === s.currentStepId);
  const touch = sendingTouch(step);
  if (!step || !touch || !c.email || s.status === 'finished' || s.status === 'failed') return;
  for (const m of crm.outreach.messages.values()) {
    if (m.contactId === c.id && m.stepId === step.id && m.sequenceId === q.id) return;
  }
  const now = ctx.now();
  const first = q.steps.find((x) => x.touches.some((t) => t.type === 'new_thread'));
  const threadSubject = first?.touches[0]?.subject ?? q.name;
  // An empty subject on a reply touch reuses the thread's subject.
  const subject =
    touch.subject || touch.type === 'new_thread' ? touch.subject : `Re: ${threadSubject}`;
  const m: MessageRecord = {
    id: ctx.ids.next(now),
    userId: s.sendFromUserId,
    contactId: c.id,
    accountId: c.accountId,
    mailboxId: s.mailboxId,
    type: 'outreach_automatic_email',
    status: 'scheduled',
    sequenceId: q.id,
    stepId: step.id,
    touchId: touch.id,
    templateId: touch.templateId,
    subject: render(subject, c, crm),
    bodyHtml: render(touch.bodyHtml ?? '', c, crm),
    recipients: [
      {
        email: c.email,
        name: [c.firstName, c.lastName].filter(Boolean).join(' ') || null,
        type: 'to',
        contactId: c.id,
      },
    ],
    attachmentIds: [...(touch.attachmentIds ?? [])],
    enableTracking: true,
    createdAt: now,
    dueAt: nextSendTime(crm, q, c, Math.max(from + waitMs(step), now)),
    completedAt: null,
    failedAt: null,
    failureReason: null,
    notSentReason: null,
    dueAtSource: null,
    dueAtManuallyChanged: false,
    asyncSending: false,
    bounce: null,
    spamBlocked: null,
    replied: null,
    replyClass: null,
    demoed: null,
    unsubscribed: false,
    opens: 0,
    clicks: 0,
    inResponseToId: null,
    outreachTaskId: null,
    providerMessageId: null,
    providerThreadId: null,
  };
  crm.outreach.messages.set(m.id, m);
  q.history.unique_scheduled = (q.history.unique_scheduled ?? 0) + 1;
  return m;
}

/** Schedules the waiting emails of every contact enrolled (active or paused) in a sequence. */
export function scheduleSequenceMail(ctx: CrmContext, q: SequenceRecord): void {
  for (const c of ctx.crm.contacts.values()) {
    const s = enrollment(c, q.id);
    if (s && (s.status === 'active' || s.status === 'paused')) {
      scheduleStepMail(ctx, q, c, s, s.addedAt);
    }
  }
}

function providerIds(crm: Crm, m: MessageRecord): void {
  const h = hash(m.createdAt % 4294967296, Number.parseInt(m.id.slice(-8), 16));
  m.providerMessageId = `${hex8(h)}${hex8(hash(h, 1)).slice(0, 8)}`.slice(0, 16);
  const thread = m.sequenceId
    ? [...crm.outreach.messages.values()].find(
        (x) => x.sequenceId === m.sequenceId && x.contactId === m.contactId && x.providerThreadId,
      )
    : undefined;
  m.providerThreadId = thread?.providerThreadId ?? m.providerMessageId;
}

/** Marks a message delivered at `at`. */
function deliver(ctx: CrmContext, m: MessageRecord, at: number): void {
  const { crm } = ctx;
  m.status = 'completed';
  m.completedAt = at;
  providerIds(crm, m);
  const c = m.contactId ? crm.contacts.get(m.contactId) : undefined;
  if (c && (c.lastActivityAt === null || c.lastActivityAt < at)) c.lastActivityAt = at;
  const q = m.sequenceId ? crm.sequences.get(m.sequenceId) : undefined;
  if (!q || !c) return;
  q.history.unique_delivered = (q.history.unique_delivered ?? 0) + 1;
  q.lastUsedAt = at;
  const s = enrollment(c, q.id);
  if (!s || s.currentStepId !== m.stepId) return;
  const index = q.steps.findIndex((x) => x.id === m.stepId);
  const next = q.steps[index + 1];
  if (!next) {
    // The last step has gone out: the contact has finished the sequence.
    s.status = 'finished';
    s.finishedAt = at;
    s.inactiveReason = 'Completed';
    recordEvent(crm, {
      contactId: c.id,
      sequenceId: q.id,
      type: 'completed',
      at,
      stepPosition: q.steps[index]?.position ?? index + 1,
    });
    return;
  }
  s.currentStepId = next.id;
  s.currentStepPosition = next.position;
  // Non-email steps become a user's task; the sandbox leaves the contact waiting on them.
  scheduleStepMail(ctx, q, c, s, at);
}

/** Why a due sequence email is not sent, when a safeguard of the sequence stops it. */
function safeguard(crm: Crm, q: SequenceRecord, c: ContactRecord | undefined) {
  const excluded = q.settings?.excluded_contact_stage_ids;
  if (!c || !Array.isArray(excluded) || !excluded.includes(c.stageId)) return null;
  const stage = crm.contactStages.find((x) => x.id === c.stageId)?.name ?? 'excluded';
  return {
    notSentReason: 'contact_stage_safeguard',
    failureReason: `Contact stage is ${stage}. Change stage for contact or adjust settings under Sequence => Settings and retry.`,
  };
}

/** Sends every email that is due by now; runs before each action. */
export function settleOutreach(ctx: CrmContext): void {
  const { crm } = ctx;
  const now = ctx.now();
  // Contacts added paused with auto_unpause_at start when that time comes.
  for (const c of crm.contacts.values()) {
    for (const s of c.campaigns) {
      if (s.status !== 'paused' || s.autoUnpauseAt === null) continue;
      const at = Date.parse(s.autoUnpauseAt);
      if (!(at <= now)) continue;
      s.status = 'active';
      s.pausedAt = null;
      s.autoUnpauseAt = null;
      s.inactiveReason = null;
      recordEvent(crm, { contactId: c.id, sequenceId: s.sequenceId, type: 'resumed', at });
    }
  }
  // Messages scheduled while settling are visited by the same loop (Map iteration order).
  for (const m of crm.outreach.messages.values()) {
    if (m.status !== 'scheduled' || m.dueAt === null) continue;
    if (m.asyncSending) {
      if (now >= m.dueAt + SEND_DELAY_MS) deliver(ctx, m, m.dueAt + SEND_DELAY_MS);
      continue;
    }
    if (m.type !== 'outreach_automatic_email' || now < m.dueAt) continue;
    const q = m.sequenceId ? crm.sequences.get(m.sequenceId) : undefined;
    const c = m.contactId ? crm.contacts.get(m.contactId) : undefined;
    const s = c && q ? enrollment(c, q.id) : undefined;
    if (!q || !q.active || q.archived || s?.status !== 'active') continue;
    const stop = safeguard(crm, q, c);
    if (stop) {
      m.status = 'failed';
      m.failedAt = m.dueAt;
      m.notSentReason = stop.notSentReason;
      m.failureReason = stop.failureReason;
      continue;
    }
    deliver(ctx, m, m.dueAt);
  }
}
