// The whole Apollo API behind the same gate, as agents meet it over REST and MCP: parameters Apollo
// does not document are refused with a suggestion (or forwarded when the admin chose that),
// outbound actions are held by default and run with --no-approval, the team's secrets in Apollo's
// answers never reach an agent, and MCP's own arguments (gatehouse_reason, compact) work.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';

import { createAuditReader } from '../../src/app/adapters.js';
import { createLogger } from '../../src/app/logger.js';
import { getAction, toolName } from '../../src/catalog/index.js';
import { createMcpSession, type McpSession } from '../../src/surfaces/mcp/session.js';
import { runCliWith } from '../helpers/cli.js';
import { createHarness, type Harness, type HarnessOptions } from '../helpers/harness.js';

let h: Harness | undefined;
let session: McpSession | undefined;
afterEach(async () => {
  await session?.close();
  await h?.close();
  h = undefined;
  session = undefined;
});

async function setup(grants: string[], options: HarnessOptions = {}) {
  h = await createHarness(options);
  const token = await h.agent('bot', grants);
  const agent = await h.app.gateway.identify(token);
  session = createMcpSession(
    {
      gateway: h.app.gateway,
      audit: createAuditReader(h.store),
      logger: createLogger({ level: 'silent' }),
    },
    { token, ip: '127.0.0.1', agent: agent! },
  );
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await session.connect(serverSide);
  const client = new Client({ name: 'whole-api', version: '1.0.0' });
  await client.connect(clientSide);
  return { h, token, client };
}

const text = (r: CallToolResult) =>
  r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
const tool = (id: string) => toolName(getAction(id)!);
async function lastRecord() {
  return (await h!.store.audit.query({ limit: 1 })).records[0]!;
}

