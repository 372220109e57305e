// deals.list, deals.create and deals.update (SPEC §7).

import { notFound, success, type WorldResult } from '../result.js';
import { checkIds } from './common.js';
import { dealJson } from './json.js';
import { matchesWords, paginate, sortBy } from './paging.js';
import type { CrmContext, DealRecord } from './state.js';

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
  description?: string;
  is_closed?: boolean;
  is_won?: boolean;
  source?: string;
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
  if (input.source !== undefined) d.source = input.source;
  if (input.typed_custom_fields)
    d.typedCustomFields = { ...d.typedCustomFields, ...input.typed_custom_fields };
  if (input.opportunity_stage_id !== undefined && input.opportunity_stage_id !== d.stageId) {
    const stage = ctx.crm.opportunityStages.find((s) => s.id === input.opportunity_stage_id)!;
    d.stageId = stage.id;
    d.stageUpdatedAt = now;
    d.isClosed = stage.isClosed ?? false;
    d.isWon = stage.isWon ?? false;
  }
  if (input.is_closed !== undefined) d.isClosed = input.is_closed;
  if (input.is_won !== undefined) {
    d.isWon = input.is_won;
    if (input.is_won) d.isClosed = true;
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
  };
  apply(ctx, d, input);
  ctx.crm.deals.set(d.id, d);
  return success({ opportunity: dealJson(ctx, d) });
}

/** deals.update: partial; 404 for an unknown deal, 422 for a bad owner, account or stage id. */
export function updateDeal(
  ctx: CrmContext,
  input: DealInput & { opportunity_id: string },
): WorldResult {
  const d = ctx.crm.deals.get(input.opportunity_id);
  if (!d) return notFound('Opportunity');
  const bad = checkIds(ctx, refsOf(input));
  if (bad) return bad;
  apply(ctx, d, input);
  d.freshlyCreated = false;
  return success({ opportunity: dealJson(ctx, d) });
}

export interface DealListInput {
  sort_by_field?: string;
  sort_ascending?: boolean;
  q_keywords?: string;
  account_id?: string;
  owner_id?: string;
  opportunity_stage_id?: string;
  page?: number;
  per_page?: number;
}

const sortKeys: Record<string, (d: DealRecord) => number | null> = {
  amount: (d) => d.amount,
  is_closed: (d) => (d.isClosed ? 1 : 0),
  is_won: (d) => (d.isWon ? 1 : 0),
};

/** deals.list. Without sort_by_field the newest deals come first (our choice). */
export function listDeals(ctx: CrmContext, input: DealListInput): WorldResult {
  let rows = [...ctx.crm.deals.values()].filter(
    (d) =>
      (!input.q_keywords || matchesWords(input.q_keywords, [d.name])) &&
      (!input.account_id || d.accountId === input.account_id) &&
      (!input.owner_id || d.ownerId === input.owner_id) &&
      (!input.opportunity_stage_id || d.stageId === input.opportunity_stage_id),
  );
  rows = input.sort_by_field
    ? sortBy(rows, sortKeys[input.sort_by_field]!, input.sort_ascending === true)
    : sortBy(rows.reverse(), (d) => d.createdAt, false);
  const { rows: page, pagination } = paginate(rows, input.page, input.per_page);
  return success({
    breadcrumbs: [],
    opportunities: page.map((d) => dealJson(ctx, d, true)),
    pagination,
  });
}
