// bench:replicas: throughput and added latency of Gatehouse as one SQLite process (the default),
// as one replica on Postgres + Redis, and as three replicas on the same Postgres + Redis (the
// client spreads calls round-robin, as a load balancer would), beside the upstream called
// directly, all in one run. The upstream replays the sandbox's recorded answers, so it is never
// the bottleneck. Needs the local Postgres (GATEHOUSE_TEST_PG_URL) and Redis
// (GATEHOUSE_TEST_REDIS_URL). On the 2-core reference machine every process shares two cores, so
// three replicas measure coordination cost, not extra capacity.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pg from 'pg';

import { createLogger } from '../src/app/logger.js';
import { openStore } from '../src/store/open-store.js';
import { getAction } from '../src/catalog/index.js';
import { loadConfig } from '../src/config/config.js';

import {
  fixedRate,
  fullSpeed,
  percentile,
  profileArgs,
  round,
  send,
  startChild,
  startUpstream,
  stopChild,
  type Upstream,
} from './lib.js';

const postgresUrl = process.env.GATEHOUSE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const redisUrl = process.env.GATEHOUSE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const rate = Number(process.env.BENCH_RATE ?? 200);
const fixedSeconds = Number(process.env.BENCH_SECONDS ?? 6);
const fullSeconds = Number(process.env.BENCH_FULL_SECONDS ?? 6);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const warmSeconds = Number(process.env.BENCH_WARM_SECONDS ?? 4);

interface Setup {
  readonly label: string;
  readonly env: Record<string, string>;
  readonly replicas: number;
}

