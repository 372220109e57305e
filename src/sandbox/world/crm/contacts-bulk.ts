// contacts.bulk_create, contacts.bulk_update, contacts.update_stages and contacts.update_owners
//. Every id a call names is checked before anything changes, so a refused
// call changes nothing (our assumption: Apollo documents the refusals, not whether they are
// partial).

import { contactsBulkUpdateSyncLimit } from '../../../catalog/index.js';
import { sanitizePhone } from '../format.js';
import { nameOf, orgFromId } from '../orgs.js';
import { invalidId, success, type WorldResult } from '../result.js';
import { parseAddress } from './address.js';
import { blankContact } from './contacts.js';
import { checkIds, labelIdsFor } from './common.js';
import { progressJob } from './jobs.js';
import { contactJson } from './json.js';
import {
  indexContact,
  type ContactExtraField,
  type ContactRecord,
  type CrmContext,
} from './state.js';

/** One row of a bulk create (already parsed by the catalog). */
export interface BulkContactInput {
  first_name?: string;
  last_name?: string;
  email?: string;
  title?: string;
  primary_title?: string;
  organization_name?: string;
  phone?: string;
  present_raw_address?: string;
  linkedin_url?: string;
  facebook_url?: string;
  twitter_url?: string;
  photo_url?: string;
  account_id?: string;
  organization_id?: string;
  contact_stage_id?: string;
  salesforce_id?: string;
  hubspot_id?: string;
  salesforce_lead_id?: string;
  salesforce_contact_id?: string;
  salesforce_account_id?: string;
  outreach_id?: string;
  salesloft_id?: string;
  typed_custom_fields?: Record<string, string>;
  contact_emails?: Array<{ email: string; position?: number }>;
  phone_numbers?: Array<{ raw_number: string; position?: number }>;
}

/** The slim rows bulk create and bulk update answer with. */
function slim(ctx: CrmContext, c: ContactRecord): Record<string, unknown> {
  const full = contactJson(ctx, c);
  return {
    id: c.id,
    first_name: c.firstName,
    last_name: c.lastName,
    email: c.email,
    title: c.title,
    organization_name: c.organizationName,
    ...(c.linkedinUrl ? { linkedin_url: c.linkedinUrl } : {}),
    team_id: ctx.crm.team.id,
    owner_id: c.ownerId,
    contact_stage_id: c.stageId,
    created_at: full.created_at,
    updated_at: full.updated_at,
  };
}

// Which bulk-create field is stored under which name of Apollo's contact object.
const extraFields: Array<[keyof BulkContactInput, ContactExtraField]> = [
  ['salesforce_id', 'salesforce_id'],
  ['salesforce_lead_id', 'salesforce_lead_id'],
  ['salesforce_contact_id', 'salesforce_contact_id'],
  ['salesforce_account_id', 'salesforce_account_id'],
  ['hubspot_id', 'hubspot_vid'],
  ['outreach_id', 'outreach_id'],
  ['salesloft_id', 'salesloft_id'],
  ['twitter_url', 'twitter_url'],
  ['facebook_url', 'facebook_url'],
  ['photo_url', 'photo_url'],
];

const crmIdFields = extraFields.slice(0, 7);

const lower = (s: string | null | undefined) => s?.trim().toLowerCase() ?? null;

/**
 * The existing contact a bulk-create row matches, in Apollo's documented order: CRM ids, then
 * email (primary or additional), then first and last name at the same company (name, email domain
 * or organization). Ids and person ids come first in Apollo's order; rows carry neither.
 */
function findMatch(ctx: CrmContext, row: BulkContactInput): ContactRecord | undefined {
  const contacts = [...ctx.crm.contacts.values()];
  for (const [field, stored] of crmIdFields) {
    const value = row[field];
    if (typeof value !== 'string') continue;
    const hit = contacts.find((c) => c.extras?.[stored] === value);
    if (hit) return hit;
  }
  const emails = [row.email, ...(row.contact_emails ?? []).map((e) => e.email)]
    .map(lower)
    .filter((e): e is string => Boolean(e));
  if (emails.length) {
    const hit = contacts.find(
      (c) =>
        emails.includes(lower(c.email) ?? '') ||
        c.otherEmails.some((e) => emails.includes(lower(e)!)),
    );
    if (hit) return hit;
  }
  if (!row.first_name || !row.last_name) return undefined;
  const first = lower(row.first_name);
  const last = lower(row.last_name);
  const account = row.account_id ? ctx.crm.accounts.get(row.account_id) : undefined;
  const company = lower(row.organization_name ?? account?.name);
  const domain = row.email?.split('@')[1]?.toLowerCase() ?? null;
  const orgId = row.organization_id ?? account?.organizationId ?? null;
  return contacts.find(
    (c) =>
      lower(c.firstName) === first &&
      lower(c.lastName) === last &&
      ((company !== null && lower(c.organizationName) === company) ||
        (domain !== null && c.email?.split('@')[1]?.toLowerCase() === domain) ||
        (orgId !== null && c.organizationId === orgId)),
  );
}

