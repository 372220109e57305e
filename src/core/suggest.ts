// "Did you mean": the documented names closest to a misspelt one, for refusals an agent can fix.

/** Edit distance between two short strings (insertions, deletions, substitutions). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * Up to `limit` names from `known` close to `name`: within a third of its length in edits (at
 * least 2), nearest first; when none is that close, those sharing a word with it (`title` →
 * `person_titles`).
 */
export function closestNames(name: string, known: readonly string[], limit = 3): string[] {
  const n = name.toLowerCase().replace(/\[\]$/, '');
  const words = new Set(n.split(/[_\s.-]+/).filter((w) => w.length > 2));
  const scored = known.map((k) => {
    const d = distance(n, k.toLowerCase());
    const shared = k
      .toLowerCase()
      .split(/[_.-]+/)
      .some((w) => words.has(w) || words.has(w.replace(/s$/, '')));
    return { k, d, close: d <= Math.max(2, Math.floor(n.length / 3)), shared };
  });
  // A near spelling beats a shared word: `person_title` suggests `person_titles` alone.
  const anyClose = scored.some((s) => s.close);
  return scored
    .filter((s) => (anyClose ? s.close : s.shared))
    .sort((a, b) => Number(b.close) - Number(a.close) || a.d - b.d || a.k.localeCompare(b.k))
    .slice(0, limit)
    .map((s) => s.k);
}
