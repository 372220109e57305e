// An agent's limits: credit budgets per day and month, requests per minute, and the fields removed
// from its answers. The form is on the agent's page; the Agents list shows it folded in a row.
import { useState, type FormEvent } from 'react';

import type { AdminResponse } from '../../../src/surfaces/admin/contracts';

import { request } from '../api';
import type { Run } from '../hooks';

export type AgentRow = AdminResponse<'GET /admin/api/agents'>['agents'][number];

/** "" → null (no limit); otherwise the number typed. */
const limitValue = (text: string): number | null => (text.trim() === '' ? null : Number(text));

/** The limits form of one agent; `onSaved` after the admin API took the change. */
export function LimitsForm(props: { agent: AgentRow; run: Run; onSaved: () => void }) {
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
  );
}

/** The limits folded under a one-line summary, for a row of the Agents list. */
export function LimitsEditor(props: { agent: AgentRow; run: Run; onSaved: () => void }) {
  const a = props.agent;
  return (
    <details>
      <summary>
        Limits: {a.requests_per_minute ?? 'no'} req/min
        {a.redacted_fields.length ? `, hides ${a.redacted_fields.join(', ')}` : ''}
      </summary>
      <LimitsForm {...props} />
    </details>
  );
}
