// The overview page: the Apollo connection, today's calls, warnings, alerts (acknowledge),
// rate headroom, and connecting Apollo over OAuth.
import { useState, type FormEvent } from 'react';

import type { AdminResponse } from '../../../src/surfaces/admin/contracts';

import { request } from '../api';
import { useLoad, type Run } from '../hooks';
import { When } from '../time';

type Window =
  keyof AdminResponse<'GET /admin/api/overview'>['headroom'][number]['snapshot']['windows'];

export function Overview({ run }: { run: Run }) {
  const [data, reload] = useLoad(run, 'GET /admin/api/overview', { everyMs: 5000 });
  if (!data) return <p>Loading…</p>;
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
                aria-label={`Acknowledge alert ${a.id}`}
                onClick={() => void acknowledge(a.id)}
              >
                Acknowledge
              </button>
            </li>
          ))}
        </ul>
      )}
      <h3>Rate headroom</h3>
      {data.headroom.length === 0 ? (
        <p>No calls to Apollo yet in this process.</p>
      ) : (
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
            {data.headroom.map((h) => {
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
