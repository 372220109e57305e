// bench:overhead: the same mix of calls sent straight to the sandbox and through Gatehouse
// (policy and audit on, SQLite, run from dist/ as `gatehouse start` runs it) in one run.
//
// 1. Latency at a fixed rate (BENCH_RATE, 500/s) against an upstream that replays the sandbox's
//    recorded answers (bench/servers/sandbox.ts explains why): directly, through nginx
//    `proxy_pass` (the floor of any proxy, bench/nginx.ts), through the Node floor (the least a
//    Node proxy that reads the JSON does, bench/servers/node-floor.mjs: the runtime's share) and
//    through Gatehouse, taking turns in rounds, so the differences are what each proxy adds.
// 2. Full speed (32 callers) against the replaying upstream: the four ceilings.
// 3. Throughput at full speed against the live sandbox, every answer computed: how much of the
//    upstream's capacity remains reachable through Gatehouse.
import { mkdtempSync, rmSync } from 'node:fs';
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
  startChild,
  startGateway,
  startUpstream,
  stopChild,
} from './lib.js';
import { startNginx } from './nginx.js';

const rate = Number(process.env.BENCH_RATE ?? 500);
const fixedSeconds = Number(process.env.BENCH_SECONDS ?? 12);
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const fullSeconds = Number(process.env.BENCH_FULL_SECONDS ?? 8);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
// Each path is warmed at the rate before the rounds (JIT, connections, SQLite pages, the heap):
// with one second, Gatehouse's first round still paid for its warm-up.
const warmSeconds = Number(process.env.BENCH_WARM_SECONDS ?? 4);

interface Mode {
  readonly base: string;
  readonly headers: Record<string, string>;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  const replay = await startUpstream('replay');
  const live = await startUpstream('sandbox');
  const nginx = await startNginx(replay.url);
  if (!nginx.ok) process.stderr.write(`  nginx floor skipped: ${nginx.skipped}\n`);

  const token = await createBenchAgent(dir, ['people', 'organizations', 'contacts']);

  // The mix, with ids and domains fetched from the sandbox (both upstreams share the seed).
  const mix = await buildMix(live.url, live.key);

  const fixed: Record<string, number[]> = {};
  const rps: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const caller = (name: string, m: Mode) => {
    errors[name] = 0;
    return async (i: number) => {
      const call = mix[i % mix.length]!;
      const headers = { ...m.headers, 'content-type': 'application/json' };
      const r = await send(`${m.base}${call.path}`, call.method, headers, call.body);
      if (r.status !== 200) errors[name] = (errors[name] ?? 0) + 1;
      return r.ms;
    };
  };

  // Against the replaying upstream: direct, through nginx, through Gatehouse. The fixed-rate
  // latency runs in rounds, the modes taking turns, so that all three see the same machine.
  const gateway = await startGateway(dir, replay);
  const floorKey = 'bench-node-floor-key';
  const floor = await startChild(
    'bench/servers/node-floor.mjs',
    { BENCH_UPSTREAM_URL: replay.url, BENCH_UPSTREAM_KEY: replay.key, BENCH_CALLER_KEY: floorKey },
    /LISTENING (\S+)/,
    [],
  );
  const modes: Record<string, Mode> = {
    direct: { base: replay.url, headers: { 'x-api-key': replay.key } },
    ...(nginx.ok ? { nginx: { base: nginx.url, headers: { 'x-api-key': replay.key } } } : {}),
    node: { base: floor.match[1]!, headers: { 'x-api-key': floorKey } },
    gatehouse: { base: gateway.url, headers: { 'x-api-key': token } },
  };
  const callers = Object.fromEntries(
    Object.entries(modes).map(([mode, m]) => [mode, caller(`replay:${mode}`, m)]),
  );
  // Warm up (JIT, connections, SQLite pages).
  for (const one of Object.values(callers)) {
    await Promise.all(Array.from({ length: 300 }, (_, i) => one(i)));
    await fixedRate(one, rate, warmSeconds);
  }
  for (let r = 0; r < rounds; r++) {
    for (const [mode, one] of Object.entries(callers)) {
      const ms = await fixedRate(one, rate, fixedSeconds / rounds);
      process.stderr.write(`  round ${r + 1}: ${mode} p50 ${round(percentile(ms, 50), 2)} ms\n`);
      (fixed[mode] ??= []).push(...ms);
    }
  }
  for (const [mode, one] of Object.entries(callers)) {
    rps[`replay:${mode}`] = await fullSpeed(one, concurrency, fullSeconds);
    process.stderr.write(
      `  replay:${mode.padEnd(10)} done (${Math.round(rps[`replay:${mode}`]!)} req/s at full speed)\n`,
    );
  }
  await stopChild(gateway.child);
  await stopChild(floor.child);
  if (nginx.ok) await nginx.stop();

  // Against the live sandbox, every answer computed: direct and through Gatehouse.
  const liveGateway = await startGateway(dir, live);
  for (const [mode, m] of Object.entries({
    direct: { base: live.url, headers: { 'x-api-key': live.key } },
    gatehouse: { base: liveGateway.url, headers: { 'x-api-key': token } },
  })) {
    const one = caller(`live:${mode}`, m);
    await Promise.all(Array.from({ length: 300 }, (_, i) => one(i)));
    rps[`live:${mode}`] = await fullSpeed(one, concurrency, fullSeconds);
    process.stderr.write(
      `  live:${mode.padEnd(12)} done (${Math.round(rps[`live:${mode}`]!)} req/s at full speed)\n`,
    );
  }
  await stopChild(liveGateway.child);
  await stopChild(replay.child);
  await stopChild(live.child);
  rmSync(dir, { recursive: true, force: true });

