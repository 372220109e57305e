// Gatehouse's own refusals say they are Gatehouse's, on REST and over MCP, and so does the audit:
// its pacer keeping a call back (GATEHOUSE_BUSY), its shared state (Redis) out of reach
// (SHARED_STATE_UNAVAILABLE) and its shutdown (GATEHOUSE_SHUTTING_DOWN). None of them reads as
// Apollo's rate limit, and Apollo is never called.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';

import { createAuditReader } from '../../src/app/adapters.js';
import { createLogger } from '../../src/app/logger.js';
import { actions, getAction, toolName } from '../../src/catalog/index.js';
import { createMcpSession } from '../../src/surfaces/mcp/session.js';
import { createHarness, type Harness, type HarnessOptions } from '../helpers/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const search = getAction('people.search');
/** Apollo's words for its own 429: none of these refusals may use them. */
const apollosLimit = /Apollo's .*rate limit .*used up/;

type Limits = { minute: number | null; hour: number | null; day: number | null };
/** No endpoint limited, but people search at `minute` a minute. */
function limits(minute: number | null): Record<string, Limits> {
  const all: Record<string, Limits> = Object.fromEntries(
    actions.map((a): [string, Limits] => [a.id, { minute: null, hour: null, day: null }]),
  );
  all['people.search'] = { minute, hour: null, day: null };
  return all;
}

async function start(options: HarnessOptions): Promise<{ h: Harness; token: string }> {
  h = await createHarness(options);
  return { h, token: await h.agent('refused', ['people=read']) };
}

function rest(harness: Harness, token: string) {
  return harness.request('POST', search.path, { token, body: { per_page: 1 } });
}

/** Calls people search as a tool over an in-process MCP session. */
async function mcp(harness: Harness, token: string): Promise<CallToolResult> {
  const agent = (await harness.app.gateway.identify(token))!;
  const session = createMcpSession(
    {
      gateway: harness.app.gateway,
      audit: createAuditReader(harness.store),
      logger: createLogger({ level: 'silent' }),
    },
    { token, ip: '127.0.0.1', agent },
  );
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await session.connect(serverSide);
  const client = new Client({ name: 'refusals', version: '1.0.0' });
  await client.connect(clientSide);
  try {
    return (await client.callTool({
      name: toolName(search),
      arguments: { per_page: 1 },
    })) as CallToolResult;
  } finally {
    await client.close();
    await session.close();
  }
}

const text = (r: CallToolResult) =>
  r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
const meta = (r: CallToolResult) =>
  (r._meta as Record<string, { code: string; status: number; retry_after_seconds?: number }>)[
    'gatehouse/error'
  ]!;

/** The newest audit records, newest first. */
async function latest(harness: Harness, n: number) {
  return (await harness.store.audit.query({ limit: n })).records;
}

/** Apollo's count of people searches this minute: what reached it. */
function apolloCount(harness: Harness): number {
  const counters = harness.sandbox.state().counters as Record<
    string,
    { minute: { count: number } } | undefined
  >;
  return counters['people.search']?.minute.count ?? 0;
}

describe("Gatehouse's own refusals", () => {
  it('GATEHOUSE_BUSY: its pacer keeps a call back from a window it counts as spent', async () => {
    const { h, token } = await start({
      sandbox: { limits: limits(1) },
      config: { maxQueueWaitMs: 200 },
    });
    expect((await rest(h, token)).status).toBe(200);

    const res = await rest(h, token);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(1);
    const body = (await res.json()) as { error_code: string; error: string; reason: string };
    expect(body).toMatchObject({ error_code: 'GATEHOUSE_BUSY', reason: 'wait_too_long' });
    expect(body.error).toMatch(/^Gatehouse did not send this call to Apollo: by its count/);
    expect(body.error).toMatch(/Apollo itself refused nothing/);
    expect(body.error).not.toMatch(apollosLimit);

    const tool = await mcp(h, token);
    expect(tool.isError).toBe(true);
    expect(text(tool)).toMatch(/^Gatehouse did not send this call to Apollo: by its count/);
    expect(text(tool)).not.toMatch(apollosLimit);
    expect(meta(tool)).toMatchObject({ code: 'gatehouse_busy', status: 429 });
    expect(meta(tool).retry_after_seconds).toBeGreaterThan(1);

    for (const record of await latest(h, 2)) {
      expect(record).toMatchObject({ errorCode: 'gatehouse_busy', upstreamStatus: null });
      expect(record.sentence).toMatch(/but Gatehouse kept it back .*so Apollo was never called/);
      expect(record.sentence).not.toMatch(/Apollo answered|Apollo's rate windows had no room/);
    }
    expect(apolloCount(h)).toBe(1);
  });

  it('SHARED_STATE_UNAVAILABLE: the rate windows its replicas share (Redis) are out of reach', async () => {
    const { h, token } = await start({
      sandbox: { limits: limits(null) },
      config: { redisUrl: 'redis://127.0.0.1:1' },
    });

    const res = await rest(h, token);
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await res.json()) as { error_code: string; error: string; state: string };
    expect(body).toMatchObject({ error_code: 'SHARED_STATE_UNAVAILABLE', state: 'rate_windows' });
    expect(body.error).toMatch(/^Gatehouse cannot reach the state its replicas share \(Redis\)/);
    expect(body.error).toMatch(/nothing was sent to Apollo, and Apollo refused nothing/);
    expect(body.error).not.toMatch(apollosLimit);

    const tool = await mcp(h, token);
    expect(tool.isError).toBe(true);
    expect(text(tool)).toMatch(/^Gatehouse cannot reach the state its replicas share \(Redis\)/);
    expect(meta(tool)).toMatchObject({ code: 'shared_state_unavailable', status: 503 });

    for (const record of await latest(h, 2)) {
      expect(record).toMatchObject({ errorCode: 'shared_state_unavailable', upstreamStatus: null });
      expect(record.sentence).toMatch(
        /but Gatehouse could not reach the state its replicas share \(Redis\) and refused it, so Apollo was never called/,
      );
    }
    expect(apolloCount(h)).toBe(0);
  });

  it('GATEHOUSE_SHUTTING_DOWN: a call that reaches a draining Gatehouse is not sent', async () => {
    const { h, token } = await start({ sandbox: { limits: limits(null) } });
    // A call arriving after the drain closed the pacer (a keep-alive connection, an open stdio
    // session) is refused, not sent.
    await h.app.drain();

    const res = await rest(h, token);
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await res.json()) as { error_code: string; error: string };
    expect(body.error_code).toBe('GATEHOUSE_SHUTTING_DOWN');
    expect(body.error).toMatch(/^Gatehouse is shutting down, so it did not send this call/);
    expect(body.error).not.toMatch(apollosLimit);

    const tool = await mcp(h, token);
    expect(tool.isError).toBe(true);
    expect(text(tool)).toMatch(/^Gatehouse is shutting down/);
    expect(meta(tool)).toMatchObject({ code: 'gatehouse_shutting_down', status: 503 });

    for (const record of await latest(h, 2)) {
      expect(record).toMatchObject({ errorCode: 'gatehouse_shutting_down', upstreamStatus: null });
      expect(record.sentence).toMatch(
        /: denied \(gatehouse shutting down\)\. Gatehouse is shutting down, so it did not send this call to Apollo/,
      );
    }
    expect(apolloCount(h)).toBe(0);
  });
});
