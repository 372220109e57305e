// The agents page: every agent (each name opens its page), rotate and revoke, and creating one with
// a name, a description and its grants; the new agent's page then shows its token once and is
// where its budgets and limits are set.
import { useState, type FormEvent } from 'react';

import { GrantsChooser, grantsOf, type Chosen } from '../agent/GrantsChooser';
import { agentHref, handOff, IssuedToken, type Issued } from '../agent/IssuedToken';
import { LimitsEditor } from '../agent/LimitsEditor';
import { request } from '../api';
import { useLoad, type Run } from '../hooks';
import { RoleNote, useCan } from '../session';
import { When } from '../time';

function CreateAgent({ run }: { run: Run }) {
  const [matrix] = useLoad(run, 'GET /admin/api/matrix');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [chosen, setChosen] = useState<Chosen>({});
  const create = async (e: FormEvent) => {
    e.preventDefault();
    const r = await run(() =>
      request('POST /admin/api/agents', {
        body: {
          name,
          ...(description.trim() ? { description: description.trim() } : {}),
          grants: grantsOf(chosen),
        },
      }),
    );
    if (!r) return;
    // Its page shows the token (once) and is where its budgets and limits are set.
    handOff({ agentId: r.agent.id, name: r.agent.name, token: r.token });
    window.location.hash = agentHref(r.agent.name);
  };
  return (
    <form className="create-agent" aria-label="New agent" onSubmit={(e) => void create(e)}>
      <div className="fields">
        <label>
          New agent name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={64}
            pattern="[A-Za-z0-9._\-]([A-Za-z0-9 ._\-]{0,62}[A-Za-z0-9._\-])?"
            title="Letters, digits, dot, dash, underscore; spaces inside"
          />
        </label>
        <label className="wide">
          Description (optional)
          <input
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            maxLength={500}
            placeholder="What it is for, who runs it"
          />
        </label>
      </div>
      <GrantsChooser targets={matrix?.targets} chosen={chosen} onChange={setChosen} />
      <button type="submit">Create agent</button>{' '}
      <small>Its page opens next, with its token (shown once) and its budgets and limits.</small>
    </form>
  );
}

export function Agents({ run }: { run: Run }) {
  const [data, reload] = useLoad(run, 'GET /admin/api/agents');
  const [issued, setIssued] = useState<Issued | null>(null);
  const canChange = useCan('admin');
  const act = async (id: string, verb: 'rotate' | 'revoke', agentName: string) => {
    if (verb === 'revoke' && !window.confirm(`Revoke ${agentName}? Its token stops at once.`))
      return;
    if (verb === 'rotate') {
      const r = await run(() => request('POST /admin/api/agents/{id}/rotate', { params: { id } }));
      if (r) setIssued({ agentId: id, name: agentName, token: r.token });
    } else {
      await run(() => request('POST /admin/api/agents/{id}/revoke', { params: { id } }));
    }
    void reload();
  };
  return (
    <>
      <RoleNote needed="admin" what="creating, limiting, rotating or revoking an agent" />
      <fieldset className="bare" disabled={!canChange}>
        <CreateAgent run={run} />
        {issued && <IssuedToken issued={issued} onDone={() => setIssued(null)} />}
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
                <td>
                  <a href={agentHref(a.name)}>{a.name}</a>
                </td>
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
