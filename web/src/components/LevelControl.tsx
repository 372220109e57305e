// A segmented Off / Read / Full control, built as an ARIA radio group: one tab stop (the checked
// option), arrow keys move and choose, Home and End jump. An inherited level is checked in its own
// style (dashed, italic) so that nobody reads it as an explicit choice, and an option the server
// cannot honour is shown but unavailable (aria-disabled, skipped by the arrows, with its reason).
import { useRef, type KeyboardEvent } from 'react';

export type Level = 'off' | 'read' | 'full';

const options: readonly { level: Level; text: string }[] = [
  { level: 'off', text: 'Off' },
  { level: 'read', text: 'Read' },
  { level: 'full', text: 'Full' },
];

export function LevelControl(props: {
  /** The group's accessible name: "scout: people.search". */
  label: string;
  /** The level in force. */
  value: Level;
  /** The level in force comes from the group, not from a grant of this target. */
  inherited?: boolean;
  /** Options that cannot be chosen here, each with the sentence that says why. */
  unavailable?: Partial<Record<Level, string>>;
  /** The id of the text that explains the cell (its inheritance). */
  describedBy?: string;
  /** Called with the chosen level; choosing the inherited level pins it as the target's own. */
  onChange: (level: Level) => void;
}) {
  const { label, value, inherited = false, unavailable = {}, describedBy, onChange } = props;
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);
  const usable = options.map((o) => unavailable[o.level] === undefined);

  const choose = (i: number) => {
    const o = options[i];
    if (!o || !usable[i]) return;
    buttons.current[i]?.focus();
    if (o.level !== value || inherited) onChange(o.level);
  };
  const step = (from: number, by: 1 | -1) => {
    for (let k = 1; k <= options.length; k++) {
      const i = (from + by * k + options.length * k) % options.length;
      if (usable[i]) return i;
    }
    return from;
  };
  const onKeyDown = (e: KeyboardEvent, i: number) => {
    const to =
      e.key === 'ArrowRight' || e.key === 'ArrowDown'
        ? step(i, 1)
        : e.key === 'ArrowLeft' || e.key === 'ArrowUp'
          ? step(i, -1)
          : e.key === 'Home'
            ? usable.indexOf(true)
            : e.key === 'End'
              ? usable.lastIndexOf(true)
              : undefined;
    if (to === undefined) return;
    e.preventDefault();
    if (to !== i) choose(to);
  };

  return (
    <div
      role="radiogroup"
      aria-label={label}
      aria-describedby={describedBy}
      className={inherited ? 'segmented inherited' : 'segmented'}
    >
      {options.map((o, i) => {
        const checked = o.level === value;
        const why = unavailable[o.level];
        return (
          <button
            key={o.level}
            ref={(el) => {
              buttons.current[i] = el;
            }}
            type="button"
            role="radio"
            aria-checked={checked}
            aria-disabled={why !== undefined ? true : undefined}
            className={`segment segment-${o.level}`}
            tabIndex={checked ? 0 : -1}
            title={
              why ??
              (checked && inherited
                ? `Inherited from the group. Choose it to give this action its own ${o.level} grant.`
                : undefined)
            }
            onClick={() => choose(i)}
            onKeyDown={(e) => onKeyDown(e, i)}
          >
            {o.text}
          </button>
        );
      })}
    </div>
  );
}
