// The audit page: the live feed of sentences, filters, search, paging through the whole trail and
// CSV/JSONL export of exactly what is filtered.
import { useCallback, useState } from 'react';

import type { AdminQuery, AdminResponse } from '../../../src/surfaces/admin/contracts';

import { useLoad, type Run } from '../hooks';

import { When } from '../time';

import { AuditDetail } from './AuditDetail';

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
const pageSize = 100;

export function Audit({ run }: { run: Run }) {
  const [agent, setAgent] = useState('');
  const [action, setAction] = useState('');
  const [decision, setDecision] = useState('');
  const [text, setText] = useState('');
  // The cursors of the pages opened with "Older" (newest page first: none). A changed filter
  // starts again from the newest records.
  const [cursors, setCursors] = useState<string[]>([]);
  const [opened, setOpened] = useState<string | null>(null);
  // Stable, so the open panel does not take the focus back on every poll.
  const close = useCallback(() => setOpened(null), []);
  const filtering = (set: (v: string) => void) => (e: { target: { value: string } }) => {
    set(e.target.value);
    setCursors([]);
  };
  const before = cursors.at(-1);
  const filters = {
    ...(agent ? { agent } : {}),
    ...(action ? { action } : {}),
    ...(decision ? { decision } : {}),
    ...(text ? { text } : {}),
  } satisfies AdminQuery<'GET /admin/api/audit/export'>;
  // The newest page is the live feed, polled every 2 s while it is open; an older page holds still.
  const [data] = useLoad(run, 'GET /admin/api/audit', {
    query: { limit: String(pageSize), ...filters, ...(before ? { before } : {}) },
    everyMs: before ? 0 : 2000,
  });
  const exportQuery = new URLSearchParams(filters).toString();
  return (
    <>
      <form className="inline" onSubmit={(e) => e.preventDefault()} aria-label="Audit filters">
        <label>
          Agent
          <input value={agent} onChange={filtering(setAgent)} />
        </label>
        <label>
          Action or group
          <input value={action} onChange={filtering(setAction)} />
        </label>
        <label>
          Decision
          <select value={decision} onChange={filtering(setDecision)}>
            <option value="">any</option>
            {decisions.map((d) => (
              <option key={d}>{d}</option>
            ))}
          </select>
        </label>
        <label>
          Search
          <input value={text} onChange={filtering(setText)} />
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
            <th>When</th>
            <th>Agent</th>
            <th>Action</th>
            <th>Decision</th>
            <th>Credits</th>
            <th>What happened</th>
            <th>
              <span className="visually-hidden">Details</span>
            </th>
          </tr>
        </thead>
        <tbody data-testid="audit-feed">
          {data?.records.map((r) => {
            // An admin's change is not a call an agent made: it is not "allowed".
            const shown = r.action.startsWith('admin.') ? 'admin change' : r.decision;
            return (
              <tr key={r.id}>
                <td>
                  <When at={r.time} />
                </td>
                <td>{r.agent ?? 'unknown token'}</td>
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
      {data && data.records.length === 0 && <p>No records match.</p>}
      <nav className="pager" aria-label="Audit pages">
        <button
          type="button"
          disabled={cursors.length === 0}
          onClick={() => setCursors((c) => c.slice(0, -1))}
        >
          Newer
        </button>
        <span data-testid="audit-page">
          Page {cursors.length + 1}
          {cursors.length === 0 ? ' (live)' : ''}
        </span>
        <button
          type="button"
          disabled={!data?.next_before}
          onClick={() => {
            const next = data?.next_before;
            if (next) setCursors((c) => [...c, next]);
          }}
        >
          Older
        </button>
      </nav>
      {opened && <AuditDetail id={opened} run={run} onClose={close} />}
    </>
  );
}
