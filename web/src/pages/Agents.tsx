// The agents page: create (token shown once), rotate, revoke, and each agent's limits.
import { useState, type FormEvent } from 'react';

import type { CreateAgentRequest, LimitsRequest } from '../../../src/surfaces/admin/contracts';

import { api } from '../api';
import { useLoad, type Run } from '../hooks';

interface AgentRow {
  id: string;
  name: string;
  token_prefix: string;
  revoked_at: string | null;
  last_used_at: string | null;
  grants: Array<{ target: string; level: string; approval: boolean }>;
  credit_budget_day: number | null;
  credit_budget_month: number | null;
  requests_per_minute: number | null;
  redacted_fields: string[];
}

/** "" → null (no limit); otherwise the number typed. */
const limitValue = (text: string): number | null => (text.trim() === '' ? null : Number(text));

/** An agent's limits: credit budgets, requests per minute and the fields removed from answers. */
function LimitsEditor(props: { agent: AgentRow; run: Run; onSaved: () => void }) {
  const a = props.agent;
  const [day, setDay] = useState(a.credit_budget_day?.toString() ?? '');
  const [month, setMonth] = useState(a.credit_budget_month?.toString() ?? '');
  const [rpm, setRpm] = useState(a.requests_per_minute?.toString() ?? '');
  const [redact, setRedact] = useState(a.redacted_fields.join(', '));
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const r = await props.run(() =>
      api.put(`/admin/api/agents/${a.id}/limits`, {
        credits_per_day: limitValue(day),
        credits_per_month: limitValue(month),
        requests_per_minute: limitValue(rpm),
        redact: redact
          .split(',')
          .map((f) => f.trim())
          .filter(Boolean),
      } satisfies LimitsRequest),
    );
    if (r) props.onSaved();
  };
  return (
    <details>
      <summary>
        Limits: {a.requests_per_minute ?? 'no'} req/min
        {a.redacted_fields.length ? `, hides ${a.redacted_fields.join(', ')}` : ''}
      </summary>
      <form className="limits" aria-label={`Limits of ${a.name}`} onSubmit={(e) => void save(e)}>
        <label>
          Credits per day
          <input type="number" min={0} value={day} onChange={(e) => setDay(e.target.value)} />
        </label>
        <label>
          Credits per month
          <input type="number" min={0} value={month} onChange={(e) => setMonth(e.target.value)} />
        </label>
        <label>
          Requests per minute
          <input type="number" min={1} value={rpm} onChange={(e) => setRpm(e.target.value)} />
        </label>
        <label>
          Redact fields
          <input
            value={redact}
            placeholder="email, phone_numbers"
            onChange={(e) => setRedact(e.target.value)}
          />
        </label>
        <button type="submit">Save limits</button>
        <small>Empty: no limit. Every change is in the audit trail.</small>
      </form>
    </details>
  );
}

export function Agents({ run }: { run: Run }) {
  const [data, reload] = useLoad<{ agents: AgentRow[] }>(run, '/admin/api/agents');
  const [name, setName] = useState('');
  const [issued, setIssued] = useState<{ name: string; token: string } | null>(null);
  const create = async (e: FormEvent) => {
    e.preventDefault();
    const r = await run(() =>
      api.post<{ token: string; agent: { name: string } }>('/admin/api/agents', {
        name,
      } satisfies CreateAgentRequest),
    );
    if (r) {
      setIssued({ name: r.agent.name, token: r.token });
      setName('');
      void reload();
    }
  };
  const act = async (id: string, verb: 'rotate' | 'revoke', agentName: string) => {
    if (verb === 'revoke' && !window.confirm(`Revoke ${agentName}? Its token stops at once.`))
      return;
    const r = await run(() => api.post<{ token?: string }>(`/admin/api/agents/${id}/${verb}`));
    if (r?.token) setIssued({ name: agentName, token: r.token });
    void reload();
  };
  return (
    <>
      <form className="inline" onSubmit={(e) => void create(e)}>
        <label>
          New agent name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={64} />
        </label>
        <button type="submit">Create agent</button>
      </form>
      {issued && (
        <div className="notice" role="status">
          Token for <strong>{issued.name}</strong> (shown once; store it now):{' '}
          <span className="token" data-testid="issued-token">
            {issued.token}
          </span>{' '}
          <button type="button" onClick={() => void navigator.clipboard?.writeText(issued.token)}>
            Copy
          </button>{' '}
          <button type="button" onClick={() => setIssued(null)}>
            Done
          </button>
        </div>
      )}
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>Token</th>
            <th>Grants</th>
            <th>Last used</th>
            <th>Limits</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {data?.agents.map((a) => (
            <tr key={a.id}>
              <td>{a.name}</td>
              <td>
                <code>{a.token_prefix}…</code>
              </td>
              <td>
                {a.grants
                  .map((g) => `${g.target}=${g.level}${g.approval ? ' (approval)' : ''}`)
                  .join(', ') || 'none'}
              </td>
              <td>{a.revoked_at ? `revoked ${a.revoked_at}` : (a.last_used_at ?? 'never')}</td>
              <td>
                <LimitsEditor agent={a} run={run} onSaved={() => void reload()} />
              </td>
              <td>
                {!a.revoked_at && (
                  <>
                    <button type="button" onClick={() => void act(a.id, 'rotate', a.name)}>
                      Rotate token
                    </button>{' '}
                    <button type="button" onClick={() => void act(a.id, 'revoke', a.name)}>
                      Revoke
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
