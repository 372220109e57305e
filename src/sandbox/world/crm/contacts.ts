// contacts.create, contacts.update and contacts.search. Apollo documents that an
// empty value clears a field rather than being ignored, so '' writes null here.

import { sanitizePhone } from '../format.js';
import { findOrg, nameOf, orgByDomain, orgId } from '../orgs.js';
import { personByEmail, personByLinkedin, personId } from '../people.js';
import { invalidId, success, type WorldResult } from '../result.js';
import { parseAddress } from './address.js';
import { checkIds, crumb, labelIdsFor } from './common.js';
import { contactJson, labelJson } from './json.js';
import { matchesWords, paginate, sortBy } from './paging.js';
import { indexContact, type ContactRecord, type CrmContext, type PhoneRecord } from './state.js';

/** The writable contact fields (already parsed by the catalog). */
export interface ContactInput {
  first_name?: string;
  last_name?: string;
  organization_name?: string;
  title?: string;
  account_id?: string;
  email?: string;
  website_url?: string;
  label_names?: string[];
  contact_stage_id?: string;
  present_raw_address?: string;
  direct_phone?: string;
  corporate_phone?: string;
  mobile_phone?: string;
  home_phone?: string;
  other_phone?: string;
  linkedin_url?: string;
  owner_id?: string;
  typed_custom_fields?: Record<string, string>;
  run_dedupe?: boolean;
}

/** Which phone field becomes which `phone_numbers[].type`. */
const phoneTypes: Array<[keyof ContactInput, string]> = [
  ['direct_phone', 'work_direct'],
  ['corporate_phone', 'work_hq'],
  ['mobile_phone', 'mobile'],
  ['home_phone', 'home'],
  ['other_phone', 'other'],
];

function refsOf(input: ContactInput): Parameters<typeof checkIds>[1] {
  return [
    ['account', input.account_id],
    ['contactStage', input.contact_stage_id],
    ['user', input.owner_id],
  ];
}

/** Writes the sent fields onto a contact; omitted fields keep their values. */
function apply(
  ctx: CrmContext,
  c: ContactRecord,
  input: ContactInput,
  userId: string,
  isNew: boolean,
): void {
  const { crm, index } = ctx;
  if (input.first_name !== undefined) c.firstName = input.first_name || null;
  if (input.last_name !== undefined) c.lastName = input.last_name || null;
  if (input.title !== undefined) c.title = input.title || null;
  if (input.organization_name !== undefined) c.organizationName = input.organization_name || null;
  if (input.email === '') {
    c.email = null;
    c.emailStatus = null;
  } else if (input.email !== undefined) {
    const email = input.email;
    const changed = email.toLowerCase() !== c.email?.toLowerCase();
    c.email = email;
    // Apollo trusts an email the caller supplies ("User Managed") and does not re-verify an
    // overwritten one: new contacts start verified, updates keep the old status.
    if (changed && (isNew || c.emailStatus === null)) c.emailStatus = 'verified';
    c.otherEmails = c.otherEmails.filter((e) => e.toLowerCase() !== email.toLowerCase());
  }
  if (input.account_id !== undefined) {
    const account = crm.accounts.get(input.account_id)!;
    c.accountId = account.id;
    if (input.organization_name === undefined) c.organizationName = account.name;
    c.organizationId = account.organizationId ?? c.organizationId;
  }
  if (input.website_url === '') c.websiteUrl = null;
  else if (input.website_url !== undefined) {
    c.websiteUrl = input.website_url;
    const o = findOrg(index, { website: input.website_url });
    if (o >= 0 && !c.organizationId) {
      c.organizationId = orgId(index, o);
      c.organizationName ??= nameOf(index, o);
    }
  }
  if (input.linkedin_url !== undefined) c.linkedinUrl = input.linkedin_url || null;
  if (input.label_names !== undefined)
    c.labelIds = labelIdsFor(ctx, input.label_names, 'contacts', userId);
  if (input.contact_stage_id !== undefined) c.stageId = input.contact_stage_id;
  if (input.owner_id !== undefined) c.ownerId = input.owner_id;
  if (input.present_raw_address === '') {
    c.presentRawAddress = null;
    c.city = c.state = c.country = c.timeZone = null;
  } else if (input.present_raw_address !== undefined) {
    const a = parseAddress(input.present_raw_address);
    c.presentRawAddress = input.present_raw_address;
    c.city = a.city;
    c.state = a.state;
    c.country = a.country;
    c.timeZone = a.timeZone;
  }
  for (const [field, type] of phoneTypes) {
    const raw = input[field];
    if (typeof raw !== 'string') continue;
    const at = c.phones.findIndex((p) => p.type === type);
    if (raw === '') {
      if (at >= 0) c.phones.splice(at, 1);
      continue;
    }
    const phone: PhoneRecord = { raw, sanitized: sanitizePhone(raw), type };
    if (at >= 0) c.phones[at] = phone;
    else c.phones.push(phone);
  }
  if (input.typed_custom_fields)
    c.typedCustomFields = { ...c.typedCustomFields, ...input.typed_custom_fields };
  // Apollo links a saved contact to its database person when it recognises them; person_id is
  // write-once. We recognise a work email or LinkedIn URL of a database person.
  if (!c.personId) {
    const p =
      (c.email ? personByEmail(index, c.email, (d) => orgByDomain(index, d)) : null) ??
      (c.linkedinUrl ? personByLinkedin(index, c.linkedinUrl) : null);
    if (p) {
      c.personId = personId(index, p);
      c.organizationId ??= orgId(index, p.o);
      c.organizationName ??= nameOf(index, p.o);
    }
  }
  c.updatedAt = ctx.now();
  indexContact(crm, c);
}

