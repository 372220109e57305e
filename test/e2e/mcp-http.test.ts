// MCP over streamable HTTP, end to end on a listening server with the official SDK client: the
// done-when of the MCP issue (read-only agent sees read tools, gets people, gets an isError for a
// write, both audited as mcp), list_changed after a grant change, and the transport's guards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  ToolListChangedNotificationSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { startGatehouse, type StartedGatehouse } from '../../src/app/start.js';
import { loadConfig } from '../../src/config/config.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-mcp-http-'));
let g: StartedGatehouse;
let readOnly: string;
let other: string;

beforeAll(async () => {
  const config = loadConfig({
    flags: { db: join(dir, 'g.db'), keyFile: join(dir, 'k'), port: 0, sandbox: true },
  });
  g = await startGatehouse(config, {
    logger: createLogger({ level: 'silent' }),
    createDemoAgent: false,
    mcpRefreshMs: 50,
  });
  const grant = (target: string) => ({ target, level: 'read' as const, requiresApproval: false });
  const a = await g.store.agents.create({
    name: 'reader',
    grants: [grant('people'), grant('organizations')],
  });
  const b = await g.store.agents.create({ name: 'other', grants: [grant('people')] });
  if (!a.ok || !b.ok) throw new Error('agents not created');
  readOnly = a.value.token;
  other = b.value.token;
});
afterAll(async () => {
  await g.close();
  rmSync(dir, { recursive: true, force: true });
});

async function connect(token: string) {
  const transport = new StreamableHTTPClientTransport(new URL(`${g.url}/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: 'e2e', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

const text = (r: CallToolResult) =>
  r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

describe('MCP over streamable HTTP', () => {
  it('serves a read-only agent read tools, people, and an explained refusal, audited as mcp', async () => {
    const { client } = await connect(readOnly);
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toContain('apollo_mixed_people_api_search');
    expect(names).not.toContain('apollo_contacts_create');
    expect(names.every((n) => !/_(create|update|add_contact_ids)$/.test(n))).toBe(true);

    const people = (await client.callTool({
      name: 'apollo_mixed_people_api_search',
      arguments: { person_titles: ['VP Sales'], per_page: 3 },
    })) as CallToolResult;
    expect(people.isError).toBeFalsy();
    expect((people.structuredContent as { people: unknown[] }).people).toHaveLength(3);

    const denied = (await client.callTool({
      name: 'apollo_contacts_create',
      arguments: { first_name: 'Ann' },
    })) as CallToolResult;
    expect(denied.isError).toBe(true);
    expect(text(denied)).toMatch(/^Denied: .*contacts=full/);

    const records = (
      await g.store.audit.query({ limit: 10, agentId: (await g.store.agents.get('reader'))!.id })
    ).records;
    expect(records.map((r) => [r.surface, r.action, r.decision])).toEqual([
      ['mcp', 'contacts.create', 'denied'],
      ['mcp', 'people.search', 'allowed'],
    ]);
    await client.close();
  });

  it('notifies an open session when the agent gains a grant', async () => {
    const { client } = await connect(other);
    const changed = new Promise<void>((resolve) =>
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => resolve()),
    );
    expect((await client.listTools()).tools.map((t) => t.name)).not.toContain(
      'apollo_tasks_search',
    );
    const agent = await g.store.agents.get('other');
    await g.store.grants.set(agent!.id, 'tasks', 'read', { by: 'test' });
    await changed;
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('apollo_tasks_search');
    await client.close();
  });

  it('refuses a missing token (audited), a foreign origin, and another agent’s session', async () => {
    const init = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'x', version: '1' },
      },
    };
    const post = (headers: Record<string, string>) =>
      fetch(`${g.url}/mcp`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...headers,
        },
        body: JSON.stringify(init),
      });
    const before = await g.store.audit.count();
    const anonymous = await post({});
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await g.store.audit.count()).toBe(before + 1);

    const inUrl = await fetch(`${g.url}/mcp?access_token=${readOnly}`, { method: 'POST' });
    expect(inUrl.status).toBe(400);
    expect(await inUrl.text()).toMatch(/Do not put credentials in the URL/);

    const evil = await post({ authorization: `Bearer ${readOnly}`, origin: 'http://evil.example' });
    expect(evil.status).toBe(403);
    expect(await evil.text()).toMatch(/GATEHOUSE_MCP_ALLOWED_ORIGINS/);

    const { transport } = await connect(readOnly);
    const stolen = await fetch(`${g.url}/mcp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        authorization: `Bearer ${other}`,
        'mcp-session-id': transport.sessionId!,
        'mcp-protocol-version': '2025-06-18',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    expect(stolen.status).toBe(404);
    await transport.close();
  });

  it('stops an open session at once when its token is revoked', async () => {
    const created = await g.store.agents.create({
      name: 'short-lived',
      grants: [{ target: 'people', level: 'read', requiresApproval: false }],
    });
    if (!created.ok) throw new Error(created.error.message);
    const { client } = await connect(created.value.token);
    expect((await client.listTools()).tools.length).toBeGreaterThan(1);
    await g.store.agents.revoke('short-lived');
    await expect(client.listTools()).rejects.toThrow(/401|not recognised|revoked/i);
  });
});
