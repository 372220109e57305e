// The grants a new agent starts with: each group Off / Read / Full (the access matrix's segmented
// control: one tab stop, arrow keys), and whether its calls wait for an admin's approval. Finer
// grants (one action, people.reveal, outbound without approval) are set in the access matrix.
import type { AdminResponse, GrantRequest } from '../../../src/surfaces/admin/contracts';

import { LevelControl, type Level } from '../components/LevelControl';

type Target = AdminResponse<'GET /admin/api/matrix'>['targets'][number];

/** Per group: the level chosen and whether calls under it need approval. */
export type Chosen = Record<string, { level: Level; approval: boolean }>;

/** The chosen grants as the admin API takes them (Off: no grant). */
export function grantsOf(chosen: Chosen): GrantRequest[] {
  return Object.entries(chosen)
    .filter(([, c]) => c.level !== 'off')
    .map(([target, c]) => ({ target, level: c.level, approval: c.approval, no_approval: false }));
}

/** "people=read, contacts=full (approval)", or "none". */
export function describeGrants(chosen: Chosen): string {
  const text = grantsOf(chosen)
    .map((g) => `${g.target}=${g.level}${g.approval ? ' (approval)' : ''}`)
    .join(', ');
  return text || 'none (every call denied until a grant is given)';
}

export function GrantsChooser(props: {
  targets: readonly Target[] | undefined;
  chosen: Chosen;
  onChange: (chosen: Chosen) => void;
}) {
  const { targets, chosen, onChange } = props;
  const groups = (targets ?? []).filter((t) => t.kind === 'group');
  const outbound = new Set<string>(
    (targets ?? []).filter((t) => t.kind === 'action' && t.approval_by_default).map((t) => t.group),
  );
  const set = (group: string, next: { level: Level; approval: boolean }) =>
    onChange({ ...chosen, [group]: next });
  return (
    <fieldset className="grants-chooser">
      <legend>Grants</legend>
      <p className="hint">
        Read allows a group&apos;s reads; full also its writes. Outbound actions (emails, sequences)
        are held for approval by default. One action&apos;s own grant is set in the access matrix.
      </p>
      {groups.length === 0 && <p>Loading the groups…</p>}
      <ul aria-label="Grants of the new agent">
        {groups.map((t) => {
          const c = chosen[t.target] ?? { level: 'off' as const, approval: false };
          const label = `New agent: ${t.target}`;
          return (
            <li key={t.target}>
              <span className="group-name">
                {t.target}
                {outbound.has(t.target) && <span className="badge badge-outbound">outbound</span>}
              </span>
              <LevelControl
                label={label}
                value={c.level}
                onChange={(level) => set(t.target, { ...c, level })}
              />
              {c.level !== 'off' && (
                <label className="check">
                  <input
                    type="checkbox"
                    aria-label={`${label} needs approval`}
                    checked={c.approval}
                    onChange={(e) => set(t.target, { ...c, approval: e.target.checked })}
                  />
                  approval
                </label>
              )}
            </li>
          );
        })}
      </ul>
      <p>
        Starts with: <strong data-testid="new-grants">{describeGrants(chosen)}</strong>
      </p>
    </fieldset>
  );
}
