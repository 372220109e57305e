// An agent's own limits, enforced on every surface from outside: requests per minute (3 of 5
// quick calls pass, 2 are refused 429 AGENT_RATE_LIMITED with Retry-After and audited; counted
// across replicas through Redis) and redaction (no email in a match answer on REST or MCP, from
// Apollo or from the cache).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { startGatehouse, type StartedGatehouse } from '../../src/app/start.js';
import { getAction } from '../../src/catalog/index.js';
import { loadConfig } from '../../src/config/config.js';
import { runCliWith } from '../helpers/cli.js';
import { e2eDatabase } from '../helpers/e2e-db.js';

const open: Array<{ g: StartedGatehouse }> = [];
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const { g } of open.splice(0)) await g.close();
  for (const clean of cleanups.splice(0)) await clean();
});

/** A listening Gatehouse; a second replica passes the first one's directory and database. */
async function start(flags: Record<string, unknown> = {}, shared?: { dir: string; db: string }) {
  let d = shared?.dir;
  let db = shared?.db;
  if (!d || !db) {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-limits-'));
    const database = await e2eDatabase(dir);
    cleanups.push(async () => {
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    });
    d = dir;
    db = database.url;
  }
  const config = loadConfig({
    flags: { db, keyFile: join(d, 'k'), port: 0, sandbox: true, singleReplica: true, ...flags },
  });
  const g = await startGatehouse(config, {
    logger: createLogger({ level: 'silent' }),
    createDemoAgent: false,
  });
  open.push({ g });
  return { g, dir: d, db };
}

async function agent(g: StartedGatehouse, name: string) {
  const made = await g.store.agents.create({
    name,
    grants: [{ target: 'people', level: 'read', requiresApproval: false }],
  });
  if (!made.ok) throw new Error(made.error.message);
  return made.value.token;
}

/** `gatehouse agent limits <args>` from the CLI, on the running Gatehouse's database. */
async function limits(on: { dir: string; db: string }, ...args: string[]) {
  const env = {
    GATEHOUSE_DB: on.db,
    GATEHOUSE_KEY_FILE: join(on.dir, 'k'),
    GATEHOUSE_LOG_LEVEL: 'silent',
    USER: 'ops-alice',
  };
  const run = await runCliWith(env, ['agent', 'limits', ...args]);
  expect(run.err).toBe('');
  expect(run.code).toBe(0);
  return run.out;
}

const search = getAction('people.search').path;
const post = (g: StartedGatehouse, token: string, path: string, body: unknown) =>
  fetch(`${g.url}${path}`, {
    method: 'POST',
    headers: { 'x-api-key': token, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('requests per minute', () => {
  it('lets 3 of 5 quick calls through and refuses 2 with AGENT_RATE_LIMITED, audited', async () => {
    const started = await start();
    const { g } = started;
    const token = await agent(g, 'paced-bot');
    expect(await limits(started, 'paced-bot', '--requests-per-minute', '3')).toMatch(
      /make 3 requests a minute/,
    );
    const answers = [];
    for (let i = 0; i < 5; i += 1) answers.push(await post(g, token, search, { per_page: 1 }));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 429, 429]);
    const refused = answers[4]!;
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = (await refused.json()) as { error_code: string; error: string };
    expect(body.error_code).toBe('AGENT_RATE_LIMITED');
    expect(body.error).toMatch(/3 calls per minute through Gatehouse/);
    expect(body.error).not.toMatch(/Apollo's rate limit/);
    const denied = (await g.store.audit.query({ limit: 10, decision: 'denied' })).records;
    expect(denied).toHaveLength(2);
    expect(denied[0]).toMatchObject({ agentName: 'paced-bot', rule: 'requests per minute (3)' });

    // Another agent is not limited by it; clearing the limit lets the agent through again.
    const free = await agent(g, 'free-bot');
    expect((await post(g, free, search, { per_page: 1 })).status).toBe(200);
    await limits(started, 'paced-bot', '--requests-per-minute', 'none');
    expect((await post(g, token, search, { per_page: 1 })).status).toBe(200);
  });

  it('counts across replicas that share Redis', async () => {
    const redisUrl = 'redis://127.0.0.1:6379';
    const first = await start({ redisUrl });
    const second = await start({ redisUrl }, first);
    const token = await agent(first.g, 'replicated-bot');
    await limits(first, 'replicated-bot', '--requests-per-minute', '3');
    const statuses = [];
    for (let i = 0; i < 6; i += 1) {
      const g = i % 2 === 0 ? first.g : second.g;
      statuses.push((await post(g, token, search, { per_page: 1 })).status);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
  });
});

describe('redaction', () => {
  it('removes email from match answers on REST and MCP, from Apollo and from the cache', async () => {
    const started = await start();
    const { g } = started;
    const token = await agent(g, 'careful-bot');
    await limits(started, 'careful-bot', '--redact', 'email');
    const found = (await (await post(g, token, search, { per_page: 2 })).json()) as {
      people: Array<{ id: string }>;
    };
    const [first, second] = found.people.map((p) => p.id);
    const match = getAction('people.match').path;

    const fromApollo = await post(g, token, match, { id: first });
    const fromCache = await post(g, token, match, { id: first });
    for (const res of [fromApollo, fromCache]) {
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain('"person"');
      expect(text).not.toMatch(/"email"\s*:/);
    }
    expect(fromApollo.headers.get('x-gatehouse-cache')).toBeNull();
    expect(fromCache.headers.get('x-gatehouse-cache')).toBe('hit');

    const transport = new StreamableHTTPClientTransport(new URL(`${g.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    });
    const client = new Client({ name: 'limits', version: '1.0.0' });
    await client.connect(transport);
    try {
      for (const id of [second, second]) {
        const result = (await client.callTool({
          name: 'apollo_people_match',
          arguments: { id },
        })) as CallToolResult;
        expect(result.isError).toBeFalsy();
        const everything = JSON.stringify(result);
        expect(everything).toContain('person');
        expect(everything).not.toMatch(/\\?"email\\?"\s*:/);
      }
    } finally {
      await client.close();
    }
  });
});
