// emails.create, send_now, send_status, content and activities:
// a draft, its send, and what the team can read back about an email.

import { iso, isoOffset } from '../format.js';
import { invalidId, success, unprocessable, type WorldResult } from '../result.js';
import { bodyText, emailDailyThreshold, messageJson } from './outreach-json.js';
import type { MessageRecord, RecipientRecord } from './outreach-state.js';
import { SEND_DELAY_MS, render } from './outreach.js';
import type { ContactRecord, CrmContext, TaskRecord } from './state.js';

type Json = Record<string, unknown>;

const DAY = 86_400_000;
/** Apollo's documented wait before checking a queued email again. */
const RETRY_AFTER_SECONDS = 10;
/** The window in which Apollo says an email "is currently being sent" (it asks to wait 20 seconds). */
const SENDING_WINDOW_MS = 20_000;

// A plain address check for recipients: Apollo refuses the whole draft when one fails it.
// eslint-disable-next-line security/detect-unsafe-regex -- no nested quantifiers; linear
const addressPattern = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

function displayName(c: ContactRecord): string {
  return [c.firstName, c.lastName].filter(Boolean).join(' ') || (c.email ?? 'this contact');
}

/** Whether the acting user may email the contact: admins, its owner, or its account's owner. */
function mayEmail(ctx: CrmContext, userId: string, c: ContactRecord): boolean {
  const user = ctx.crm.users.get(userId);
  if (user?.admin) return true;
  const account = c.accountId ? ctx.crm.accounts.get(c.accountId) : undefined;
  return c.ownerId === userId || account?.ownerId === userId;
}

function noPermission(c: ContactRecord): WorldResult {
  return unprocessable(
    `You do not have permission to email ${displayName(c)}. You are not the owner of this contact or account.`,
  );
}

/** Apollo's do-not-contact refusal: the sandbox applies it to contacts in the Do Not Contact stage. */
function dncBlocked(ctx: CrmContext, c: ContactRecord): WorldResult | null {
  const stage = ctx.crm.contactStages.find((s) => s.id === c.stageId);
  if (stage?.name !== 'Do Not Contact') return null;
  return {
    ok: false,
    status: 422,
    body: {
      error: "Cannot be emailed under your team's DNC enforcement settings",
      error_code: 'DNC_ENFORCEMENT_BLOCKED',
    },
  };
}

function taskJson(t: TaskRecord): Json {
  return {
    id: t.id,
    user_id: t.userId,
    status: t.status,
    type: t.type,
    priority: t.priority,
    due_at: isoOffset(t.dueAt),
    completed_at: t.completedAt === null ? null : iso(t.completedAt),
    title: t.title,
    subject: null,
    contact_id: t.contactId,
    account_id: t.accountId,
    // Tasks made for a deal carry its id; seeded tasks have none.
    opportunity_id: (t as TaskRecord & { opportunityId?: string | null }).opportunityId ?? null,
    emailer_campaign_id: t.sequenceId,
    created_at: iso(t.createdAt),
  };
}

function answer(ctx: CrmContext, m: MessageRecord): WorldResult {
  const task = m.outreachTaskId ? ctx.crm.tasks.get(m.outreachTaskId) : undefined;
  return success({
    emailer_message: messageJson(ctx, m, { contact: 'condensed' }),
    ...(task ? { task: taskJson(task) } : {}),
  });
}

export interface CreateEmailInput {
  contact_id?: string;
  subject?: string;
  body_html?: string;
  recipients?: Array<{
    email: string;
    contact_id?: string;
    recipient_type_cd?: 'to' | 'cc' | 'bcc';
  }>;
  in_response_to_emailer_message_id?: string;
  emailer_template_id?: string;
  attachment_ids?: string[];
  enable_tracking?: boolean;
  outreach_task_id?: string;
}

