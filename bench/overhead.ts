// bench:overhead: the same mix of calls sent straight to the sandbox and through Gatehouse
// (policy and audit on, SQLite) in one run, at a fixed rate and at full speed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createLogger } from '../src/app/logger.js';
import { openStore } from '../src/app/services.js';
import { fillPath, getAction } from '../src/catalog/index.js';
import { loadConfig } from '../src/config/config.js';

import { percentile, round, send, startChild, stopChild } from './lib.js';

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
  const sandbox = await startChild('bench/servers/sandbox.ts', {}, /^(\{.*\})$/m);
  const { url: sandboxUrl, key } = JSON.parse(sandbox.match[1]!) as { url: string; key: string };
  const env = {
    GATEHOUSE_DB: join(dir, 'gatehouse.db'),
    GATEHOUSE_KEY_FILE: join(dir, 'secret.key'),
    GATEHOUSE_UPSTREAM_URL: sandboxUrl,
    GATEHOUSE_PORT: '0',
    GATEHOUSE_LOG_LEVEL: 'silent',
  };
  const config = loadConfig({ env });
  const store = await openStore(config, createLogger({ level: 'silent' }));
  await store.connection.save({ kind: 'apikey', credential: { key } });
  const created = await store.agents.create({
    name: 'bench',
    grants: ['people', 'organizations', 'contacts'].map((target) => ({
      target,
      level: 'read' as const,
      requiresApproval: false,
    })),
  });
  if (!created.ok) throw new Error(created.error.message);
  await store.close();
  const token = created.value.token;
  const gateway = await startChild('test/helpers/child-gateway.ts', env, /LISTENING (\S+)/);
  const gatewayUrl = gateway.match[1]!;

  // Fixtures for the mix, fetched from the sandbox.
  const direct = { 'x-api-key': key, 'content-type': 'application/json' };
  const first = async (id: string, body: object) => {
    const a = getAction(id)!;
    const res = await fetch(`${sandboxUrl}${a.path}`, {
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
  const post = (id: string, body: object): Call => ({
    method: 'POST',
    path: getAction(id)!.path,
    body: JSON.stringify(body),
  });
  const mix: Call[] = [
    post('people.search', {
      person_titles: ['VP Sales'],
      person_locations: ['Germany'],
      per_page: 10,
    }),
    post('people.match', { id: personId }),
    post('contacts.search', { q_keywords: 'a', per_page: 10 }),
    {
      method: 'GET',
      path: `${fillPath(getAction('organizations.enrich')!.path, {})}?domain=${domain}`,
      body: undefined,
    },
    post('organizations.search', { organization_locations: ['United States'], per_page: 10 }),
  ];

  const modes = {
    direct: { base: sandboxUrl, headers: direct },
    gatehouse: {
      base: gatewayUrl,
      headers: { 'x-api-key': token, 'content-type': 'application/json' },
    },
  } as const;

  const errors: Record<string, number> = { direct: 0, gatehouse: 0 };
  const one = async (mode: keyof typeof modes, i: number) => {
    const call = mix[i % mix.length]!;
    const m = modes[mode];
    const r = await send(`${m.base}${call.path}`, call.method, m.headers, call.body);
    if (r.status !== 200) errors[mode] = (errors[mode] ?? 0) + 1;
    return r.ms;
  };

  // Warm both paths (JIT, connections, SQLite pages).
  for (const mode of ['direct', 'gatehouse'] as const) {
    await Promise.all(Array.from({ length: 300 }, (_, i) => one(mode, i)));
  }

  // Fixed rate, open loop: requests leave on schedule whether or not earlier ones returned.
  const fixed: Record<string, number[]> = {};
  for (const mode of ['direct', 'gatehouse'] as const) {
    const latencies: number[] = [];
    const total = rate * fixedSeconds;
    const start = performance.now();
    const pending: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      pending.push(one(mode, i).then((ms) => void latencies.push(ms)));
    }
    await Promise.all(pending);
    fixed[mode] = latencies;
  }

  // Full speed, closed loop with a fixed number of callers.
  const throughput: Record<string, number> = {};
  for (const mode of ['direct', 'gatehouse'] as const) {
    let done = 0;
    const until = performance.now() + fullSeconds * 1000;
    await Promise.all(
      Array.from({ length: concurrency }, async (_, w) => {
        let i = w;
        while (performance.now() < until) {
          await one(mode, i);
          i += concurrency;
          done += 1;
        }
      }),
    );
    throughput[mode] = done / fullSeconds;
  }

  await stopChild(gateway.child);
  await stopChild(sandbox.child);
  rmSync(dir, { recursive: true, force: true });

  const p = (mode: string, q: number) => percentile(fixed[mode]!, q);
  const figures = {
    bench: 'overhead',
    rate_rps: rate,
    direct_p50_ms: round(p('direct', 50), 3),
    direct_p99_ms: round(p('direct', 99), 3),
    gatehouse_p50_ms: round(p('gatehouse', 50), 3),
    gatehouse_p99_ms: round(p('gatehouse', 99), 3),
    p50_added_ms: round(p('gatehouse', 50) - p('direct', 50), 3),
    p99_added_ms: round(p('gatehouse', 99) - p('direct', 99), 3),
    direct_rps: round(throughput.direct!, 0),
    gatehouse_rps: round(throughput.gatehouse!, 0),
    throughput_ratio: round(throughput.gatehouse! / throughput.direct!, 3),
    errors: errors.direct! + errors.gatehouse!,
  };
  const lines = [
    `Gatehouse overhead (${mix.length}-call mix; ${rate} req/s for ${fixedSeconds} s; full speed ${concurrency} callers for ${fullSeconds} s)`,
    '',
    `                    direct (baseline)   through Gatehouse   added`,
    `p50 latency, ms     ${String(figures.direct_p50_ms).padEnd(20)}${String(figures.gatehouse_p50_ms).padEnd(20)}${figures.p50_added_ms}   (target ≤ 0.5)`,
    `p99 latency, ms     ${String(figures.direct_p99_ms).padEnd(20)}${String(figures.gatehouse_p99_ms).padEnd(20)}${figures.p99_added_ms}   (target ≤ 2)`,
    `throughput, req/s   ${String(figures.direct_rps).padEnd(20)}${String(figures.gatehouse_rps).padEnd(20)}ratio ${figures.throughput_ratio}   (target ≥ 0.8)`,
    `non-200 answers     ${figures.errors}`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

await main();
