// Shared benchmark helpers: child processes, a keep-alive HTTP client, percentiles.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';

import { createLogger } from '../src/app/logger.js';
import { getAction, type ActionId } from '../src/catalog/index.js';
import { openStore } from '../src/store/open-store.js';
import { loadConfig } from '../src/config/config.js';

// Children still running when the bench exits (it failed, or was interrupted) are killed with it.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => process.exit(130));
}

/** Tracks a child so that it does not outlive the bench. */
export function track(child: ChildProcess): ChildProcess {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** Starts `node --import tsx <script>` (or `node <nodeArgs> <script>`) and resolves with the first stdout line matching `pattern`. */
export function startChild(
  script: string,
  env: Record<string, string | undefined>,
  pattern: RegExp,
  nodeArgs: readonly string[] = ['--import', 'tsx'],
): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = track(
    spawn(process.execPath, [...nodeArgs, script], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += String(d);
      const m = pattern.exec(out);
      if (m) resolve({ child, match: m });
    });
    child.once('exit', (code) => reject(new Error(`${script} exited early with ${code}`)));
  });
}

/** Stops a child and waits for it. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

// A free socket is dropped after 4 s, before a Node server's 5 s keep-alive timeout can close it
// under a request that is just being sent on it (which would read as a reset).
const agent = new http.Agent({ keepAlive: true, maxSockets: 256, timeout: 4000 });

/**
 * One request over a keep-alive connection; resolves with status and elapsed ms. A request that
 * fails on the wire (reset, refused) resolves with status 0, counted as an error by the caller.
 */
export function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request(url, { method, headers, agent }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }),
      );
    });
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
    if (body) req.end(body);
    else req.end();
  });
}

/** The q-th percentile (0–100) of a list of numbers. */
export function percentile(values: number[], q: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((q / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** Rounds for display. */
export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** An upstream for benchmarks (replaying or live sandbox) in its own process. */
export interface Upstream {
  child: ChildProcess;
  url: string;
  key: string;
}

/** Starts the benchmark upstream (see bench/servers/sandbox.ts). */
export async function startUpstream(kind: 'replay' | 'sandbox'): Promise<Upstream> {
  const started = await startChild(
    'bench/servers/sandbox.ts',
    { BENCH_UPSTREAM: kind },
    /^(\{.*\})$/m,
  );
  const { url, key } = JSON.parse(started.match[1]!) as { url: string; key: string };
  return { child: started.child, url, key };
}

/** BENCH_CPU_PROF=<dir>: every gateway writes a CPU profile there when it stops (node --cpu-prof). */
export function profileArgs(): string[] {
  const dir = process.env.BENCH_CPU_PROF;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

/** Starts the built gateway on `upstream`, with the database in `dir`, as its own process. */
export async function startGateway(dir: string, upstream: Upstream) {
  const env = {
    GATEHOUSE_DB: join(dir, 'gatehouse.db'),
    GATEHOUSE_KEY_FILE: join(dir, 'secret.key'),
    GATEHOUSE_UPSTREAM_URL: upstream.url,
    GATEHOUSE_PORT: '0',
    GATEHOUSE_LOG_LEVEL: 'silent',
    // The overhead benches repeat the same few calls: the enrichment cache would answer them
    // without Apollo, and batching would hold each lone match 25 ms for companions. Both are
    // measured by bench:credits; here every call takes the full path to the upstream.
    GATEHOUSE_CACHE_TTL_DAYS: '0',
    GATEHOUSE_BATCH_WINDOW_MS: '0',
  };
  const config = loadConfig({ env });
  const store = await openStore(config, createLogger({ level: 'silent' }));
  await store.connection.save({ kind: 'apikey', credential: { key: upstream.key } });
  await store.close();
  const started = await startChild(
    'bench/servers/gateway.mjs',
    env,
    /LISTENING (\S+)/,
    profileArgs(),
  );
  return { child: started.child, url: started.match[1]! };
}

/** Creates the benchmark agent with read on `groups` in the database in `dir`; returns its token. */
export async function createBenchAgent(dir: string, groups: readonly string[]): Promise<string> {
  const config = loadConfig({
    env: { GATEHOUSE_DB: join(dir, 'gatehouse.db'), GATEHOUSE_KEY_FILE: join(dir, 'secret.key') },
  });
  const store = await openStore(config, createLogger({ level: 'silent' }));
  const created = await store.agents.create({
    name: 'bench',
    grants: groups.map((target) => ({ target, level: 'read' as const, requiresApproval: false })),
  });
  await store.close();
  if (!created.ok) throw new Error(created.error.message);
  return created.value.token;
}

/** Open loop: requests leave on schedule whether or not earlier ones returned; their latencies. */
export async function fixedRate(
  one: (i: number) => Promise<number>,
  rate: number,
  seconds: number,
): Promise<number[]> {
  const latencies: number[] = [];
  const total = rate * seconds;
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(one(i).then((ms) => void latencies.push(ms)));
  }
  await Promise.all(pending);
  return latencies;
}

/** Closed loop with `concurrency` callers for `seconds`; returns requests per second. */
export async function fullSpeed(
  one: (i: number) => Promise<number>,
  concurrency: number,
  seconds: number,
): Promise<number> {
  let done = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      let i = w;
      while (performance.now() < until) {
        await one(i);
        i += concurrency;
        done += 1;
      }
    }),
  );
  return done / seconds;
}

/** One call of a benchmark mix. */
export interface Call {
  method: string;
  path: string;
  body: string | undefined;
}

/**
 * The five-call mix of the overhead benches (people search, people match, contacts search,
 * organization enrich, organization search), with an id and a domain fetched from `sandboxUrl`.
 */
export async function buildMix(sandboxUrl: string, key: string): Promise<Call[]> {
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
