// The team's credit balance for the billing cycle: what usage_stats/credit_usage_stats and
// users/api_profile?include_credit_usage=true report, and what makes the sandbox refuse
// credit-spending calls once it is exhausted (Apollo's 422 BILLING.LIMIT.CREDITS_EXHAUSTED).
//
// The sandbox simulates a unified-credit plan: every credit it charges (enrichment, exports,
// phone reveals, waterfall vendors) draws on one pool, reported as lead_credit, as Apollo does on
// such plans; the other credit types are not on the plan and report a limit of 0.

import type { Ledger } from './ledger.js';
import { json } from './respond.js';

/** The default credit allowance of the sandbox's team for a cycle (our choice: ample for tests). */
export const defaultCreditLimit = 100_000;

/** The team's balance: a limit for the cycle and the ledger's spending against it. */
export interface CreditAccount {
  limit(): number;
  /** Sets the cycle's allowance (what has been spent stays spent). */
  setLimit(limit: number): void;
  spent(): number;
  /** What is left, never below 0. */
  remaining(): number;
  /** True once nothing is left: credit-spending calls are then refused. */
  exhausted(): boolean;
  /** The current credit cycle: the calendar month (UTC) the sandbox started in. */
  readonly cycle: { readonly start: string; readonly end: string };
}

/** The balance as `/__sandbox/state` and `/__sandbox/credits` show it. */
export interface CreditBalance {
  limit: number;
  spent: number;
  remaining: number;
}

export function createCreditAccount(
  ledger: Ledger,
  options: { limit: number; startedAt: number },
): CreditAccount {
  let limit = checkedLimit(options.limit);
  const started = new Date(options.startedAt);
  const y = started.getUTCFullYear();
  const m = started.getUTCMonth();
  const spent = () => ledger.totals().total;
  return {
    limit: () => limit,
    setLimit(next) {
      limit = checkedLimit(next);
    },
    spent,
    remaining: () => Math.max(0, limit - spent()),
    exhausted: () => spent() >= limit,
    cycle: {
      start: new Date(Date.UTC(y, m, 1)).toISOString(),
      end: new Date(Date.UTC(y, m + 1, 1)).toISOString(),
    },
  };
}

function checkedLimit(n: number): number {
  if (!Number.isFinite(n) || n < 0) throw new Error('the credit limit must be a number ≥ 0');
  return n;
}

/** The balance for the control routes. */
export function balanceOf(account: CreditAccount): CreditBalance {
  return { limit: account.limit(), spent: account.spent(), remaining: account.remaining() };
}

// Apollo reports whole credits; fractional vendor charges are rounded up against the team.
const used = (account: CreditAccount) => Math.ceil(account.spent());
const left = (account: CreditAccount) => Math.max(0, account.limit() - used(account));

const creditTypes = [
  'lead_credit',
  'direct_dial_credit',
  'export_credit',
  'conversation_credit',
  'ai_credit',
  'power_up_credit',
  'inbound_website_visitor_credit',
  'contact_website_visitor_credit',
  'web_search_record_credit',
  // Dialer minutes, not credits.
  'dialer',
] as const;

/** usage_stats/credit_usage_stats: every credit type, the pool under lead_credit. */
export function creditUsageBody(account: CreditAccount): Record<string, unknown> {
  const stats = Object.fromEntries(
    creditTypes.map((type) => [
      type,
      type === 'lead_credit'
        ? { limit: account.limit(), consumed: used(account), left_over: left(account) }
        : { limit: 0, consumed: 0, left_over: 0 },
    ]),
  );
  return {
    credit_usage_stats: stats,
    current_credit_cycle: { start_date: account.cycle.start, end_date: account.cycle.end },
  };
}

/** The credit fields users/api_profile adds with include_credit_usage=true. */
export function profileCredits(account: CreditAccount): Record<string, number> {
  return {
    num_credits_remaining: left(account),
    effective_num_lead_credits: account.limit(),
    num_lead_credits_used: used(account),
    effective_num_direct_dial_credits: 0,
    num_direct_dial_credits_used: 0,
    effective_num_export_credits: 0,
    num_export_credits_used: 0,
    effective_num_ai_credits: 0,
    num_ai_credits_used: 0,
    effective_num_power_up_credits: 0,
    num_power_up_credits_used: 0,
    total_unified_credits_used: used(account),
  };
}

/** Apollo's answer to a credit-spending call once the team's credits are exhausted (verbatim). */
export function creditsExhausted(): Response {
  return json(422, {
    error: 'You have insufficient credits!',
    error_details: { code: 'BILLING.LIMIT.CREDITS_EXHAUSTED' },
  });
}
