// bench:credits: never pay twice. Through the whole gateway (REST, policy, audit, cache, batching)
// on the embedded sandbox, each beside its baseline in the same run:
//  (b) 1,000 person enrichments of which 30 % repeat an earlier one: credits spent with the cache
//      against the number of unique people, beside the same calls with the cache off;
//  (c) 100 concurrent single matches: upstream calls with auto-batching, beside batching off.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createLogger } from '../src/app/logger.js';
import { startGatehouse, type StartedGatehouse } from '../src/app/start.js';
import { actions, getAction } from '../src/catalog/index.js';
import { loadConfig } from '../src/config/config.js';

const enrichments = Number(process.env.BENCH_ENRICHMENTS ?? 1000);
const repeatShare = 0.3;
const concurrentMatches = 100;
const unlimited = Object.fromEntries(
  actions.map((a) => [a.id, { minute: null, hour: null, day: null }]),
);

/** A small seeded PRNG (mulberry32), so every run enriches the same sequence. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function gateway(dir: string, name: string, config: Record<string, unknown>) {
  const g = await startGatehouse(
    loadConfig({
      flags: {
        db: join(dir, `${name}.db`),
        keyFile: join(dir, `${name}.key`),
        port: 0,
        sandbox: true,
        logLevel: 'silent',
        ...config,
      },
    }),
    {
      logger: createLogger({ level: 'silent' }),
      createDemoAgent: false,
      sandboxOptions: { limits: unlimited },
    },
  );
  const created = await g.store.agents.create({
    name: 'bench',
    grants: [{ target: 'people', level: 'read', requiresApproval: false }],
  });
  if (!created.ok) throw new Error(created.error.message);
  return { g, token: created.value.token };
}

async function personIds(g: StartedGatehouse, n: number): Promise<string[]> {
  const key = g.sandbox!.keys.master[0]!;
  const ids: string[] = [];
  for (let page = 1; ids.length < n; page++) {
    const res = await g.sandbox!.app.request(getAction('people.search').path, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ person_titles: ['Manager'], per_page: 100, page }),
    });
    const body = (await res.json()) as { people: Array<{ id: string }> };
    if (!body.people.length) break;
    ids.push(...body.people.map((p) => p.id));
  }
  return ids.slice(0, n);
}

function match(g: StartedGatehouse, token: string, id: string): Promise<number> {
  return fetch(`${g.url}${getAction('people.match').path}`, {
    method: 'POST',
    headers: { 'x-api-key': token, 'content-type': 'application/json' },
    body: JSON.stringify({ id }),
  }).then(async (r) => {
    await r.arrayBuffer();
    return r.status;
  });
}

/** Runs the sequence with a few callers; a repeat never starts before its first occurrence ended. */
async function enrichAll(g: StartedGatehouse, token: string, sequence: string[]) {
  const done = new Map<string, Promise<number>>();
  let next = 0;
  let failures = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < sequence.length) {
        const id = sequence[next++]!;
        const earlier = done.get(id);
        if (earlier) await earlier;
        const call = match(g, token, id);
        if (!earlier) done.set(id, call);
        if ((await call) !== 200) failures += 1;
      }
    }),
  );
  return failures;
}

function upstreamCalls(g: StartedGatehouse): number {
  const counters = g.sandbox!.state().counters as Record<string, { day?: { count: number } }>;
  return (
    (counters['people.match']?.day?.count ?? 0) + (counters['people.bulk_match']?.day?.count ?? 0)
  );
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-credits-'));
  const random = prng(42);

  // (b) Cache.
  const unique = Math.round(enrichments * (1 - repeatShare));
  const cached = await gateway(dir, 'cache', { batchWindowMs: 0 });
  const ids = await personIds(cached.g, unique);
  const sequence = [...ids];
  for (let i = 0; i < enrichments - unique; i++) {
    sequence.push(ids[Math.floor(random() * ids.length)]!);
  }
  for (let i = sequence.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [sequence[i], sequence[j]] = [sequence[j]!, sequence[i]!];
  }
  const distinct = new Set(sequence).size;
  const failuresCached = await enrichAll(cached.g, cached.token, sequence);
  const creditsCached = cached.g.sandbox!.credits().total;
  await cached.g.close();

  const plain = await gateway(dir, 'nocache', { batchWindowMs: 0, cacheTtlDays: 0 });
  const failuresPlain = await enrichAll(plain.g, plain.token, sequence);
  const creditsPlain = plain.g.sandbox!.credits().total;
  await plain.g.close();

  // (c) Auto-batching.
  const batched = await gateway(dir, 'batch', { cacheTtlDays: 0 });
  const batchIds = await personIds(batched.g, concurrentMatches);
  await Promise.all(batchIds.map((id) => match(batched.g, batched.token, id)));
  const callsBatched = upstreamCalls(batched.g);
  await batched.g.close();
  const single = await gateway(dir, 'nobatch', { cacheTtlDays: 0, batchWindowMs: 0 });
  await Promise.all(batchIds.map((id) => match(single.g, single.token, id)));
  const callsSingle = upstreamCalls(single.g);
  await single.g.close();
  rmSync(dir, { recursive: true, force: true });

  const figures = {
    bench: 'credits',
    enrichments: sequence.length,
    unique_people: distinct,
    credits_with_cache: creditsCached,
    credits_without_cache: creditsPlain,
    credits_saved: creditsPlain - creditsCached,
    cache_target_met: creditsCached === distinct,
    concurrent_matches: concurrentMatches,
    upstream_calls_batched: callsBatched,
    upstream_calls_unbatched: callsSingle,
    batching_target_met: callsBatched <= 10,
    failed_calls: failuresCached + failuresPlain,
  };
  const mark = (ok: boolean) => (ok ? '(target met)' : '(TARGET MISSED)');
  process.stdout.write(
    [
      '',
      `Credits: ${sequence.length} person enrichments, ${Math.round(repeatShare * 100)} % repeats (${distinct} unique people); ${concurrentMatches} concurrent single matches`,
      '',
      `                                   baseline            Gatehouse`,
      `credits for the enrichments        ${String(creditsPlain).padEnd(20)}${creditsCached}   (target = ${distinct} unique) ${mark(figures.cache_target_met)}`,
      `upstream calls, 100 concurrent     ${String(callsSingle).padEnd(20)}${callsBatched}   (target ≤ 10) ${mark(figures.batching_target_met)}`,
      `failed calls                       ${failuresPlain}                   ${failuresCached}`,
      '',
    ].join('\n'),
  );
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

await main();
