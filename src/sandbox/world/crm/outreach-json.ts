// Outreach records as Apollo's JSON: emailer messages,
// email accounts (#46) and sending schedules (#47).

import { createHash } from 'node:crypto';

import { iso, isoOffset } from '../format.js';
import { contactJson } from './json.js';
import type { MessageRecord, ScheduleRecord } from './outreach-state.js';
import type { Crm, CrmContext, MailboxRecord } from './state.js';

type Json = Record<string, unknown>;

const offsetOrNull = (ms: number | null): string | null => (ms === null ? null : isoOffset(ms));

/** The text of an HTML body: tags dropped, entities for the common characters decoded. */
export function bodyText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{2,}/g, '\n')
    .trim();
}

/** The sender's display name: the user's name. */
function senderName(crm: Crm, m: MessageRecord): string | null {
  const u = crm.users.get(m.userId);
  return u ? `${u.firstName} ${u.lastName}` : null;
}

/** The contact in Apollo's condensed form (drafts and sends). */
function condensedContact(ctx: CrmContext, contactId: string | null): Json | null {
  const c = contactId ? ctx.crm.contacts.get(contactId) : undefined;
  if (!c) return null;
  return {
    id: c.id,
    first_name: c.firstName,
    last_name: c.lastName,
    name: [c.firstName, c.lastName].filter(Boolean).join(' ') || null,
    email: c.email,
    title: c.title,
    organization_name: c.organizationName,
    account_id: c.accountId,
    owner_id: c.ownerId,
    email_status: c.emailStatus,
  };
}

/** What a message shows besides its own fields. */
export interface MessageView {
  /** `condensed` for drafts and sends, `full` (the whole contact) for email stats. */
  contact?: 'condensed' | 'full';
  /** Search rows and stats add the sequence's name and limits. */
  campaign?: boolean;
}

/** An emailer message. */
export function messageJson(ctx: CrmContext, m: MessageRecord, view: MessageView = {}): Json {
  const { crm } = ctx;
  const mailbox = m.mailboxId ? crm.mailboxes.get(m.mailboxId) : undefined;
  const to = m.recipients.find((r) => r.type === 'to') ?? null;
  const name = senderName(crm, m);
  const contact = m.contactId ? crm.contacts.get(m.contactId) : undefined;
  const out: Json = {
    id: m.id,
    user_id: m.userId,
    status: m.status,
    time_zone: contact?.timeZone ?? null,
    provider_message_id: m.providerMessageId,
    to_name: to?.name ?? null,
    due_at: offsetOrNull(m.dueAt),
    completed_at: offsetOrNull(m.completedAt),
    emailer_touch_id: m.touchId,
    emailer_campaign_id: m.sequenceId,
    emailer_step_id: m.stepId,
    failed_at: offsetOrNull(m.failedAt),
    failure_reason: m.failureReason,
    attachment_ids: [...m.attachmentIds],
    enable_tracking: m.enableTracking,
    type: m.type,
    contact_id: m.contactId,
    provider_thread_id: m.providerThreadId,
    schedule_delayed_reason: null,
    demoed: m.demoed,
    email_account_id: m.mailboxId,
    due_at_manually_changed: m.dueAtManuallyChanged,
    not_sent_reason: m.notSentReason,
    bounce: m.bounce,
    spam_blocked: m.spamBlocked,
    tracking_disabled_reason: m.enableTracking ? null : 'tracking_disabled_by_user',
    created_at: iso(m.createdAt),
    async_sending: m.asyncSending,
    due_at_source: m.dueAtSource,
    crm_id: null,
    replied: m.replied,
    needs_dynamic_assemble: m.type === 'outreach_automatic_email',
    personalized_opener: null,
    reply_class: m.replyClass,
    schedule_delayed_limit_reason: null,
    schedule_delayed_reason_details: null,
    sensitive_info_redacted: null,
    account_id: m.accountId,
    conversation_id: null,
    click_tracking_enabled: m.enableTracking,
    open_tracking_enabled: m.enableTracking,
    ai_variables_status: null,
    recipients: m.recipients.map((r) => ({
      email: r.email,
      raw_name: r.name,
      recipient_type_cd: r.type,
      contact_id: r.contactId,
      user_id: null,
    })),
    send_from: {
      email: mailbox?.email ?? null,
      raw_name: name,
      recipient_type_cd: null,
      contact_id: null,
      user_id: m.userId,
    },
    from_email: mailbox?.email ?? null,
    to_email: to?.email ?? null,
    from_name: name,
    bcc_emails: m.recipients.filter((r) => r.type === 'bcc').map((r) => r.email),
    cc_emails: m.recipients.filter((r) => r.type === 'cc').map((r) => r.email),
    send_from_info: mailbox ? `${mailbox.id}***${mailbox.email}` : null,
    body_text: bodyText(m.bodyHtml),
    body_html: m.bodyHtml,
    body_html_loaded: true,
    appendment_html: '',
    appendment_html_loaded: true,
    subject: m.subject,
  };
  if (view.contact === 'condensed') out.contact = condensedContact(ctx, m.contactId);
  if (view.contact === 'full') out.contact = contact ? contactJson(ctx, contact) : null;
  if (view.campaign) {
    const q = m.sequenceId ? crm.sequences.get(m.sequenceId) : undefined;
    const step = q?.steps.find((s) => s.id === m.stepId);
    out.campaign_name = q?.name ?? null;
    out.campaign_max_emails_per_day =
      (q?.settings?.max_emails_per_day as number | undefined) ?? null;
    out.campaign_position = step?.position ?? null;
    out.step_max_emails_per_day = step?.maxEmailsPerDay ?? null;
  }
  return out;
}

