// Times as people read them: relative ("3 min ago", "in 2 h"), with the exact local time on hover
// and in the machine-readable `dateTime`.

const units: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
];
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });

/** "5 min. ago", "in 2 hr.", "now": the largest unit that fits, against `now`. */
export function relativeTime(iso: string, now = Date.now()): string {
  const diff = new Date(iso).getTime() - now;
  const abs = Math.abs(diff);
  if (abs < 5_000) return 'just now';
  for (const [unit, ms] of units) {
    if (abs >= ms) return relative.format(Math.round(diff / ms), unit);
  }
  return 'just now';
}

/** A time element: relative text, the exact time as its tooltip; `—` for none. */
export function When({ at, none = '—' }: { at: string | null; none?: string }) {
  if (!at) return <>{none}</>;
  const exact = new Date(at).toLocaleString();
  return (
    <time dateTime={at} title={exact}>
      {relativeTime(at)}
    </time>
  );
}
