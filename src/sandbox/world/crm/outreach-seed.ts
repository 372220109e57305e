// Seeds the team's outreach after the CRM: four sending schedules (one empty, which Apollo refuses
// to attach), template bodies for the seeded touches, the emails each seeded enrollment has had
// (sent for the steps behind it, scheduled for the step it is on), a dozen one-off emails, and the
// contacts' sequence timelines. Its own random stream, so the rest of the CRM is unchanged.

import { DAY_MS } from '../format.js';
import { hash, salt, stream } from '../hash.js';
import type { IdGen } from './ids.js';
import { nextSendTime, render, waitMs } from './outreach.js';
import type { MessageRecord, ScheduleRecord, Weekday } from './outreach-state.js';
import type { CampaignStatusRecord, ContactRecord, Crm, SequenceRecord } from './state.js';

const HOUR = 3_600_000;
const weekdays: Weekday[] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'];

const scheduleRows: Array<Omit<ScheduleRecord, 'id' | 'createdAt'>> = [
  {
    name: 'Normal Business Hours',
    isDefault: true,
    timeZone: 'America/New_York',
    windows: Object.fromEntries(weekdays.map((d) => [d, [[8, 17]]])),
    useContactsTimeZone: true,
    skipHolidays: true,
  },
  {
    name: 'West Coast Afternoons',
    isDefault: false,
    timeZone: 'America/Los_Angeles',
    windows: { monday: [[12, 17]], wednesday: [[12, 17]], friday: [[12, 17]] },
    useContactsTimeZone: false,
    skipHolidays: true,
  },
  {
    name: 'EMEA Mornings',
    isDefault: false,
    timeZone: 'Europe/London',
    windows: Object.fromEntries(weekdays.slice(0, 4).map((d) => [d, [[8, 12]]])),
    useContactsTimeZone: true,
    skipHolidays: true,
  },
  {
    // No sending windows: Apollo refuses to attach an empty schedule to a sequence.
    name: 'Holiday Freeze',
    isDefault: false,
    timeZone: 'America/New_York',
    windows: {},
    useContactsTimeZone: false,
    skipHolidays: true,
  },
];

const oneOffSubjects = [
  'Following up on our call',
  'Quick question about your Q1 plans',
  'The case study I mentioned',
  'Intro: our team and yours',
  'Pricing for the pilot',
  'Notes from today',
];
const replyClasses = ['willing_to_meet', 'follow_up_question', 'not_interested', 'out_of_office'];

function newThreadBody(sequenceName: string): string {
  return (
    '<p>Hi {{first_name}},</p><p>Teams like {{company}} use us to cut the time their reps spend on ' +
    `research. Worth a short call next week?</p><p>(${sequenceName})</p>`
  );
}

const replyBody = '<p>Hi {{first_name}}, just floating this back to the top of your inbox.</p>';

