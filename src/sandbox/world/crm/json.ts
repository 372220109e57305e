// CRM records as Apollo's JSON (contact, account, sequence, task,
// opportunity, user). Fields Apollo sends that the sandbox has no data for are null.

import { createHash } from 'node:crypto';

import { iso, isoOffset } from '../format.js';
import { organizationSummary } from '../org-json.js';
import { orgFromId } from '../orgs.js';
import type {
  AccountRecord,
  CampaignStatusRecord,
  ContactRecord,
  Crm,
  CrmContext,
  DealRecord,
  LabelRecord,
  TaskRecord,
  UserRecord,
} from './state.js';

type Json = Record<string, unknown>;

const freeDomains = new Set([
  'gmail.com',
  'yahoo.com',
  'outlook.com',
  'hotmail.com',
  'icloud.com',
  'aol.com',
  'proton.me',
]);

const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

function isFree(email: string | null): boolean {
  return email ? freeDomains.has(email.split('@')[1]?.toLowerCase() ?? '') : false;
}

/** A list (label) with its current member count. */
export function labelJson(crm: Crm, l: LabelRecord): Json {
  let count = 0;
  const records = l.modality === 'contacts' ? crm.contacts.values() : crm.accounts.values();
  for (const r of records) if (r.labelIds.includes(l.id)) count++;
  return {
    id: l.id,
    modality: l.modality,
    cached_count: count,
    name: l.name,
    created_at: iso(l.createdAt),
    updated_at: iso(l.updatedAt),
    user_id: l.userId,
  };
}

function campaignStatusJson(s: CampaignStatusRecord): Json {
  return {
    id: s.id,
    emailer_campaign_id: s.sequenceId,
    send_email_from_user_id: s.sendFromUserId,
    inactive_reason:
      s.inactiveReason !== undefined
        ? s.inactiveReason
        : s.status === 'active'
          ? null
          : s.status === 'failed'
            ? 'Bounced'
            : null,
    status: s.status,
    added_at: iso(s.addedAt),
    added_by_user_id: s.addedBy,
    finished_at: isoOrNull(s.finishedAt),
    paused_at: isoOrNull(s.pausedAt),
    auto_unpause_at: s.autoUnpauseAt,
    send_email_from_email_address: s.sendFromAddress,
    send_email_from_email_account_id: s.mailboxId,
    manually_set_unpause: null,
    failure_reason: s.failureReason,
    current_step_id: s.currentStepId,
    in_response_to_emailer_message_id: null,
    cc_emails: null,
    bcc_emails: null,
    to_emails: null,
    current_step_position: s.currentStepPosition,
  };
}

function emailEntry(
  email: string,
  status: string | null,
  position: number,
  fromCustomer: boolean,
): Json {
  const lower = email.toLowerCase();
  return {
    email,
    email_md5: createHash('md5').update(lower).digest('hex'),
    email_sha256: createHash('sha256').update(lower).digest('hex'),
    email_status: status,
    email_source: null,
    extrapolated_email_confidence: null,
    position,
    email_from_customer: fromCustomer,
    free_domain: isFree(email),
  };
}

