// emails.search, emails.accounts and emails.schedules.

import { success, type WorldResult } from '../result.js';
import { emailAccountJson, messageJson, scheduleJson, bodyText } from './outreach-json.js';
import type { MessageRecord } from './outreach-state.js';
import { matchesWords, paginate } from './paging.js';
import type { Crm, CrmContext } from './state.js';

export interface EmailSearchInput {
  emailer_message_stats?: string[];
  emailer_message_reply_classes?: string[];
  user_ids?: string[];
  email_account_id_and_aliases?: string;
  emailer_campaign_ids?: string[];
  not_emailer_campaign_ids?: string[];
  emailer_message_date_range_mode?: 'due_at' | 'completed_at';
  emailer_message_date_range?: { min?: string; max?: string };
  emailerMessageDateRange?: { min?: string; max?: string };
  not_sent_reason_cds?: string[];
  q_keywords?: string;
  page?: number;
  per_page?: number;
}

/** Whether a message is in one of Apollo's search states. */
function inState(m: MessageRecord, state: string): boolean {
  const sent = m.status === 'completed';
  switch (state) {
    case 'delivered':
      return sent && !m.bounce && !m.spamBlocked;
    case 'scheduled':
      return m.status === 'scheduled';
    case 'drafted':
      return m.status === 'drafted';
    case 'not_opened':
      return sent && !m.bounce && m.opens === 0;
    case 'opened':
      return sent && m.opens > 0;
    case 'clicked':
      return sent && m.clicks > 0;
    case 'unsubscribed':
      return m.unsubscribed;
    case 'demoed':
      return m.demoed === true;
    case 'bounced':
      return m.bounce === true;
    case 'spam_blocked':
      return m.spamBlocked === true;
    case 'failed_other':
      return m.status === 'failed' && !m.bounce && !m.spamBlocked;
    default:
      return false;
  }
}

const dayStart = (d: string) => Date.parse(`${d}T00:00:00Z`);

function matches(crm: Crm, m: MessageRecord, i: EmailSearchInput): boolean {
  if (i.emailer_message_stats && !i.emailer_message_stats.some((s) => inState(m, s))) return false;
  if (
    i.emailer_message_reply_classes &&
    !(m.replyClass && i.emailer_message_reply_classes.includes(m.replyClass))
  )
    return false;
  if (i.user_ids && !i.user_ids.includes(m.userId)) return false;
  if (i.email_account_id_and_aliases) {
    // Either a mailbox id or Apollo's "<id>***<address>" form of one of its addresses.
    const [id, address] = i.email_account_id_and_aliases.split('***');
    if (m.mailboxId !== id?.trim()) return false;
    const mailbox = crm.mailboxes.get(m.mailboxId);
    if (address && mailbox && mailbox.email.toLowerCase() !== address.trim().toLowerCase())
      return false;
  }
  if (i.emailer_campaign_ids && !(m.sequenceId && i.emailer_campaign_ids.includes(m.sequenceId)))
    return false;
  if (
    i.not_emailer_campaign_ids &&
    m.sequenceId &&
    i.not_emailer_campaign_ids.includes(m.sequenceId)
  )
    return false;
  if (
    i.not_sent_reason_cds &&
    !(m.notSentReason && i.not_sent_reason_cds.includes(m.notSentReason))
  )
    return false;
  const range = i.emailer_message_date_range ?? i.emailerMessageDateRange;
  if (range) {
    // The mode defaults to due_at (Apollo's docs do not say; it is listed first).
    const at = i.emailer_message_date_range_mode === 'completed_at' ? m.completedAt : m.dueAt;
    if (at === null) return false;
    if (range.min && at < dayStart(range.min)) return false;
    if (range.max && at >= dayStart(range.max) + 86_400_000) return false;
  }
  if (i.q_keywords) {
    const sender = crm.users.get(m.userId);
    const fields = [
      m.subject,
      bodyText(m.bodyHtml),
      ...m.recipients.flatMap((r) => [r.email, r.name]),
      sender ? `${sender.firstName} ${sender.lastName}` : null,
      sender?.email,
    ];
    if (!matchesWords(i.q_keywords, fields)) return false;
  }
  return true;
}

/** emails.search: the team's emails, newest first (by due time, else creation). */
export function searchEmails(ctx: CrmContext, input: EmailSearchInput): WorldResult {
  const { crm } = ctx;
  const rows = [...crm.outreach.messages.values()]
    .filter((m) => matches(crm, m, input))
    .map((m, i) => ({ m, i, at: m.dueAt ?? m.createdAt }))
    .sort((a, b) => b.at - a.at || b.i - a.i)
    .map((x) => x.m);
  const { rows: page } = paginate(rows, input.page, input.per_page);
  const stepIds = new Set(page.map((m) => m.stepId).filter((id): id is string => id !== null));
  const steps = [...crm.sequences.values()].flatMap((q) =>
    q.steps
      .filter((s) => stepIds.has(s.id))
      .map((s) => ({
        id: s.id,
        emailer_campaign_id: q.id,
        wait_time: s.waitTime,
        wait_mode: s.waitMode,
        max_emails_per_day: s.maxEmailsPerDay ?? null,
        exact_datetime: s.exactDatetime ?? null,
        auto_skip_in_x_days: s.autoSkipInXDays ?? null,
        position: s.position,
      })),
  );
  // Apollo's reference shows no pagination object on this answer (its CLI's notes claim one);
  // the sandbox follows the reference.
  return success({
    breadcrumbs: [],
    emailer_messages: page.map((m) => messageJson(ctx, m, { campaign: true })),
    emailer_steps: steps,
    num_fetch_result: null,
  });
}

/** emails.accounts: every linked mailbox, with the number of live sequences sending from it. */
export function listEmailAccounts(ctx: CrmContext): WorldResult {
  const { crm } = ctx;
  return success({
    email_accounts: [...crm.mailboxes.values()].map((mb) => {
      const live = new Set<string>();
      for (const c of crm.contacts.values()) {
        for (const s of c.campaigns) {
          const q = crm.sequences.get(s.sequenceId);
          if (s.mailboxId === mb.id && s.status === 'active' && q?.active && !q.archived)
            live.add(q.id);
        }
      }
      return emailAccountJson(crm, mb, live.size);
    }),
  });
}

/** emails.schedules: every sending schedule of the team. */
export function listSchedules(ctx: CrmContext): WorldResult {
  return success({
    emailer_schedules: [...ctx.crm.outreach.schedules.values()].map(scheduleJson),
  });
}
