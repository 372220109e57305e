// The budget step: a call that could take the agent past its daily or monthly credit budget is
// refused before it reaches Apollo. Estimates of the agent's calls in flight count as spent until
// their records land, in this process and, with replicas, in the shared counters.
import { gatewayError, utcDay, utcMonth, type GatewayError } from '../core/index.js';
import type { AgentIdentity, CreditLedger, Logger, SharedReservations } from '../ports/index.js';

/** What one call holds against its agent's budget while in flight. */
export interface Held {
  agentId: string | null;
  credits: number;
  /** Also reserved in the replicas' shared counters. */
  shared?: boolean;
  /**
   * Work the call leaves running after its answer (its audit completion): the call stays in
   * flight, its reservation held, until these settle. Absent where the caller must wait instead.
   */
  trailing?: Array<Promise<unknown>>;
}

/** The refusal of a call over budget, and the rule to record. */
export interface OverBudget {
  readonly error: GatewayError;
  readonly rule: string;
}

export interface Budgets {
  /** Reserves `estimate` for the call holding `held`, or says why not. */
  reserve(
    agent: AgentIdentity,
    estimate: number,
    now: number,
    held: Held,
  ): Promise<OverBudget | null>;
  /**
   * Gives back what `held` reserved (when its call ended): this process's count, Redis's shared
   * one, or (by default) both. Locally a call's credits leave the reservation as its completion is
   * issued, since this process's ledger reads wait for that write; other replicas' reads do not,
   * so the shared count is given back only once the completion is committed.
   */
  release(held: Held, part?: 'local' | 'shared'): void;
  /** Credits the agent spent this UTC day and month, calls in flight included. */
  spent(agentId: string, now: number): Promise<{ day: number; month: number } | null>;
}

const hasBudget = (a: AgentIdentity) =>
  (a.creditBudgetDay !== null && a.creditBudgetDay !== undefined) ||
  (a.creditBudgetMonth !== null && a.creditBudgetMonth !== undefined);

const ruleFor = (period: 'day' | 'month') => `credit budget per ${period}`;

export function createBudgets(deps: {
  readonly ledger?: CreditLedger | undefined;
  readonly reservations?: SharedReservations | undefined;
  readonly logger: Logger;
}): Budgets {
  const inFlight = new Map<string, number>();

  const periodsOf = (agent: AgentIdentity, now: number) =>
    [
      { period: 'day' as const, limit: agent.creditBudgetDay, ...utcDay(now) },
      { period: 'month' as const, limit: agent.creditBudgetMonth, ...utcMonth(now) },
    ].flatMap((p) => (p.limit === null || p.limit === undefined ? [] : [{ ...p, limit: p.limit }]));

  async function local(
    agent: AgentIdentity,
    needed: number,
    now: number,
  ): Promise<OverBudget | null> {
    for (const p of periodsOf(agent, now)) {
      // This call's own estimate is already counted in flight (see reserve): the others' are not.
      const others = (inFlight.get(agent.id) ?? 0) - needed;
      const spent = (await deps.ledger!.spent(agent.id, p.start)) + Math.max(0, others);
      if (spent + needed > p.limit + 1e-9) {
        const error = gatewayError.budgetExhausted({
          limit: p.limit,
          spent: Math.round(spent * 100) / 100,
          needed,
          period: p.period,
          retryAfterSeconds: Math.ceil((p.end - now) / 1000),
        });
        return { error, rule: ruleFor(p.period) };
      }
    }
    return null;
  }

  /** Reserves `needed` in the replicas' shared counters, atomically with the check. */
  async function shared(
    agent: AgentIdentity,
    needed: number,
    now: number,
  ): Promise<OverBudget | null> {
    const periods = [];
    for (const p of periodsOf(agent, now)) {
      periods.push({ ...p, spent: await deps.ledger!.spent(agent.id, p.start) });
    }
    try {
      const r = await deps.reservations!.reserveCredits(agent.id, needed, periods);
      if (r.ok) return null;
      const p = periods.find((x) => x.period === r.period)!;
      const error = gatewayError.budgetExhausted({
        limit: p.limit,
        spent: Math.round((p.spent + r.inFlight) * 100) / 100,
        needed,
        period: p.period,
        retryAfterSeconds: Math.ceil((p.end - now) / 1000),
      });
      return { error, rule: ruleFor(p.period) };
    } catch (e) {
      deps.logger.warn({ err: e }, 'shared credit counters unreachable: refusing the call');
      return {
        error: gatewayError.sharedStateUnavailable({
          state: 'credit_budgets',
          retryAfterSeconds: 5,
          cause: e,
        }),
        rule: 'shared counters',
      };
    }
  }

  /** Gives back what `held` reserved. */
  function release(held: Held, part?: 'local' | 'shared'): void {
    if (!held.agentId || !held.credits) return;
    if (part !== 'shared') {
      const left = (inFlight.get(held.agentId) ?? 0) - held.credits;
      if (left > 1e-9) inFlight.set(held.agentId, left);
      else inFlight.delete(held.agentId);
    }
    if (held.shared && part !== 'local') {
      void deps.reservations
        ?.releaseCredits(held.agentId, held.credits)
        .catch((e: unknown) => deps.logger.warn({ err: e }, 'could not release shared credits'));
    }
  }

  return {
    async reserve(agent, estimate, now, held) {
      if (!deps.ledger || estimate <= 0) return null;
      // Counted in flight before the ledger is read, so calls checking at the same moment see
      // each other: no gap between the check and the reservation for a concurrent call to slip
      // through (on a slower store that gap let a fourth call past a budget of three).
      inFlight.set(agent.id, (inFlight.get(agent.id) ?? 0) + estimate);
      held.agentId = agent.id;
      held.credits = estimate;
      const refuse = (over: OverBudget): OverBudget => {
        release(held);
        held.agentId = null;
        held.credits = 0;
        return over;
      };
      const over = await local(agent, estimate, now);
      if (over) return refuse(over);
      if (deps.reservations && hasBudget(agent)) {
        const refused = await shared(agent, estimate, now);
        if (refused) return refuse(refused);
        held.shared = true;
      }
      return null;
    },
    release,
    async spent(agentId, now) {
      if (!deps.ledger) return null;
      const pending = inFlight.get(agentId) ?? 0;
      return {
        day: (await deps.ledger.spent(agentId, utcDay(now).start)) + pending,
        month: (await deps.ledger.spent(agentId, utcMonth(now).start)) + pending,
      };
    },
  };
}