/** A contact; search rows and enrollments also embed the account. */
export function contactJson(ctx: CrmContext, c: ContactRecord, embedAccount = false): Json {
  const name = [c.firstName, c.lastName].filter(Boolean).join(' ') || null;
  const fromCustomer = c.source !== 'crm';
  const account = c.accountId ? ctx.crm.accounts.get(c.accountId) : undefined;
  return {
    id: c.id,
    contact_roles: [],
    first_name: c.firstName,
    last_name: c.lastName,
    name,
    linkedin_url: c.linkedinUrl,
    linkedin_uid: null,
    twitter_url: c.extras?.twitter_url ?? null,
    photo_url: c.extras?.photo_url ?? null,
    headline: c.title,
    title: c.title,
    contact_stage_id: c.stageId,
    owner_id: c.ownerId,
    creator_id: c.creatorId,
    person_id: c.personId,
    organization_name: c.organizationName,
    organization_id: c.organizationId,
    account_id: c.accountId,
    ...(embedAccount ? { account: account ? accountJson(ctx, account, true) : null } : {}),
    source: c.source,
    original_source: c.source,
    source_display_name:
      c.source === 'api'
        ? 'Created from API'
        : c.source === 'crm'
          ? 'Imported from CRM'
          : 'CSV Import',
    present_raw_address: c.presentRawAddress,
    city: c.city,
    state: c.state,
    country: c.country,
    time_zone: c.timeZone,
    email: c.email,
    email_status: c.email ? c.emailStatus : null,
    email_true_status: c.email ? (c.source === 'api' ? 'User Managed' : 'Verified') : null,
    updated_email_true_status: true,
    email_source: null,
    email_status_unavailable_reason: null,
    email_unsubscribed: false,
    email_needs_tickling: null,
    email_from_customer: fromCustomer,
    extrapolated_email_confidence: null,
    contact_emails: [
      ...(c.email ? [emailEntry(c.email, c.emailStatus, 0, fromCustomer)] : []),
      ...c.otherEmails.map((e, i) => emailEntry(e, 'unverified', i + 1, fromCustomer)),
    ],
    phone_numbers: c.phones.map((p, position) => ({
      raw_number: p.raw,
      sanitized_number: p.sanitized,
      type: p.type,
      position,
      status: 'no_status',
      dnc_status: null,
      dnc_other_info: null,
      dialer_flags: null,
    })),
    sanitized_phone: c.phones[0]?.sanitized ?? null,
    direct_dial_status: null,
    direct_dial_enrichment_failed_at: null,
    salesforce_id: c.extras?.salesforce_id ?? null,
    salesforce_lead_id: c.extras?.salesforce_lead_id ?? null,
    salesforce_contact_id: c.extras?.salesforce_contact_id ?? null,
    salesforce_account_id: c.extras?.salesforce_account_id ?? null,
    hubspot_vid: c.extras?.hubspot_vid ?? null,
    hubspot_company_id: null,
    crm_id: null,
    crm_owner_id: null,
    merged_crm_ids: null,
    crm_record_url: null,
    emailer_campaign_ids: [...new Set(c.campaigns.map((s) => s.sequenceId))],
    contact_campaign_statuses: c.campaigns.map(campaignStatusJson),
    label_ids: [...c.labelIds],
    typed_custom_fields: { ...c.typedCustomFields },
    custom_field_errors: null,
    existence_level: 'full',
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
    last_activity_date: isoOrNull(c.lastActivityAt),
    queued_for_crm_push: false,
    suggested_from_rule_engine_config_id: null,
    has_pending_email_arcgate_request: false,
    has_email_arcgate_request: false,
    contact_rule_config_statuses: [],
    next_contact_id: null,
    show_intent: false,
    free_domain: isFree(c.email),
    is_likely_to_engage: c.emailStatus === 'likely to engage',
    email_domain_catchall: false,
    account_phone_note: null,
  };
}

/** An account. With `orgFields`, the linked organization's fields ride along. */
export function accountJson(ctx: CrmContext, a: AccountRecord, orgFields = false): Json {
  const o = a.organizationId ? orgFromId(ctx.index, a.organizationId) : -1;
  const org = orgFields && o >= 0 ? organizationSummary(ctx.index, o) : {};
  return {
    ...org,
    id: a.id,
    name: a.name,
    domain: a.domain,
    team_id: ctx.crm.team.id,
    organization_id: a.organizationId,
    account_stage_id: a.stageId,
    source: a.source,
    original_source: a.source,
    source_display_name: a.source === 'api' ? 'Created from API' : 'Imported from CRM',
    creator_id: a.creatorId,
    owner_id: a.ownerId,
    created_at: iso(a.createdAt),
    updated_at: iso(a.updatedAt),
    phone: a.phone,
    sanitized_phone: a.sanitizedPhone,
    phone_status: a.extras?.phone_status_cd ?? 'no_status',
    raw_address: a.rawAddress,
    hubspot_id: a.extras?.hubspot_id ?? null,
    salesforce_id: a.extras?.salesforce_id ?? null,
    crm_owner_id: null,
    crm_record_url: null,
    salesforce_record_url: null,
    parent_account_id: a.extras?.parent_account_id ?? null,
    linkedin_url: a.linkedinUrl ?? (org.linkedin_url as string | undefined) ?? null,
    account_playbook_statuses: [],
    account_rule_config_statuses: [],
    existence_level: 'full',
    label_ids: [...a.labelIds],
    typed_custom_fields: { ...a.typedCustomFields },
    custom_field_errors: null,
    modality: 'account',
    show_intent: false,
    has_intent_signal_account: false,
    intent_signal_account: null,
    ...(a.extras?.facebook_url ? { facebook_url: a.extras.facebook_url } : {}),
    ...(a.extras?.twitter_url ? { twitter_url: a.extras.twitter_url } : {}),
  };
}

