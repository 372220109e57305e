// One cell of the access matrix: an agent's level on a group or one action, where it comes from,
// and its approval. An action without a grant of its own reads "inherits read" (never "Off").
// Choosing Off on an action inside a granted group stores an explicit deny for it, which beats the
// group's grant (shown as "denied here"); "use group" removes the action's own grant again.
import type { AdminResponse } from '../../../src/surfaces/admin/contracts';

import { useCan } from '../session';

import { LevelControl, type Level } from './LevelControl';

type MatrixData = AdminResponse<'GET /admin/api/matrix'>;
export type Target = MatrixData['targets'][number];
export type MatrixAgent = MatrixData['agents'][number];
export type Cell = MatrixAgent['grants'][string];

/** Per `${agent id}|${target}`: a change not yet re-read from the server (null: removed). */
export type Pending = Record<string, { cell: Cell | null }>;

/** The agent's own grant on a target, with a pending change applied. */
export function grantOf(a: MatrixAgent, target: string, pending: Pending): Cell | undefined {
  const p = pending[`${a.id}|${target}`];
  return p ? (p.cell ?? undefined) : a.grants[target];
}

/** How a cell stands: its own grant, the group grant it falls back to, the level in force. */
export function cellState(a: MatrixAgent, t: Target, pending: Pending) {
  const own = grantOf(a, t.target, pending);
  const group = t.kind === 'action' ? grantOf(a, t.group, pending) : undefined;
  const groupLevel = group?.level ?? 'off';
  const inherited = !own && group && groupLevel !== 'off' ? group : undefined;
  const governing = own ?? inherited;
  return { own, group, groupLevel, inherited, governing, level: governing?.level ?? 'off' };
}

/** The id of a cell's visible "inherits read" text, which describes its control. */
const idFor = (a: MatrixAgent, t: Target) => `inh-${a.id}-${t.target}`.replace(/[^\w-]/g, '_');

export function MatrixCell(props: {
  agent: MatrixAgent;
  target: Target;
  pending: Pending;
  /** The target holds outbound actions (held for approval by default). */
  outbound: boolean;
  /** Sets (or with null removes) the agent's own grant on the target. */
  onSet: (cell: Cell | null) => void;
}) {
  const { agent: a, target: t, pending, outbound, onSet } = props;
  const { own, groupLevel, inherited, governing, level } = cellState(a, t, pending);
  const canChange = useCan('admin');
  const label = `${a.name}: ${t.target}`;
  const action = t.kind === 'action';
  // Off inside a granted group stores an explicit deny for this action (it beats the group's
  // grant); "use group" removes it again. Off anywhere else removes the target's own grant.
  const deniesInGroup = action && groupLevel !== 'off';
  const describedBy = inherited ? idFor(a, t) : undefined;
  const effective = action && !(`${a.id}|${t.target}` in pending) ? a.effective[t.target] : null;
  // The approval settings belong to the governing grant; changing them on an inherited cell gives
  // the action its own grant at the inherited level.
  const base: Cell = {
    level,
    approval: governing?.approval ?? false,
    no_approval: governing?.no_approval ?? false,
  };
  const pinNote = inherited
    ? `Set on the group ${t.group}; changing it here gives ${t.target} its own ${level} grant.`
    : undefined;

  const choose = (next: Level) => {
    if (next === 'off')
      onSet(deniesInGroup ? { level: 'off', approval: false, no_approval: false } : null);
    else onSet({ level: next, approval: base.approval, no_approval: base.no_approval });
  };

  return (
    <td className={inherited ? 'cell inherited' : 'cell'}>
      <fieldset className="bare" disabled={!canChange}>
        <LevelControl
          label={label}
          value={level}
          inherited={inherited !== undefined}
          describedBy={describedBy}
          onChange={choose}
        />
        {inherited && (
          <span className="inherits" id={describedBy}>
            inherits {inherited.level}
            <span className="visually-hidden"> from the group {t.group}</span>
          </span>
        )}
        {own && action && groupLevel !== 'off' && (
          <button
            type="button"
            className="link"
            aria-label={`${label}: use the group's level (${groupLevel})`}
            title={`Remove ${t.target}'s own grant; it inherits ${t.group}=${groupLevel}.`}
            onClick={() => onSet(null)}
          >
            use group ({groupLevel})
          </button>
        )}
        {own?.level === 'off' && deniesInGroup && (
          <span className="status denied">
            denied here, though {t.group} grants {groupLevel}
          </span>
        )}
        {effective && level !== 'off' && !effective.callable && (
          <span className="status denied">denied: writes need full</span>
        )}
        {level !== 'off' && (
          <label className="check" title={pinNote}>
            <input
              type="checkbox"
              aria-label={`${label} needs approval`}
              checked={base.approval}
              onChange={(e) => onSet({ ...base, approval: e.target.checked, no_approval: false })}
            />
            approval
          </label>
        )}
        {level === 'full' && outbound && (
          <label className="check" title={pinNote}>
            <input
              type="checkbox"
              aria-label={`${label} sends without approval`}
              checked={base.no_approval}
              onChange={(e) => onSet({ ...base, no_approval: e.target.checked, approval: false })}
            />
            outbound without approval
          </label>
        )}
      </fieldset>
    </td>
  );
}