function emailDomain(email: string | null | undefined): string | null {
  return email?.split('@')[1]?.toLowerCase() ?? null;
}

/** run_dedupe's match: by email, then by name at the same company. */
function findDuplicate(
  ctx: CrmContext,
  input: ContactInput,
): { contact: ContactRecord; reason: string } | null {
  const contacts = [...ctx.crm.contacts.values()];
  // Steps 1–3 of Apollo's order (id, CRM ids, person_id) need fields the catalog does not accept.
  if (input.email) {
    const e = input.email.toLowerCase();
    const hit = contacts.find(
      (c) => c.email?.toLowerCase() === e || c.otherEmails.some((x) => x.toLowerCase() === e),
    );
    if (hit) return { contact: hit, reason: 'email_match' };
  }
  if (input.first_name && input.last_name) {
    const first = input.first_name.toLowerCase();
    const last = input.last_name.toLowerCase();
    const account = input.account_id ? ctx.crm.accounts.get(input.account_id) : undefined;
    const company = (input.organization_name ?? account?.name)?.toLowerCase();
    const domain = emailDomain(input.email);
    const hit = contacts.find(
      (c) =>
        c.firstName?.toLowerCase() === first &&
        c.lastName?.toLowerCase() === last &&
        ((company !== undefined && c.organizationName?.toLowerCase() === company) ||
          (domain !== null && emailDomain(c.email) === domain) ||
          (account !== undefined && c.accountId === account.id)),
    );
    // Apollo names only email_match in its docs; the name rule's reason is our wording.
    if (hit) return { contact: hit, reason: 'name_and_organization_match' };
  }
  return null;
}

/** The lists a contact is on, as Apollo's label objects. */
export function labelsOf(ctx: CrmContext, c: ContactRecord) {
  return c.labelIds.map((id) => labelJson(ctx.crm, ctx.crm.labels.get(id)!));
}

/** contacts.create: a new contact, or with run_dedupe the matching one updated in place. */
export function createContact(ctx: CrmContext, input: ContactInput, userId: string): WorldResult {
  const bad = checkIds(ctx, refsOf(input));
  if (bad) return bad;
  if (input.run_dedupe) {
    const dup = findDuplicate(ctx, input);
    if (dup) {
      apply(ctx, dup.contact, input, userId, false);
      return success({
        contact: contactJson(ctx, dup.contact),
        labels: labelsOf(ctx, dup.contact),
        dedupe_result: {
          found_existing: true,
          match_reason: dup.reason,
          existing_contact_id: dup.contact.id,
        },
      });
    }
  }
  const c = blankContact(ctx, userId);
  ctx.crm.contacts.set(c.id, c);
  apply(ctx, c, input, userId, true);
  return success({ contact: contactJson(ctx, c), labels: labelsOf(ctx, c) });
}

