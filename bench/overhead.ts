// bench:overhead: the same mix of calls sent straight to the sandbox and through Gatehouse
// (policy and audit on, SQLite, run from dist/ as `gatehouse start` runs it) in one run.
//
// 1. Latency at a fixed rate (BENCH_RATE, 500/s): the upstream replays the sandbox's recorded
//    answers (bench/servers/sandbox.ts explains why), so neither path queues behind a busy
//    simulator and the difference is what Gatehouse adds.
// 2. Throughput at full speed against the live sandbox, every answer computed: how much of the
//    upstream's capacity remains reachable through Gatehouse.
// 3. Gatehouse's own ceiling: full speed against the replaying upstream.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { getAction, type ActionId } from '../src/catalog/index.js';

import {
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

const rate = Number(process.env.BENCH_RATE ?? 500);
const fixedSeconds = Number(process.env.BENCH_SECONDS ?? 10);
const fullSeconds = Number(process.env.BENCH_FULL_SECONDS ?? 8);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);

interface Call {
  method: string;
  path: string;
  body: string | undefined;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  const replay = await startUpstream('replay');
  const live = await startUpstream('sandbox');

  const token = await createBenchAgent(dir, ['people', 'organizations', 'contacts']);

  // The mix, with ids and domains fetched from the sandbox (both upstreams share the seed).
  const mix = await buildMix(live.url, live.key);

  const results: Record<string, { fixed: number[]; rps: number }> = {};
  const errors: Record<string, number> = {};
  for (const [label, upstream] of [
    ['replay', replay],
    ['live', live],
  ] as const) {
    const gateway = await startGateway(dir, upstream);
    const modes = {
      direct: { base: upstream.url, headers: { 'x-api-key': upstream.key } },
      gatehouse: { base: gateway.url, headers: { 'x-api-key': token } },
    };
    for (const [mode, m] of Object.entries(modes)) {
      const name = `${label}:${mode}`;
      errors[name] = 0;
      const one = async (i: number) => {
        const call = mix[i % mix.length]!;
        const headers = { ...m.headers, 'content-type': 'application/json' };
        const r = await send(`${m.base}${call.path}`, call.method, headers, call.body);
        if (r.status !== 200) errors[name] = (errors[name] ?? 0) + 1;
        return r.ms;
      };
      // Warm up (JIT, connections, SQLite pages).
      await Promise.all(Array.from({ length: 300 }, (_, i) => one(i)));
      const fixed = label === 'replay' ? await fixedRate(one, rate, fixedSeconds) : [];
      const rps = await fullSpeed(one, concurrency, fullSeconds);
      results[name] = { fixed, rps };
      process.stderr.write(`  ${name.padEnd(18)} done (${Math.round(rps)} req/s at full speed)\n`);
    }
    await stopChild(gateway.child);
  }
  await stopChild(replay.child);
  await stopChild(live.child);
  rmSync(dir, { recursive: true, force: true });

  const p = (name: string, q: number) => percentile(results[name]!.fixed, q);
  const rps = (name: string) => results[name]!.rps;
  const figures = {
    bench: 'overhead',
    rate_rps: rate,
    direct_p50_ms: round(p('replay:direct', 50), 3),
    direct_p99_ms: round(p('replay:direct', 99), 3),
    gatehouse_p50_ms: round(p('replay:gatehouse', 50), 3),
    gatehouse_p99_ms: round(p('replay:gatehouse', 99), 3),
    p50_added_ms: round(p('replay:gatehouse', 50) - p('replay:direct', 50), 3),
    p99_added_ms: round(p('replay:gatehouse', 99) - p('replay:direct', 99), 3),
    direct_rps: round(rps('live:direct'), 0),
    gatehouse_rps: round(rps('live:gatehouse'), 0),
    throughput_ratio: round(rps('live:gatehouse') / rps('live:direct'), 3),
    replay_direct_rps: round(rps('replay:direct'), 0),
    gatehouse_ceiling_rps: round(rps('replay:gatehouse'), 0),
    errors: Object.values(errors).reduce((a, b) => a + b, 0),
  };
  const col = (v: unknown) => String(v).padEnd(20);
  const lines = [
    '',
    `Gatehouse overhead (${mix.length}-call mix; ${rate} req/s for ${fixedSeconds} s; full speed: ${concurrency} callers for ${fullSeconds} s)`,
    '',
    `                                  direct (baseline)   through Gatehouse   difference`,
    `p50 latency at ${rate}/s, ms        ${col(figures.direct_p50_ms)}${col(figures.gatehouse_p50_ms)}+${figures.p50_added_ms}   (target ≤ 0.5)`,
    `p99 latency at ${rate}/s, ms        ${col(figures.direct_p99_ms)}${col(figures.gatehouse_p99_ms)}+${figures.p99_added_ms}   (target ≤ 2)`,
    `full speed, live sandbox, req/s   ${col(figures.direct_rps)}${col(figures.gatehouse_rps)}ratio ${figures.throughput_ratio}   (target ≥ 0.8)`,
    `full speed, replayed, req/s       ${col(figures.replay_direct_rps)}${col(figures.gatehouse_ceiling_rps)}(Gatehouse's own ceiling)`,
    `non-200 answers                   ${figures.errors}`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

async function buildMix(sandboxUrl: string, key: string): Promise<Call[]> {
  const direct = { 'x-api-key': key, 'content-type': 'application/json' };
  const first = async (id: ActionId, body: object) => {
    const res = await fetch(`${sandboxUrl}${getAction(id).path}`, {
      method: 'POST',
      headers: direct,
      body: JSON.stringify(body),
    });
    return (await res.json()) as Record<string, Array<Record<string, unknown>>>;
  };
  const personId = (await first('people.search', { person_titles: ['Director'], per_page: 1 }))
    .people![0]!.id as string;
  const domain = (await first('organizations.search', { per_page: 1 })).organizations![0]!
    .primary_domain as string;
  const post = (id: ActionId, body: object): Call => ({
    method: 'POST',
    path: getAction(id).path,
    body: JSON.stringify(body),
  });
  return [
    post('people.search', {
      person_titles: ['VP Sales'],
      person_locations: ['Germany'],
      per_page: 10,
    }),
    post('people.match', { id: personId }),
    post('contacts.search', { q_keywords: 'a', per_page: 10 }),
    {
      method: 'GET',
      path: `${getAction('organizations.enrich').path}?domain=${domain}`,
      body: undefined,
    },
    post('organizations.search', { organization_locations: ['United States'], per_page: 10 }),
  ];
}

await main();
