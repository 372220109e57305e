// bench:profile: where a Gatehouse process spends its CPU. First the gateway's CPU time per call
// (user + system, from /proc) at a fixed BENCH_RATE (500/s) for BENCH_SECONDS (10): a figure that
// other work on the machine disturbs far less than latency. Then the overhead mix from 32 callers
// for BENCH_FULL_SECONDS (10) against the replaying upstream, the gateway (SQLite, policy and
// audit on, dist/) run with `node --cpu-prof`; prints the functions and the files (or packages)
// with the most self time, and where the profile was written.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  buildMix,
  createBenchAgent,
  fixedRate,
  fullSpeed,
  percentile,
  round,
  send,
  startGateway,
  startUpstream,
  stopChild,
} from './lib.js';

const seconds = Number(process.env.BENCH_FULL_SECONDS ?? 10);
const rate = Number(process.env.BENCH_RATE ?? 500);
const fixedSeconds = Number(process.env.BENCH_SECONDS ?? 10);

/** A process's CPU time so far (user + system), in ms, from /proc (Linux). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat (11 and 12 after the command).
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const top = Number(process.env.BENCH_PROFILE_TOP ?? 30);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function where(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  if (url.startsWith('node:')) return url;
  return url || '(native)';
}

function summarise(profile: Profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) =>
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  );
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fns = new Map<string, number>();
  const files = new Map<string, number>();
  for (const [id, us] of self) {
    const f = byId.get(id)!.callFrame;
    const name = `${f.functionName || '(anonymous)'} ${where(f.url)}:${f.lineNumber + 1}`;
    fns.set(name, (fns.get(name) ?? 0) + us);
    const file = where(f.url);
    files.set(file, (files.get(file) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
  const list = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `  ${pct(us)}  ${k}`)
      .join('\n');
  return {
    total,
    text: `Self time by function:\n${list(fns)}\n\nSelf time by file or package:\n${list(files)}\n`,
  };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-profile-'));
  const profDir = process.env.BENCH_CPU_PROF ?? join(dir, 'prof');
  delete process.env.BENCH_CPU_PROF;
  const upstream = await startUpstream('replay');
  const token = await createBenchAgent(dir, ['people', 'organizations', 'contacts']);
  const mix = await buildMix(upstream.url, upstream.key);
  let errors = 0;
  const caller = (url: string) => async (i: number) => {
    const call = mix[i % mix.length]!;
    const headers = { 'x-api-key': token, 'content-type': 'application/json' };
    const r = await send(`${url}${call.path}`, call.method, headers, call.body);
    if (r.status !== 200) errors += 1;
    return r.ms;
  };

  // Without the profiler: CPU per call at a fixed rate, and full speed.
  const plain = await startGateway(dir, upstream);
  const one = caller(plain.url);
  await Promise.all(Array.from({ length: 300 }, (_, i) => one(i)));
  await fixedRate(one, rate, 2);
  const pid = plain.child.pid!;
  const before = cpuMs(pid);
  const latencies = await fixedRate(one, rate, fixedSeconds);
  const perCall = ((cpuMs(pid) - before) * 1000) / latencies.length;
  const rps = await fullSpeed(one, concurrency, seconds);
  await stopChild(plain.child);

  // With it: full speed only.
  process.env.BENCH_CPU_PROF = profDir;
  const profiled = await startGateway(dir, upstream);
  const two = caller(profiled.url);
  await Promise.all(Array.from({ length: 300 }, (_, i) => two(i)));
  const profiledRps = await fullSpeed(two, concurrency, seconds);
  await stopChild(profiled.child);
  await stopChild(upstream.child);
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile in ${profDir}`);
  const { text, total } = summarise(
    JSON.parse(readFileSync(join(profDir, file), 'utf8')) as Profile,
  );
  process.stdout.write(
    [
      '',
      `CPU per call at ${rate}/s: ${Math.round(perCall)} µs (p50 ${round(percentile(latencies, 50), 3)} ms, p99 ${round(percentile(latencies, 99), 3)} ms)`,
      `full speed (${concurrency} callers, ${seconds} s): ${Math.round(rps)} req/s; profiled: ${Math.round(profiledRps)} req/s; ${errors} errors`,
      `${(total / 1e6).toFixed(1)} s of samples`,
      '',
      text,
      `profile: ${join(profDir, file)}`,
      '',
    ].join('\n'),
  );
  rmSync(dir, { recursive: true, force: true });
}

await main();
