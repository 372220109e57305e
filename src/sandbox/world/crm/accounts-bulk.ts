// accounts.get, accounts.bulk_create, accounts.bulk_update and accounts.update_owners
//. Every id a call names is checked before anything changes (our assumption:
// Apollo documents the refusals, not whether they are partial).

import { iso } from '../format.js';
import { orgFromId } from '../orgs.js';
import { invalidId, success, unprocessable, type WorldResult } from '../result.js';
import { applyAccount, blankAccount } from './accounts.js';
import { checkIds, labelIdsFor } from './common.js';
import { progressJob } from './jobs.js';
import { accountJson, accountSearchExtras } from './json.js';
import {
  indexAccount,
  type AccountExtraField,
  type AccountRecord,
  type CrmContext,
} from './state.js';

/**
 * Monthly engagement for the last six months: outbound counts the account's contacts last active
 * that month (the sandbox keeps no message log), inbound their email opens.
 */
function engagementGraph(ctx: CrmContext, a: AccountRecord): Array<Record<string, number>> {
  const now = new Date(ctx.now());
  const months = Array.from({ length: 6 }, (_, k) => {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - k, 1));
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, inbound: 0, outbound: 0 };
  });
  const bucket = (ms: number | null) => {
    if (ms === null) return undefined;
    const d = new Date(ms);
    return months.find((m) => m.year === d.getUTCFullYear() && m.month === d.getUTCMonth() + 1);
  };
  for (const c of ctx.crm.contacts.values()) {
    if (c.accountId !== a.id) continue;
    const out = bucket(c.lastActivityAt);
    if (out) out.outbound++;
    const open = bucket(c.emailLastOpenedAt);
    if (open) open.inbound++;
  }
  return months.reverse();
}

/**
 * accounts.get: the account with its organization's fields, the search extras (so every field a
 * search row shows is the same here), engagement and queues; the CRM owner lists sit beside it.
 * An unknown id is the 422 Apollo documents for this endpoint.
 */
export function getAccount(ctx: CrmContext, input: { id: string }): WorldResult {
  const a = ctx.crm.accounts.get(input.id);
  if (!a) return unprocessable('Parameters misconfigured. id is not a valid ID');
  return success({
    account: {
      ...accountJson(ctx, a, true),
      ...accountSearchExtras(ctx, a),
      engagement_graph: engagementGraph(ctx, a),
      account_queues: [],
      disable_flag: false,
    },
    salesforce_users: [],
    hubspot_owners: [],
  });
}

/** One row of a bulk create (already parsed by the catalog). */
export interface BulkAccountInput {
  name?: string;
  domain?: string;
  owner_id?: string;
  phone?: string;
  phone_status_cd?: string;
  raw_address?: string;
  linkedin_url?: string;
  facebook_url?: string;
  twitter_url?: string;
  salesforce_id?: string;
  hubspot_id?: string;
  merged_crm_ids?: string[];
  organization_id?: string;
  parent_account_id?: string;
  account_stage_id?: string;
  typed_custom_fields?: Record<string, string>;
}

const extraFields: AccountExtraField[] = [
  'salesforce_id',
  'hubspot_id',
  'parent_account_id',
  'facebook_url',
  'twitter_url',
  'phone_status_cd',
];

const lower = (s: string | null | undefined) => s?.trim().toLowerCase() ?? null;

/**
 * The existing account a row matches: CRM ids always (salesforce_id, hubspot_id, merged CRM ids);
 * with run_dedupe also the domain, the organization and the name.
 */
function findMatch(
  ctx: CrmContext,
  row: BulkAccountInput,
  dedupe: boolean,
): AccountRecord | undefined {
  const accounts = [...ctx.crm.accounts.values()];
  const crmIds = [row.salesforce_id, row.hubspot_id, ...(row.merged_crm_ids ?? [])].filter(
    (v): v is string => typeof v === 'string',
  );
  const byCrm = accounts.find((a) =>
    [a.extras?.salesforce_id, a.extras?.hubspot_id, ...(a.mergedCrmIds ?? [])].some(
      (id) => id !== undefined && crmIds.includes(id),
    ),
  );
  if (byCrm || !dedupe) return byCrm;
  return (
    (row.domain ? accounts.find((a) => lower(a.domain) === lower(row.domain)) : undefined) ??
    (row.organization_id
      ? accounts.find((a) => a.organizationId === row.organization_id)
      : undefined) ??
    (row.name ? accounts.find((a) => lower(a.name) === lower(row.name)) : undefined)
  );
}

function slim(ctx: CrmContext, a: AccountRecord): Record<string, unknown> {
  return {
    id: a.id,
    name: a.name,
    domain: a.domain,
    team_id: ctx.crm.team.id,
    owner_id: a.ownerId,
    account_stage_id: a.stageId,
    phone: a.phone,
    ...(a.linkedinUrl ? { linkedin_url: a.linkedinUrl } : {}),
    created_at: iso(a.createdAt),
    updated_at: iso(a.updatedAt),
  };
}

