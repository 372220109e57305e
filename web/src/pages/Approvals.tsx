// The approvals page: held calls, approved or rejected with a note.
import { useState } from 'react';

import { api } from '../api';
import { useLoad, type Run } from '../hooks';

interface ApprovalRow {
  id: string;
  state: string;
  agent: { name: string };
  action: string;
  target: string;
  params: unknown;
  reason: string | null;
  expires_at: string;
}

export function Approvals({ run }: { run: Run }) {
  const [data, reload] = useLoad<{ approvals: ApprovalRow[] }>(run, '/admin/api/approvals', 3000);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string | null>(null);
  const answer = async (id: string, verb: 'approve' | 'reject') => {
    const r = await run(() =>
      api.post<{ approval: { state: string }; result?: { status: number } }>(
        `/admin/api/approvals/${id}/${verb}`,
        notes[id] ? { note: notes[id] } : {},
      ),
    );
    if (r) {
      setDone(
        `${id}: ${r.approval.state}${r.result ? ` (Apollo answered ${r.result.status})` : ''}`,
      );
    }
    void reload();
  };
  return (
    <>
      {done && (
        <p role="status" className="notice">
          {done}
        </p>
      )}
      {data && data.approvals.length === 0 && <p>Nothing waits for approval.</p>}
      {data?.approvals.map((a) => (
        <section key={a.id} className="card" aria-label={`Held call ${a.id}`}>
          <p>
            <strong>{a.agent.name}</strong> wants to run <code>{a.action}</code> {a.target}
          </p>
          {a.reason && <p>Reason given: “{a.reason}”</p>}
          <pre>{JSON.stringify(a.params, null, 2)}</pre>
          <p>Expires {new Date(a.expires_at).toLocaleString()}</p>
          <label>
            Note to the agent (optional)
            <input
              value={notes[a.id] ?? ''}
              onChange={(e) => setNotes({ ...notes, [a.id]: e.target.value })}
              maxLength={1000}
            />
          </label>{' '}
          <button type="button" onClick={() => void answer(a.id, 'approve')}>
            Approve
          </button>{' '}
          <button type="button" onClick={() => void answer(a.id, 'reject')}>
            Reject
          </button>
        </section>
      ))}
    </>
  );
}
