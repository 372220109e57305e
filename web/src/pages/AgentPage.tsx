// One agent's page (#/agents/<name>): who it is and its token (age, rotate, revoke), its grants,
// its budgets and what it has spent today and this month, requests per minute and redactions (set
// here), its last calls and its alerts. The admin API has no single-agent read: the page composes
// the agents list, the matrix, usage, the audit and the alerts.
import { useEffect, useState } from 'react';

import { AgentAlerts, LastCalls } from '../agent/AgentActivity';
import { AgentGrants } from '../agent/AgentGrants';
import { forgetHanded, IssuedToken, peekHanded, type Issued } from '../agent/IssuedToken';
import { LimitsForm, type AgentRow } from '../agent/LimitsEditor';
import { request } from '../api';
import { BudgetMeter } from '../components/BudgetMeter';
import { useLoad, type Run } from '../hooks';
import { RoleNote, useCan } from '../session';
import { When } from '../time';

/** Credits spent against a budget, as a meter with "N of M credits"; without one, the count. */
function Spend(props: { spent: number; budget: number | null; label: string; period: string }) {
  const { spent, budget, label, period } = props;
  if (budget === null)
    return (
      <>
        {spent} credits spent, no {period} budget
      </>
    );
  return (
    <>
      <BudgetMeter spent={spent} budget={budget} label={label} />{' '}
      <span>
        {spent} of {budget} credits
      </span>
      {spent >= budget && (
        <strong className="over"> budget reached: calls that cost are denied</strong>
      )}
    </>
  );
}

function Header(props: {
  agent: AgentRow;
  run: Run;
  onIssued: (i: Issued) => void;
  onChanged: () => void;
}) {
  const { agent: a, run, onIssued, onChanged } = props;
  const canChange = useCan('admin');
  const rotate = async () => {
    const r = await run(() =>
      request('POST /admin/api/agents/{id}/rotate', { params: { id: a.id } }),
    );
    if (r) onIssued({ agentId: a.id, name: a.name, token: r.token });
    onChanged();
  };
  const revoke = async () => {
    if (!window.confirm(`Revoke ${a.name}? Its token stops at once, and this cannot be undone.`))
      return;
    await run(() => request('POST /admin/api/agents/{id}/revoke', { params: { id: a.id } }));
    onChanged();
  };
  return (
    <div className="agent-head">
      <p className="description">{a.description ?? 'No description.'}</p>
      <dl className="facts">
        <dt>Status</dt>
        <dd data-testid="agent-status">
          {a.revoked_at ? (
            <span className="status-revoked">
              revoked <When at={a.revoked_at} />
            </span>
          ) : (
            <span className="status-active">active</span>
          )}
        </dd>
        <dt>Token</dt>
        <dd>
          <code>{a.token_prefix}…</code>{' '}
          <span data-testid="token-age">
            issued <When at={a.token_created_at} />
          </span>
        </dd>
        <dt>Created</dt>
        <dd>
          <When at={a.created_at} />
        </dd>
        <dt>Last used</dt>
        <dd>
          <When at={a.last_used_at} none="never" />
          {a.last_used_ip ? ` from ${a.last_used_ip}` : ''}
        </dd>
      </dl>
      {!a.revoked_at && (
        <fieldset className="bare actions" disabled={!canChange}>
          <button type="button" onClick={() => void rotate()}>
            Rotate token
          </button>{' '}
          <button type="button" className="danger" onClick={() => void revoke()}>
            Revoke
          </button>
        </fieldset>
      )}
    </div>
  );
}

function Limits(props: { agent: AgentRow; run: Run; onSaved: () => void }) {
  const { agent: a, run, onSaved } = props;
  const canChange = useCan('admin');
  const [usage, reloadUsage] = useLoad(run, 'GET /admin/api/usage', {
    query: { days: '1' },
    everyMs: 5000,
  });
  const budget = usage?.agents.find((u) => u.agent === a.name)?.budget;
  // The form shows what the server holds: it starts again when the limits change.
  const key = [
    a.credit_budget_day,
    a.credit_budget_month,
    a.requests_per_minute,
    ...a.redacted_fields,
  ];
  return (
    <section className="agent-section" aria-labelledby="agent-limits">
      <h3 id="agent-limits">Budgets and limits</h3>
      <dl className="facts" data-testid="agent-budgets">
        <dt>Credits today</dt>
        <dd>
          {budget ? (
            <Spend
              spent={budget.spent_today}
              budget={budget.day}
              label="Credits today"
              period="daily"
            />
          ) : (
            'Loading…'
          )}
        </dd>
        <dt>Credits this month</dt>
        <dd>
          {budget ? (
            <Spend
              spent={budget.spent_month}
              budget={budget.month}
              label="Credits this month"
              period="monthly"
            />
          ) : (
            'Loading…'
          )}
        </dd>
        <dt>Requests per minute</dt>
        <dd>{a.requests_per_minute ?? 'no limit'}</dd>
        <dt>Redactions</dt>
        <dd>
          {a.redacted_fields.length
            ? `removes ${a.redacted_fields.join(', ')} from its answers`
            : 'none: answers are passed whole'}
        </dd>
      </dl>
      <small>Credits are counted per UTC day and month, calls in flight included.</small>
      <h4>Change them</h4>
      <fieldset className="bare" disabled={!canChange || a.revoked_at !== null}>
        <LimitsForm
          key={JSON.stringify(key)}
          agent={a}
          run={run}
          onSaved={() => {
            onSaved();
            void reloadUsage();
          }}
        />
      </fieldset>
    </section>
  );
}

export function AgentPage({ name, run }: { name: string; run: Run }) {
  const [data, reload] = useLoad(run, 'GET /admin/api/agents', { everyMs: 10_000 });
  const [matrix, reloadMatrix] = useLoad(run, 'GET /admin/api/matrix', { everyMs: 15_000 });
  // A new agent's token, handed over by the Agents page: held here, shown until Done.
  const [issued, setIssued] = useState<Issued | null>(() => peekHanded(name));
  useEffect(() => {
    forgetHanded(name);
  }, [name]);
  // Opened from a long list: start at the top. (Braces: scrollTo may return a promise, which is
  // no effect cleanup.)
  useEffect(() => {
    window.scrollTo(0, 0);
  }, []);
  const agent = data?.agents.find((a) => a.name === name);
  const changed = () => {
    void reload();
    void reloadMatrix();
  };
  // Not "Agents": the header's link has that name.
  const back = (
    <p className="back">
      <a href="#/agents">← Agent list</a>
    </p>
  );
  if (!data) return <p>Loading…</p>;
  if (!agent)
    return (
      <>
        <h2>No agent named “{name}”</h2>
        <p>
          There is no agent by that name (names are exact, capitals included).{' '}
          <a href="#/agents">Back to the agent list</a>
        </p>
      </>
    );
  return (
    <>
      {back}
      <h2>{agent.name}</h2>
      <RoleNote needed="admin" what="rotating or revoking its token, or changing its limits" />
      {issued && <IssuedToken issued={issued} onDone={() => setIssued(null)} />}
      <Header agent={agent} run={run} onIssued={setIssued} onChanged={changed} />
      <div className="agent-grid">
        <AgentGrants agent={agent} matrix={matrix} />
        <Limits agent={agent} run={run} onSaved={changed} />
      </div>
      <LastCalls agentId={agent.id} name={agent.name} run={run} />
      <AgentAlerts agentId={agent.id} name={agent.name} run={run} />
    </>
  );
}