/** Prepares a database (agent + connection) and returns the agent's token. */
async function prepare(env: Record<string, string>, upstream: Upstream): Promise<string> {
  const store = await openStore(loadConfig({ env }), createLogger({ level: 'silent' }));
  try {
    await store.connection.save({ kind: 'apikey', credential: { key: upstream.key } });
    const created = await store.agents.create({
      name: 'bench',
      grants: [{ target: 'people', level: 'read', requiresApproval: false }],
    });
    if (!created.ok) throw new Error(created.error.message);
    return created.value.token;
  } finally {
    await store.close();
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-replicas-'));
  const schema = `gh_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const upstream = await startUpstream('replay');
  const common = {
    GATEHOUSE_UPSTREAM_URL: upstream.url,
    GATEHOUSE_PORT: '0',
    GATEHOUSE_LOG_LEVEL: 'silent',
    GATEHOUSE_CACHE_TTL_DAYS: '0',
    GATEHOUSE_BATCH_WINDOW_MS: '0',
    GATEHOUSE_SECRET_KEY: randomBytes(32).toString('base64'),
  };
  const pgEnv = {
    ...common,
    GATEHOUSE_DB: `${postgresUrl}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    GATEHOUSE_REDIS_URL: redisUrl,
  };
  const setups: Setup[] = [
    {
      label: 'sqlite, 1 process',
      env: { ...common, GATEHOUSE_DB: join(dir, 'g.db') },
      replicas: 1,
    },
    { label: 'postgres+redis, 1 replica', env: pgEnv, replicas: 1 },
    { label: 'postgres+redis, 3 replicas', env: pgEnv, replicas: 3 },
  ];
  const call = {
    path: getAction('people.search')!.path,
    body: JSON.stringify({ person_titles: ['VP Sales'], per_page: 10 }),
  };
  const measure = async (bases: string[], headers: Record<string, string>) => {
    let errors = 0;
    const one = async (i: number) => {
      const r = await send(`${bases[i % bases.length]!}${call.path}`, 'POST', headers, call.body);
      if (r.status !== 200) errors += 1;
      return r.ms;
    };
    // Warm up (JIT, pools, connections): a burst, then the rate for a few seconds; with the burst
    // alone the first measured seconds still paid for it (the direct baseline's p99 of 22 ms).
    await Promise.all(Array.from({ length: 200 }, (_, i) => one(i)));
    await fixedRate(one, rate, warmSeconds);
    errors = 0;
    const latencies = await fixedRate(one, rate, fixedSeconds);
    const rps = await fullSpeed(one, concurrency, fullSeconds);
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), rps, errors };
  };

  const json = { 'content-type': 'application/json' };
  const direct = await measure([upstream.url], { ...json, 'x-api-key': upstream.key });
  process.stderr.write(`  direct done (${Math.round(direct.rps)} req/s)\n`);
  const results: Array<{ label: string } & typeof direct> = [];
  const tokens = new Map<Record<string, string>, string>();
  for (const s of setups) {
    let token = tokens.get(s.env);
    if (!token) {
      token = await prepare(s.env, upstream);
      tokens.set(s.env, token);
    }
    const children = [];
    for (let i = 0; i < s.replicas; i++) {
      children.push(
        await startChild('bench/servers/gateway.mjs', s.env, /LISTENING (\S+)/, profileArgs()),
      );
    }
    const r = await measure(
      children.map((c) => c.match[1]!),
      { ...json, 'x-api-key': token },
    );
    results.push({ label: s.label, ...r });
    process.stderr.write(`  ${s.label} done (${Math.round(r.rps)} req/s)\n`);
    for (const c of children) await stopChild(c.child);
  }
  await stopChild(upstream.child);
  await admin.query(`drop schema if exists ${schema} cascade`);
  await admin.end();
  rmSync(dir, { recursive: true, force: true });

  const col = (v: unknown, n = 14) => String(v).padEnd(n);
  const lines = [
    '',
    `Gatehouse replicas (people search; ${rate} req/s for ${fixedSeconds} s; full speed: ${concurrency} callers for ${fullSeconds} s)`,
    '',
    `${col('', 30)}${col('p50 ms')}${col('p99 ms')}${col('p50 added')}${col('p99 added')}${col('req/s')}errors`,
    `${col('direct (baseline)', 30)}${col(round(direct.p50, 2))}${col(round(direct.p99, 2))}${col('-')}${col('-')}${col(Math.round(direct.rps))}${direct.errors}`,
    ...results.map(
      (r) =>
        `${col(r.label, 30)}${col(round(r.p50, 2))}${col(round(r.p99, 2))}${col(`+${round(r.p50 - direct.p50, 2)}`)}${col(`+${round(r.p99 - direct.p99, 2)}`)}${col(Math.round(r.rps))}${r.errors}`,
    ),
    '',
  ];
  const one = results.find((r) => r.label === 'postgres+redis, 1 replica')!;
  const three = results.find((r) => r.label === 'postgres+redis, 3 replicas')!;
  const targets = {
    one_replica_p50_added: one.p50 - direct.p50 <= 2,
    one_replica_p99_added: one.p99 - direct.p99 <= 10,
    three_replicas_not_slower: three.rps >= one.rps,
  };
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  lines.push(
    `targets: one replica p50 added ≤ 2 ms (${met(targets.one_replica_p50_added)}), p99 added ≤ 10 ms (${met(targets.one_replica_p99_added)}); three replicas' full speed ≥ one's (${met(targets.three_replicas_not_slower)}, ratio ${round(three.rps / one.rps, 3)})`,
    '',
  );
  process.stdout.write(lines.join('\n'));
  const key = (label: string) => label.replace(/[^a-z0-9]+/g, '_').replace(/_$/, '');
  const figures: Record<string, unknown> = {
    bench: 'replicas',
    rate_rps: rate,
    direct_p50_ms: round(direct.p50, 3),
    direct_p99_ms: round(direct.p99, 3),
    direct_rps: Math.round(direct.rps),
  };
  for (const r of results) {
    figures[`${key(r.label)}_p50_added_ms`] = round(r.p50 - direct.p50, 3);
    figures[`${key(r.label)}_p99_added_ms`] = round(r.p99 - direct.p99, 3);
    figures[`${key(r.label)}_rps`] = Math.round(r.rps);
  }
  figures.three_to_one_replica_rps_ratio = round(three.rps / one.rps, 3);
  figures.errors = results.reduce((a, r) => a + r.errors, direct.errors);
  figures.targets_met = targets;
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

await main();
