// The usage page: calls, denials and credits per day per agent, with a chart.
import { Chart, registerables } from 'chart.js';
import { useEffect, useRef } from 'react';

import { useLoad, type Run } from '../hooks';

Chart.register(...registerables);

export function Usage({ run }: { run: Run }) {
  const [data] = useLoad(run, 'GET /admin/api/usage', { query: { days: '14' }, everyMs: 10_000 });
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!data || !canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels: data.days,
        datasets: data.agents.flatMap((a) => [
          { label: `${a.agent} calls`, data: a.calls, stack: a.agent },
          { label: `${a.agent} denials`, data: a.denials, stack: a.agent },
        ]),
      },
      options: { animation: false, responsive: true, scales: { x: { stacked: true } } },
    });
    return () => chart.destroy();
  }, [data]);
  return (
    <>
      <canvas ref={canvas} aria-label="Calls and denials per day per agent" role="img" />
      <table>
        <thead>
          <tr>
            <th>Agent</th>
            <th>Calls</th>
            <th>Denials</th>
            <th>Credits</th>
          </tr>
        </thead>
        <caption>Per agent, last 14 days</caption>
        <tbody data-testid="usage-table">
          {data?.agents.map((a) => (
            <tr key={a.agent}>
              <td>{a.agent}</td>
              <td>{a.calls.reduce((x, y) => x + y, 0)}</td>
              <td>{a.denials.reduce((x, y) => x + y, 0)}</td>
              <td>{a.credits.reduce((x, y) => x + y, 0)}</td>
            </tr>
          ))}
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
