// One agent's whole policy, read top to bottom: every action it can call, at what level, from
// which grant (its own or its group's), and whether the call waits for an admin's approval.
// Actions it cannot call are counted, and listed on request, each with the reason.
import { useState } from 'react';

import { EffectBadges } from './EffectBadges';
import type { MatrixAgent, Target } from './MatrixCell';

interface Line {
  target: Target;
  level: 'off' | 'read' | 'full';
  from: string;
  callable: boolean;
  held: string | null;
  denied: string | null;
}

function lineFor(a: MatrixAgent, t: Target): Line {
  const eff = a.effective[t.target];
  const own = a.grants[t.target];
  const group = a.grants[t.group];
  const grant = own ?? group;
  const level = eff?.level ?? grant?.level ?? 'off';
  const from = own
    ? `own grant ${t.target}=${own.level}`
    : group
      ? `group grant ${t.group}=${group.level}`
      : 'no grant';
  const callable = eff?.callable ?? false;
  const held =
    !callable || !eff?.approval
      ? null
      : grant?.approval
        ? 'needs approval'
        : 'held by default (outbound)';
  const denied = callable
    ? null
    : level === 'off'
      ? grant
        ? `${from} turns it off`
        : 'no grant covers it: denied by default'
      : `${level} allows reads only; it writes`;
  return { target: t, level, from, callable, held, denied };
}

export function AgentPolicy(props: {
  agent: MatrixAgent;
  targets: readonly Target[];
  /** Only actions matching the page's search (`searching` when there is one). */
  matches: (t: Target) => boolean;
  searching: boolean;
}) {
  const { agent: a, targets, matches, searching } = props;
  const [showDenied, setShowDenied] = useState(false);
  const lines = targets.filter((t) => t.kind === 'action').map((t) => lineFor(a, t));
  const callable = lines.filter((l) => l.callable);
  const held = callable.filter((l) => l.held);
  const reveal = a.grants['people.reveal'];
  const shown = lines.filter((l) => (showDenied || l.callable) && matches(l.target));
  const groups = [...new Set(shown.map((l) => l.target.group))];
  const headingId = `policy-${a.id}`;

  return (
    <section className="policy" aria-labelledby={headingId}>
      <h3 id={headingId}>What {a.name} can do</h3>
      <p>
        {callable.length} of {lines.length} actions callable
        {held.length > 0 && `, ${held.length} of them held for an admin's approval`}. Personal
        emails, phones and waterfalls (people.reveal):{' '}
        {reveal && reveal.level !== 'off'
          ? `allowed${reveal.approval ? ', with approval' : ''}`
          : 'not allowed'}
        .
      </p>
      <label className="check">
        <input
          type="checkbox"
          checked={showDenied}
          onChange={(e) => setShowDenied(e.target.checked)}
        />
        Also list the actions it cannot call
      </label>
      {groups.length === 0 && (
        <p>
          {a.name} can call no action{searching ? ' that matches the search' : ''}.
        </p>
      )}
      {groups.map((g) => (
        <div key={g} className="policy-group">
          <h4>{g}</h4>
          <ul aria-label={`${a.name}: ${g}`}>
            {shown
              .filter((l) => l.target.group === g)
              .map((l) => (
                <li key={l.target.target} className={l.callable ? 'allowed' : 'denied'}>
                  <code>{l.target.target}</code>
                  <span className={`level level-${l.callable ? l.level : 'off'}`}>
                    {l.callable ? l.level : 'denied'}
                  </span>
                  <span className="from">{l.denied ?? `from ${l.from}`}</span>
                  {l.callable && (
                    <span className={l.held ? 'held' : 'unheld'}>
                      {l.held ?? 'runs without approval'}
                    </span>
                  )}
                  <EffectBadges target={l.target} />
                </li>
              ))}
          </ul>
        </div>
      ))}
    </section>
  );
}
