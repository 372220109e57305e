// The run itself: rows go to the gateway as people.match calls, a bounded number in flight; rows
// naming the same person wait for the first (it pays, they are answered from the cache); finished
// rows are saved as they finish; --max-credits, the agent's budget, a refusal or Ctrl-C stop the
// run cleanly; at the end the output is written or the run says how to resume.
import { rm } from 'node:fs/promises';

import type { GatehouseApp } from '../../app/create-app.js';
import { personRequestKeys } from '../../cache/index.js';
import { estimateCredits, getAction } from '../../catalog/index.js';
import { CsvError } from '../csv.js';
import { CliError, processIO, type CliIO } from '../io.js';

import { untilCached } from './cache-wait.js';
import { identityOf } from './identity.js';
import { dataRows, inputError, type DataRow } from './input.js';
import {
  appendedColumns,
  finishRow,
  rowHash,
  skippedRow,
  type Finished,
  type Stop,
} from './outcome.js';
import { writeOutput } from './output.js';
import { ProgressLog, type ProgressHeader } from './progress-file.js';
import {
  formatProgress,
  formatStopped,
  formatSummary,
  formatThisRun,
  summaryDocument,
  tallyOf,
} from './report.js';
import { startStatusLine } from './status-line.js';

export interface RunOptions {
  readonly io: CliIO;
  readonly app: GatehouseApp;
  readonly token: string;
  readonly input: string;
  readonly out: string;
  readonly progressPath: string;
  readonly header: ProgressHeader;
  /** Rows a previous run finished, by row number. */
  readonly saved: Map<number, Finished>;
  readonly total: number;
  readonly maxCredits: number | undefined;
  readonly concurrency: number;
  readonly agentName: string;
  readonly json: boolean;
}

