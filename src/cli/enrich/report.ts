// What `gatehouse enrich` tells the person running it: the progress line, the closing summary, why
// a run stopped, and the --json document.
import { formatWait } from '../../core/format.js';

import type { Finished, Stop } from './outcome.js';

export const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2 });
const plural = (n: number, one: string, many = `${one}s`) => `${fmt(n)} ${n === 1 ? one : many}`;

/** The progress line shown on a terminal. */
export function formatProgress(p: {
  done: number;
  total: number;
  perSecond: number;
  credits: number;
}): string {
  const left = p.total - p.done;
  const eta =
    left <= 0 ? 'done' : p.perSecond > 0 ? `ETA ${formatWait(left / p.perSecond)}` : 'ETA …';
  return `Enriching: ${fmt(p.done)} of ${fmt(p.total)} rows · ${p.perSecond.toFixed(1)} rows/s · ${eta} · ${plural(p.credits, 'credit')} spent`;
}

/** Finished rows counted by outcome, and the credits they cost. */
export interface Tally {
  matched: number;
  cache: number;
  notFound: number;
  denied: number;
  failed: number;
  skipped: number;
  credits: number;
}

/** Counts the finished rows (saved ones included); credits rounded to cents. */
export function tallyOf(results: Iterable<Finished>): Tally {
  const t: Tally = {
    matched: 0,
    cache: 0,
    notFound: 0,
    denied: 0,
    failed: 0,
    skipped: 0,
    credits: 0,
  };
  for (const r of results) {
    t.credits += r.credits;
    if (r.outcome === 'matched') t.matched += 1;
    else if (r.outcome === 'cache') t.cache += 1;
    else if (r.outcome === 'not_found') t.notFound += 1;
    else if (r.outcome === 'denied') t.denied += 1;
    else if (r.outcome === 'error') t.failed += 1;
    else t.skipped += 1;
  }
  t.credits = Math.round(t.credits * 100) / 100;
  return t;
}

/** "Enriched 812 of 1,000 rows (150 from cache, 38 not found, 0 denied)" and the credits. */
export function formatSummary(t: Tally, total: number, extra = '', verb = 'Enriched'): string {
  const more = [
    t.skipped ? `${fmt(t.skipped)} skipped` : '',
    t.failed ? `${fmt(t.failed)} failed` : '',
  ].filter(Boolean);
  return `${verb} ${fmt(t.matched + t.cache)} of ${plural(total, 'row')} (${fmt(t.cache)} from cache, ${fmt(t.notFound)} not found, ${fmt(t.denied)} denied${more.length ? `, ${more.join(', ')}` : ''}); ${plural(t.credits, 'credit')} spent${extra}`;
}

/** What a run that stopped early says, in two lines: what was done, and why it stopped. */
export function formatStopped(p: {
  tally: Tally;
  total: number;
  thisRun: string;
  left: number;
  stop: Exclude<Stop, { kind: 'fatal' }>;
  maxCredits: number | undefined;
  agentName: string;
  progressPath: string;
}): [string, string] {
  const { stop } = p;
  const why =
    stop.kind === 'cap'
      ? `the next row could take this run past --max-credits ${fmt(p.maxCredits ?? 0)}`
      : stop.kind === 'budget'
        ? `agent '${p.agentName}' is out of credit budget: ${stop.message}`
        : stop.kind === 'refused'
          ? `the gateway refused the agent: ${stop.message}`
          : 'interrupted';
  return [
    `${formatSummary(p.tally, p.total, p.thisRun, 'Stopped after enriching')}; ${plural(p.left, 'row')} not done.`,
    `Stopped: ${why}. Progress is saved in ${p.progressPath}; run the same command again to resume (finished rows are not sent again).`,
  ];
}

/** " (7 in this run)" when a resumed run's total includes credits spent before it. */
export function formatThisRun(resumed: boolean, tally: Tally, spentRun: number): string {
  return resumed && tally.credits !== spentRun ? ` (${fmt(spentRun)} in this run)` : '';
}

/** The --json document: the counts, then where things are and why the run stopped. */
export function summaryDocument(
  tally: Tally,
  total: number,
  spentRun: number,
  doc: {
    output: string | null;
    progress: string | null;
    stopped: Stop['kind'] | null;
    not_done: number;
  },
): string {
  return JSON.stringify({
    rows: total,
    enriched: tally.matched + tally.cache,
    from_cache: tally.cache,
    not_found: tally.notFound,
    denied: tally.denied,
    failed: tally.failed,
    skipped: tally.skipped,
    credits: tally.credits,
    credits_this_run: spentRun,
    ...doc,
  });
}
