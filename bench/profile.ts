// bench:profile: where a Gatehouse process spends its CPU at full speed. The overhead mix from 32
// callers for BENCH_FULL_SECONDS (10) against the replaying upstream, the gateway (SQLite, policy
// and audit on, dist/) run with `node --cpu-prof`; prints the functions and the files (or
// packages) with the most self time, and where the profile was written.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  buildMix,
  createBenchAgent,
  fullSpeed,
  send,
  startGateway,
  startUpstream,
  stopChild,
} from './lib.js';

const seconds = Number(process.env.BENCH_FULL_SECONDS ?? 10);
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
  process.env.BENCH_CPU_PROF = profDir;
  const upstream = await startUpstream('replay');
  const token = await createBenchAgent(dir, ['people', 'organizations', 'contacts']);
  const mix = await buildMix(upstream.url, upstream.key);
  const gateway = await startGateway(dir, upstream);
  let errors = 0;
  const one = async (i: number) => {
    const call = mix[i % mix.length]!;
    const headers = { 'x-api-key': token, 'content-type': 'application/json' };
    const r = await send(`${gateway.url}${call.path}`, call.method, headers, call.body);
    if (r.status !== 200) errors += 1;
    return r.ms;
  };
  await Promise.all(Array.from({ length: 300 }, (_, i) => one(i)));
  const rps = await fullSpeed(one, concurrency, seconds);
  await stopChild(gateway.child);
  await stopChild(upstream.child);
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile in ${profDir}`);
  const { text, total } = summarise(
    JSON.parse(readFileSync(join(profDir, file), 'utf8')) as Profile,
  );
  process.stdout.write(
    `\n${Math.round(rps)} req/s at full speed (${concurrency} callers, ${seconds} s), ${errors} errors; ${(total / 1e6).toFixed(1)} s of samples\n\n${text}\nprofile: ${join(profDir, file)}\n`,
  );
  rmSync(join(dir, 'gatehouse.db'), { force: true });
}

await main();