describe('parameters Apollo does not document', () => {
  it('are refused over REST with 422 UNKNOWN_PARAMETER, the closest names, nothing sent, audited', async () => {
    const { h, token } = await setup(['people=read', 'organizations=read']);
    const res = await h.request('POST', '/api/v1/mixed_people/api_search', {
      token,
      body: { person_title: ['VP Sales'], per_page: 5 },
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error_code: string; error: string; unknown: unknown };
    expect(body.error_code).toBe('UNKNOWN_PARAMETER');
    expect(body.unknown).toEqual([
      { name: 'person_title', suggestions: expect.arrayContaining(['person_titles']) },
    ]);
    expect(body.error).toMatch(
      /does not document the parameter 'person_title' \(did you mean 'person_titles'\?\) for people.search, so nothing was sent/,
    );
    const record = await lastRecord();
    expect(record).toMatchObject({
      decision: 'denied',
      rule: 'unknown parameter',
      upstreamStatus: null,
    });
    expect(record.errorCode).toBe('unknown_parameter');
    // A company search with `q` would have spent a credit on an unfiltered query: nothing spent.
    const orgs = await h.request('POST', '/api/v1/mixed_companies/search', {
      token,
      body: { q: 'acme' },
    });
    expect(orgs.status).toBe(422);
    expect((await lastRecord()).credits ?? 0).toBe(0);
    // Query strings are checked the same way.
    const query = await h.request('GET', '/api/v1/mixed_people/api_search?person_titless[]=VP', {
      token,
    });
    expect(query.status).toBe(422);
  });

  it('are refused over MCP as an isError result naming the documented name', async () => {
    const { client } = await setup(['people=read']);
    const listed = (await client.listTools()).tools.find((t) => t.name === tool('people.search'))!;
    expect(listed.inputSchema.additionalProperties).toBe(false);
    const r = (await client.callTool({
      name: tool('people.search'),
      arguments: { person_title: ['VP Sales'] },
    })) as CallToolResult;
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/'person_title' \(did you mean 'person_titles'/);
  });

  it('are forwarded as given under GATEHOUSE_UNKNOWN_PARAMS=forward, and the record says so', async () => {
    const { h, token } = await setup(['people=read'], { config: { unknownParams: 'forward' } });
    const res = await h.request('POST', '/api/v1/mixed_people/api_search', {
      token,
      body: { person_titles: ['VP Sales'], not_a_filter: 'x', per_page: 2 },
    });
    expect(res.status).toBe(200);
    const record = await lastRecord();
    expect(record.decision).toBe('allowed');
    expect(record.reason).toMatch(/Forwarded parameters Apollo does not document: not_a_filter/);
  });
});

describe('outbound actions', () => {
  async function addInput(h: Harness) {
    const accounts = (await h.apollo('GET', '/api/v1/email_accounts')).email_accounts as Array<{
      id: string;
    }>;
    const sequences = (await h.apollo('POST', '/api/v1/emailer_campaigns/search', {}))
      .emailer_campaigns as Array<{ id: string }>;
    const contacts = (await h.apollo('POST', '/api/v1/contacts/search', { per_page: 5 }))
      .contacts as Array<{ id: string }>;
    return {
      path: `/api/v1/emailer_campaigns/${sequences[0]!.id}/add_contact_ids`,
      body: {
        emailer_campaign_id: sequences[0]!.id,
        contact_ids: [contacts[0]!.id],
        send_email_from_email_account_id: accounts[0]!.id,
      },
    };
  }

  it('are held under full until approved, and run once granted with --no-approval from the CLI', async () => {
    const { h, token } = await setup(['sequences=full']);
    const call = await addInput(h);
    const held = await h.request('POST', call.path, { token, body: call.body });
    expect(held.status).toBe(202);
    const pending = (await held.json()) as { approval_id: string; rule: string };
    expect(pending.rule).toBe('sequences=full (outbound: held by default)');
    expect((await lastRecord()).sentence).toMatch(
      /held for approval under sequences=full \(outbound: held by default\)/,
    );

    const env = { GATEHOUSE_DB: h.config.db, GATEHOUSE_KEY_FILE: h.config.keyFile! };
    const granted = await runCliWith(env, ['grant', 'bot', 'sequences', 'full', '--no-approval']);
    expect(granted.code).toBe(0);
    expect(granted.out).toMatch(/sequences=full \(outbound actions without approval\)/);
    const explained = await runCliWith(env, ['explain', 'bot', 'sequences.add_contacts']);
    expect(explained.out).toMatch(/granted without approval, so it runs unheld/);
    const ran = await h.request('POST', call.path, { token, body: call.body });
    expect(ran.status).toBe(200);
    const both = await runCliWith(env, [
      'grant',
      'bot',
      'sequences',
      'full',
      '--approval',
      '--no-approval',
    ]);
    expect(both.code).toBe(2);
  });

  it('take the agent’s reason over MCP into the held call', async () => {
    const { h, client } = await setup(['sequences=full']);
    const call = await addInput(h);
    const r = (await client.callTool({
      name: tool('sequences.add_contacts'),
      arguments: {
        sequence_id: call.path.split('/')[4],
        ...call.body,
        gatehouse_reason: 'Add the VP from today’s list to the Q4 sequence.',
      },
    })) as CallToolResult;
    expect(text(r)).toMatch(/^Held for an admin's approval/);
    const [approval] = await h.app.gateway.listApprovals({ limit: 5 });
    expect(approval!.reason).toBe('Add the VP from today’s list to the Q4 sequence.');
  });
});

describe("the team's secrets in Apollo's answers", () => {
  it.each(['sendgrid_api_key_v3', 'sendgrid_api_user'])(
    'never gives an agent %s from email accounts, over REST or MCP',
    async (field) => {
      const { h, token, client } = await setup(['emails=read']);
      const direct = JSON.stringify(await h.apollo('GET', '/api/v1/email_accounts'));
      expect(direct).toContain(`"${field}":"`);
      const rest = await h.request('GET', '/api/v1/email_accounts', { token });
      expect(rest.status).toBe(200);
      const restText = await rest.text();
      expect(restText).toContain('email_accounts');
      expect(restText).not.toContain(field);
      const mcp = (await client.callTool({
        name: tool('emails.accounts'),
        arguments: {},
      })) as CallToolResult;
      expect(mcp.isError).toBeFalsy();
      expect(text(mcp)).not.toContain(field);
      expect(JSON.stringify(mcp.structuredContent)).not.toContain(field);
    },
  );
});

describe('MCP search tools', () => {
  it('return only key fields with compact: true', async () => {
    const { client } = await setup(['people=read']);
    const full = (await client.callTool({
      name: tool('people.search'),
      arguments: { person_titles: ['Director'], per_page: 3 },
    })) as CallToolResult;
    const slim = (await client.callTool({
      name: tool('people.search'),
      arguments: { person_titles: ['Director'], per_page: 3, compact: true },
    })) as CallToolResult;
    const rows = (r: CallToolResult) =>
      (r.structuredContent as { people: Array<Record<string, unknown>> }).people;
    expect(rows(slim)).toHaveLength(3);
    expect(rows(slim).map((p) => p.id)).toEqual(rows(full).map((p) => p.id));
    for (const p of rows(slim)) {
      expect(
        Object.keys(p).every((k) =>
          [
            'id',
            'name',
            'first_name',
            'last_name',
            'title',
            'organization_name',
            'linkedin_url',
            'city',
            'country',
            'email',
            'organization_id',
          ].includes(k),
        ),
      ).toBe(true);
    }
    expect(text(slim).length).toBeLessThan(text(full).length);
  });
});
