// One audit record opened from the audit page: everything about it, and the held call's
// approval with who answered it. A side panel (a dialog); Escape or Close returns to the list.
import { useEffect, useRef, useState } from 'react';

import type { AdminResponse } from '../../../src/surfaces/admin/contracts';

import { request } from '../api';
import type { Run } from '../hooks';
import { When } from '../time';

type Detail = AdminResponse<'GET /admin/api/audit/{id}'>;

const orDash = (v: string | number | null) => (v === null || v === '' ? '—' : String(v));

export function AuditDetail(props: { id: string; run: Run; onClose: () => void }) {
  const { id, run, onClose } = props;
  const [detail, setDetail] = useState<Detail>();
  const closeButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    setDetail(undefined);
    void run(() => request('GET /admin/api/audit/{id}', { params: { id } })).then((d) => {
      if (d) setDetail(d);
    });
  }, [id, run]);
  useEffect(() => {
    closeButton.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  const r = detail?.record;
  const a = detail?.approval;
  const d = detail?.delivery;
  return (
    <aside className="drawer" role="dialog" aria-label={`Audit record ${id}`}>
      <header>
        <h3>Audit record</h3>
        <button type="button" ref={closeButton} onClick={onClose}>
          Close
        </button>
      </header>
      {!r ? (
        <p>Loading…</p>
      ) : (
        <>
          <p className="sentence">{r.sentence}</p>
          <dl data-testid="audit-detail">
            <dt>Record</dt>
            <dd>
              <code>{r.id}</code>
            </dd>
            <dt>When</dt>
            <dd>
              <When at={r.time} />
            </dd>
            <dt>Agent</dt>
            <dd>{r.agent ?? 'a token that matched no agent'}</dd>
            <dt>Door</dt>
            <dd>{r.surface}</dd>
            <dt>Action</dt>
            <dd>
              <code>{r.action}</code>
            </dd>
            <dt>Target</dt>
            <dd>{orDash(r.target)}</dd>
            <dt>Decision</dt>
            <dd className={`decision decision-${r.decision}`}>{r.decision}</dd>
            <dt>Rule</dt>
            <dd>{orDash(r.rule)}</dd>
            <dt>Reason</dt>
            <dd>{orDash(r.reason)}</dd>
            <dt>Apollo answered</dt>
            <dd>{r.upstream_status === null ? 'not called' : r.upstream_status}</dd>
            <dt>Error code</dt>
            <dd>{orDash(r.error_code)}</dd>
            <dt>Credits</dt>
            <dd>{r.credits}</dd>
            <dt>Duration</dt>
            <dd>{r.duration_ms === null ? '—' : `${Math.round(r.duration_ms)} ms`}</dd>
            <dt>Request id</dt>
            <dd>{orDash(r.request_id)}</dd>
            <dt>Completed</dt>
            <dd>
              <When at={r.completed_at} none="open (in flight or held)" />
            </dd>
          </dl>
          <h4>Parameters as recorded</h4>
          <pre data-testid="audit-params">{JSON.stringify(r.params, null, 2)}</pre>
          <h4>Approval</h4>
          {a ? (
            <dl data-testid="audit-approval">
              <dt>State</dt>
              <dd>{a.state}</dd>
              <dt>Held</dt>
              <dd>
                <When at={a.created_at} />
              </dd>
              <dt>Answered by</dt>
              <dd>{orDash(a.decided_by)}</dd>
              <dt>Answered</dt>
              <dd>
                <When at={a.decided_at} />
              </dd>
              <dt>Note</dt>
              <dd>{orDash(a.note)}</dd>
              <dt>The call then</dt>
              <dd>{a.result_status === null ? '—' : `Apollo answered ${a.result_status}`}</dd>
            </dl>
          ) : (
            <p>This call was not held for approval.</p>
          )}
          <h4>Delivery</h4>
          {d ? (
            <dl data-testid="audit-delivery">
              <dt>What Apollo sends later</dt>
              <dd>{d.what}</dd>
              <dt>State</dt>
              <dd>
                {d.state}
                {d.via ? ` (by ${d.via})` : ''}
              </dd>
              <dt>Asked</dt>
              <dd>
                <When at={d.created_at} />
              </dd>
              <dt>Settled</dt>
              <dd>
                <When at={d.settled_at} none="not yet" />
              </dd>
              <dt>Credits</dt>
              <dd>{d.credits}</dd>
              <dt>Detail</dt>
              <dd>{orDash(d.detail)}</dd>
              <dt>Its record</dt>
              <dd>
                <code>{d.audit_id}</code>
              </dd>
            </dl>
          ) : (
            <p>Nothing was delivered later for this call.</p>
          )}
        </>
      )}
    </aside>
  );
}
