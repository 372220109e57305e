import { useEffect, useState, type FormEvent } from 'react';

import {
  answerConnect,
  ConnectError,
  loadConnect,
  type ConnectAgent,
  type ConnectRequest,
} from '../connect-api';

// An app (Claude.ai, ChatGPT, Cursor, mcp-remote …) asks to connect to Gatehouse's MCP server. The
// admin sees who asks and where the browser returns, chooses the agent the app will act as (its
// grants, limits and audit trail), and approves or denies. Only a logged-in admin reaches this.

/** The console's page for one connection request. */
export function Connect(props: { uid: string }) {
  const [data, setData] = useState<{
    request: ConnectRequest;
    agents: ConnectAgent[];
    csrf: string | null;
  } | null>(null);
  const [agentId, setAgentId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    loadConnect(props.uid)
      .then((loaded) => {
        setData(loaded);
        setAgentId(loaded.agents.find((a) => a.revoked_at === null)?.id ?? '');
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [props.uid]);

  const decide = async (decision: 'approve' | 'deny') => {
    if (!data?.csrf) return;
    setBusy(true);
    try {
      const next = await answerConnect(
        props.uid,
        data.csrf,
        decision === 'approve' ? { decision, agent_id: agentId } : { decision },
      );
      window.location.assign(next);
    } catch (e) {
      setError(e instanceof ConnectError || e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };
  const approve = (e: FormEvent) => {
    e.preventDefault();
    void decide('approve');
  };

  if (error) {
    return (
      <main>
        <h2>Connect an app</h2>
        <p role="alert" className="error">
          {error}
        </p>
      </main>
    );
  }
  if (!data) return <p>Loading…</p>;
  const { request } = data;
  const active = data.agents.filter((a) => a.revoked_at === null);
  let returnsTo = request.redirect_uri ?? '';
  try {
    returnsTo = new URL(returnsTo).host || returnsTo;
  } catch {
    // shown as it is
  }
  return (
    <main>
      <h2>Connect an app to Gatehouse's MCP server</h2>
      <dl>
        <dt>App</dt>
        <dd>{request.client_name ?? 'An app that gave no name'}</dd>
        <dt>Client id</dt>
        <dd>
          <code>{request.client_id}</code>
          {request.metadata_document ? ' (its metadata document URL)' : ' (registered itself)'}
        </dd>
        <dt>Returns to</dt>
        <dd>
          <code>{returnsTo}</code>
        </dd>
        <dt>Access</dt>
        <dd>
          MCP tools at <code>{request.resource}</code>, as the agent you choose: exactly its grants,
          limits and audit trail.
        </dd>
        <dt>Expires</dt>
        <dd>{new Date(request.expires_at).toLocaleString()}</dd>
      </dl>
      {active.length === 0 ? (
        <p className="error">No active agent: create one on the Agents page first.</p>
      ) : (
        <form className="inline" onSubmit={approve}>
          <label>
            Act as agent
            <select value={agentId} onChange={(e) => setAgentId(e.target.value)} required>
              {active.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={busy || !agentId}>
            Approve
          </button>
          <button type="button" disabled={busy} onClick={() => void decide('deny')}>
            Deny
          </button>
        </form>
      )}
      <p>
        Approving is recorded in the audit trail. The app can then act until its connection is
        revoked, or its agent is.
      </p>
    </main>
  );
}
