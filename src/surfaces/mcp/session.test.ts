// The MCP session with the official SDK Client over an in-memory transport, against the gateway
// and the sandbox: tools per grant set, allowed and denied calls with their audit records,
// list_changed after a grant change, whoami, all_pages and the recent-calls resource.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import {
  ToolListChangedNotificationSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';

import { createAuditReader } from '../../app/adapters.js';
import { createLogger } from '../../app/logger.js';
import { actions, getAction, toolName } from '../../catalog/index.js';
import { createHarness, type Harness } from '../../../test/helpers/harness.js';

import { createMcpSession, recentCallsUri, type McpSession } from './session.js';
import { allTools } from './tools.js';

let h: Harness | undefined;
let session: McpSession | undefined;
afterEach(async () => {
  await session?.close();
  await h?.close();
  h = undefined;
  session = undefined;
});

async function connect(grants: string[], refreshMs = 60_000) {
  h = await createHarness();
  const token = await h.agent('outreach-bot', grants);
  const agent = await h.app.gateway.identify(token);
  if (!agent) throw new Error('agent not found');
  session = createMcpSession(
    {
      gateway: h.app.gateway,
      audit: createAuditReader(h.store),
      logger: createLogger({ level: 'silent' }),
      refreshMs,
    },
    { token, ip: '127.0.0.1', agent },
  );
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await session.connect(serverSide);
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(clientSide);
  return { client, token, harness: h };
}

const text = (r: CallToolResult) =>
  r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

async function records() {
  return (await h!.store.audit.query({ limit: 100 })).records;
}