/** Writes one row onto a new contact. */
function fill(ctx: CrmContext, c: ContactRecord, row: BulkContactInput, labels: string[]): void {
  c.firstName = row.first_name ?? null;
  c.lastName = row.last_name ?? null;
  c.title = row.primary_title ?? row.title ?? null;
  const emails = [...(row.contact_emails ?? [])].sort(
    (a, b) => (a.position ?? 0) - (b.position ?? 0),
  );
  c.email = row.email ?? emails[0]?.email ?? null;
  c.emailStatus = c.email ? 'verified' : null;
  c.otherEmails = emails.map((e) => e.email).filter((e) => lower(e) !== lower(c.email));
  if (row.account_id) {
    const account = ctx.crm.accounts.get(row.account_id)!;
    c.accountId = account.id;
    c.organizationId = account.organizationId;
    c.organizationName = account.name;
  }
  if (row.organization_id) {
    c.organizationId = row.organization_id;
    const o = orgFromId(ctx.index, row.organization_id);
    if (o >= 0) c.organizationName ??= nameOf(ctx.index, o);
  }
  if (row.organization_name) c.organizationName = row.organization_name;
  if (row.contact_stage_id) c.stageId = row.contact_stage_id;
  c.linkedinUrl = row.linkedin_url ?? null;
  if (row.present_raw_address) {
    const a = parseAddress(row.present_raw_address);
    c.presentRawAddress = row.present_raw_address;
    c.city = a.city;
    c.state = a.state;
    c.country = a.country;
    c.timeZone = a.timeZone;
  }
  // Apollo documents no type for these numbers (`phone` and `phone_numbers[]`): stored untyped.
  const numbers = [
    ...(row.phone ? [row.phone] : []),
    ...[...(row.phone_numbers ?? [])]
      .sort((a, b) => (a.position ?? 0) - (b.position ?? 0))
      .map((p) => p.raw_number),
  ];
  c.phones = numbers.map((raw) => ({ raw, sanitized: sanitizePhone(raw), type: null }));
  c.typedCustomFields = { ...(row.typed_custom_fields ?? {}) };
  const extras: ContactRecord['extras'] = {};
  for (const [field, stored] of extraFields) {
    const value = row[field];
    if (typeof value === 'string') extras[stored] = value;
  }
  if (Object.keys(extras).length) c.extras = extras;
  c.labelIds = labels;
  indexContact(ctx.crm, c);
}

export interface BulkCreateInput {
  contacts: BulkContactInput[];
  append_label_names?: string[];
  owner_id?: string;
  run_dedupe?: boolean;
}

/**
 * contacts.bulk_create: every row is created unless run_dedupe finds it among the existing
 * contacts (or the rows created before it in the same call); matches are returned unchanged.
 * Without run_dedupe Apollo only merges placeholder contacts from email imports, which the sandbox
 * does not have, so every row is created.
 */
export function bulkCreateContacts(
  ctx: CrmContext,
  input: BulkCreateInput,
  userId: string,
): WorldResult {
  const bad =
    checkIds(ctx, [['user', input.owner_id]]) ??
    input.contacts
      .map((row) =>
        checkIds(ctx, [
          ['account', row.account_id],
          ['contactStage', row.contact_stage_id],
        ]),
      )
      .find((r) => r !== null) ??
    null;
  if (bad) return bad;
  const owner = input.owner_id ?? userId;
  const labels = input.append_label_names
    ? labelIdsFor(ctx, input.append_label_names, 'contacts', userId)
    : [];
  const created: ContactRecord[] = [];
  const existing: ContactRecord[] = [];
  for (const row of input.contacts) {
    const match = input.run_dedupe ? findMatch(ctx, row) : undefined;
    if (match) {
      if (!existing.includes(match) && !created.includes(match)) existing.push(match);
      continue;
    }
    const c = blankContact(ctx, userId);
    c.ownerId = owner;
    ctx.crm.contacts.set(c.id, c);
    fill(ctx, c, row, [...labels]);
    created.push(c);
  }
  return success({
    created_contacts: created.map((c) => slim(ctx, c)),
    existing_contacts: existing.map((c) => slim(ctx, c)),
  });
}

/** The values a bulk update writes (shared, or one row of contact_attributes). */
interface BulkValues {
  owner_id?: string;
  email?: string;
  organization_name?: string;
  title?: string;
  first_name?: string;
  last_name?: string;
  account_id?: string;
  present_raw_address?: string;
  linkedin_url?: string;
  typed_custom_fields?: Record<string, string>;
}

export interface BulkUpdateInput extends BulkValues {
  contact_ids?: string[];
  contact_attributes?: Array<BulkValues & { id: string }>;
  async?: boolean;
  visible_entity_ids?: string[];
}

