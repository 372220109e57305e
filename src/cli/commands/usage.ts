import { utcDay, utcMonth } from '../../core/index.js';
import { parse, table, type CliIO, CliError } from '../io.js';
import { storeOptions, withStore } from '../with-store.js';

const help = `Usage: gatehouse usage [--agent <name|id>] [--json]

Credits each agent spent today and this month (UTC), from the audit ledger, beside its budgets
and what remains. Set budgets with: gatehouse agent limits <agent> --credits-per-day N

Options: --agent  --db  --json  --help`;

/** `gatehouse usage` */
export async function usageCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parse('usage', args, { ...storeOptions, agent: { type: 'string' } }, false);
  if (values.help) {
    io.out(help);
    return 0;
  }
  return withStore(io, values, async (store) => {
    const now = Date.now();
    const dayStart = utcDay(now).start;
    const monthStart = utcMonth(now).start;
    let agents = await store.agents.list();
    if (values.agent) {
      const one = await store.agents.get(values.agent);
      if (!one) throw new CliError(`no agent '${values.agent}' (see gatehouse agent list)`);
      agents = [one];
    }
    const rows = await Promise.all(
      agents.map(async (a) => {
        const today = await store.audit.sumCredits({ agentId: a.id, since: dayStart });
        const month = await store.audit.sumCredits({ agentId: a.id, since: monthStart });
        const left = (budget: number | null, spent: number) =>
          budget === null ? null : Math.max(0, Math.round((budget - spent) * 100) / 100);
        return {
          agent: a.name,
          spent_today: today,
          budget_day: a.creditBudgetDay,
          left_today: left(a.creditBudgetDay, today),
          spent_month: month,
          budget_month: a.creditBudgetMonth,
          left_month: left(a.creditBudgetMonth, month),
        };
      }),
    );
    if (values.json) {
      io.out(JSON.stringify(rows));
      return 0;
    }
    if (!rows.length) {
      io.out('No agents yet.');
      return 0;
    }
    const show = (spent: number, budget: number | null, left: number | null) =>
      budget === null ? `${spent}` : `${spent} of ${budget} (${left} left)`;
    io.out(
      table(
        ['AGENT', 'TODAY (UTC)', 'THIS MONTH'],
        rows.map((r) => [
          r.agent,
          show(r.spent_today, r.budget_day, r.left_today),
          show(r.spent_month, r.budget_month, r.left_month),
        ]),
      ),
    );
    return 0;
  });
}
