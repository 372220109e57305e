// The audit page: the live feed of sentences, filters, search and CSV/JSONL export.
import { useState } from 'react';

import type { AdminQuery, AdminResponse } from '../../../src/surfaces/admin/contracts';

import { useLoad, type Run } from '../hooks';

type Decision = AdminResponse<'GET /admin/api/audit'>['records'][number]['decision'];
// Keyed by every decision the contract names, so a new one cannot be missing from the filter.
const decisionNames: Record<Decision, true> = {
  allowed: true,
  denied: true,
  pending: true,
  approved: true,
  rejected: true,
  expired: true,
};
const decisions = Object.keys(decisionNames);

export function Audit({ run }: { run: Run }) {
  const [agent, setAgent] = useState('');
  const [action, setAction] = useState('');
  const [decision, setDecision] = useState('');
  const [text, setText] = useState('');
  const filters = {
    ...(agent ? { agent } : {}),
    ...(action ? { action } : {}),
    ...(decision ? { decision } : {}),
    ...(text ? { text } : {}),
  } satisfies AdminQuery<'GET /admin/api/audit/export'>;
  // The live feed: polled every 2 s while the page is open.
  const [data] = useLoad(run, 'GET /admin/api/audit', {
    query: { limit: '100', ...filters },
    everyMs: 2000,
  });
  const exportQuery = new URLSearchParams(filters).toString();
  return (
    <>
      <form className="inline" onSubmit={(e) => e.preventDefault()} aria-label="Audit filters">
        <label>
          Agent
          <input value={agent} onChange={(e) => setAgent(e.target.value)} />
        </label>
        <label>
          Action
          <input value={action} onChange={(e) => setAction(e.target.value)} />
        </label>
        <label>
          Decision
          <select value={decision} onChange={(e) => setDecision(e.target.value)}>
            <option value="">any</option>
            {decisions.map((d) => (
              <option key={d}>{d}</option>
            ))}
          </select>
        </label>
        <label>
          Search
          <input value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        <a href={`/admin/api/audit/export?format=csv&${exportQuery}`} download>
          Export CSV
        </a>
        <a href={`/admin/api/audit/export?format=jsonl&${exportQuery}`} download>
          Export JSONL
        </a>
      </form>
      <table>
        <thead>
          <tr>
            <th>What happened</th>
            <th>When</th>
            <th>Decision</th>
            <th>Credits</th>
          </tr>
        </thead>
        <tbody data-testid="audit-feed">
          {data?.records.map((r) => (
            <tr key={r.id}>
              <td className="sentence">{r.sentence}</td>
              <td>{new Date(r.time).toLocaleString()}</td>
              {/* An admin's change is not a call an agent made: it is not "allowed". */}
              <td>{r.action.startsWith('admin.') ? 'admin change' : r.decision}</td>
              <td>{r.credits}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {data && data.records.length === 0 && <p>No records match.</p>}
    </>
  );
}
