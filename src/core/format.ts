// Number wording shared by error messages and audit sentences, so both say "2.5 credits" alike.

/** "1 credit", "2.5 credits", "0 credits": at most two decimals. */
export function formatCredits(n: number): string {
  const shown = Number(n.toFixed(2));
  return `${shown} credit${shown === 1 ? '' : 's'}`;
}

/** A wait an agent or admin can plan around: "12 s", "about 5 min", "about 3 h". */
export function formatWait(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 90) return `${s} s`;
  if (s < 90 * 60) return `about ${Math.round(s / 60)} min`;
  return `about ${Math.round(s / 3600)} h`;
}

/** A measured duration: "181 ms" below ten seconds, "12.3 s" above. */
export function formatDuration(ms: number): string {
  return ms < 10_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

const htmlEntities: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
/** Text made safe to put in HTML, as element content or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => htmlEntities[ch]!);
}