/** emails.create: a draft from the acting user's default mailbox; nothing is sent. */
export function createEmail(ctx: CrmContext, input: CreateEmailInput, userId: string): WorldResult {
  const { crm } = ctx;
  const parent = input.in_response_to_emailer_message_id
    ? crm.outreach.messages.get(input.in_response_to_emailer_message_id)
    : undefined;
  if (input.in_response_to_emailer_message_id && !parent) {
    return invalidId(input.in_response_to_emailer_message_id);
  }
  const contactId = input.contact_id ?? parent?.contactId ?? null;
  const contact = contactId ? crm.contacts.get(contactId) : undefined;
  if (!contact) return unprocessable('Contact does not exist');
  if (!mayEmail(ctx, userId, contact)) return noPermission(contact);
  const dnc = dncBlocked(ctx, contact);
  if (dnc) return dnc;
  const invalid = (input.recipients ?? [])
    .map((r) => r.email)
    .filter((e) => !addressPattern.test(e));
  if (invalid.length) {
    return unprocessable(
      `ERROR! Email is NOT SAVED. Invalid recipient emails: ${JSON.stringify(invalid)}`,
    );
  }
  const task = input.outreach_task_id ? crm.tasks.get(input.outreach_task_id) : undefined;
  if (input.outreach_task_id && !task) return invalidId(input.outreach_task_id);

  const given: RecipientRecord[] = (input.recipients ?? []).map((r) => {
    const c = r.contact_id ? crm.contacts.get(r.contact_id) : undefined;
    return {
      email: r.email,
      name: c ? displayName(c) : null,
      type: r.recipient_type_cd ?? 'to',
      contactId: r.contact_id ?? null,
    };
  });
  // Without a to recipient the existing ones stay: the parent's, or the contact's address.
  const existing: RecipientRecord[] = parent
    ? parent.recipients.filter((r) => r.type === 'to')
    : contact.email
      ? [{ email: contact.email, name: displayName(contact), type: 'to', contactId: contact.id }]
      : [];
  const recipients = given.some((r) => r.type === 'to') ? given : [...existing, ...given];

  const template = input.emailer_template_id
    ? [...crm.sequences.values()]
        .flatMap((q) => q.steps.flatMap((s) => s.touches))
        .find((t) => t.templateId === input.emailer_template_id)
    : undefined;
  const subject =
    input.subject ??
    template?.subject ??
    (parent ? `Re: ${parent.subject.replace(/^Re: /, '')}` : '');
  const body = input.body_html ?? template?.bodyHtml ?? '';

  const reused = task
    ? [...crm.outreach.messages.values()].find(
        (m) => m.outreachTaskId === task.id && m.status === 'drafted',
      )
    : undefined;
  const now = ctx.now();
  const mailbox = [...crm.mailboxes.values()].find((m) => m.userId === userId && m.isDefault);
  const m: MessageRecord = reused ?? {
    id: ctx.ids.next(now),
    userId,
    contactId: contact.id,
    accountId: contact.accountId,
    mailboxId: mailbox?.id ?? null,
    type: 'outreach_manual_email',
    status: 'drafted',
    sequenceId: null,
    stepId: null,
    touchId: null,
    templateId: null,
    subject: '',
    bodyHtml: '',
    recipients: [],
    attachmentIds: [],
    enableTracking: true,
    createdAt: now,
    dueAt: null,
    completedAt: null,
    failedAt: null,
    failureReason: null,
    notSentReason: null,
    dueAtSource: null,
    dueAtManuallyChanged: null,
    asyncSending: null,
    bounce: null,
    spamBlocked: null,
    replied: null,
    replyClass: null,
    demoed: null,
    unsubscribed: false,
    opens: 0,
    clicks: 0,
    inResponseToId: parent?.id ?? null,
    outreachTaskId: task?.id ?? null,
    providerMessageId: null,
    providerThreadId: parent?.providerThreadId ?? null,
  };
  if (!reused || input.subject !== undefined || template) m.subject = render(subject, contact, crm);
  if (!reused || input.body_html !== undefined || template) m.bodyHtml = render(body, contact, crm);
  if (!reused || input.recipients) m.recipients = recipients;
  if (input.attachment_ids) m.attachmentIds = [...input.attachment_ids];
  if (input.enable_tracking !== undefined) m.enableTracking = input.enable_tracking;
  if (template) m.templateId = template.templateId;
  crm.outreach.messages.set(m.id, m);
  return answer(ctx, m);
}

/** emails.send_now: queues the email for delivery a few seconds later (a 200 is not delivery). */
export function sendNow(ctx: CrmContext, input: { id: string }, userId: string): WorldResult {
  const { crm } = ctx;
  const m = crm.outreach.messages.get(input.id);
  if (!m) return unprocessable('Could not find message to send.');
  const now = ctx.now();
  if (m.status === 'completed') return unprocessable('This email has already been sent!');
  if (
    m.status === 'scheduled' &&
    m.asyncSending &&
    m.dueAt !== null &&
    now < m.dueAt + SENDING_WINDOW_MS
  ) {
    return unprocessable(
      'This email is currently being sent already! Wait up to 20 seconds and refresh this page.',
    );
  }
  const user = crm.users.get(userId);
  const mailbox = m.mailboxId ? crm.mailboxes.get(m.mailboxId) : undefined;
  if (!mailbox) return unprocessable('Please specify where to send the email from!');
  if (mailbox.userId !== userId && !user?.admin) {
    return unprocessable('You do not have permission to send from this email account');
  }
  const task = m.outreachTaskId ? crm.tasks.get(m.outreachTaskId) : undefined;
  if (task && task.userId !== userId && !user?.admin) {
    return unprocessable('You can not send this email. Email task is assigned to another user.');
  }
  const contact = m.contactId ? crm.contacts.get(m.contactId) : undefined;
  if (contact) {
    if (!mayEmail(ctx, userId, contact)) return noPermission(contact);
    const dnc = dncBlocked(ctx, contact);
    if (dnc) return dnc;
  }
  let sentToday = 0;
  for (const x of crm.outreach.messages.values()) {
    const at = x.completedAt ?? (x.status === 'scheduled' && x.asyncSending ? x.dueAt : null);
    if (x.mailboxId === mailbox.id && at !== null && at > now - DAY && at <= now + SEND_DELAY_MS)
      sentToday++;
  }
  if (sentToday >= emailDailyThreshold) {
    return {
      ok: false,
      status: 422,
      body: {
        error:
          'You have reached your daily email sending limit. Contact your admin to adjust your sending limits.',
        error_code: 'SEND_NOW_LIMIT_EXCEEDED',
      },
    };
  }
  m.status = 'scheduled';
  m.dueAt = now;
  m.dueAtManuallyChanged = true;
  m.dueAtSource = 'Email was sent using Send Now action';
  m.asyncSending = true;
  m.failedAt = null;
  m.failureReason = null;
  m.notSentReason = null;
  return answer(ctx, m);
}

