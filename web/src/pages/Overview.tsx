// The overview page: the Apollo connection, today's calls, warnings, alerts (acknowledge), the
// newest denials, budget burn, rate headroom of the actions used (the rest behind "Show all"),
// and connecting Apollo over OAuth.
import { useState, type FormEvent } from 'react';

import type { AdminResponse } from '../../../src/surfaces/admin/contracts';

import { request } from '../api';
import { BudgetMeter } from '../components/BudgetMeter';
import { useLoad, type Run } from '../hooks';
import { useCan } from '../session';
import { When } from '../time';

type Window =
  keyof AdminResponse<'GET /admin/api/overview'>['headroom'][number]['snapshot']['windows'];

export function Overview({ run }: { run: Run }) {
  const [data, reload] = useLoad(run, 'GET /admin/api/overview', { everyMs: 5000 });
  const [usage] = useLoad(run, 'GET /admin/api/usage', { query: { days: '1' }, everyMs: 15000 });
  const [allHeadroom, setAllHeadroom] = useState(false);
  const canAcknowledge = useCan('approver');
  if (!data) return <p>Loading…</p>;
  const budgeted = (usage?.agents ?? []).flatMap((a) =>
    a.budget && (a.budget.day !== null || a.budget.month !== null)
      ? [{ agent: a.agent, budget: a.budget }]
      : [],
  );
  const used = data.headroom.filter((h) => h.used);
  const headroom = allHeadroom ? data.headroom : used;
  const c = data.connection;
  const acknowledge = async (id: string) => {
    const done = await run(() =>
      request('POST /admin/api/alerts/{id}/acknowledge', { params: { id }, body: {} }),
    );
    if (done) void reload();
  };
  return (
    <>
      <div className="cards">
        <div className="card">
          Connection
          <strong>
            {c.kind === 'oauth' ? 'OAuth' : c.kind === 'apikey' ? 'API key' : 'Sandbox'}
          </strong>
          {c.upstream}
          {c.detail ? ` ${c.detail}` : ''}
          {c.kind !== null ? `, ${c.age_days} days old` : ''}
        </div>
        <div className="card">
          Calls today<strong data-testid="calls-today">{data.today.calls}</strong>
        </div>
        <div className="card">
          Denials today<strong>{data.today.denials}</strong>
        </div>
        <div className="card">
          Credits today<strong>{data.today.credits}</strong>
        </div>
        <div className="card">
          Pending approvals<strong>{data.pending_approvals}</strong>
          {data.pending_approvals > 0 && <a href="#/approvals">Review</a>}
        </div>
      </div>
      {data.warnings.map((w) => (
        <p key={w} className="notice" role="note">
          {w}
        </p>
      ))}
      <ConnectOAuth run={run} />
      <h3>Alerts</h3>
      {data.alerts.length === 0 ? (
        <p>No unacknowledged alerts.</p>
      ) : (
        <ul aria-label="Alerts">
          {data.alerts.map((a) => (
            <li key={a.id}>
              <strong>{a.kind.replace(/_/g, ' ')}</strong> <When at={a.time} />: {a.message}
              {a.audit_ids.length > 0 && <> (audit {a.audit_ids.join(', ')})</>}{' '}
              <button
                type="button"
                disabled={!canAcknowledge}
                title={
                  canAcknowledge ? undefined : 'Acknowledging an alert needs the approver role'
                }
                aria-label={`Acknowledge alert ${a.id}`}
                onClick={() => void acknowledge(a.id)}
              >
                Acknowledge
              </button>
            </li>
          ))}
        </ul>
      )}
      <h3>Recent denials</h3>
      {data.recent_denials.length === 0 ? (
        <p>No call has been denied.</p>
      ) : (
        <ul aria-label="Recent denials" className="denials">
          {data.recent_denials.map((r) => (
            <li key={r.id}>
              <When at={r.time} />: {r.sentence}
            </li>
          ))}
        </ul>
      )}
      <h3>Budget burn today</h3>
      {budgeted.length === 0 ? (
        <p>
          No agent has a credit budget: set one on the <a href="#/agents">Agents</a> page.
        </p>
      ) : (
        <ul aria-label="Budget burn" className="burn">
          {budgeted.map((a) => (
            <li key={a.agent}>
              <strong>{a.agent}</strong>{' '}
              {a.budget.day !== null && (
                <>
                  <BudgetMeter
                    spent={a.budget.spent_today}
                    budget={a.budget.day}
                    label={`${a.agent}: credits today`}
                  />{' '}
                  {a.budget.spent_today} of {a.budget.day} credits today
                </>
              )}
              {a.budget.month !== null && (
                <>
                  {' '}
                  ({a.budget.spent_month} of {a.budget.month} this month)
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <h3>Rate headroom</h3>
      <p>
        {used.length === 0
          ? 'No action has called Apollo in its current windows.'
          : `The ${used.length} action${used.length === 1 ? '' : 's'} called in Apollo's current windows.`}{' '}
        <button
          type="button"
          aria-pressed={allHeadroom}
          onClick={() => setAllHeadroom(!allHeadroom)}
        >
          {allHeadroom ? 'Show only the used ones' : `Show all ${data.headroom.length}`}
        </button>
      </p>
      {headroom.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>Action</th>
              <th>Left this minute</th>
              <th>Left this hour</th>
              <th>Left today</th>
              <th>Queued</th>
            </tr>
          </thead>
          <tbody>
            {headroom.map((h) => {
              const left = (k: Window) => {
                const x = h.snapshot.windows[k];
                return x.limit === null ? 'no limit' : `${x.left ?? x.limit} of ${x.limit}`;
              };
              return (
                <tr key={h.action}>
                  <td>{h.action}</td>
                  <td>{left('minute')}</td>
                  <td>{left('hour')}</td>
                  <td>{left('day')}</td>
                  <td>{h.snapshot.queued}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}

/** Connect Apollo over OAuth: Apollo's consent page, then back to Gatehouse's /oauth/callback. */
function ConnectOAuth({ run }: { run: Run }) {
  const [clientId, setClientId] = useState('');
  const [secret, setSecret] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await run(() =>
      request('POST /admin/api/connection/oauth', {
        body: { client_id: clientId, client_secret: secret },
      }),
    );
    setSecret('');
    if (r) window.location.assign(r.url);
  };
  return (
    <details>
      <summary>Connect Apollo with OAuth</summary>
      <p>
        Register Gatehouse&apos;s <code>{window.location.origin}/oauth/callback</code> as the
        redirect URL of your Apollo OAuth app, then continue to Apollo to allow access.
      </p>
      <form className="inline" onSubmit={(e) => void submit(e)}>
        <label>
          Client id
          <input value={clientId} onChange={(e) => setClientId(e.target.value)} required />
        </label>
        <label>
          Client secret
          <input
            type="password"
            autoComplete="off"
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
            required
          />
        </label>
        <button type="submit">Continue to Apollo</button>
      </form>
    </details>
  );
}
