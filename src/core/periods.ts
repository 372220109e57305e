// The UTC day and month a moment falls in: credit budgets and usage reports count per period.

/** Milliseconds in a day. */
export const dayMs = 86_400_000;

/** A period as [start, end) in epoch ms. */
export interface Period {
  readonly start: number;
  readonly end: number;
}

/** The UTC day containing `now`. */
export function utcDay(now: number): Period {
  const start = Math.floor(now / dayMs) * dayMs;
  return { start, end: start + dayMs };
}

/** The UTC month containing `now`. */
export function utcMonth(now: number): Period {
  const d = new Date(now);
  return {
    start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
    end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1),
  };
}