export interface BulkCreateAccountsInput {
  accounts: BulkAccountInput[];
  append_label_names?: string[];
  run_dedupe?: boolean;
}

/** accounts.bulk_create: matches (see findMatch) are returned unchanged, the rest created. */
export function bulkCreateAccounts(
  ctx: CrmContext,
  input: BulkCreateAccountsInput,
  userId: string,
): WorldResult {
  for (const row of input.accounts) {
    // The single create's rule; Apollo documents no other for bulk rows (our assumption).
    if (!row.name && !row.domain) return unprocessable('Please specify at least a name or domain.');
    const bad = checkIds(ctx, [
      ['user', row.owner_id],
      ['accountStage', row.account_stage_id],
      ['account', row.parent_account_id],
    ]);
    if (bad) return bad;
  }
  const labels = input.append_label_names
    ? labelIdsFor(ctx, input.append_label_names, 'accounts', userId)
    : [];
  const created: AccountRecord[] = [];
  const existing: AccountRecord[] = [];
  for (const row of input.accounts) {
    const match = findMatch(ctx, row, input.run_dedupe === true);
    if (match) {
      if (!existing.includes(match) && !created.includes(match)) existing.push(match);
      continue;
    }
    const a = blankAccount(ctx, row, userId);
    ctx.crm.accounts.set(a.id, a);
    applyAccount(ctx, a, row);
    if (row.organization_id && !a.organizationId && orgFromId(ctx.index, row.organization_id) >= 0)
      a.organizationId = row.organization_id;
    a.linkedinUrl = row.linkedin_url ?? null;
    const extras: AccountRecord['extras'] = {};
    for (const f of extraFields) if (row[f] !== undefined) extras[f] = row[f];
    if (Object.keys(extras).length) a.extras = extras;
    if (row.merged_crm_ids) a.mergedCrmIds = [...row.merged_crm_ids];
    a.labelIds = [...labels];
    indexAccount(ctx.crm, a);
    created.push(a);
  }
  return success({
    created_accounts: created.map((a) => slim(ctx, a)),
    existing_accounts: existing.map((a) => slim(ctx, a)),
  });
}

interface AccountValues {
  name?: string;
  owner_id?: string;
  account_stage_id?: string;
  typed_custom_fields?: Record<string, string>;
}

export interface BulkUpdateAccountsInput extends AccountValues {
  account_ids?: string[];
  account_attributes?: Array<AccountValues & { id: string }>;
  async?: boolean;
}

const refsOf = (v: AccountValues): Parameters<typeof checkIds>[1] => [
  ['user', v.owner_id],
  ['accountStage', v.account_stage_id],
];

/**
 * accounts.bulk_update. Ids that name no account are skipped (our assumption). Apollo documents
 * no answer shape for async: the sandbox answers the contacts' entity_progress_job with
 * job_type "account_bulk_update" (our assumption), the change already applied.
 */
export function bulkUpdateAccounts(ctx: CrmContext, input: BulkUpdateAccountsInput): WorldResult {
  const plan: Array<[AccountRecord, AccountValues]> = [];
  if (input.account_attributes) {
    for (const row of input.account_attributes) {
      const bad = checkIds(ctx, refsOf(row));
      if (bad) return bad;
      const a = ctx.crm.accounts.get(row.id);
      if (a) plan.push([a, row]);
    }
  } else {
    const bad = checkIds(ctx, refsOf(input));
    if (bad) return bad;
    for (const id of new Set(input.account_ids ?? [])) {
      const a = ctx.crm.accounts.get(id);
      if (a) plan.push([a, input]);
    }
  }
  for (const [a, v] of plan) {
    applyAccount(ctx, a, {
      name: v.name,
      owner_id: v.owner_id,
      account_stage_id: v.account_stage_id,
      typed_custom_fields: v.typed_custom_fields,
    });
  }
  if (input.async === true) {
    return success({
      entity_progress_job: progressJob(ctx, 'account_bulk_update', input.account_ids ?? []),
    });
  }
  return success({
    accounts: plan.map(([a]) => ({
      id: a.id,
      name: a.name,
      owner_id: a.ownerId,
      account_stage_id: a.stageId,
      updated_at: iso(a.updatedAt),
    })),
  });
}

/** accounts.update_owners: the owner must be a user of the team; answers slim rows. */
export function updateAccountOwners(
  ctx: CrmContext,
  input: { account_ids: string[]; owner_id: string },
): WorldResult {
  if (!ctx.crm.users.has(input.owner_id)) return invalidId(input.owner_id);
  const accounts = [...new Set(input.account_ids)]
    .map((id) => ctx.crm.accounts.get(id))
    .filter((a): a is AccountRecord => a !== undefined);
  for (const a of accounts) {
    a.ownerId = input.owner_id;
    a.updatedAt = ctx.now();
  }
  return success({
    accounts: accounts.map((a) => ({ id: a.id, owner_id: a.ownerId, crm_owner_id: null })),
  });
}
