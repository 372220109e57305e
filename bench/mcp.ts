// bench:mcp: the same people search through the REST proxy and as an MCP tool call over streamable
// HTTP (the official SDK client, one session), against the same built gateway and a replaying
// upstream, in one run. Reports what MCP adds per call: latency one call at a time, and throughput
// with concurrent callers.
import { setMaxListeners } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { getAction } from '../src/catalog/index.js';

import {
  createBenchAgent,
  percentile,
  round,
  send,
  startGateway,
  startUpstream,
  stopChild,
} from './lib.js';

const calls = Number(process.env.BENCH_CALLS ?? 2000);
const fullSeconds = Number(process.env.BENCH_FULL_SECONDS ?? 6);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);

// The SDK client passes one session-long AbortSignal to every fetch, and undici releases its
// listeners lazily: thousands of calls on one session trip Node's leak warning in this (client)
// process. The bench makes far more calls per session than an agent does; silence the warning.
setMaxListeners(0);

const args = { person_titles: ['VP Sales'], person_locations: ['Germany'], per_page: 10 };

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-mcp-'));
  const upstream = await startUpstream('replay');
  const token = await createBenchAgent(dir, ['people']);
  const gateway = await startGateway(dir, upstream);

  const path = getAction('people.search').path;
  const body = JSON.stringify(args);
  const headers = { 'x-api-key': token, 'content-type': 'application/json' };
  const rest = async () => {
    const r = await send(`${gateway.url}${path}`, 'POST', headers, body);
    if (r.status !== 200) throw new Error(`REST answered ${r.status}`);
    return r.ms;
  };

  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  const mcp = async () => {
    const started = performance.now();
    const result = await client.callTool({
      name: 'apollo_mixed_people_api_search',
      arguments: args,
    });
    if (result.isError) throw new Error('MCP call failed');
    return performance.now() - started;
  };

  const sequential = async (one: () => Promise<number>) => {
    for (let i = 0; i < 300; i++) await one();
    const ms: number[] = [];
    for (let i = 0; i < calls; i++) ms.push(await one());
    return ms;
  };
  const fullSpeed = async (one: () => Promise<number>) => {
    let done = 0;
    const until = performance.now() + fullSeconds * 1000;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < until) {
          await one();
          done += 1;
        }
      }),
    );
    return done / fullSeconds;
  };

  const restMs = await sequential(rest);
  const mcpMs = await sequential(mcp);
  const restRps = await fullSpeed(rest);
  const mcpRps = await fullSpeed(mcp);

  await client.close();
  await stopChild(gateway.child);
  await stopChild(upstream.child);
  rmSync(dir, { recursive: true, force: true });

  const figures = {
    bench: 'mcp',
    calls,
    rest_p50_ms: round(percentile(restMs, 50), 3),
    rest_p99_ms: round(percentile(restMs, 99), 3),
    mcp_p50_ms: round(percentile(mcpMs, 50), 3),
    mcp_p99_ms: round(percentile(mcpMs, 99), 3),
    mcp_added_p50_ms: round(percentile(mcpMs, 50) - percentile(restMs, 50), 3),
    mcp_added_p99_ms: round(percentile(mcpMs, 99) - percentile(restMs, 99), 3),
    rest_rps: round(restRps, 0),
    mcp_rps: round(mcpRps, 0),
    mcp_throughput_ratio: round(mcpRps / restRps, 3),
  };
  const met = figures.mcp_added_p50_ms <= 0.5;
  const col = (v: unknown) => String(v).padEnd(16);
  process.stdout.write(
    [
      '',
      `MCP vs REST (people search, ${calls} calls one at a time; ${concurrency} concurrent callers for ${fullSeconds} s)`,
      '',
      `                        REST (baseline) MCP             MCP adds`,
      `p50 latency, ms         ${col(figures.rest_p50_ms)}${col(figures.mcp_p50_ms)}${col(`+${figures.mcp_added_p50_ms}`)}target ≤ +0.5 (${met ? 'met' : 'NOT met'})`,
      `p99 latency, ms         ${col(figures.rest_p99_ms)}${col(figures.mcp_p99_ms)}+${figures.mcp_added_p99_ms}`,
      `throughput, req/s       ${col(figures.rest_rps)}${col(figures.mcp_rps)}ratio ${figures.mcp_throughput_ratio}`,
      '',
    ].join('\n'),
  );
  process.stdout.write(`${JSON.stringify({ ...figures, targets_met: { mcp_added_p50: met } })}\n`);
}

await main();
