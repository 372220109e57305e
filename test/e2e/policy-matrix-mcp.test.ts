// Deny by default over MCP, as over REST: every action under every grant situation, called with the
// official SDK client, comes to the same decision — a result, a held call, an explained refusal or
// an unauthenticated one — and leaves exactly one audit record marked mcp.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createAuditReader } from '../../src/app/adapters.js';
import { createLogger } from '../../src/app/logger.js';
import { actions, toolName } from '../../src/catalog/index.js';
import { createMcpSession } from '../../src/surfaces/mcp/session.js';
import { sampleSet, type SampleSet } from '../helpers/fixtures.js';
import { cases } from '../helpers/grant-cases.js';
import { createHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
let samples: SampleSet;
let counter = 0;

beforeAll(async () => {
  const unlimited = { minute: null, hour: null, day: null };
  h = await createHarness({
    sandbox: { limits: Object.fromEntries(actions.map((a) => [a.id, unlimited])) },
    config: { cacheTtlDays: 0 },
  });
  samples = sampleSet(h);
});
afterAll(async () => h.close());

const text = (r: CallToolResult) =>
  r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

/** Calls one tool as an agent with these grants, over a fresh MCP session. */
async function callAs(
  grants: string[],
  token: 'valid' | 'revoked' | 'rotated' | 'unknown',
  name: string,
  args: Record<string, unknown>,
): Promise<CallToolResult> {
  const agentName = `mcp-matrix-${++counter}`;
  const valid = await h.agent(agentName, grants);
  const agent = (await h.app.gateway.identify(valid))!;
  let used = valid;
  if (token === 'revoked') await h.store.agents.revoke(agentName);
  if (token === 'rotated') {
    const rotated = await h.store.agents.rotate(agentName);
    if (!rotated.ok) throw new Error('rotate failed');
  }
  if (token === 'unknown') used = `gh_agent_${'x'.repeat(43)}`;
  const session = createMcpSession(
    {
      gateway: h.app.gateway,
      audit: createAuditReader(h.store),
      logger: createLogger({ level: 'silent' }),
    },
    { token: used, ip: '127.0.0.1', agent },
  );
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await session.connect(serverSide);
  const client = new Client({ name: 'mcp-matrix', version: '1.0.0' });
  await client.connect(clientSide);
  try {
    return (await client.callTool({ name, arguments: args })) as CallToolResult;
  } finally {
    await client.close();
    await session.close();
  }
}

describe.each(actions.map((a) => [a.id, a] as const))('%s over MCP', (_id, action) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const args = await samples.next(action.id);
    const before = await h.store.audit.count();
    const result = await callAs(c.grants(action), c.token ?? 'valid', toolName(action), args);
    const expected = c.expect(action);
    expect(await h.store.audit.count()).toBe(before + 1);
    const [record] = (await h.store.audit.query({ limit: 1 })).records;
    expect(record!.surface).toBe('mcp');
    expect(record!.action).toBe(action.id);
    const said = text(result);
    switch (expected) {
      case 'allowed':
        expect(result.isError, said.slice(0, 300)).toBeFalsy();
        expect(record!.decision).toBe('allowed');
        expect(record!.upstreamStatus).toBeGreaterThanOrEqual(200);
        break;
      case 'held':
        expect(said).toMatch(/^Held for an admin's approval \(.*held by default\)/);
        expect(record!.decision).toBe('pending');
        break;
      case 'denied':
        expect(result.isError).toBe(true);
        expect(said).toMatch(/^Denied: /);
        expect(record!.decision).toBe('denied');
        expect(record!.upstreamStatus).toBeNull();
        break;
      case 'unauthenticated':
        expect(result.isError).toBe(true);
        expect(record!.rule).toBe(c.refusedAs!.rule);
        if (c.refusedAs!.namesAgent) expect(record!.agentName).toMatch(/^mcp-matrix-/);
        else expect(record!.agentId).toBeNull();
        break;
    }
  });
});