/** The search-only fields of an account row. */
export function accountSearchExtras(ctx: CrmContext, a: AccountRecord): Json {
  const campaigns = new Set<string>();
  const tally: Record<string, number> = {};
  let contacts = 0;
  let last = a.lastActivityAt;
  for (const c of ctx.crm.contacts.values()) {
    if (c.accountId !== a.id) continue;
    contacts++;
    for (const s of c.campaigns) {
      campaigns.add(s.sequenceId);
      tally[s.status] = (tally[s.status] ?? 0) + 1;
    }
    if (c.lastActivityAt !== null && (last === null || c.lastActivityAt > last))
      last = c.lastActivityAt;
  }
  return {
    contact_emailer_campaign_ids: [...campaigns],
    contact_campaign_status_tally: tally,
    num_contacts: contacts,
    last_activity_date: isoOrNull(last),
  };
}

export { sequenceCounts, sequenceJson, stepJson, touchesJson } from './sequence-json.js';

/** A task; search rows embed the contact and account. */
export function taskJson(ctx: CrmContext, t: TaskRecord, embed = false): Json {
  const contact = ctx.crm.contacts.get(t.contactId);
  const account = t.accountId ? ctx.crm.accounts.get(t.accountId) : undefined;
  return {
    id: t.id,
    user_id: t.userId,
    creator_id: t.creatorId,
    completed_by_user_id: t.completedAt !== null ? t.userId : null,
    emailer_campaign_id: t.sequenceId,
    created_at: iso(t.createdAt),
    due_at: isoOffset(t.dueAt),
    completed_at: isoOrNull(t.completedAt),
    skipped_at: isoOrNull(t.skippedAt),
    type: t.type,
    priority: t.priority,
    status: t.status,
    answered: null,
    contact_id: t.contactId,
    person_id: contact?.personId ?? null,
    account_id: t.accountId,
    organization_id: contact?.organizationId ?? null,
    opportunity_id: t.opportunityId ?? null,
    persona_ids: [],
    playbook_step_ids: [],
    starred_by_user_ids: [],
    recommendation_reasons: [],
    subject: null,
    title: t.title,
    note: t.note,
    note_text: t.note,
    created_from: t.createdFrom,
    salesforce_type: null,
    salesforce_id: null,
    hubspot_id: null,
    playbook_id: null,
    needs_playbook_autoprospecting: false,
    rule_config_id: null,
    call_script: t.callScript ?? null,
    relevant_fields: t.relevantFields ?? null,
    ai_variables_status: null,
    pending_send: false,
    recommended: false,
    relevant_field_values: {},
    ...(embed
      ? {
          contact: contact ? contactJson(ctx, contact) : null,
          account: account ? accountJson(ctx, account, true) : null,
          opportunity: null,
        }
      : {}),
  };
}

