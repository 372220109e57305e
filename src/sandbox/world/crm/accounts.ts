// accounts.create, accounts.update and accounts.search.

import { sanitizePhone } from '../format.js';
import { findOrg, nameOf, orgId } from '../orgs.js';
import { success, unprocessable, type WorldResult } from '../result.js';
import { checkIds, crumb } from './common.js';
import { accountJson, accountSearchExtras, labelJson } from './json.js';
import { paginate, sortBy } from './paging.js';
import { indexAccount, type AccountRecord, type CrmContext } from './state.js';

export interface AccountInput {
  name?: string;
  domain?: string;
  owner_id?: string;
  account_stage_id?: string;
  phone?: string;
  raw_address?: string;
  typed_custom_fields?: Record<string, string>;
}

function refsOf(input: AccountInput): Parameters<typeof checkIds>[1] {
  return [
    ['user', input.owner_id],
    ['accountStage', input.account_stage_id],
  ];
}

/** Writes the sent fields onto an account; a domain links it to a known organization. */
export function applyAccount(ctx: CrmContext, a: AccountRecord, input: AccountInput): void {
  if (input.name !== undefined) a.name = input.name;
  if (input.domain !== undefined) {
    a.domain = input.domain;
    const o = findOrg(ctx.index, { domain: input.domain });
    const previous = a.organizationId;
    a.organizationId = o >= 0 ? orgId(ctx.index, o) : null;
    if (previous && previous !== a.organizationId && ctx.crm.accountByOrg.get(previous) === a.id) {
      ctx.crm.accountByOrg.delete(previous);
      for (const other of ctx.crm.accounts.values()) indexAccount(ctx.crm, other);
    }
  }
  if (input.owner_id !== undefined) a.ownerId = input.owner_id;
  if (input.account_stage_id !== undefined) a.stageId = input.account_stage_id;
  if (input.phone !== undefined) {
    a.phone = input.phone;
    a.sanitizedPhone = sanitizePhone(input.phone);
  }
  if (input.raw_address !== undefined) a.rawAddress = input.raw_address;
  if (input.typed_custom_fields)
    a.typedCustomFields = { ...a.typedCustomFields, ...input.typed_custom_fields };
  a.updatedAt = ctx.now();
  indexAccount(ctx.crm, a);
}

/** accounts.create: always a new account, even for a known name or domain (Apollo never dedupes here). */
export function createAccount(ctx: CrmContext, input: AccountInput, userId: string): WorldResult {
  const bad = checkIds(ctx, refsOf(input));
  if (bad) return bad;
  const a = blankAccount(ctx, input, userId);
  ctx.crm.accounts.set(a.id, a);
  applyAccount(ctx, a, input);
  return success({ account: accountJson(ctx, a) });
}

/** A new API-created account named from the input (or its domain's organization). */
export function blankAccount(
  ctx: CrmContext,
  input: { name?: string; domain?: string },
  userId: string,
): AccountRecord {
  const now = ctx.now();
  const o = input.domain ? findOrg(ctx.index, { domain: input.domain }) : -1;
  return {
    id: ctx.ids.next(now),
    // An account created from a bare domain takes the organization's name, or the domain itself.
    name: input.name ?? (o >= 0 ? nameOf(ctx.index, o) : (input.domain ?? '')),
    domain: null,
    organizationId: null,
    stageId: ctx.crm.accountStages[0]!.id,
    ownerId: userId,
    creatorId: userId,
    phone: null,
    sanitizedPhone: null,
    rawAddress: null,
    linkedinUrl: null,
    labelIds: [],
    typedCustomFields: {},
    source: 'api',
    createdAt: now,
    updatedAt: now,
    lastActivityAt: null,
  };
}

/**
 * accounts.update: partial. An unknown account is Apollo's 422 naming the parameter (its reference
 * for this endpoint), a bad owner or stage id the usual invalid-id 422.
 */
export function updateAccount(
  ctx: CrmContext,
  input: AccountInput & { account_id: string },
): WorldResult {
  const a = ctx.crm.accounts.get(input.account_id);
  if (!a) return unprocessable('Parameters misconfigured. account_id is not a valid ID');
  const bad = checkIds(ctx, refsOf(input));
  if (bad) return bad;
  applyAccount(ctx, a, input);
  return success({
    account: accountJson(ctx, a),
    labels: a.labelIds.map((id) => labelJson(ctx.crm, ctx.crm.labels.get(id)!)),
  });
}

export interface AccountSearchInput {
  q_organization_name?: string;
  account_stage_ids?: string[];
  account_label_ids?: string[];
  sort_by_field?: string;
  sort_ascending?: boolean;
  page?: number;
  per_page?: number;
}

const sortKeys: Record<string, (a: AccountRecord) => number | null> = {
  account_last_activity_date: (a) => a.lastActivityAt,
  account_created_at: (a) => a.createdAt,
  account_updated_at: (a) => a.updatedAt,
};

/** accounts.search: partial match on the account name only, stage and list filters. */
export function searchAccounts(ctx: CrmContext, input: AccountSearchInput): WorldResult {
  const { crm } = ctx;
  const needle = input.q_organization_name?.trim().toLowerCase();
  let rows = [...crm.accounts.values()].filter(
    (a) =>
      (!needle || a.name.toLowerCase().includes(needle)) &&
      (!input.account_stage_ids || input.account_stage_ids.includes(a.stageId)) &&
      (!input.account_label_ids || a.labelIds.some((l) => input.account_label_ids!.includes(l))),
  );
  const key = sortKeys[input.sort_by_field ?? 'account_created_at']!;
  rows = sortBy(rows.reverse(), key, input.sort_by_field ? input.sort_ascending === true : false);
  const { rows: page, pagination } = paginate(rows, input.page, input.per_page);
  return success({
    breadcrumbs: [
      ...(input.q_organization_name
        ? [
            crumb(
              'Company Name',
              'q_organization_name',
              input.q_organization_name,
              input.q_organization_name,
            ),
          ]
        : []),
      ...(input.account_stage_ids ?? []).map((id) =>
        crumb(
          'Account Stage',
          'account_stage_ids',
          id,
          crm.accountStages.find((s) => s.id === id)?.name ?? id,
        ),
      ),
      ...(input.account_label_ids ?? []).map((id) =>
        crumb('Lists', 'account_label_ids', id, crm.labels.get(id)?.name ?? id),
      ),
    ],
    partial_results_only: false,
    has_join: false,
    disable_eu_prospecting: false,
    partial_results_limit: 10000,
    pagination,
    accounts: page.map((a) => ({ ...accountJson(ctx, a), ...accountSearchExtras(ctx, a) })),
    num_fetch_result: null,
  });
}
