// The usage page: calls and denials per day per agent as separate series (a denial is part of the
// calls, so stacking them would overstate activity), one distinct colour per agent, and each
// agent's credits against its daily and monthly budgets.
import type { Chart as ChartType } from 'chart.js';
import { useEffect, useRef } from 'react';

import type { AdminResponse } from '../../../src/surfaces/admin/contracts';

import { BudgetMeter } from '../components/BudgetMeter';
import { useLoad, type Run } from '../hooks';

// chart.js is most of the console's weight and only this page draws a chart: it loads on the
// page's first visit, not with the console.
let chartJs: Promise<typeof ChartType> | undefined;
const loadChart = () =>
  (chartJs ??= import('chart.js').then(({ Chart, registerables }) => {
    Chart.register(...registerables);
    return Chart;
  }));

type UsageAgent = AdminResponse<'GET /admin/api/usage'>['agents'][number];

/** The i-th agent's hue: golden-angle steps never repeat a colour among neighbours. */
const hueOf = (i: number) => Math.round((i * 137.508) % 360);
const sum = (xs: readonly number[]) => xs.reduce((x, y) => x + y, 0);

function Spend(props: { spent: number; budget: number | null; label: string }) {
  const { spent, budget, label } = props;
  if (budget === null) return <>{spent} (no budget)</>;
  return (
    <>
      <BudgetMeter spent={spent} budget={budget} label={label} /> {spent} of {budget}
    </>
  );
}

export function Usage({ run }: { run: Run }) {
  const [data] = useLoad(run, 'GET /admin/api/usage', { query: { days: '14' }, everyMs: 10_000 });
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!data) return;
    let chart: ChartType | undefined;
    let gone = false;
    void loadChart().then((Chart) => {
      if (gone || !canvas.current) return;
      chart = new Chart(canvas.current, {
        type: 'bar',
        data: {
          labels: data.days,
          datasets: data.agents.flatMap((a, i) => [
            {
              label: `${a.agent} calls`,
              data: a.calls,
              backgroundColor: `hsl(${hueOf(i)} 65% 42%)`,
            },
            {
              label: `${a.agent} denials`,
              data: a.denials,
              backgroundColor: `hsl(${hueOf(i)} 65% 78%)`,
            },
          ]),
        },
        options: { animation: false, responsive: true },
      });
    });
    return () => {
      gone = true;
      chart?.destroy();
    };
  }, [data]);
  return (
    <>
      <canvas ref={canvas} aria-label="Calls and denials per day per agent" role="img" />
      <table>
        <caption>Per agent: the last 14 days, and credits against budgets (UTC)</caption>
        <thead>
          <tr>
            <th>Agent</th>
            <th>Calls</th>
            <th>Denials</th>
            <th>Credits (14 days)</th>
            <th>Credits today</th>
            <th>Credits this month</th>
          </tr>
        </thead>
        <tbody data-testid="usage-table">
          {data?.agents.map((a) => {
            const b: UsageAgent['budget'] = a.budget;
            return (
              <tr key={a.agent}>
                <td>{a.agent}</td>
                <td>{sum(a.calls)}</td>
                <td>{sum(a.denials)}</td>
                <td>{sum(a.credits)}</td>
                <td>
                  {b ? (
                    <Spend
                      spent={b.spent_today}
                      budget={b.day}
                      label={`${a.agent}: credits today`}
                    />
                  ) : (
                    '—'
                  )}
                </td>
                <td>
                  {b ? (
                    <Spend
                      spent={b.spent_month}
                      budget={b.month}
                      label={`${a.agent}: credits this month`}
                    />
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <table>
        <caption>Per action, last 14 days</caption>
        <thead>
          <tr>
            <th>Action</th>
            <th>Calls</th>
            <th>Denials</th>
            <th>Credits</th>
          </tr>
        </thead>
        <tbody>
          {data?.actions.map((a) => (
            <tr key={a.action}>
              <td>{a.action}</td>
              <td>{a.calls}</td>
              <td>{a.denials}</td>
              <td>{a.credits}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
