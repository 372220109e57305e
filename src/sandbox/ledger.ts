/** Credits the team has spent, in total and per action. */
export interface CreditTotals {
  total: number;
  byAction: Record<string, number>;
}

/** The credits ledger: charged by synchronous answers and by asynchronous deliveries. */
export interface Ledger {
  charge(actionId: string, credits: number): void;
  totals(): CreditTotals;
}

// Apollo reports fractional credits (bulk enrichment, waterfall); rounding to micro-credits keeps
// sums such as 0.1 + 0.2 readable without losing anything Apollo could bill.
const round = (n: number) => Math.round(n * 1e6) / 1e6;

export function createLedger(): Ledger {
  const byAction = new Map<string, number>();
  return {
    charge(actionId, credits) {
      if (!Number.isFinite(credits) || credits <= 0) return;
      byAction.set(actionId, round((byAction.get(actionId) ?? 0) + credits));
    },
    totals() {
      const entries = [...byAction.entries()];
      return {
        total: round(entries.reduce((sum, [, n]) => sum + n, 0)),
        byAction: Object.fromEntries(entries),
      };
    },
  };
}
