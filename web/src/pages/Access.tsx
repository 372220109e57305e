// The access matrix: agents × groups, each group collapsible to its actions, with a search that
// opens every group holding a match. About eighty actions stay readable this way.
import { useState } from 'react';

import type { AdminResponse } from '../../../src/surfaces/admin/contracts';

import { request } from '../api';
import { useLoad, type Run } from '../hooks';

type MatrixData = AdminResponse<'GET /admin/api/matrix'>;
type Target = MatrixData['targets'][number];
type MatrixAgent = MatrixData['agents'][number];
type Cell = MatrixAgent['grants'][string];

export function Access({ run }: { run: Run }) {
  const [data, reload] = useLoad(run, 'GET /admin/api/matrix');
  // Changes show at once; the matrix is then re-read, and a refused change snaps back.
  const [pending, setPending] = useState<Record<string, Cell>>({});
  const [open, setOpen] = useState<Record<string, boolean>>({});
  const [filter, setFilter] = useState('');
  if (!data) return <p>Loading…</p>;
  if (data.agents.length === 0) return <p>No agents yet: create one on the Agents page.</p>;

  const set = async (agentId: string, target: string, cell: Cell) => {
    const key = `${agentId}|${target}`;
    setPending((p) => ({ ...p, [key]: cell }));
    await run(() =>
      request('PUT /admin/api/agents/{id}/grants', {
        params: { id: agentId },
        body: { target, level: cell.level, approval: cell.approval, no_approval: cell.no_approval },
      }),
    );
    await reload();
    setPending((p) => {
      const { [key]: _done, ...rest } = p;
      return rest;
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

  const cellFor = (a: MatrixAgent, t: Target) => {
    const g = pending[`${a.id}|${t.target}`] ?? a.grants[t.target];
    const level = g?.level ?? 'off';
    const cell: Cell = {
      level,
      approval: g?.approval ?? false,
      no_approval: g?.no_approval ?? false,
    };
    const label = `${a.name}: ${t.target}`;
    const inherited = !g && t.kind === 'action' ? a.effective[t.target]?.level : undefined;
    return (
      <td key={a.id}>
        <select
          aria-label={label}
          value={level}
          onChange={(e) =>
            void set(a.id, t.target, { ...cell, level: e.target.value as Cell['level'] })
          }
        >
          <option value="off">{t.kind === 'action' ? 'Group level' : 'Off'}</option>
          <option value="read">Read</option>
          <option value="full">Full</option>
        </select>
        {inherited !== undefined && <small> inherits {inherited}</small>}
        {level !== 'off' && (
          <label className="check">
            <input
              type="checkbox"
              aria-label={`${label} needs approval`}
              checked={cell.approval}
              onChange={(e) =>
                void set(a.id, t.target, {
                  ...cell,
                  approval: e.target.checked,
                  no_approval: false,
                })
              }
            />
            approval
          </label>
        )}
        {level === 'full' && outboundIn(t) && (
          <label className="check">
            <input
              type="checkbox"
              aria-label={`${label} sends without approval`}
              checked={cell.no_approval}
              onChange={(e) =>
                void set(a.id, t.target, {
                  ...cell,
                  no_approval: e.target.checked,
                  approval: false,
                })
              }
            />
            outbound without approval
          </label>
        )}
      </td>
    );
  };

  const rows = heads.flatMap((head) => {
    const children = head.kind === 'group' ? actionsOf(head.target) : [];
    const shownChildren = children.filter(matches);
    if (q && !matches(head) && shownChildren.length === 0) return [];
    const expanded = q ? shownChildren.length > 0 : (open[head.target] ?? false);
    const headRow = (
      <tr key={head.target}>
        <th scope="row" className={head.kind === 'group' ? 'group' : undefined}>
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
        {data.agents.map((a) => cellFor(a, head))}
      </tr>
    );
    if (!expanded) return [headRow];
    return [
      headRow,
      ...(q ? shownChildren : children).map((t) => (
        <tr key={t.target}>
          <th scope="row" className="action">
            {t.target}
            <small className={`effect effect-${t.effect ?? 'read'}`}>
              {' '}
              {t.effect}
              {t.approval_by_default ? ' · held by default' : ''}
            </small>
          </th>
          {data.agents.map((a) => cellFor(a, t))}
        </tr>
      )),
    ];
  });

  return (
    <>
      <p>
        Each cell is an agent's grant on a group or one action: off, read or full (reads and
        writes). A per-action grant beats its group; an action without one inherits its group's
        level. "Approval" holds the agent's calls there until an admin approves them; outbound
        actions (sending mail, starting a sequence) are held by default unless granted "outbound
        without approval". people.reveal allows personal emails, phones and waterfalls.
      </p>
      <label className="search">
        Find an action
        <input
          type="search"
          value={filter}
          placeholder="e.g. label, send, sequences"
          onChange={(e) => setFilter(e.target.value)}
        />
      </label>
      <div className="scroll">
        <table className="matrix">
          <thead>
            <tr>
              <th scope="col">Group / action</th>
              {data.agents.map((a) => (
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
