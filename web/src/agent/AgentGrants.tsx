// An agent's grants as the access matrix has them: its own grant on each group (and on single
// actions), and what is in force: how many of the group's actions it can call, how many of them
// inherit the group's level, and which are held for approval. Changing them is the matrix's job.
import type { AdminResponse } from '../../../src/surfaces/admin/contracts';

import { AgentPolicy } from '../components/AgentPolicy';

import type { AgentRow } from './LimitsEditor';

type Matrix = AdminResponse<'GET /admin/api/matrix'>;
type Target = Matrix['targets'][number];
type MatrixAgent = Matrix['agents'][number];
type Grant = MatrixAgent['grants'][string];

function GrantText({ grant }: { grant: Grant | undefined }) {
  if (!grant) return <span className="none">no grant</span>;
  return (
    <>
      <span className={`level-text level-${grant.level}`}>{grant.level}</span>
      {grant.approval && <span className="badge badge-held">approval</span>}
      {grant.no_approval && <span className="badge badge-outbound">outbound without approval</span>}
    </>
  );
}

/** What a group's grant puts in force over its actions. */
function groupEffect(a: MatrixAgent, group: Target, actions: readonly Target[]): string {
  const eff = actions.map((t) => a.effective[t.target]);
  const callable = eff.filter((e) => e?.callable).length;
  const held = eff.filter((e) => e?.callable && e.approval).length;
  const own = a.grants[group.target];
  const inheriting = own ? actions.filter((t) => !a.grants[t.target]).length : 0;
  const parts = [`${callable} of ${actions.length} actions callable`];
  if (held) parts.push(`${held} held for approval`);
  if (own && inheriting) parts.push(`${inheriting} inherit ${own.level}`);
  return parts.join('; ');
}

/** What an action's own grant puts in force. */
function actionEffect(a: MatrixAgent, t: Target): string {
  const e = a.effective[t.target];
  const group = a.grants[t.group];
  const over = group ? ` (instead of the group's ${group.level})` : '';
  if (t.kind === 'capability') return `personal emails, phones and waterfalls${over}`;
  if (!e?.callable) return `denied: ${e?.level === 'read' ? 'writes need full' : 'off'}${over}`;
  return `callable${e.approval ? ', held for approval' : ''}${over}`;
}

function MatrixGrants({ agent: a, targets }: { agent: MatrixAgent; targets: readonly Target[] }) {
  const groups = targets.filter((t) => t.kind === 'group');
  const inGroup = (g: string) => targets.filter((t) => t.kind !== 'group' && t.group === g);
  const shown = groups.filter(
    (g) => a.grants[g.target] || inGroup(g.target).some((t) => a.grants[t.target]),
  );
  const ungranted = groups.filter((g) => !shown.includes(g)).map((g) => g.target);
  if (shown.length === 0)
    return <p>No grants: every call {a.name} makes is denied until one is given.</p>;
  return (
    <>
      <table className="agent-grants" aria-label={`Grants of ${a.name}`}>
        <thead>
          <tr>
            <th scope="col">Group or action</th>
            <th scope="col">Its grant</th>
            <th scope="col">In force</th>
          </tr>
        </thead>
        <tbody>
          {shown.flatMap((g) => {
            const actions = inGroup(g.target).filter((t) => t.kind === 'action');
            const own = inGroup(g.target).filter((t) => a.grants[t.target]);
            return [
              <tr key={g.target} className="group-row">
                <th scope="row">{g.target}</th>
                <td>
                  <GrantText grant={a.grants[g.target]} />
                </td>
                <td>{groupEffect(a, g, actions)}</td>
              </tr>,
              ...own.map((t) => (
                <tr key={t.target} className="action-row">
                  <th scope="row">
                    <code>{t.target}</code>
                  </th>
                  <td>
                    <GrantText grant={a.grants[t.target]} /> <span className="own">own grant</span>
                  </td>
                  <td>{actionEffect(a, t)}</td>
                </tr>
              )),
            ];
          })}
        </tbody>
      </table>
      {ungranted.length > 0 && (
        <p className="hint">
          No grant, so denied by default: {ungranted.join(', ')}. An action without its own grant
          inherits its group&apos;s level.
        </p>
      )}
      <details className="whole-policy">
        <summary>Every action {a.name} can call</summary>
        <AgentPolicy agent={a} targets={targets} matches={() => true} searching={false} />
      </details>
    </>
  );
}

export function AgentGrants(props: { agent: AgentRow; matrix: Matrix | undefined }) {
  const { agent, matrix } = props;
  const inMatrix = matrix?.agents.find((m) => m.id === agent.id);
  return (
    <section className="agent-section" aria-labelledby="agent-grants">
      <h3 id="agent-grants">Grants</h3>
      {agent.revoked_at ? (
        <p>
          Revoked: no call is allowed. Its grants were{' '}
          {agent.grants.map((g) => `${g.target}=${g.level}`).join(', ') || 'none'}.
        </p>
      ) : !matrix ? (
        <p>Loading…</p>
      ) : inMatrix ? (
        <MatrixGrants agent={inMatrix} targets={matrix.targets} />
      ) : (
        <p>Not in the access matrix yet.</p>
      )}
      <p>
        <a href="#/access">Change its grants in the matrix</a>
      </p>
    </section>
  );
}
