// The agents page: create (token shown once), rotate, revoke, and each agent's limits.
import { useState, type FormEvent } from 'react';

import type { AdminResponse } from '../../../src/surfaces/admin/contracts';

import { request } from '../api';
import { useLoad, type Run } from '../hooks';
import { RoleNote, useCan } from '../session';
import { When } from '../time';

type AgentRow = AdminResponse<'GET /admin/api/agents'>['agents'][number];

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
      request('PUT /admin/api/agents/{id}/limits', {
        params: { id: a.id },
        body: {
          credits_per_day: limitValue(day),
          credits_per_month: limitValue(month),
          requests_per_minute: limitValue(rpm),
          redact: redact
            .split(',')
            .map((f) => f.trim())
            .filter(Boolean),
        },
      }),
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
  const [data, reload] = useLoad(run, 'GET /admin/api/agents');
  const [name, setName] = useState('');
  const [issued, setIssued] = useState<{ name: string; token: string } | null>(null);
  const canChange = useCan('admin');
  const create = async (e: FormEvent) => {
    e.preventDefault();
    const r = await run(() => request('POST /admin/api/agents', { body: { name } }));
    if (r) {
      setIssued({ name: r.agent.name, token: r.token });
      setName('');
      void reload();
    }
  };
  const act = async (id: string, verb: 'rotate' | 'revoke', agentName: string) => {
    if (verb === 'revoke' && !window.confirm(`Revoke ${agentName}? Its token stops at once.`))
      return;
    if (verb === 'rotate') {
      const r = await run(() => request('POST /admin/api/agents/{id}/rotate', { params: { id } }));
      if (r) setIssued({ name: agentName, token: r.token });
    } else {
      await run(() => request('POST /admin/api/agents/{id}/revoke', { params: { id } }));
    }
    void reload();
  };
  return (
    <>
      <RoleNote needed="admin" what="creating, limiting, rotating or revoking an agent" />
      <fieldset className="bare" disabled={!canChange}>
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
                <td>
                  {a.revoked_at ? (
                    <>
                      revoked <When at={a.revoked_at} />
                    </>
                  ) : (
                    <When at={a.last_used_at} none="never" />
                  )}
                </td>
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
      </fieldset>
    </>
  );
}