/** Runs the enrichment; resolves to the exit status. */
export async function runEnrichment(o: RunOptions): Promise<number> {
  const { io, app, header, total, maxCredits, concurrency } = o;
  const { reveal, columns } = header;
  const action = getAction('people.match');
  const results = new Map<number, Finished>();
  const resumed = o.saved.size > 0;
  const progress = await ProgressLog.open(o.progressPath, resumed ? null : header).catch(
    (e: Error) => {
      throw new CliError(`cannot write the progress file ${o.progressPath}: ${e.message}`, 2);
    },
  );

  // The first reason to stop wins; aborting lets waits that would only delay the stop end early.
  const stopping = new AbortController();
  let stop: Stop | null = null;
  const halt = (s: Stop) => {
    if (stop) return;
    stop = s;
    stopping.abort();
  };
  let spentRun = 0;
  let reserved = 0;
  let doneRun = 0;
  const started = performance.now();

  // Rows that share an identity wait for the first: it pays, and they are answered from the cache.
  const busy = new Map<string, Promise<void>>();
  const inflight = new Set<Promise<void>>();

  const status = startStatusLine(io === processIO ? process.stderr : null, () => {
    const seconds = (performance.now() - started) / 1000;
    return formatProgress({
      done: results.size,
      total,
      perSecond: seconds > 0 ? doneRun / seconds : 0,
      credits: spentRun,
    });
  });
  // Ctrl-C stops sending; calls in flight finish and are saved. A second one leaves at once
  // (every finished row is already on disk).
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    if (stop?.kind === 'signal') process.exit(signal === 'SIGINT' ? 130 : 143);
    halt({ kind: 'signal', signal });
    status.clear();
    io.err(`Stopping: waiting for ${inflight.size} call(s) in flight, then saving progress…`);
  };
  const onInt = () => onSignal('SIGINT');
  const onTerm = () => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);

  const cacheOn = app.enrichment.enabled;
  const lookup = (input: Record<string, unknown>) =>
    app.enrichment.lookup(action.id, input, Date.now());
  const estimate = async (input: Record<string, unknown>) => {
    if (cacheOn && (await lookup(input).catch(() => null))?.kind === 'hit') return 0;
    return estimateCredits(action, input);
  };

  const enrichRow = async (row: DataRow, hash: string, input: Record<string, unknown>) => {
    const keys = personRequestKeys(input);
    const before = [...new Set(keys.map((k) => busy.get(k)).filter((p) => p !== undefined))];
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    for (const k of keys) busy.set(k, mine);
    try {
      if (before.length) await Promise.all(before);
      if (stop) return;
      const outcome = await app.gateway.handle({
        surface: 'cli',
        token: o.token,
        ip: null,
        actionId: action.id,
        input,
      });
      const done = finishRow(row.n, hash, outcome, reveal);
      if ('kind' in done) return halt(done);
      results.set(row.n, done);
      spentRun += done.credits;
      doneRun += 1;
      await progress.append(done);
      const awaited = keys.some((k) => busy.get(k) !== undefined && busy.get(k) !== mine);
      if (cacheOn && done.outcome === 'matched' && awaited) {
        // A lookup that fails counts as there: the twin then asks Apollo, as it would anyway.
        const cached = async () => (await lookup(input).catch(() => null))?.kind !== 'miss';
        await untilCached(cached, stopping.signal);
      }
    } catch (error) {
      halt({ kind: 'fatal', error });
    } finally {
      release();
      for (const k of keys) if (busy.get(k) === mine) busy.delete(k);
    }
  };

  const launch = (task: Promise<void>) => {
    const tracked: Promise<void> = task.finally(() => inflight.delete(tracked));
    inflight.add(tracked);
  };

  try {
    for await (const row of dataRows(o.input, header.header.length)) {
      if (stop) break;
      const hash = rowHash(row.cells);
      const before = o.saved.get(row.n);
      if (before && before.hash === hash && !before.retry) {
        results.set(row.n, before);
        continue;
      }
      const input = identityOf(row.cells, columns, reveal);
      if (!input) {
        results.set(row.n, skippedRow(row.n, hash, reveal));
        continue;
      }
      while (inflight.size >= concurrency && !stop) await Promise.race(inflight);
      if (stop) break;
      let cost = 0;
      if (maxCredits !== undefined) {
        cost = await estimate(input);
        // Near the cap, wait for calls in flight: what they really cost (a miss costs nothing),
        // and what they put in the cache, decide whether this row still fits.
        while (spentRun + reserved + cost > maxCredits + 1e-9 && !stop) {
          if (inflight.size === 0) {
            halt({ kind: 'cap' });
            break;
          }
          await Promise.race(inflight);
          cost = await estimate(input);
        }
        if (stop) break;
      }
      reserved += cost;
      launch(enrichRow(row, hash, input).finally(() => (reserved -= cost)));
    }
  } catch (e) {
    halt({ kind: 'fatal', error: e instanceof CsvError ? inputError(o.input, e) : e });
  } finally {
    await Promise.all(inflight);
    await progress.close();
    status.stop();
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }

  const tally = tallyOf(results.values());
  const thisRun = formatThisRun(resumed, tally, spentRun);
  const ended = stop as Stop | null;
  if (ended) {
    if (ended.kind === 'fatal') throw ended.error;
    const left = total - results.size;
    for (const line of formatStopped({ ...o, tally, thisRun, left, stop: ended })) io.err(line);
    if (o.json) {
      const doc = { output: null, progress: o.progressPath, stopped: ended.kind, not_done: left };
      io.out(summaryDocument(tally, total, spentRun, doc));
    }
    if (ended.kind === 'signal') return ended.signal === 'SIGINT' ? 130 : 143;
    return ended.kind === 'refused' ? 1 : 3;
  }

  // Every row is finished: write the output in input order, atomically, and drop the progress.
  const appended = appendedColumns(reveal);
  await writeOutput({ input: o.input, out: o.out, header: header.header, appended, results });
  await rm(o.progressPath, { force: true });
  io.err(`${formatSummary(tally, total, thisRun)}; wrote ${o.out}`);
  if (o.json) {
    const doc = { output: o.out, progress: null, stopped: null, not_done: 0 };
    io.out(summaryDocument(tally, total, spentRun, doc));
  }
  return 0;
}
