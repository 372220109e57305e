// sequences.search and sequences.add_contacts; enrolling schedules the first email.

import { invalidId, notFound, success, type WorldResult } from '../result.js';
import { crumb } from './common.js';
import { contactJson, sequenceJson, stepJson, touchesJson } from './json.js';
import { recordEvent, scheduleStepMail } from './outreach.js';
import { paginate } from './paging.js';
import type { CampaignStatusRecord, ContactRecord, CrmContext } from './state.js';

/** sequences.search: partial match on the name, in creation order. */
export function searchSequences(
  ctx: CrmContext,
  input: { q_name?: string; page?: number; per_page?: number },
): WorldResult {
  const needle = input.q_name?.trim().toLowerCase();
  const rows = [...ctx.crm.sequences.values()].filter(
    (q) => !needle || q.name.toLowerCase().includes(needle),
  );
  const { rows: page, pagination } = paginate(rows, input.page, input.per_page);
  return success({
    pagination,
    breadcrumbs: input.q_name ? [crumb('Name', 'q_name', input.q_name, input.q_name)] : [],
    emailer_campaigns: page.map((q) => sequenceJson(ctx.crm, q)),
    num_fetch_result: null,
  });
}

export interface AddContactsInput {
  sequence_id: string;
  contact_ids?: string[];
  label_names?: string[];
  send_email_from_email_account_id: string | string[];
  send_email_from_email_address?: string;
  sequence_no_email?: boolean;
  sequence_unverified_email?: boolean;
  sequence_job_change?: boolean;
  sequence_active_in_other_campaigns?: boolean;
  sequence_finished_in_other_campaigns?: boolean;
  sequence_same_company_in_same_campaign?: boolean;
  contacts_without_ownership_permission?: boolean;
  user_id?: string;
  status?: 'active' | 'paused';
  auto_unpause_at?: string;
}

function company(c: ContactRecord): string | null {
  return c.accountId ?? c.organizationId ?? c.organizationName?.toLowerCase() ?? null;
}

/**
 * sequences.add_contacts: enrolls each eligible contact and names a reason for each one refused.
 * The checks run in the order below (Apollo's order is undocumented); an override flag lifts its
 * check. Same-company refusals consider contacts already in the sequence before this call.
 */
export function addContacts(ctx: CrmContext, input: AddContactsInput, userId: string): WorldResult {
  const { crm } = ctx;
  const q = crm.sequences.get(input.sequence_id);
  if (!q) return notFound('Sequence');
  const mailboxIds = Array.isArray(input.send_email_from_email_account_id)
    ? input.send_email_from_email_account_id
    : [input.send_email_from_email_account_id];
  for (const id of mailboxIds) if (!crm.mailboxes.has(id)) return invalidId(id);
  if (input.user_id !== undefined && !crm.users.has(input.user_id)) return invalidId(input.user_id);

  const ids = [...(input.contact_ids ?? [])];
  if (input.label_names) {
    const wanted = new Set(input.label_names.map((n) => n.trim().toLowerCase()));
    const labelIds = [...crm.labels.values()]
      .filter((l) => l.modality === 'contacts' && wanted.has(l.name.toLowerCase()))
      .map((l) => l.id);
    for (const c of crm.contacts.values())
      if (c.labelIds.some((l) => labelIds.includes(l)) && !ids.includes(c.id)) ids.push(c.id);
  }

  const actor = crm.users.get(input.user_id ?? userId);
  const companies = new Set<string>();
  for (const c of crm.contacts.values()) {
    const key = company(c);
    if (key && c.campaigns.some((s) => s.sequenceId === q.id)) companies.add(key);
  }
  const now = ctx.now();
  const added: ContactRecord[] = [];
  const skipped: Record<string, string> = {};
  let rotation = 0;
  for (const id of [...new Set(ids)]) {
    const c = crm.contacts.get(id);
    const others = c?.campaigns.filter((s) => s.sequenceId !== q.id) ?? [];
    const reason = !c
      ? 'contact_not_found'
      : c.campaigns.some((s) => s.sequenceId === q.id)
        ? 'contacts_already_exists_in_current_campaign'
        : !c.email && !input.sequence_no_email
          ? 'contacts_without_email'
          : c.email && c.emailStatus === 'unverified' && !input.sequence_unverified_email
            ? 'contacts_unverified_email'
            : c.jobChange && !input.sequence_job_change
              ? 'contacts_with_job_change'
              : others.some((s) => s.status === 'active' || s.status === 'paused') &&
                  !input.sequence_active_in_other_campaigns
                ? 'contacts_active_in_other_campaigns'
                : others.some((s) => s.status === 'finished') &&
                    !input.sequence_finished_in_other_campaigns
                  ? 'contacts_finished_in_other_campaigns'
                  : company(c) !== null &&
                      companies.has(company(c)!) &&
                      !input.sequence_same_company_in_same_campaign
                    ? 'contacts_in_same_company'
                    : actor &&
                        !actor.admin &&
                        c.ownerId !== actor.id &&
                        !input.contacts_without_ownership_permission
                      ? 'contacts_without_ownership_permission'
                      : null;
    if (reason || !c) {
      skipped[id] = reason ?? 'contact_not_found';
      continue;
    }
    const mailbox = crm.mailboxes.get(mailboxIds[rotation++ % mailboxIds.length]!)!;
    const paused = input.status === 'paused';
    // In an inactive sequence the contact waits, paused, until the sequence is activated (Apollo's
    // example answer: status paused, inactive_reason "Sequence inactive", paused_at null).
    const waiting = !paused && (!q.active || q.archived);
    const campaign: CampaignStatusRecord = {
      id: ctx.ids.next(now),
      sequenceId: q.id,
      status: paused || waiting ? 'paused' : 'active',
      sendFromUserId: mailbox.userId,
      mailboxId: mailbox.id,
      sendFromAddress: input.send_email_from_email_address ?? mailbox.email,
      addedAt: now,
      addedBy: input.user_id ?? userId,
      finishedAt: null,
      pausedAt: paused ? now : null,
      autoUnpauseAt: paused ? (input.auto_unpause_at ?? null) : null,
      currentStepId: q.steps[0]?.id ?? null,
      currentStepPosition: 1,
      failureReason: null,
      ...(waiting ? { inactiveReason: 'Sequence inactive' } : {}),
    };
    c.campaigns.push(campaign);
    c.updatedAt = now;
    added.push(c);
    recordEvent(crm, {
      contactId: c.id,
      sequenceId: q.id,
      type: 'enrolled',
      at: now,
      stepPosition: 1,
    });
    if (paused) {
      recordEvent(crm, {
        contactId: c.id,
        sequenceId: q.id,
        type: 'paused',
        at: now,
        reason: 'manually paused',
      });
    }
    // The first email is scheduled now; it goes out once due while sequence and contact are active.
    scheduleStepMail(ctx, q, c, campaign, now);
  }
  if (added.length) q.lastUsedAt = now;
  return success({
    contacts: added.map((c) => contactJson(ctx, c)),
    skipped_contact_ids: skipped,
    emailer_campaign: sequenceJson(crm, q),
    emailer_steps: q.steps.map((s) => stepJson(crm, q, s)),
    emailer_touches: touchesJson(q),
    team: { id: crm.team.id, sequences_finder_empty: false },
    signals_hash: null,
  });
}
