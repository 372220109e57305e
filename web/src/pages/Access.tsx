// The access matrix: agents × groups, each group collapsible to its actions, with a search that
// opens every group holding a match. About eighty actions stay readable this way. Each cell is a
// segmented Off / Read / Full control (components/MatrixCell.tsx); an action without a grant of
// its own reads "inherits read". One agent can be picked to read its whole policy as a list.
import { useRef, useState } from 'react';

import { AgentPolicy } from '../components/AgentPolicy';
import { EffectBadges } from '../components/EffectBadges';
import { TemplatePicker } from '../components/TemplatePicker';
import {
  MatrixCell,
  type Cell,
  type MatrixAgent,
  type Pending,
  type Target,
} from '../components/MatrixCell';
import { request } from '../api';
import { useLoad, type Run } from '../hooks';
import { RoleNote } from '../session';

export function Access({ run }: { run: Run }) {
  const [data, reload] = useLoad(run, 'GET /admin/api/matrix');
  // Changes show at once; the matrix is then re-read, and a refused change snaps back.
  const [pending, setPending] = useState<Pending>({});
  const [open, setOpen] = useState<Record<string, boolean>>({});
  const [filter, setFilter] = useState('');
  const [only, setOnly] = useState('');
  // Changes go to the server one after another, in the order they were made (arrow keys can make
  // several in a row), so the last one chosen is the one that stays.
  const queue = useRef<Promise<void>>(Promise.resolve());
  if (!data) return <p>Loading…</p>;
  if (data.agents.length === 0) return <p>No agents yet: create one on the Agents page.</p>;

  const set = (agentId: string, target: string, cell: Cell | null) => {
    const key = `${agentId}|${target}`;
    const mark = { cell };
    setPending((p) => ({ ...p, [key]: mark }));
    const body = cell ?? { level: 'off' as const, approval: false, no_approval: false };
    queue.current = queue.current.then(async () => {
      await run(() =>
        request('PUT /admin/api/agents/{id}/grants', {
          params: { id: agentId },
          body: {
            target,
            level: body.level,
            approval: body.approval,
            no_approval: body.no_approval,
            // An own off (inside a granted group) is an explicit deny; none is a removal.
            deny: cell?.level === 'off',
          },
        }),
      );
      await reload();
      setPending((p) => {
        if (p[key] !== mark) return p;
        const { [key]: _done, ...rest } = p;
        return rest;
      });
    });
  };

  const q = filter.trim().toLowerCase();
  const matches = (t: Target) =>
    !q ||
    [t.target, t.title ?? '', t.group, t.effect ?? ''].some((s) => s.toLowerCase().includes(q));
  const actionsOf = (group: string) =>
    data.targets.filter((t) => t.kind === 'action' && t.group === group);
  const heads = data.targets.filter((t) => t.kind !== 'action');
  const outboundIn = (t: Target) =>
    t.kind === 'action'
      ? t.approval_by_default
      : actionsOf(t.target).some((a) => a.approval_by_default);
  const chosen = data.agents.find((a) => a.id === only);
  const agents: MatrixAgent[] = chosen ? [chosen] : data.agents;

  const cells = (t: Target) =>
    agents.map((a) => (
      <MatrixCell
        key={a.id}
        agent={a}
        target={t}
        pending={pending}
        outbound={outboundIn(t)}
        onSet={(cell) => set(a.id, t.target, cell)}
      />
    ));

  const rows = heads.flatMap((head) => {
    const children = head.kind === 'group' ? actionsOf(head.target) : [];
    const shownChildren = children.filter(matches);
    if (q && !matches(head) && shownChildren.length === 0) return [];
    const expanded = q ? shownChildren.length > 0 : (open[head.target] ?? false);
    const headRow = (
      <tr key={head.target} className="group-row">
        <th scope="row" className={head.kind === 'group' ? 'group' : 'capability'}>
          {children.length > 0 ? (
            <button
              type="button"
              className="disclosure"
              aria-expanded={expanded}
              onClick={() => setOpen((o) => ({ ...o, [head.target]: !expanded }))}
            >
              {expanded ? '▾' : '▸'} {head.target} ({children.length} action
              {children.length === 1 ? '' : 's'})
            </button>
          ) : (
            head.target
          )}
        </th>
        {cells(head)}
      </tr>
    );
    if (!expanded) return [headRow];
    return [
      headRow,
      ...(q ? shownChildren : children).map((t) => (
        <tr key={t.target}>
          <th scope="row" className="action">
            <span className="action-id">{t.target}</span> <EffectBadges target={t} />
          </th>
          {cells(t)}
        </tr>
      )),
    ];
  });

  return (
    <>
      <p className="intro">
        Each cell is an agent&apos;s grant on a group or one action: Off, Read or Full (reads and
        writes). A grant on an action beats its group&apos;s; an action without one{' '}
        <span className="inherits">inherits</span> its group&apos;s level. An action can be denied
        inside a granted group by choosing its Off: that stores a deny for the one action, which
        beats the group&apos;s grant (&quot;use group&quot; removes it). &quot;Approval&quot; holds
        the agent&apos;s calls there until an admin approves them; outbound actions (sending mail,
        starting a sequence) are held by default unless granted &quot;outbound without
        approval&quot;. people.reveal allows personal emails, phones and waterfalls.
      </p>
      <RoleNote needed="admin" what="changing a grant" />
      <div className="toolbar">
        <label className="search">
          Find an action
          <input
            type="search"
            value={filter}
            placeholder="e.g. label, send, sequences"
            onChange={(e) => setFilter(e.target.value)}
          />
        </label>
        <label>
          Show one agent
          <select value={chosen ? only : ''} onChange={(e) => setOnly(e.target.value)}>
            <option value="">All agents</option>
            {data.agents.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <TemplatePicker
        data={data}
        agentId={chosen ? only : ''}
        run={run}
        onApplied={async () => {
          await reload();
        }}
      />
      {chosen && (
        <AgentPolicy agent={chosen} targets={data.targets} matches={matches} searching={q !== ''} />
      )}
      <div className="scroll" role="region" aria-label="Access matrix" tabIndex={0}>
        <table className={chosen ? 'matrix single' : 'matrix'}>
          <thead>
            <tr>
              <th scope="col">Group / action</th>
              {agents.map((a) => (
                <th scope="col" key={a.id}>
                  {a.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>{rows}</tbody>
        </table>
      </div>
      {rows.length === 0 && <p>No group or action matches “{filter}”.</p>}
    </>
  );
}
