// deals.list (and its legacy path), deals.get, deals.create and deals.update.

import { invalidId, success, unprocessable, type WorldResult } from '../result.js';
import { checkIds } from './common.js';
import type { IdGen } from './ids.js';
import { accountJson, dealJson } from './json.js';
import { matchesWords, paginate, sortBy } from './paging.js';
import type { Crm, CrmContext, DealRecord } from './state.js';

export interface DealInput {
  name?: string;
  owner_id?: string;
  account_id?: string;
  /** Digits, as Apollo wants them (the catalog has already refused commas and symbols). */
  amount?: string;
  opportunity_stage_id?: string;
  closed_date?: string;
  typed_custom_fields?: Record<string, unknown>;
  currency_code?: string;
  opportunity_pipeline_id?: string;
  description?: string;
}

function refsOf(input: DealInput): Parameters<typeof checkIds>[1] {
  return [
    ['user', input.owner_id],
    ['account', input.account_id],
    ['opportunityStage', input.opportunity_stage_id],
  ];
}

function apply(ctx: CrmContext, d: DealRecord, input: DealInput): void {
  const now = ctx.now();
  if (input.name !== undefined) d.name = input.name;
  if (input.owner_id !== undefined) d.ownerId = input.owner_id;
  if (input.account_id !== undefined) d.accountId = input.account_id;
  if (input.amount !== undefined) d.amount = Number(input.amount);
  if (input.closed_date !== undefined) d.closedDate = input.closed_date;
  if (input.description !== undefined) d.description = input.description;
  if (input.currency_code !== undefined) d.currency = input.currency_code;
  if (input.typed_custom_fields)
    d.typedCustomFields = { ...d.typedCustomFields, ...input.typed_custom_fields };
  if (input.opportunity_stage_id !== undefined && input.opportunity_stage_id !== d.stageId) {
    const stage = ctx.crm.opportunityStages.find((s) => s.id === input.opportunity_stage_id)!;
    d.stageId = stage.id;
    d.stageUpdatedAt = now;
    d.isClosed = stage.isClosed ?? false;
    d.isWon = stage.isWon ?? false;
  }
  d.updatedAt = now;
}

/** deals.create: amount arrives as a digit string and is stored as a number. */
export function createDeal(
  ctx: CrmContext,
  input: DealInput & { name: string },
  userId: string,
): WorldResult {
  const bad = checkIds(ctx, refsOf(input));
  if (bad) return bad;
  // The sandbox team has one pipeline; another pipeline id names nothing.
  if (
    input.opportunity_pipeline_id !== undefined &&
    input.opportunity_pipeline_id !== ctx.crm.pipelineId
  )
    return invalidId(input.opportunity_pipeline_id);
  const now = ctx.now();
  const first = ctx.crm.opportunityStages[0]!;
  const d: DealRecord = {
    id: ctx.ids.next(now),
    name: input.name,
    ownerId: userId,
    createdById: userId,
    accountId: null,
    amount: null,
    stageId: first.id,
    closedDate: null,
    isClosed: first.isClosed ?? false,
    isWon: first.isWon ?? false,
    source: 'api',
    description: null,
    currency: 'USD',
    typedCustomFields: {},
    createdAt: now,
    updatedAt: now,
    stageUpdatedAt: now,
    lastActivityAt: null,
    freshlyCreated: true,
    contactRoles: [],
  };
  apply(ctx, d, input);
  ctx.crm.deals.set(d.id, d);
  return success({ opportunity: dealJson(ctx, d) });
}

/**
 * deals.update: partial. An unknown deal is Apollo's 422 "Opportunity does not exist." (its
 * reference for this endpoint); a bad owner or stage id is the usual invalid-id 422.
 */
export function updateDeal(
  ctx: CrmContext,
  input: DealInput & { opportunity_id: string },
): WorldResult {
  const d = ctx.crm.deals.get(input.opportunity_id);
  if (!d) return unprocessable('Opportunity does not exist.');
  const bad = checkIds(ctx, refsOf(input));
  if (bad) return bad;
  apply(ctx, d, input);
  d.freshlyCreated = false;
  return success({ opportunity: dealJson(ctx, d) });
}