  const p = (mode: string, q: number) => (fixed[mode] ? percentile(fixed[mode], q) : NaN);
  const added = (mode: string, q: number) => orNull(round(p(mode, q) - p('direct', q), 3));
  const figures = {
    bench: 'overhead',
    rate_rps: rate,
    direct_p50_ms: round(p('direct', 50), 3),
    direct_p99_ms: round(p('direct', 99), 3),
    nginx_p50_ms: orNull(round(p('nginx', 50), 3)),
    nginx_p99_ms: orNull(round(p('nginx', 99), 3)),
    gatehouse_p50_ms: round(p('gatehouse', 50), 3),
    gatehouse_p99_ms: round(p('gatehouse', 99), 3),
    p50_added_ms: added('gatehouse', 50)!,
    p99_added_ms: added('gatehouse', 99)!,
    nginx_p50_added_ms: added('nginx', 50),
    nginx_p99_added_ms: added('nginx', 99),
    node_floor_p50_ms: round(p('node', 50), 3),
    node_floor_p99_ms: round(p('node', 99), 3),
    node_floor_p50_added_ms: added('node', 50),
    node_floor_p99_added_ms: added('node', 99),
    replay_direct_rps: round(rps['replay:direct']!, 0),
    nginx_rps: nginx.ok ? round(rps['replay:nginx']!, 0) : null,
    node_floor_rps: round(rps['replay:node']!, 0),
    gatehouse_ceiling_rps: round(rps['replay:gatehouse']!, 0),
    ceiling_ratio_to_nginx: nginx.ok
      ? round(rps['replay:gatehouse']! / rps['replay:nginx']!, 3)
      : null,
    ceiling_ratio_to_direct: round(rps['replay:gatehouse']! / rps['replay:direct']!, 3),
    ceiling_ratio_to_node_floor: round(rps['replay:gatehouse']! / rps['replay:node']!, 3),
    direct_rps: round(rps['live:direct']!, 0),
    gatehouse_rps: round(rps['live:gatehouse']!, 0),
    throughput_ratio: round(rps['live:gatehouse']! / rps['live:direct']!, 3),
    errors: Object.values(errors).reduce((a, b) => a + b, 0),
    nginx_skipped: nginx.ok ? null : nginx.skipped,
    nginx_workers: nginx.ok ? nginx.workers || 'auto' : null,
  };
  const targets = {
    p50_added: figures.p50_added_ms <= 0.5,
    p99_added: figures.p99_added_ms <= 2,
    ceiling: figures.ceiling_ratio_to_nginx !== null && figures.ceiling_ratio_to_nginx >= 1 / 3,
  };
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const col = (v: unknown, n = 14) => String(v ?? '-').padEnd(n);
  const plus = (v: number | null) => (v === null ? '-' : `+${v}`);
  const lines = [
    '',
    `Gatehouse overhead (${mix.length}-call mix; ${rate} req/s for ${fixedSeconds} s per path in ${rounds} rounds; full speed: ${concurrency} callers for ${fullSeconds} s)`,
    nginx.ok ? '' : `nginx floor skipped: ${nginx.skipped}`,
    `${col('', 34)}${col('direct')}${col('nginx')}${col('Node floor')}${col('Gatehouse')}${col('nginx adds')}${col('Node adds')}${col('Gatehouse adds')}target`,
    `${col(`p50 latency at ${rate}/s, ms`, 34)}${col(figures.direct_p50_ms)}${col(figures.nginx_p50_ms)}${col(figures.node_floor_p50_ms)}${col(figures.gatehouse_p50_ms)}${col(plus(figures.nginx_p50_added_ms))}${col(plus(figures.node_floor_p50_added_ms))}${col(plus(figures.p50_added_ms))}≤ +0.5 (${met(targets.p50_added)})`,
    `${col(`p99 latency at ${rate}/s, ms`, 34)}${col(figures.direct_p99_ms)}${col(figures.nginx_p99_ms)}${col(figures.node_floor_p99_ms)}${col(figures.gatehouse_p99_ms)}${col(plus(figures.nginx_p99_added_ms))}${col(plus(figures.node_floor_p99_added_ms))}${col(plus(figures.p99_added_ms))}≤ +2 (${met(targets.p99_added)})`,
    `${col('full speed, replayed, req/s', 34)}${col(figures.replay_direct_rps)}${col(figures.nginx_rps)}${col(figures.node_floor_rps)}${col(figures.gatehouse_ceiling_rps)}${col('')}${col('')}${col(`ratio ${figures.ceiling_ratio_to_nginx ?? '-'}`)}≥ 1/3 of nginx (${met(targets.ceiling)})`,
    `${col('full speed, live sandbox, req/s', 34)}${col(figures.direct_rps)}${col('')}${col('')}${col(figures.gatehouse_rps)}${col('')}${col('')}${col(`ratio ${figures.throughput_ratio}`)}≥ 0.8 of direct`,
    `Gatehouse's ceiling is ${figures.ceiling_ratio_to_node_floor} of the Node floor's: the Node floor is what the runtime alone costs, Gatehouse's own code the rest.`,
    `non-200 answers: ${figures.errors}`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
  process.stdout.write(`${JSON.stringify({ ...figures, targets_met: targets })}\n`);
}

const orNull = (n: number) => (Number.isFinite(n) ? n : null);

await main();
