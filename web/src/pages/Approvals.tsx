// The approvals page: held calls, approved or rejected with a note.
import { useState } from 'react';

import { request } from '../api';
import { useLoad, type Run } from '../hooks';
import { RoleNote, useCan } from '../session';
import { When } from '../time';

export function Approvals({ run }: { run: Run }) {
  const [data, reload] = useLoad(run, 'GET /admin/api/approvals', { everyMs: 3000 });
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string | null>(null);
  const canAnswer = useCan('approver');
  const answer = async (id: string, verb: 'approve' | 'reject') => {
    const options = { params: { id }, body: notes[id] ? { note: notes[id] } : {} };
    const r = await run(() =>
      verb === 'approve'
        ? request('POST /admin/api/approvals/{id}/approve', options)
        : request('POST /admin/api/approvals/{id}/reject', options),
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
      <RoleNote needed="approver" what="answering a held call" />
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
          <p>
            Expires <When at={a.expires_at} />
          </p>
          <fieldset className="bare" disabled={!canAnswer}>
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
          </fieldset>
        </section>
      ))}
    </>
  );
}
