// One audit record for every request that reaches Gatehouse, whatever it is refused for: a sweep
// of malformed and hostile requests over REST and MCP (streamable HTTP) against a listening
// `gatehouse start` on the sandbox, counting records before and after each one. A token that
// stopped working (revoked, or replaced by a rotation) names its agent in the record.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { startGatehouse, type StartedGatehouse } from '../../src/app/start.js';
import { loadConfig } from '../../src/config/config.js';
import { e2eDatabase } from '../helpers/e2e-db.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-sweep-'));
let g: StartedGatehouse;
let token: string;
let otherToken: string;
let revokedToken: string;
let rotatedAwayToken: string;
const maxBodyBytes = 4096;

let database: Awaited<ReturnType<typeof e2eDatabase>>;

beforeAll(async () => {
  database = await e2eDatabase(dir);
  const config = loadConfig({
    flags: {
      db: database.url,
      keyFile: join(dir, 'k'),
      port: 0,
      sandbox: true,
      maxBodyBytes,
      singleReplica: true,
    },
  });
  g = await startGatehouse(config, {
    logger: createLogger({ level: 'silent' }),
    createDemoAgent: false,
  });
  const grants = [{ target: 'people', level: 'read' as const, requiresApproval: false }];
  const make = async (name: string) => {
    const made = await g.store.agents.create({ name, grants });
    if (!made.ok) throw new Error(made.error.message);
    return made.value.token;
  };
  token = await make('sweeper');
  otherToken = await make('other-bot');
  revokedToken = await make('retired-bot');
  await g.store.agents.revoke('retired-bot');
  rotatedAwayToken = await make('rotating-bot');
  const rotated = await g.store.agents.rotate('rotating-bot');
  if (!rotated.ok) throw new Error(rotated.error.message);
});
afterAll(async () => {
  await g.close();
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
});

const count = () => g.store.audit.count();
const newest = async () => (await g.store.audit.query({ limit: 1 })).records[0]!;

/** Runs `send`, and checks it left exactly one record (returned). */
async function oneRecord(send: () => Promise<unknown>) {
  const before = await count();
  await send();
  expect(await count()).toBe(before + 1);
  return newest();
}

const search = '/api/v1/mixed_people/api_search';
const rest = (path: string, init: RequestInit & { token?: string | null } = {}) => {
  const headers = new Headers(init.headers);
  if (init.token !== null) headers.set('x-api-key', init.token ?? token);
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  return fetch(`${g.url}${path}`, { ...init, headers });
};

describe('REST: one record per refused request', () => {
  it('a body that is not JSON', async () => {
    let status = 0;
    const r = await oneRecord(async () => {
      const res = await rest(search, { method: 'POST', body: '{"person_titles": [' });
      status = res.status;
      expect(((await res.json()) as { error_code: string }).error_code).toBe('INVALID_JSON');
    });
    expect(status).toBe(400);
    expect(r).toMatchObject({ agentName: 'sweeper', decision: 'denied', rule: 'invalid JSON' });
  });

  it('a wrong method, even without a token', async () => {
    const r = await oneRecord(async () => {
      const res = await rest(search, { method: 'DELETE', token: null });
      expect(res.status).toBe(405);
    });
    expect(r).toMatchObject({ agentName: null, decision: 'denied', rule: 'method not allowed' });
  });

  it('an over-large body', async () => {
    const r = await oneRecord(async () => {
      const body = JSON.stringify({ q_keywords: 'x'.repeat(maxBodyBytes * 2) });
      const res = await rest(search, { method: 'POST', body });
      expect(res.status).toBe(413);
    });
    expect(r).toMatchObject({ agentName: 'sweeper', rule: 'body too large' });
  });

  it('a credential in the URL, in any case or bracket form, never recorded', async () => {
    for (const name of ['api_key', 'API_KEY', 'access_token[]']) {
      const r = await oneRecord(async () => {
        const res = await rest(`${search}?${name}=${encodeURIComponent(token)}`, {
          method: 'POST',
          token: null,
        });
        expect(res.status).toBe(400);
      });
      expect(r.rule).toBe('credential in URL');
      expect(JSON.stringify(r)).not.toContain(token);
    }
  });

  it("another agent's or an unknown webhook_result request id", async () => {
    const r = await oneRecord(async () => {
      const res = await rest('/api/v1/webhook_result/1234567890123', { token: otherToken });
      expect(res.status).toBe(404);
    });
    expect(r).toMatchObject({
      agentName: 'other-bot',
      decision: 'denied',
      rule: 'own deliveries only',
    });
  });

  it('a revoked token names its agent', async () => {
    const r = await oneRecord(async () => {
      const res = await rest(search, { method: 'POST', body: '{}', token: revokedToken });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: string }).error).toMatch(/revoked/);
    });
    expect(r.agentName).toBe('retired-bot');
    expect(r.sentence).toMatch(/^A revoked token of retired-bot tried to/);
  });

  it('a token replaced by a rotation names its agent', async () => {
    const r = await oneRecord(async () => {
      const res = await rest(search, { method: 'POST', body: '{}', token: rotatedAwayToken });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: string }).error).toMatch(/replaced by a newer one/);
    });
    expect(r.sentence).toMatch(/^A replaced \(rotated\) token of rotating-bot tried to/);
  });
});

