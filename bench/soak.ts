// bench:soak: Gatehouse (policy and audit on, SQLite, the built dist/) under a steady 200 req/s of
// the overhead mix for GATEHOUSE_SOAK_MINUTES (10) against the replaying upstream. Each minute it
// prints the gateway process's RSS, that minute's p50 and p99 and its errors; the first minute
// (GATEHOUSE_SOAK_WARMUP_SECONDS, 60) is warm-up. The baseline is the same mix sent directly for
// 30 s (GATEHOUSE_SOAK_BASELINE_SECONDS) in the same run.
//
// Targets: RSS growth after warm-up ≤ 10 % (to the highest minute), 0 errors, p99 stable: no
// minute's p99 above both twice the median minute's and the median + 2 ms, and the last minute's
// not above both twice the first's and the first's + 2 ms (no drift).
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  buildMix,
  createBenchAgent,
  percentile,
  round,
  send,
  startGateway,
  startUpstream,
  stopChild,
  type Call,
} from './lib.js';

const minutes = Number(process.env.GATEHOUSE_SOAK_MINUTES ?? 10);
const rate = Number(process.env.GATEHOUSE_SOAK_RATE ?? 200);
const intervalSeconds = Number(process.env.GATEHOUSE_SOAK_INTERVAL_SECONDS ?? 60);
const warmupSeconds = Number(process.env.GATEHOUSE_SOAK_WARMUP_SECONDS ?? 60);
const baselineSeconds = Number(process.env.GATEHOUSE_SOAK_BASELINE_SECONDS ?? 30);

