// A new user's first outreach, end to end over MCP on a listening Gatehouse with the official SDK
// client: find the mailbox, find the sequence, find a contact, add it to the sequence (held for an
// admin's approval by default), the admin approves over the admin API, the agent follows the held
// call to its result, and the contact's sequence status shows the enrolment.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { startGatehouse, type StartedGatehouse } from '../../src/app/start.js';
import { getAction, toolName } from '../../src/catalog/index.js';
import { loadConfig } from '../../src/config/config.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-journey-'));
const adminToken = 'j'.repeat(48);
let g: StartedGatehouse;
let token: string;

beforeAll(async () => {
  const config = loadConfig({
    flags: { db: join(dir, 'g.db'), keyFile: join(dir, 'k'), port: 0, sandbox: true, adminToken },
  });
  g = await startGatehouse(config, {
    logger: createLogger({ level: 'silent' }),
    createDemoAgent: false,
  });
  const full = (target: string) => ({ target, level: 'full' as const, requiresApproval: false });
  const created = await g.store.agents.create({
    name: 'outreach-bot',
    grants: [full('emails'), full('sequences'), full('contacts')],
  });
  if (!created.ok) throw new Error(created.error.message);
  token = created.value.token;
});
afterAll(async () => {
  await g.close();
  rmSync(dir, { recursive: true, force: true });
});

const tool = (id: string) => toolName(getAction(id)!);
const data = (r: CallToolResult) => r.structuredContent as Record<string, unknown>;
const text = (r: CallToolResult) =>
  r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

describe('adding a contact to a sequence through MCP', () => {
  it('finds the mailbox and the sequence, is held, approved, and shows in the contact', async () => {
    const client = new Client({ name: 'journey', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${g.url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    const call = async (name: string, args: Record<string, unknown>) => {
      const r = (await client.callTool({ name, arguments: args })) as CallToolResult;
      expect(r.isError, `${name}: ${text(r).slice(0, 300)}`).toBeFalsy();
      return r;
    };
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining([
        tool('emails.accounts'),
        tool('sequences.add_contacts'),
        'approval_status',
      ]),
    );

    const mailboxes = data(await call(tool('emails.accounts'), {})).email_accounts as Array<{
      id: string;
    }>;
    const sequences = data(await call(tool('sequences.search'), { per_page: 5 }))
      .emailer_campaigns as Array<{
      id: string;
      name: string;
    }>;
    const contacts = data(await call(tool('contacts.search'), { per_page: 25 })).contacts as Array<{
      id: string;
      email?: string;
      email_status?: string;
      contact_campaign_statuses?: Array<{ emailer_campaign_id: string }>;
    }>;
    const sequence = sequences[0]!;
    const contact = contacts.find(
      (c) =>
        c.email_status === 'verified' &&
        // In no other sequence: Apollo skips contacts active elsewhere unless told otherwise.
        (c.contact_campaign_statuses ?? []).length === 0,
    )!;
    expect(mailboxes[0]).toBeDefined();
    expect(contact).toBeDefined();

    const held = (await client.callTool({
      name: tool('sequences.add_contacts'),
      arguments: {
        sequence_id: sequence.id,
        emailer_campaign_id: sequence.id,
        contact_ids: [contact.id],
        send_email_from_email_account_id: mailboxes[0]!.id,
        gatehouse_reason: `Start ${contact.email} on ${sequence.name}.`,
      },
    })) as CallToolResult;
    expect(text(held)).toMatch(
      /^Held for an admin's approval \(sequences=full \(outbound: held by default\)\)/,
    );
    const approvalId = (data(held).gatehouse as { approval_id: string }).approval_id;
    const waiting = await call('approval_status', { approval_id: approvalId });
    expect(text(waiting)).toMatch(/waiting|held|pending/i);

    // The admin sees the agent's reason and approves over the admin API.
    const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
    const queue = (await (await fetch(`${g.url}/admin/api/approvals`, { headers })).json()) as {
      approvals: Array<{ id: string; reason: string | null }>;
    };
    expect(queue.approvals.find((a) => a.id === approvalId)?.reason).toBe(
      `Start ${contact.email} on ${sequence.name}.`,
    );
    const approved = await fetch(`${g.url}/admin/api/approvals/${approvalId}/approve`, {
      method: 'POST',
      headers,
      body: '{}',
    });
    expect(approved.status).toBe(200);

    const done = await call('approval_status', { approval_id: approvalId });
    expect(text(done)).toMatch(/^Approved by an admin and done/);
    const shown = data(await call(tool('contacts.get'), { contact_id: contact.id })).contact as {
      contact_campaign_statuses: Array<{
        emailer_campaign_id: string;
        send_email_from_email_account_id: string;
      }>;
    };
    expect(shown.contact_campaign_statuses).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          emailer_campaign_id: sequence.id,
          send_email_from_email_account_id: mailboxes[0]!.id,
        }),
      ]),
    );
    await client.close();
  });
});