/** A deal; lists embed the account. */
export function dealJson(ctx: CrmContext, d: DealRecord, embedAccount = false): Json {
  const stage = ctx.crm.opportunityStages.find((s) => s.id === d.stageId);
  const probability = stage?.probability ?? 0;
  const account = d.accountId ? ctx.crm.accounts.get(d.accountId) : undefined;
  const currencies: Record<string, { name: string; symbol: string }> = {
    USD: { name: 'US Dollar', symbol: '$' },
    EUR: { name: 'Euro', symbol: '€' },
    GBP: { name: 'British Pound', symbol: '£' },
  };
  const currency = currencies[d.currency] ?? { name: d.currency, symbol: d.currency };
  return {
    id: d.id,
    team_id: ctx.crm.team.id,
    owner_id: d.ownerId,
    created_by_id: d.createdById,
    salesforce_owner_id: null,
    salesforce_id: null,
    crm_id: null,
    crm_record_url: null,
    crm_owner_id: null,
    name: d.name,
    amount: d.amount,
    amount_in_team_currency: d.amount,
    forecasted_revenue: d.amount === null ? null : (d.amount * probability) / 100,
    closed_date: d.closedDate ? `${d.closedDate}T00:00:00.000+00:00` : null,
    actual_close_date: d.isClosed && d.closedDate ? `${d.closedDate}T00:00:00.000+00:00` : null,
    account_id: d.accountId,
    ...(embedAccount ? { account: account ? accountJson(ctx, account, true) : null } : {}),
    description: d.description,
    is_closed: d.isClosed,
    is_won: d.isWon,
    stage_name: stage?.name ?? null,
    opportunity_stage_id: d.stageId,
    opportunity_pipeline_id: ctx.crm.pipelineId,
    source: d.source,
    next_step: null,
    next_step_date: null,
    next_step_last_updated_at: null,
    closed_lost_reason: null,
    closed_won_reason: null,
    forecast_category: d.isClosed ? (d.isWon ? 'closed' : 'omitted') : 'pipeline',
    deal_probability: probability,
    probability: null,
    manually_updated_probability: null,
    manually_updated_forecast: null,
    current_solutions: null,
    deal_source: null,
    stage_updated_at: iso(d.stageUpdatedAt),
    last_activity_date: isoOrNull(d.lastActivityAt),
    created_at: iso(d.createdAt),
    exchange_rate_code: d.currency,
    exchange_rate_value: 1,
    existence_level: d.freshlyCreated ? 'none' : 'full',
    typed_custom_fields: { ...d.typedCustomFields },
    opportunity_rule_config_statuses: [],
    opportunity_contact_roles: (d.contactRoles ?? []).map((r) => ({
      id: r.id,
      contact_id: r.contactId,
      is_primary: r.isPrimary,
      created_at: iso(r.createdAt),
      updated_at: iso(r.createdAt),
      role: [
        {
          opportunity_contact_role_type_id: null,
          crm_role_id: null,
          is_primary: r.isPrimary,
          crm_id: null,
          name: r.role,
        },
      ],
    })),
    currency: { name: currency.name, iso_code: d.currency, symbol: currency.symbol },
  };
}

/** A user of the team. */
export function userJson(crm: Crm, u: UserRecord): Json {
  return {
    id: u.id,
    team_id: crm.team.id,
    first_name: u.firstName,
    last_name: u.lastName,
    name: `${u.firstName} ${u.lastName}`,
    title: u.title,
    email: u.email,
    created_at: iso(u.createdAt),
    deleted: false,
    credit_limit: null,
    direct_dial_credit_limit: null,
    export_credit_limit: null,
    ai_credit_limit: null,
    salesforce_account: null,
    salesforce_id: null,
    permission_set_id: u.admin
      ? `${crm.team.id.slice(0, 16)}00000001`
      : `${crm.team.id.slice(0, 16)}00000002`,
    current_email_verified: true,
    email_oauth_signin_only: false,
    password_needs_reset: false,
    referral_code: u.id.slice(-8),
    zp_contact_id: null,
    typed_custom_fields: {},
    subteam_ids: [],
    prospect_territory_ids: [],
    linked_salesforce: false,
    linked_hubspot: false,
    linked_salesloft: false,
    linked_crm_name: null,
    enable_click_tracking: true,
    enable_open_tracking: true,
    opt_out_html_template: 'If you prefer not to hear from me, <%Click here%> to unsubscribe.',
  };
}