/** A deal as the single-deal view shows it: with its contact count and its account. */
export function dealView(ctx: CrmContext, d: DealRecord): Record<string, unknown> {
  const account = d.accountId ? ctx.crm.accounts.get(d.accountId) : undefined;
  return {
    ...dealJson(ctx, d),
    num_contacts: d.contactRoles?.length ?? 0,
    account: account ? accountJson(ctx, account, true) : null,
  };
}

/** deals.get: an unknown deal is a 404 with Apollo's `{status, error}` body for this endpoint. */
export function getDeal(ctx: CrmContext, input: { opportunity_id: string }): WorldResult {
  const d = ctx.crm.deals.get(input.opportunity_id);
  if (!d) return { ok: false, status: 404, body: { status: 404, error: 'Not Found' } };
  return success({ opportunity: dealView(ctx, d) });
}

export interface DealListInput {
  sort_by_field?: string;
  sort_ascending?: boolean;
  q_keywords?: string;
  account_id?: string;
  owner_id?: string;
  opportunity_stage_id?: string;
  opportunity_pipeline_id?: string;
  page?: number;
  per_page?: number;
}

const sortKeys: Record<string, (d: DealRecord) => number | null> = {
  amount: (d) => d.amount,
  is_closed: (d) => (d.isClosed ? 1 : 0),
  is_won: (d) => (d.isWon ? 1 : 0),
};

/**
 * deals.list and its legacy path: the documented answer (breadcrumbs, rows with their account,
 * pagination and the search flags). Without sort_by_field the newest deals come first (our
 * choice; Apollo does not say).
 */
export function listDeals(ctx: CrmContext, input: DealListInput): WorldResult {
  let rows = [...ctx.crm.deals.values()].filter(
    (d) =>
      (!input.q_keywords || matchesWords(input.q_keywords, [d.name])) &&
      (!input.account_id || d.accountId === input.account_id) &&
      (!input.owner_id || d.ownerId === input.owner_id) &&
      (!input.opportunity_stage_id || d.stageId === input.opportunity_stage_id) &&
      (!input.opportunity_pipeline_id || input.opportunity_pipeline_id === ctx.crm.pipelineId),
  );
  rows = input.sort_by_field
    ? sortBy(rows, sortKeys[input.sort_by_field]!, input.sort_ascending === true)
    : sortBy(rows.reverse(), (d) => d.createdAt, false);
  const { rows: page, pagination } = paginate(rows, input.page, input.per_page);
  return success({
    breadcrumbs: [],
    opportunities: page.map((d) => dealJson(ctx, d, true)),
    salesforce_users: [],
    partial_results_only: false,
    has_join: false,
    disable_eu_prospecting: false,
    partial_results_limit: 10000,
    pagination,
    num_fetch_result: null,
  });
}

const dealRoles = ['Decision Maker', 'Champion', 'Influencer', 'Economic Buyer'];

/**
 * Puts contacts on the seeded deals: each deal with an account gets that account's contacts in
 * turn (up to two), the first of them primary. Uses no random draws, so seeding
 * everything else is unchanged.
 */
export function seedDealContacts(crm: Crm, ids: IdGen): void {
  const byAccount = new Map<string, string[]>();
  for (const c of crm.contacts.values()) {
    if (!c.accountId) continue;
    const list = byAccount.get(c.accountId) ?? [];
    list.push(c.id);
    byAccount.set(c.accountId, list);
  }
  let k = 0;
  for (const d of crm.deals.values()) {
    const people = d.accountId ? (byAccount.get(d.accountId) ?? []) : [];
    const take = Math.min(people.length, 1 + (k % 2));
    d.contactRoles = Array.from({ length: take }, (_, j) => ({
      id: ids.next(d.createdAt),
      contactId: people[(k + j) % people.length]!,
      role: dealRoles[(k + j) % dealRoles.length]!,
      isPrimary: j === 0,
      createdAt: d.createdAt,
    }));
    k++;
  }
}