/** emails.send_status: where one email is (drafted, scheduled, completed, failed). */
export function sendStatus(ctx: CrmContext, input: { id: string }): WorldResult {
  const m = ctx.crm.outreach.messages.get(input.id);
  if (!m) return { ok: false, status: 404, body: { error: 'Email message not found' } };
  const now = ctx.now();
  switch (m.status) {
    case 'completed':
      return success({
        id: m.id,
        status: m.status,
        message: 'Email delivered successfully.',
        completed_at: iso(m.completedAt ?? now).replace(/\.\d{3}Z$/, 'Z'),
      });
    case 'failed':
      return success({
        id: m.id,
        status: m.status,
        message: 'Email failed to send.',
        not_sent_reason: m.notSentReason,
        failure_reason: m.failureReason,
        failed_at: iso(m.failedAt ?? now).replace(/\.\d{3}Z$/, 'Z'),
      });
    case 'scheduled': {
      // A sequence email due later is waiting for its time, not for the sender (our wording).
      const waiting = !m.asyncSending && m.dueAt !== null && m.dueAt > now;
      return success({
        id: m.id,
        status: m.status,
        message: waiting
          ? `Email is scheduled to be sent at ${iso(m.dueAt!)}.`
          : 'Email is still being processed. Try again in 10-20 seconds.',
        retry_after_seconds: waiting
          ? Math.max(RETRY_AFTER_SECONDS, Math.ceil((m.dueAt! - now) / 1000))
          : RETRY_AFTER_SECONDS,
      });
    }
    case 'drafted':
      // Apollo documents retry_after_seconds for drafts too; the sentence is our assumption.
      return success({
        id: m.id,
        status: m.status,
        message: 'Email is a draft and has not been sent yet.',
        retry_after_seconds: RETRY_AFTER_SECONDS,
      });
  }
}

/** emails.content: the first 10 ids that name sent outreach emails, in request order. */
export function emailContent(
  ctx: CrmContext,
  input: { ids: string[]; body_format?: string },
): WorldResult {
  // Case-sensitive: anything but exactly 'html' is plain.
  const format = input.body_format === 'html' ? 'html' : 'plain';
  const rows = input.ids
    .slice(0, 10)
    .map((id) => ctx.crm.outreach.messages.get(id))
    .filter((m): m is MessageRecord => m !== undefined && m.status === 'completed')
    .map((m) => ({
      id: m.id,
      subject: m.subject || null,
      body: format === 'html' ? m.bodyHtml || null : bodyText(m.bodyHtml),
      body_format: format,
      status: 'completed',
      sent_at: m.completedAt === null ? null : isoOffset(m.completedAt),
      recipients: m.recipients.map((r) => ({ email: r.email, type: r.type })),
    }));
  return success({ emailer_messages: rows });
}

/** emails.activities: one email in full, with its stats and the whole contact. */
export function emailActivities(ctx: CrmContext, input: { id: string }): WorldResult {
  const m = ctx.crm.outreach.messages.get(input.id);
  if (!m) return unprocessable('Could not find message.');
  // Apollo's reference shows an empty events list; the sandbox keeps counts, not events.
  const stats = { emailer_message_events: [], num_opens: m.opens, num_clicks: m.clicks };
  const inner = { ...messageJson(ctx, m, { campaign: true }), ...stats };
  return success({
    activities: [
      { id: m.id, type: 'emailer_message', emailer_message_id: m.id, emailer_message: inner },
    ],
    emailer_message: { ...messageJson(ctx, m, { contact: 'full', campaign: true }), ...stats },
  });
}