describe('MCP tools', () => {
  it('lists one tool per catalog action with Apollo-compatible names, schemas and hints', () => {
    const names = allTools().map((t) => t.name);
    expect(names).toEqual([
      ...actions.map((a) => toolName(a)),
      'whoami',
      'get_enrichment_result',
      'approval_status',
    ]);
    expect(names).toEqual(
      expect.arrayContaining([
        'apollo_mixed_people_api_search',
        'apollo_people_match',
        'apollo_people_bulk_match',
        'apollo_mixed_companies_search',
        'apollo_organizations_enrich',
        'apollo_contacts_create',
        'apollo_emailer_campaigns_search',
        'apollo_emailer_campaigns_add_contact_ids',
      ]),
    );
    for (const t of allTools()) {
      expect(t.name).toMatch(/^[a-z0-9_]{1,64}$/);
      expect(t.inputSchema.type).toBe('object');
      expect(t.description.length).toBeGreaterThan(60);
    }
    const search = allTools().find((t) => t.name === 'apollo_mixed_people_api_search')!;
    expect(search.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(Object.keys(search.inputSchema.properties as object)).toEqual(
      expect.arrayContaining(['person_titles', 'page', 'per_page', 'all_pages', 'max_pages']),
    );
    expect(search.description).toMatch(/Costs no Apollo credits/);
    const create = allTools().find((t) => t.name === 'apollo_contacts_create')!;
    expect(create.annotations.readOnlyHint).toBe(false);
  });
});

describe('MCP session', () => {
  it('shows a read-only agent only read tools, and whoami', async () => {
    const { client } = await connect(['people=read', 'organizations=read']);
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name).sort();
    expect(names).toEqual(
      [
        'apollo_mixed_companies_search',
        'apollo_mixed_people_api_search',
        'apollo_mixed_people_search',
        'apollo_organizations_enrich',
        'apollo_organizations_get',
        'apollo_organizations_job_postings',
        'apollo_organizations_bulk_enrich',
        'apollo_people_bulk_match',
        'apollo_people_match',
        'apollo_people_get',
        'whoami',
      ].sort(),
    );
    expect(tools.every((t) => t.annotations?.readOnlyHint !== false)).toBe(true);
  });

  it('returns people with a one-line summary and structured content, audited as mcp', async () => {
    const { client } = await connect(['people=read']);
    const result = (await client.callTool({
      name: 'apollo_mixed_people_api_search',
      arguments: { person_titles: ['VP Sales'], person_locations: ['Germany'], per_page: 5 },
    })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(text(result).split('\n')[0]).toMatch(
      /^5 of [\d,]+ people, page 1 of [\d,]+; call again with page 2 for more \(no credits spent\)\.$/,
    );
    const structured = result.structuredContent as { people: unknown[]; gatehouse: object };
    expect(structured.people).toHaveLength(5);
    expect(structured.gatehouse).toMatchObject({ credits: 0 });
    const [record] = await records();
    expect(record).toMatchObject({ surface: 'mcp', action: 'people.search', decision: 'allowed' });
    expect(record!.sentence).toMatch(/^outreach-bot searched the people database/);
  });

  it('answers a hidden tool called by name with an isError result naming the grant, audited', async () => {
    const { client } = await connect(['people=read', 'contacts=read']);
    const result = (await client.callTool({
      name: 'apollo_contacts_create',
      arguments: { first_name: 'Ann', last_name: 'Lee' },
    })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/^Denied: .*contacts=full/);
    const [record] = await records();
    expect(record).toMatchObject({ surface: 'mcp', action: 'contacts.create', decision: 'denied' });
  });

  it('explains invalid arguments without calling Apollo, and audits them', async () => {
    const { client } = await connect(['people=read']);
    const result = (await client.callTool({
      name: 'apollo_mixed_people_api_search',
      arguments: { per_page: 1000 },
    })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/^Invalid arguments, nothing was sent to Apollo: per_page/);
    const [record] = await records();
    expect(record).toMatchObject({ surface: 'mcp', decision: 'denied', rule: 'invalid input' });
  });

  it('treats an unknown tool as a protocol error, and still audits it', async () => {
    const { client } = await connect(['people=read']);
    await expect(
      client.callTool({ name: 'apollo_delete_everything', arguments: {} }),
    ).rejects.toThrow(/Unknown tool "apollo_delete_everything"/);
    const [record] = await records();
    expect(record).toMatchObject({
      surface: 'mcp',
      action: 'apollo_delete_everything',
      decision: 'denied',
    });
  });

  it('sends tools/list_changed when an admin changes the grants of an open session', async () => {
    const { client, harness } = await connect(['people=read'], 50);
    const changed = new Promise<void>((resolve) =>
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => resolve()),
    );
    expect((await client.listTools()).tools.map((t) => t.name)).not.toContain(
      'apollo_contacts_search',
    );
    const agent = await harness.store.agents.get('outreach-bot');
    await harness.store.grants.set(agent!.id, 'contacts', 'read', { by: 'test' });
    await changed;
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('apollo_contacts_search');
  });

  it("whoami reports the agent, its grants and the rate headroom in Apollo's windows", async () => {
    const { client, harness } = await connect(['people=read']);
    await client.callTool({ name: 'apollo_mixed_people_api_search', arguments: { per_page: 1 } });
    let result = (await client.callTool({ name: 'whoami', arguments: {} })) as CallToolResult;
    expect((result.structuredContent as { credit_budget: unknown }).credit_budget).toBeNull();
    await harness.store.agents.setLimits('outreach-bot', { creditBudgetDay: 10 });
    result = (await client.callTool({ name: 'whoami', arguments: {} })) as CallToolResult;
    expect((result.structuredContent as { credit_budget: unknown }).credit_budget).toEqual({
      per_day: 10,
      spent_today: 0,
      left_today: 10,
      per_month: null,
      spent_this_month: 0,
      left_this_month: null,
    });
    const data = result.structuredContent as {
      agent: { name: string };
      grants: Array<{ target: string; level: string }>;
      tools: Array<{ action: string; rate_headroom: { minute_left: number } | null }>;
    };
    expect(data.agent.name).toBe('outreach-bot');
    expect(data.grants).toEqual([{ target: 'people', level: 'read' }]);
    const search = data.tools.find((t) => t.action === 'people.search');
    expect(search?.rate_headroom?.minute_left).toBeGreaterThan(0);
    // An endpoint not called yet has its plan's whole window (basic plan: 1,000 enrichments a minute).
    expect(data.tools.find((t) => t.action === 'people.match')?.rate_headroom).toMatchObject({
      minute_left: 1000,
      queued: 0,
      expected_wait_ms: 0,
    });
    expect(text(result)).toMatch(/^outreach-bot: may call 5 Apollo tools/);
  });

  it('walks pages with all_pages up to max_pages, one audited call per page', async () => {
    const { client } = await connect(['people=read']);
    const result = (await client.callTool({
      name: 'apollo_mixed_people_api_search',
      arguments: { person_titles: ['VP Sales'], per_page: 10, all_pages: true, max_pages: 3 },
    })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    const structured = result.structuredContent as {
      people: Array<{ id: string }>;
      gatehouse: { pages_fetched: number; audit_ids: string[]; next_page: number };
    };
    expect(structured.people).toHaveLength(30);
    expect(new Set(structured.people.map((p) => p.id)).size).toBe(30);
    expect(structured.gatehouse).toMatchObject({ pages_fetched: 3, next_page: 4 });
    expect(text(result)).toMatch(/^Fetched 3 pages \(1–3 of [\d,]+\): 30 of [\d,]+ people/);
    expect(await records()).toHaveLength(3);

    const tooMany = (await client.callTool({
      name: 'apollo_mixed_people_api_search',
      arguments: { all_pages: true, max_pages: 500 },
    })) as CallToolResult;
    expect(tooMany.isError).toBe(true);
    expect(text(tooMany)).toMatch(/max_pages/);
  });

  it("serves the agent's own recent calls as a resource", async () => {
    const { client } = await connect(['people=read']);
    await client.callTool({ name: 'apollo_mixed_people_api_search', arguments: { per_page: 1 } });
    await client.callTool({ name: 'apollo_contacts_create', arguments: { first_name: 'X' } });
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toEqual([recentCallsUri]);
    const read = await client.readResource({ uri: recentCallsUri });
    const entries = JSON.parse((read.contents[0] as { text: string }).text) as Array<{
      action: string;
      decision: string;
    }>;
    expect(entries.map((e) => [e.action, e.decision])).toEqual([
      ['contacts.create', 'denied'],
      ['people.search', 'allowed'],
    ]);
  });

  it('tells the model where a phone reveal will arrive and fetches it with get_enrichment_result', async () => {
    const { client, harness } = await connect(['people=read', 'people.reveal=read']);
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('get_enrichment_result');
    const search = await harness.apollo('POST', getAction('people.search')!.path, {
      person_titles: ['director'],
      per_page: 100,
    });
    const rows = search.people as Array<{ id: string; has_direct_phone: string }>;
    const id = rows.find((r) => r.has_direct_phone === 'Yes')!.id;
    const matched = (await client.callTool({
      name: toolName(getAction('people.match')!),
      arguments: { id, reveal_phone_number: true },
    })) as CallToolResult;
    expect(matched.isError).toBeFalsy();
    const requestId = /get_enrichment_result with request_id "(-?\d+)"/.exec(text(matched))?.[1];
    expect(requestId).toBeDefined();

    const early = (await client.callTool({
      name: 'get_enrichment_result',
      arguments: { request_id: requestId },
    })) as CallToolResult;
    // Either still pending (not an error) or already delivered: the sandbox's timer may be quick.
    expect(early.isError).toBeFalsy();
    await harness.sandbox.flushDeliveries();
    const got = (await client.callTool({
      name: 'get_enrichment_result',
      arguments: { request_id: requestId },
    })) as CallToolResult;
    expect(got.isError).toBeFalsy();
    expect(text(got)).toMatch(/^Apollo delivered results for 1 person\./);
    expect(text(got)).toContain('sanitized_number');

    const unknown = (await client.callTool({
      name: 'get_enrichment_result',
      arguments: { request_id: '12345' },
    })) as CallToolResult;
    expect(unknown.isError).toBe(true);
    expect(text(unknown)).toMatch(/request_id_unknown/);
  });

  it('hides get_enrichment_result from agents that cannot enrich people', async () => {
    const { client } = await connect(['organizations=read']);
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toContain('whoami');
    expect(names).not.toContain('get_enrichment_result');
  });

  it('answers a held call as pending with its approval id, and approval_status follows it to the result', async () => {
    h = await createHarness();
    const token = await h.agent('writer', ['contacts=full'], true);
    const agent = (await h.app.gateway.identify(token))!;
    session = createMcpSession(
      {
        gateway: h.app.gateway,
        audit: createAuditReader(h.store),
        logger: createLogger({ level: 'silent' }),
      },
      { token, ip: '127.0.0.1', agent },
    );
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await session.connect(serverSide);
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(clientSide);
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('approval_status');

    const held = (await client.callTool({
      name: toolName(getAction('contacts.create')!),
      arguments: { first_name: 'Ada', last_name: 'Byron' },
    })) as CallToolResult;
    expect(held.isError).toBeFalsy();
    const id = /approval_id "(apr_[0-9a-f]+)"/.exec(text(held))?.[1];
    expect(id).toBeDefined();
    const waiting = (await client.callTool({
      name: 'approval_status',
      arguments: { approval_id: id },
    })) as CallToolResult;
    expect(waiting.isError).toBeFalsy();
    expect(text(waiting)).toMatch(/Still waiting for an admin/);

    await h.app.gateway.answerApproval(id!, { approve: true, by: 'admin:test' });
    const done = (await client.callTool({
      name: 'approval_status',
      arguments: { approval_id: id },
    })) as CallToolResult;
    expect(done.isError).toBeFalsy();
    expect(text(done)).toMatch(/^Approved by an admin and done/);
    expect(text(done)).toContain('Byron');
  });
});