/** A process's resident set in MiB (Linux /proc; NaN elsewhere). */
function rssMiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return kb ? Number(kb[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

interface Interval {
  readonly index: number;
  readonly endSecond: number;
  readonly latencies: number[];
  errors: number;
  rss: number;
}

/**
 * Open loop at `rate` for `seconds`: requests leave on schedule whether or not earlier ones
 * returned; every `intervalSeconds` the interval closes (its latencies are those of requests sent
 * in it) and `onInterval` runs once its requests have answered.
 */
async function soak(
  one: (i: number) => Promise<{ ms: number; ok: boolean }>,
  seconds: number,
  onInterval: (i: Interval) => void,
): Promise<Interval[]> {
  const intervals: Interval[] = [];
  const start = performance.now();
  const total = Math.round(rate * seconds);
  const perInterval = Math.round(rate * intervalSeconds);
  let current: { interval: Interval; pending: Set<Promise<void>> } | null = null;
  const closing: Promise<void>[] = [];
  const close = (c: { interval: Interval; pending: Set<Promise<void>> }) => {
    closing.push(
      Promise.all(c.pending).then(() => {
        c.interval.rss = rssPid ? rssMiB(rssPid) : NaN;
        onInterval(c.interval);
      }),
    );
  };
  for (let i = 0; i < total; i++) {
    if (i % perInterval === 0) {
      if (current) close(current);
      const index = intervals.length;
      const interval: Interval = {
        index,
        endSecond: Math.min(seconds, (index + 1) * intervalSeconds),
        latencies: [],
        errors: 0,
        rss: NaN,
      };
      intervals.push(interval);
      current = { interval, pending: new Set() };
    }
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const c = current!;
    const p: Promise<void> = one(i).then((r) => {
      c.interval.latencies.push(r.ms);
      if (!r.ok) c.interval.errors += 1;
      c.pending.delete(p);
    });
    c.pending.add(p);
  }
  if (current) close(current);
  await Promise.all(closing);
  return intervals;
}

let rssPid = 0;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-soak-'));
  const upstream = await startUpstream('replay');
  const token = await createBenchAgent(dir, ['people', 'organizations', 'contacts']);
  const mix: Call[] = await buildMix(upstream.url, upstream.key);
  const gateway = await startGateway(dir, upstream);
  rssPid = gateway.child.pid ?? 0;

  const caller = (base: string, key: string) => async (i: number) => {
    const call = mix[i % mix.length]!;
    const headers = { 'x-api-key': key, 'content-type': 'application/json' };
    const r = await send(`${base}${call.path}`, call.method, headers, call.body);
    return { ms: r.ms, ok: r.status === 200 };
  };
  const direct = caller(upstream.url, upstream.key);
  const through = caller(gateway.url, token);
  for (const one of [direct, through]) {
    await Promise.all(Array.from({ length: 200 }, (_, i) => one(i)));
  }

  // The baseline: the same open loop, straight to the upstream.
  const savedPid = rssPid;
  rssPid = 0;
  const [baseline] = await soak(direct, baselineSeconds, () => {});
  rssPid = savedPid;
  const base = {
    p50: percentile(baseline!.latencies, 50),
    p99: percentile(baseline!.latencies, 99),
    errors: baseline!.errors,
  };
  process.stdout.write(
    `direct baseline (${baselineSeconds} s at ${rate}/s): p50 ${round(base.p50, 3)} ms, p99 ${round(base.p99, 3)} ms, errors ${base.errors}\n`,
  );
  process.stdout.write(
    `soak: ${minutes} min at ${rate}/s through Gatehouse (SQLite, policy + audit), warm-up ${warmupSeconds} s\n`,
  );
  process.stdout.write(
    `${'minute'.padEnd(8)}${'RSS MiB'.padEnd(10)}${'p50 ms'.padEnd(10)}${'p99 ms'.padEnd(10)}${'requests'.padEnd(10)}errors\n`,
  );
  const intervals = await soak(through, minutes * 60, (i) => {
    const row = [
      String(round(i.endSecond / 60, 2)),
      String(round(i.rss, 1)),
      String(round(percentile(i.latencies, 50), 3)),
      String(round(percentile(i.latencies, 99), 3)),
      String(i.latencies.length),
    ];
    const warm = i.endSecond <= warmupSeconds ? '  (warm-up)' : '';
    process.stdout.write(`${row.map((c, n) => c.padEnd(n ? 10 : 8)).join('')}${i.errors}${warm}\n`);
  });
  const finalRss = rssMiB(gateway.child.pid ?? 0);
  await stopChild(gateway.child);
  await stopChild(upstream.child);
  rmSync(dir, { recursive: true, force: true });

  const after = intervals.filter((i) => i.endSecond > warmupSeconds);
  const warmEnd = [...intervals].reverse().find((i) => i.endSecond <= warmupSeconds);
  const rssWarm = warmEnd?.rss ?? intervals[0]!.rss;
  const rssLast = intervals[intervals.length - 1]!.rss;
  const rssPeak = Math.max(...after.map((i) => i.rss), rssLast);
  const p99s = after.map((i) => percentile(i.latencies, 99));
  const p99Median = percentile(p99s, 50);
  const p99Max = Math.max(...p99s);
  const errors = intervals.reduce((a, i) => a + i.errors, 0);
  const all = intervals.flatMap((i) => i.latencies);
  // Growth is measured to the highest RSS after warm-up, not only to the last.
  const growth = (rssPeak - rssWarm) / rssWarm;
  const figures = {
    bench: 'soak',
    minutes,
    rate_rps: rate,
    requests: all.length,
    errors,
    direct_p50_ms: round(base.p50, 3),
    direct_p99_ms: round(base.p99, 3),
    gatehouse_p50_ms: round(percentile(all, 50), 3),
    gatehouse_p99_ms: round(percentile(all, 99), 3),
    p50_added_ms: round(percentile(all, 50) - base.p50, 3),
    p99_added_ms: round(percentile(all, 99) - base.p99, 3),
    rss_after_warmup_mib: round(rssWarm, 1),
    rss_last_mib: round(rssLast, 1),
    rss_peak_mib: round(rssPeak, 1),
    rss_final_mib: round(finalRss, 1),
    rss_growth_pct: round(growth * 100, 2),
    p99_per_minute_ms: intervals.map((i) => round(percentile(i.latencies, 99), 3)),
    rss_per_minute_mib: intervals.map((i) => round(i.rss, 1)),
    p99_median_minute_ms: round(p99Median, 3),
    p99_worst_minute_ms: round(p99Max, 3),
  };
  const targets = {
    rss_growth: growth <= 0.1,
    errors: errors === 0,
    p99_stable:
      p99s.length > 0 &&
      p99Max <= Math.max(2 * p99Median, p99Median + 2) &&
      p99s[p99s.length - 1]! <= Math.max(2 * p99s[0]!, p99s[0]! + 2),
  };
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  process.stdout.write(
    [
      '',
      `${''.padEnd(34)}${'direct (baseline)'.padEnd(20)}Gatehouse`,
      `${'p50 latency, ms'.padEnd(34)}${String(figures.direct_p50_ms).padEnd(20)}${figures.gatehouse_p50_ms} (+${figures.p50_added_ms})`,
      `${'p99 latency, ms'.padEnd(34)}${String(figures.direct_p99_ms).padEnd(20)}${figures.gatehouse_p99_ms} (+${figures.p99_added_ms})`,
      `${'p99 per minute after warm-up, ms'.padEnd(34)}${''.padEnd(20)}median ${figures.p99_median_minute_ms}, worst ${figures.p99_worst_minute_ms}: stable (${met(targets.p99_stable)})`,
      `${'RSS after warm-up → last, MiB'.padEnd(34)}${''.padEnd(20)}${figures.rss_after_warmup_mib} → ${figures.rss_last_mib} (peak ${figures.rss_peak_mib}): ${figures.rss_growth_pct >= 0 ? '+' : ''}${figures.rss_growth_pct} %, ≤ 10 % (${met(targets.rss_growth)})`,
      `${'errors'.padEnd(34)}${String(base.errors).padEnd(20)}${errors} of ${all.length}, 0 (${met(targets.errors)})`,
      '',
    ].join('\n'),
  );
  process.stdout.write(`${JSON.stringify({ ...figures, targets_met: targets })}\n`);
}

await main();