/** A new API-created contact with nothing but its owner and the team's first stage. */
export function blankContact(ctx: CrmContext, userId: string): ContactRecord {
  const now = ctx.now();
  return {
    id: ctx.ids.next(now),
    firstName: null,
    lastName: null,
    title: null,
    organizationName: null,
    organizationId: null,
    accountId: null,
    email: null,
    emailStatus: null,
    otherEmails: [],
    websiteUrl: null,
    linkedinUrl: null,
    ownerId: userId,
    creatorId: userId,
    personId: null,
    stageId: ctx.crm.contactStages[0]!.id,
    labelIds: [],
    phones: [],
    presentRawAddress: null,
    city: null,
    state: null,
    country: null,
    timeZone: null,
    source: 'api',
    typedCustomFields: {},
    createdAt: now,
    updatedAt: now,
    lastActivityAt: null,
    emailLastOpenedAt: null,
    emailLastClickedAt: null,
    campaigns: [],
    jobChange: false,
  };
}

/** contacts.update: a partial update; label_names replaces the contact's lists. */
export function updateContact(
  ctx: CrmContext,
  input: ContactInput & { contact_id: string },
  userId: string,
): WorldResult {
  const c = ctx.crm.contacts.get(input.contact_id);
  // Apollo answers a contact id that names nothing with 422, as for any bad id.
  if (!c) return invalidId(input.contact_id);
  const bad = checkIds(ctx, refsOf(input));
  if (bad) return bad;
  apply(ctx, c, input, userId, false);
  return success({ contact: contactJson(ctx, c), labels: labelsOf(ctx, c) });
}

export interface ContactSearchInput {
  q_keywords?: string;
  contact_stage_ids?: string[];
  contact_label_ids?: string[];
  sort_by_field?: string;
  sort_ascending?: boolean;
  page?: number;
  per_page?: number;
}

const sortKeys: Record<string, (c: ContactRecord) => number | null> = {
  contact_last_activity_date: (c) => c.lastActivityAt,
  contact_email_last_opened_at: (c) => c.emailLastOpenedAt,
  contact_email_last_clicked_at: (c) => c.emailLastClickedAt,
  contact_created_at: (c) => c.createdAt,
  contact_updated_at: (c) => c.updatedAt,
};

/** contacts.search: keywords over name, title, employer and email; stage and list filters. */
export function searchContacts(ctx: CrmContext, input: ContactSearchInput): WorldResult {
  const { crm } = ctx;
  let rows = [...crm.contacts.values()].filter(
    (c) =>
      (!input.q_keywords ||
        matchesWords(input.q_keywords, [
          c.firstName,
          c.lastName,
          c.title,
          c.organizationName,
          c.email,
          ...c.otherEmails,
        ])) &&
      (!input.contact_stage_ids || input.contact_stage_ids.includes(c.stageId)) &&
      (!input.contact_label_ids || c.labelIds.some((l) => input.contact_label_ids!.includes(l))),
  );
  // Without sort_by_field we list the newest contacts first (Apollo's default is undocumented).
  const key = sortKeys[input.sort_by_field ?? 'contact_created_at']!;
  rows = sortBy(rows.reverse(), key, input.sort_by_field ? input.sort_ascending === true : false);
  const { rows: page, pagination } = paginate(rows, input.page, input.per_page);
  const breadcrumbs = [
    ...(input.q_keywords
      ? [crumb('Keywords', 'q_keywords', input.q_keywords, input.q_keywords)]
      : []),
    ...(input.contact_stage_ids ?? []).map((id) =>
      crumb(
        'Stage',
        'contact_stage_ids',
        id,
        crm.contactStages.find((s) => s.id === id)?.name ?? id,
      ),
    ),
    ...(input.contact_label_ids ?? []).map((id) =>
      crumb('Lists', 'contact_label_ids', id, crm.labels.get(id)?.name ?? id),
    ),
  ];
  return success({
    contacts: page.map((c) => contactJson(ctx, c, true)),
    breadcrumbs,
    partial_results_only: false,
    disable_eu_prospecting: false,
    partial_results_limit: 10000,
    pagination,
    num_fetch_result: null,
  });
}