function write(ctx: CrmContext, c: ContactRecord, v: BulkValues): void {
  if (v.first_name !== undefined) c.firstName = v.first_name;
  if (v.last_name !== undefined) c.lastName = v.last_name;
  if (v.title !== undefined) c.title = v.title;
  if (v.email !== undefined) {
    // As on single updates, an email the caller supplies is trusted and not re-verified.
    if (c.emailStatus === null) c.emailStatus = 'verified';
    c.email = v.email;
  }
  if (v.account_id !== undefined) {
    const account = ctx.crm.accounts.get(v.account_id)!;
    c.accountId = account.id;
    c.organizationId = account.organizationId ?? c.organizationId;
    if (v.organization_name === undefined) c.organizationName = account.name;
  }
  if (v.organization_name !== undefined) c.organizationName = v.organization_name;
  if (v.owner_id !== undefined) c.ownerId = v.owner_id;
  if (v.linkedin_url !== undefined) c.linkedinUrl = v.linkedin_url;
  if (v.present_raw_address !== undefined) {
    const a = parseAddress(v.present_raw_address);
    c.presentRawAddress = v.present_raw_address;
    c.city = a.city;
    c.state = a.state;
    c.country = a.country;
    c.timeZone = a.timeZone;
  }
  if (v.typed_custom_fields)
    c.typedCustomFields = { ...c.typedCustomFields, ...v.typed_custom_fields };
  c.updatedAt = ctx.now();
}

const refsOf = (v: BulkValues): Parameters<typeof checkIds>[1] => [
  ['user', v.owner_id],
  ['account', v.account_id],
];

/**
 * contacts.bulk_update: contact_ids with shared values, or contact_attributes with values per
 * contact. Ids that name no contact are skipped (our assumption). Past 100 contacts, or with
 * async, Apollo answers with an entity_progress_job and works in the background; no endpoint
 * polls such a job, so the sandbox applies the change at once and answers with the job as Apollo
 * documents it.
 */
export function bulkUpdateContacts(ctx: CrmContext, input: BulkUpdateInput): WorldResult {
  const plan: Array<[ContactRecord, BulkValues]> = [];
  if (input.contact_attributes) {
    for (const row of input.contact_attributes) {
      const bad = checkIds(ctx, refsOf(row));
      if (bad) return bad;
      const c = ctx.crm.contacts.get(row.id);
      if (c) plan.push([c, row]);
    }
  } else {
    const bad = checkIds(ctx, refsOf(input));
    if (bad) return bad;
    for (const id of new Set(input.contact_ids ?? [])) {
      const c = ctx.crm.contacts.get(id);
      if (c) plan.push([c, input]);
    }
  }
  for (const [c, values] of plan) write(ctx, c, values);
  const ids = (input.contact_attributes ?? []).map((r) => r.id).concat(input.contact_ids ?? []);
  if (input.async === true || ids.length > contactsBulkUpdateSyncLimit) {
    return success({ entity_progress_job: progressJob(ctx, 'contact_bulk_update', ids) });
  }
  const visible = input.visible_entity_ids ? new Set(input.visible_entity_ids) : null;
  return success({
    contacts: plan
      .filter(([c]) => !visible || visible.has(c.id))
      .map(([c]) => ({
        id: c.id,
        first_name: c.firstName,
        last_name: c.lastName,
        email: c.email,
        title: c.title,
        organization_name: c.organizationName,
        owner_id: c.ownerId,
        account_id: c.accountId,
        present_raw_address: c.presentRawAddress,
        linkedin_url: c.linkedinUrl,
        updated_at: contactJson(ctx, c).updated_at,
      })),
  });
}

/** The contacts these ids name, each once, in the order given; unknown ids are left out. */
function named(ctx: CrmContext, ids: readonly string[]): ContactRecord[] {
  return [...new Set(ids)]
    .map((id) => ctx.crm.contacts.get(id))
    .filter((c): c is ContactRecord => c !== undefined);
}

/** contacts.update_stages: every named contact moves to the stage; answers the full contacts. */
export function updateContactStages(
  ctx: CrmContext,
  input: { contact_ids: string[]; contact_stage_id: string },
): WorldResult {
  if (!ctx.crm.contactStages.some((s) => s.id === input.contact_stage_id))
    return invalidId(input.contact_stage_id);
  const contacts = named(ctx, input.contact_ids);
  for (const c of contacts) {
    c.stageId = input.contact_stage_id;
    c.updatedAt = ctx.now();
  }
  return success({ contacts: contacts.map((c) => contactJson(ctx, c)) });
}

/** contacts.update_owners: the owner must be a user of the team; answers slim rows. */
export function updateContactOwners(
  ctx: CrmContext,
  input: { contact_ids: string[]; owner_id: string },
): WorldResult {
  if (!ctx.crm.users.has(input.owner_id)) return invalidId(input.owner_id);
  const contacts = named(ctx, input.contact_ids);
  for (const c of contacts) {
    c.ownerId = input.owner_id;
    c.updatedAt = ctx.now();
  }
  return success({
    contacts: contacts.map((c) => ({ id: c.id, owner_id: c.ownerId, crm_owner_id: null })),
  });
}