/** Seeds schedules, messages and timelines; runs last in seedCrm. */
export function seedOutreach(crm: Crm, s: number, ids: IdGen, t0: number): void {
  const rnd = stream(hash(s, salt.crmSeed, 0x6f75));
  const u = () => rnd() / 4294967296;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(u() * list.length)]!;
  const out = crm.outreach;

  const schedules = scheduleRows.map((row, i): ScheduleRecord => {
    const createdAt = crm.team.createdAt + (1 + i * 40) * DAY_MS;
    return { ...row, id: ids.next(createdAt), createdAt };
  });
  for (const sc of schedules) out.schedules.set(sc.id, sc);
  const sequences = [...crm.sequences.values()];
  sequences.forEach((q, i) => {
    q.scheduleId = schedules[i % 3]!.id;
    for (const step of q.steps) {
      for (const t of step.touches) {
        t.bodyHtml ??= t.type === 'new_thread' ? newThreadBody(q.name) : replyBody;
      }
    }
  });

  const mailboxOf = (userId: string) =>
    [...crm.mailboxes.values()].find((m) => m.userId === userId && m.isDefault) ?? null;
  const base = (
    at: number,
    c: ContactRecord,
    userId: string,
    fields: Partial<MessageRecord>,
  ): MessageRecord => ({
    id: ids.next(at),
    userId,
    contactId: c.id,
    accountId: c.accountId,
    mailboxId: mailboxOf(userId)?.id ?? null,
    type: 'outreach_manual_email',
    status: 'completed',
    sequenceId: null,
    stepId: null,
    touchId: null,
    templateId: null,
    subject: '',
    bodyHtml: '',
    recipients: [
      {
        email: c.email ?? '',
        name: [c.firstName, c.lastName].filter(Boolean).join(' ') || null,
        type: 'to',
        contactId: c.id,
      },
    ],
    attachmentIds: [],
    enableTracking: true,
    createdAt: at,
    dueAt: at,
    completedAt: null,
    failedAt: null,
    failureReason: null,
    notSentReason: null,
    dueAtSource: null,
    dueAtManuallyChanged: false,
    asyncSending: false,
    bounce: false,
    spamBlocked: false,
    replied: false,
    replyClass: null,
    demoed: false,
    unsubscribed: false,
    opens: 0,
    clicks: 0,
    inResponseToId: null,
    outreachTaskId: null,
    providerMessageId: null,
    providerThreadId: null,
    ...fields,
  });
  const engagement = () => {
    const opens = u() < 0.45 ? 1 + Math.floor(u() * 4) : 0;
    return { opens, clicks: opens > 0 && u() < 0.25 ? 1 : 0 };
  };
  const providerId = (m: MessageRecord) => {
    m.providerMessageId =
      hash(s, salt.crmSeed, m.createdAt % 4294967296)
        .toString(16)
        .padStart(8, '0') + m.id.slice(-8);
    m.providerThreadId = m.providerMessageId;
  };

  // The emails of each seeded enrollment, and its timeline.
  for (const c of crm.contacts.values()) {
    for (const st of c.campaigns) {
      const q = crm.sequences.get(st.sequenceId);
      if (q) seedEnrollment(q, c, st);
    }
  }

  function seedEnrollment(q: SequenceRecord, c: ContactRecord, st: CampaignStatusRecord): void {
    if (!q.active && st.status === 'paused') st.inactiveReason = 'Sequence inactive';
    out.events.push({
      contactId: c.id,
      sequenceId: q.id,
      type: 'enrolled',
      at: st.addedAt,
      stepPosition: 1,
    });
    const current = st.currentStepPosition - 1;
    const end = st.finishedAt ?? t0;
    let at = st.addedAt;
    let thread: string | null = null;
    let last: MessageRecord | null = null;
    q.steps.forEach((step, k) => {
      if (k > current) return;
      at += waitMs(step);
      const touch = step.type === 'auto_email' ? step.touches[0] : undefined;
      if (!touch || !c.email) return;
      const here = k === current && st.status !== 'finished';
      const sentAt = Math.min(at, end - (current - k + 1) * HOUR);
      const fields: Partial<MessageRecord> = {
        type: 'outreach_automatic_email',
        userId: st.sendFromUserId,
        mailboxId: st.mailboxId,
        sequenceId: q.id,
        stepId: step.id,
        touchId: touch.id,
        templateId: touch.templateId,
        subject: render(touch.subject, c, crm),
        bodyHtml: render(touch.bodyHtml ?? '', c, crm),
        dueAt: sentAt,
      };
      let m: MessageRecord;
      if (here && (st.status === 'active' || st.status === 'paused')) {
        // The email of the step the contact is on waits for its turn (not sent while paused).
        const due = nextSendTime(crm, q, c, Math.max(at, t0 + (1 + Math.floor(u() * 72)) * HOUR));
        m = base(Math.min(st.addedAt + HOUR, t0), c, st.sendFromUserId, {
          ...fields,
          status: 'scheduled',
          dueAt: due,
          bounce: null,
          spamBlocked: null,
          replied: null,
          demoed: null,
        });
      } else if (here && st.status === 'failed') {
        m = base(sentAt - HOUR, c, st.sendFromUserId, {
          ...fields,
          completedAt: sentAt,
          bounce: true,
        });
        providerId(m);
      } else {
        m = base(sentAt - HOUR, c, st.sendFromUserId, {
          ...fields,
          completedAt: sentAt,
          ...engagement(),
        });
        providerId(m);
        thread ??= m.providerThreadId;
        m.providerThreadId = thread;
        last = m;
      }
      out.messages.set(m.id, m);
    });
    const lastSent = last as MessageRecord | null;
    if (st.status === 'paused' && st.pausedAt !== null) {
      out.events.push({
        contactId: c.id,
        sequenceId: q.id,
        type: 'paused',
        at: st.pausedAt,
        reason: st.inactiveReason ?? 'manually paused',
      });
    }
    if (st.status === 'finished' && st.finishedAt !== null) {
      if (lastSent && lastSent.completedAt !== null && u() < 0.5) {
        lastSent.replied = true;
        lastSent.replyClass = pick(replyClasses);
        out.events.push({
          contactId: c.id,
          sequenceId: q.id,
          type: 'replied',
          at: Math.min(lastSent.completedAt + 2 * HOUR, st.finishedAt),
          messageId: lastSent.id,
        });
      }
      out.events.push({
        contactId: c.id,
        sequenceId: q.id,
        type: 'completed',
        at: st.finishedAt,
        stepPosition: st.currentStepPosition,
      });
    }
    if (st.status === 'failed' && st.finishedAt !== null) {
      out.events.push({
        contactId: c.id,
        sequenceId: q.id,
        type: 'failed',
        at: st.finishedAt,
        stepPosition: st.currentStepPosition,
      });
    }
  }

  // One-off emails: drafts, sent ones, and two that failed on a disconnected mailbox.
  const withEmail = [...crm.contacts.values()].filter((c) => c.email);
  for (let k = 0; k < 12; k++) {
    const c = pick(withEmail);
    const userId = c.ownerId ?? [...crm.users.keys()][0]!;
    const at = t0 - (1 + Math.floor(u() * 30)) * DAY_MS - Math.floor(u() * DAY_MS);
    const subject = pick(oneOffSubjects);
    const bodyHtml = render(
      `<p>Hi {{first_name}},</p><p>${subject}: here is what we discussed.</p>`,
      c,
      crm,
    );
    const fields: Partial<MessageRecord> =
      k < 3
        ? { status: 'drafted', dueAt: null, bounce: null, spamBlocked: null, replied: null }
        : k < 10
          ? { completedAt: at + 5 * 60_000, ...engagement() }
          : {
              status: 'failed',
              failedAt: at + 5 * 60_000,
              notSentReason: 'no_active_email_account',
              failureReason: 'Mailbox disconnected',
              bounce: null,
              spamBlocked: null,
              replied: null,
            };
    const m = base(at, c, userId, { subject, bodyHtml, ...fields });
    if (m.status === 'completed') providerId(m);
    out.messages.set(m.id, m);
  }
}