describe('MCP over HTTP: one record per refused request', () => {
  const mcp = (init: RequestInit & { token?: string | null; query?: string }) => {
    const headers = new Headers(init.headers);
    headers.set('content-type', 'application/json');
    headers.set('accept', 'application/json, text/event-stream');
    if (init.token !== null) headers.set('authorization', `Bearer ${init.token ?? token}`);
    return fetch(`${g.url}/mcp${init.query ?? ''}`, { method: 'POST', ...init, headers });
  };
  const initialize = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'x', version: '1' },
    },
  });

  it('a body that is not JSON', async () => {
    const r = await oneRecord(async () => {
      const res = await mcp({ body: '{"jsonrpc": "2.0", ' });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: number } }).error.code).toBe(-32700);
    });
    expect(r).toMatchObject({ surface: 'mcp', agentName: 'sweeper', rule: 'invalid JSON' });
  });

  it('an over-large body', async () => {
    const r = await oneRecord(async () => {
      const res = await mcp({ body: JSON.stringify({ pad: 'x'.repeat(maxBodyBytes * 2) }) });
      expect(res.status).toBe(413);
    });
    expect(r.rule).toBe('body too large');
  });

  it('a credential in the URL', async () => {
    const r = await oneRecord(async () => {
      const res = await mcp({ body: initialize, token: null, query: `?Access_Token=${token}` });
      expect(res.status).toBe(400);
    });
    expect(r.rule).toBe('credential in URL');
    expect(JSON.stringify(r)).not.toContain(token);
  });

  it("another agent's session id", async () => {
    const transport = new StreamableHTTPClientTransport(new URL(`${g.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    });
    const client = new Client({ name: 'sweep', version: '1.0.0' });
    await client.connect(transport);
    try {
      const sessionId = transport.sessionId!;
      const r = await oneRecord(async () => {
        const res = await mcp({
          token: otherToken,
          headers: { 'mcp-session-id': sessionId },
          body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
        });
        expect(res.status).toBe(404);
      });
      expect(r).toMatchObject({ agentName: 'other-bot', rule: 'unknown session' });

      // Gatehouse's own tool arguments out of range: refused, recorded, nothing called.
      const outOfRange = await oneRecord(async () => {
        const result = (await client.callTool({
          name: 'apollo_mixed_people_api_search',
          arguments: { all_pages: true, max_pages: 500 },
        })) as CallToolResult;
        expect(result.isError).toBe(true);
      });
      expect(outOfRange).toMatchObject({ agentName: 'sweeper', rule: 'invalid input' });
    } finally {
      await client.close();
    }
  });

  it('a revoked token names its agent', async () => {
    const r = await oneRecord(async () => {
      const res = await mcp({ body: initialize, token: revokedToken });
      expect(res.status).toBe(401);
    });
    expect(r).toMatchObject({ surface: 'mcp', agentName: 'retired-bot', rule: 'revoked token' });
  });
});
