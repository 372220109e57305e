// The audit page: the live feed of sentences, filters, search and CSV/JSONL export.
import { useState } from 'react';

import { useLoad, type Run } from '../hooks';

interface AuditRow {
  id: string;
  time: string;
  agent: string | null;
  action: string;
  decision: string;
  sentence: string;
  credits: number;
}

export function Audit({ run }: { run: Run }) {
  const [agent, setAgent] = useState('');
  const [action, setAction] = useState('');
  const [decision, setDecision] = useState('');
  const [text, setText] = useState('');
  const query = new URLSearchParams({
    limit: '100',
    ...(agent ? { agent } : {}),
    ...(action ? { action } : {}),
    ...(decision ? { decision } : {}),
    ...(text ? { text } : {}),
  }).toString();
  // The live feed: polled every 2 s while the page is open.
  const [data] = useLoad<{ records: AuditRow[] }>(run, `/admin/api/audit?${query}`, 2000);
  const exportQuery = query.replace(/(^|&)limit=\d+/, '');
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
            {['allowed', 'denied', 'pending', 'approved', 'rejected', 'expired'].map((d) => (
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
