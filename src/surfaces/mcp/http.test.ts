// Two MCP HTTP surfaces sharing one session store stand for two replicas: a session opened on one
// is served by the other; the event stream a replica holds for a session ended elsewhere closes
// at its next sweep; a session idle past the limit is refused everywhere; and one agent's bound
// holds across replicas (its least recently used session ends).
import { afterEach, describe, expect, it } from 'vitest';

import { createAuditReader } from '../../app/adapters.js';
import { createLogger } from '../../app/logger.js';
import { createHarness, type Harness } from '../../../test/helpers/harness.js';

import { createMcpRoutes, type McpHttp } from './http.js';
import { memoryMcpSessions } from './memory-sessions.js';

const protocolVersion = '2025-06-18';
let h: Harness | undefined;
const opened: McpHttp[] = [];
afterEach(async () => {
  for (const r of opened.splice(0)) await r.closeAll();
  await h?.close();
  h = undefined;
});

async function replicas(options: { idleMs?: number; maxSessionsPerAgent?: number } = {}) {
  h = await createHarness();
  const token = await h.agent('reader', ['people=read']);
  const store = memoryMcpSessions();
  let clock = 1_700_000_000_000;
  const make = () => {
    const r = createMcpRoutes({
      gateway: h!.app.gateway,
      audit: createAuditReader(h!.store),
      logger: createLogger({ level: 'silent' }),
      clientIp: () => '127.0.0.1',
      allowedOrigins: [],
      loopbackOnly: false,
      maxBodyBytes: 1_000_000,
      sessionStore: store,
      now: () => clock,
      sweepMs: 3_600_000,
      ...options,
    });
    opened.push(r);
    return r;
  };
  return {
    a: make(),
    b: make(),
    token,
    advance: (ms: number) => (clock += ms),
  };
}

const post = (r: McpHttp, token: string, message: object, sessionId?: string) =>
  r.app.request('/mcp', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${token}`,
      ...(sessionId
        ? { 'mcp-session-id': sessionId, 'mcp-protocol-version': protocolVersion }
        : {}),
    },
    body: JSON.stringify({ jsonrpc: '2.0', ...message }),
  });

async function initialize(r: McpHttp, token: string): Promise<string> {
  const res = await post(r, token, {
    id: 1,
    method: 'initialize',
    params: { protocolVersion, capabilities: {}, clientInfo: { name: 't', version: '1' } },
  });
  expect(res.status).toBe(200);
  await res.text();
  return res.headers.get('mcp-session-id')!;
}

let nextId = 2;
const list = async (r: McpHttp, token: string, sessionId: string) => {
  const res = await post(r, token, { id: nextId++, method: 'tools/list' }, sessionId);
  await res.text();
  return res.status;
};

describe('MCP sessions across replicas', () => {
  it('serves on B a session opened on A, rebuilt once', async () => {
    const { a, b, token } = await replicas();
    const id = await initialize(a, token);
    expect(b.sessionCount()).toBe(0);
    const statuses = await Promise.all([list(b, token, id), list(b, token, id)]);
    expect(statuses).toEqual([200, 200]);
    expect(b.sessionCount()).toBe(1);
  });

  it('answers each POST with its JSON-RPC answer as application/json, on the opening and a rebuilding replica', async () => {
    const { a, b, token } = await replicas();
    const id = await initialize(a, token);
    for (const r of [a, b]) {
      const res = await post(r, token, { id: nextId++, method: 'tools/list' }, id);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const answer = (await res.json()) as { result?: { tools?: unknown[] } };
      expect(Array.isArray(answer.result?.tools)).toBe(true);
    }
  });

  it('closes the event stream B holds once A ends the session, at the sweep', async () => {
    const { a, b, token } = await replicas();
    const id = await initialize(a, token);
    const stream = await b.app.request('/mcp', {
      method: 'GET',
      headers: {
        accept: 'text/event-stream',
        authorization: `Bearer ${token}`,
        'mcp-session-id': id,
        'mcp-protocol-version': protocolVersion,
      },
    });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    const ended = await a.app.request('/mcp', {
      method: 'DELETE',
      headers: {
        authorization: `Bearer ${token}`,
        'mcp-session-id': id,
        'mcp-protocol-version': protocolVersion,
      },
    });
    expect(ended.status).toBe(200);
    expect(b.sessionCount()).toBe(1);
    await b.sweep();
    expect(b.sessionCount()).toBe(0);
    // The stream ends (only keep-alive comments could come before the end).
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }
    expect(await list(b, token, id)).toBe(404);
  });

  it('refuses everywhere a session idle past the limit, and keeps one in use', async () => {
    const { a, b, token, advance } = await replicas({ idleMs: 60_000 });
    const idle = await initialize(a, token);
    const used = await initialize(a, token);
    advance(40_000);
    expect(await list(b, token, used)).toBe(200);
    advance(40_000);
    expect(await list(a, token, idle)).toBe(404);
    expect(await list(b, token, idle)).toBe(404);
    expect(await list(a, token, used)).toBe(200);
  });

  it("holds one agent's bound across replicas, ending its least recently used session", async () => {
    const { a, b, token, advance } = await replicas({ maxSessionsPerAgent: 2 });
    const first = await initialize(a, token);
    advance(1_000);
    const second = await initialize(b, token);
    advance(1_000);
    expect(await list(b, token, first)).toBe(200);
    advance(1_000);
    const third = await initialize(b, token);
    expect(await list(a, token, second)).toBe(404);
    expect(await list(a, token, first)).toBe(200);
    expect(await list(a, token, third)).toBe(200);
  });
});
