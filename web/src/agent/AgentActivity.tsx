// What an agent did lately and what it set off: its last calls (and the admin changes made to it),
// each openable for everything about it, and its alerts, acknowledged or not.
import { useCallback, useState } from 'react';

import type { AdminResponse } from '../../../src/surfaces/admin/contracts';

import { AuditDetail } from '../pages/AuditDetail';
import { request } from '../api';
import { useLoad, type Run } from '../hooks';
import { RoleNote, useCan } from '../session';
import { When } from '../time';

type Alert = AdminResponse<'GET /admin/api/alerts'>['alerts'][number];

export function LastCalls(props: { agentId: string; name: string; run: Run }) {
  const { agentId, name, run } = props;
  const [data] = useLoad(run, 'GET /admin/api/audit', {
    query: { agent: agentId, limit: '20' },
    everyMs: 3000,
  });
  const [opened, setOpened] = useState<string | null>(null);
  const close = useCallback(() => setOpened(null), []);
  return (
    <section className="agent-section" aria-labelledby="agent-calls">
      <h3 id="agent-calls">Last calls</h3>
      {!data ? (
        <p>Loading…</p>
      ) : data.records.length === 0 ? (
        <p>{name} has made no call yet.</p>
      ) : (
        <table aria-label={`Last calls of ${name}`}>
          <caption>The newest 20 records: its calls, and the admin changes made to it</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Action</th>
              <th scope="col">Decision</th>
              <th scope="col">Credits</th>
              <th scope="col">What happened</th>
              <th scope="col">
                <span className="visually-hidden">Details</span>
              </th>
            </tr>
          </thead>
          <tbody data-testid="agent-calls">
            {data.records.map((r) => {
              // An admin's change is not a call the agent made: it is not "allowed".
              const shown = r.action.startsWith('admin.') ? 'admin change' : r.decision;
              return (
                <tr key={r.id}>
                  <td>
                    <When at={r.time} />
                  </td>
                  <td>
                    <code>{r.action}</code>
                  </td>
                  <td className={`decision decision-${shown.replace(' ', '-')}`}>{shown}</td>
                  <td>{r.credits}</td>
                  <td className="sentence">{r.sentence}</td>
                  <td>
                    <button
                      type="button"
                      aria-label={`Details of ${r.id}`}
                      aria-expanded={opened === r.id}
                      onClick={() => setOpened(r.id)}
                    >
                      Details
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <p>
        <a href="#/audit">Search all its records</a> (filter the trail by agent {name})
      </p>
      {opened && <AuditDetail id={opened} run={run} onClose={close} />}
    </section>
  );
}

function AlertItem(props: { alert: Alert; onAcknowledge: (id: string) => void }) {
  const a = props.alert;
  return (
    <li className={a.acknowledged_at ? 'acknowledged' : 'open'}>
      <strong>{a.kind.replace(/_/g, ' ')}</strong> <When at={a.time} />: {a.message}{' '}
      {a.acknowledged_at ? (
        <span className="ack">
          acknowledged by {a.acknowledged_by ?? 'an admin'} <When at={a.acknowledged_at} />
          {a.acknowledged_note ? ` ("${a.acknowledged_note}")` : ''}
        </span>
      ) : (
        <>
          <span className="unack">not acknowledged</span>{' '}
          <button
            type="button"
            aria-label={`Acknowledge alert ${a.id}`}
            onClick={() => props.onAcknowledge(a.id)}
          >
            Acknowledge
          </button>
        </>
      )}
    </li>
  );
}

export function AgentAlerts(props: { agentId: string; name: string; run: Run }) {
  const { agentId, name, run } = props;
  const [data, reload] = useLoad(run, 'GET /admin/api/alerts', {
    query: { all: 'true' },
    everyMs: 5000,
  });
  const canAnswer = useCan('approver');
  const alerts = data?.alerts.filter((a) => a.agent.id === agentId);
  const open = alerts?.filter((a) => !a.acknowledged_at).length ?? 0;
  const acknowledge = async (id: string) => {
    const done = await run(() =>
      request('POST /admin/api/alerts/{id}/acknowledge', { params: { id }, body: {} }),
    );
    if (done) void reload();
  };
  return (
    <section className="agent-section" aria-labelledby="agent-alerts">
      <h3 id="agent-alerts">Alerts</h3>
      {!alerts ? (
        <p>Loading…</p>
      ) : alerts.length === 0 ? (
        <p>No alerts about {name}.</p>
      ) : (
        <>
          <p>
            {alerts.length} alert{alerts.length === 1 ? '' : 's'}, {open} not acknowledged.
          </p>
          <RoleNote needed="approver" what="acknowledging an alert" />
          <fieldset className="bare" disabled={!canAnswer}>
            <ul aria-label={`Alerts about ${name}`} className="agent-alerts">
              {alerts.map((a) => (
                <AlertItem key={a.id} alert={a} onAcknowledge={(id) => void acknowledge(id)} />
              ))}
            </ul>
          </fieldset>
        </>
      )}
    </section>
  );
}
