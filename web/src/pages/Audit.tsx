// The audit page: the live feed of sentences (server-sent events say when the filtered records
// changed), filters by agent, action or group, decision, time range and text, paging through the
// whole trail, and CSV/JSONL export of exactly what is filtered.
import { useCallback, useEffect, useState } from 'react';

import type { AdminQuery, AdminResponse } from '../../../src/surfaces/admin/contracts';

import { useLoad, type Run } from '../hooks';

import { AuditDetail } from './AuditDetail';
import { AuditTable } from '../components/AuditTable';

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
const hour = 3_600_000;
/** The time ranges offered, as how far back they reach (custom: two dates). */
const ranges: Record<string, number | null> = {
  'any time': 0,
  'last hour': hour,
  'last 24 hours': 24 * hour,
  'last 7 days': 7 * 24 * hour,
  'last 30 days': 30 * 24 * hour,
  'between dates': null,
};
/** A datetime-local value (the browser's time zone) as epoch ms; undefined when empty. */
const localMs = (value: string) => (value ? new Date(value).getTime() : undefined);

export function Audit({ run }: { run: Run }) {
  const [agent, setAgent] = useState('');
  const [action, setAction] = useState('');
  const [decision, setDecision] = useState('');
  const [text, setText] = useState('');
  const [range, setRange] = useState('any time');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  // "last hour" is measured from when it was chosen (or the page opened), so paging stays put.
  const [chosenAt, setChosenAt] = useState(() => Date.now());
  const [agentList, reloadAgents] = useLoad(run, 'GET /admin/api/agents');
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
  const back = ranges[range];
  const since = back === null ? localMs(from) : back ? chosenAt - back : undefined;
  const until = back === null ? localMs(to) : undefined;
  const filters = {
    ...(agent ? { agent } : {}),
    ...(action ? { action } : {}),
    ...(decision ? { decision } : {}),
    ...(text ? { text } : {}),
    ...(since !== undefined && !Number.isNaN(since) ? { since: String(since) } : {}),
    ...(until !== undefined && !Number.isNaN(until) ? { until: String(until) } : {}),
  } satisfies AdminQuery<'GET /admin/api/audit/export'>;
  // The newest page is the live feed: the server says when what it shows changed. An older page
  // holds still.
  const [data, reload] = useLoad(run, 'GET /admin/api/audit', {
    query: { limit: String(pageSize), ...filters, ...(before ? { before } : {}) },
  });
  const exportQuery = new URLSearchParams(filters).toString();
  const [live, setLive] = useState(false);
  useEffect(() => {
    if (before) return;
    const events = new EventSource(`/admin/api/audit/stream?${exportQuery}`);
    events.addEventListener('audit', () => {
      setLive(true);
      void reload();
      // A new agent's first calls: the agent filter offers it too.
      void reloadAgents();
    });
    // Reconnects by itself; a re-read says whether the session ended (and logs out if so).
    events.onerror = () => {
      setLive(false);
      void reload();
    };
    return () => events.close();
  }, [before, exportQuery, reload, reloadAgents]);
  return (
    <>
      <form className="inline" onSubmit={(e) => e.preventDefault()} aria-label="Audit filters">
        <label>
          Agent
          <select value={agent} onChange={filtering(setAgent)}>
            <option value="">any</option>
            {agentList?.agents.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
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
          When
          <select
            value={range}
            onChange={(e) => {
              setChosenAt(Date.now());
              filtering(setRange)(e);
            }}
          >
            {Object.keys(ranges).map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        {back === null && (
          <>
            <label>
              From
              <input type="datetime-local" value={from} onChange={filtering(setFrom)} />
            </label>
            <label>
              To
              <input type="datetime-local" value={to} onChange={filtering(setTo)} />
            </label>
          </>
        )}
        <label>
          Search
          <input type="search" value={text} onChange={filtering(setText)} />
        </label>
        <a href={`/admin/api/audit/export?format=csv&${exportQuery}`} download>
          Export CSV
        </a>
        <a href={`/admin/api/audit/export?format=jsonl&${exportQuery}`} download>
          Export JSONL
        </a>
      </form>
      <AuditTable records={data?.records ?? []} opened={opened} onOpen={setOpened} />
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
          {cursors.length === 0 ? (live ? ' (live)' : ' (connecting…)') : ''}
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