/** The mail-provider credentials stored on a mailbox that relays through SendGrid. */
function sendgridCredentials(crm: Crm, m: MailboxRecord): { user: string; key: string } | null {
  // Outlook mailboxes of the seeded team relay through the team's SendGrid account; Gmail ones
  // send through Google and carry none (Apollo answers null, as in its reference example).
  if (m.provider !== 'outlook') return null;
  const digest = createHash('sha256').update(`sendgrid:${crm.team.id}:${m.id}`).digest('base64url');
  return {
    user: `apollo_${crm.team.id.slice(-8)}_${m.id.slice(-6)}`,
    key: `SG.${digest.slice(0, 22)}.${createHash('sha256').update(digest).digest('base64url').slice(0, 43)}`,
  };
}

/** A linked sending mailbox (GET /email_accounts). */
export function emailAccountJson(crm: Crm, m: MailboxRecord, activeCampaigns: number): Json {
  const gmail = m.provider === 'gmail';
  const secrets = sendgridCredentials(crm, m);
  const created = iso(m.createdAt);
  return {
    aliases: [m.email],
    id: m.id,
    user_id: m.userId,
    email: m.email,
    type: gmail ? 'gmail' : 'outlook',
    provider_display_name: gmail ? 'Gmail' : 'Outlook',
    active: true,
    default: m.isDefault,
    inactive_reason: null,
    revoked_at: null,
    last_synced_at: isoOffset(m.createdAt),
    created_at: created,
    seconds_delay_between_emails: 600,
    email_daily_threshold: emailDailyThreshold,
    max_outbound_emails_per_hour: 50,
    limits_editable: true,
    email_sending_policy_cd: 'default',
    signature_html: '',
    signature_edit_disabled: false,
    active_campaigns_count: activeCampaigns,
    nudge_user_to_send_mails: false,
    deliverability_score: {
      email_account_id: m.id,
      deliverability_score: 0,
      domain_health_score: 5,
      email_account_domain_age_score: 5,
    },
    mailwarming_status: 'never_started',
    true_warmup_enabled: false,
    true_warmup_status: null,
    true_warmup_thresholds: {
      open_rate: 20,
      reply_rate: 2,
      bounce_rate: 5,
      spam_block_rate: 1,
    },
    nylas_provider: null,
    nylas_api_version: null,
    sendgrid_api_user: secrets?.user ?? null,
    sendgrid_api_key_v3: secrets?.key ?? null,
    mailgun_domains: null,
    fields_fully_loaded: true,
  };
}

/** How many emails a mailbox may send per day (Apollo's reference example shows 50). */
export const emailDailyThreshold = 50;

/** A sending schedule (GET /emailer_schedules). */
export function scheduleJson(s: ScheduleRecord): Json {
  return {
    id: s.id,
    name: s.name,
    default: s.isDefault,
    time_zone: s.timeZone,
    schedule_hash: Object.fromEntries(
      Object.entries(s.windows).map(([day, windows]) => [day, windows.map((w) => [...w])]),
    ),
    created_at: iso(s.createdAt),
    use_contacts_time_zone: s.useContactsTimeZone,
    skip_holidays: s.skipHolidays,
  };
}
