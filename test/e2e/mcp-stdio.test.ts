// `gatehouse mcp` as a real child process driven by the official SDK client over stdio: tools per
// grant, an allowed and a refused call, both audited as mcp; the token never on argv.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { openStore } from '../../src/app/services.js';
import { loadConfig } from '../../src/config/config.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-mcp-stdio-'));
const env = {
  GATEHOUSE_DB: join(dir, 'g.db'),
  GATEHOUSE_KEY_FILE: join(dir, 'k'),
  GATEHOUSE_LOG_LEVEL: 'warn',
};
const tokenFile = join(dir, 'agent.token');
const cli = ['--import', 'tsx', 'test/helpers/cli-entry.ts'];

beforeAll(async () => {
  const store = await openStore(loadConfig({ env }), createLogger({ level: 'silent' }));
  const created = await store.agents.create({
    name: 'stdio-bot',
    grants: [{ target: 'people', level: 'read', requiresApproval: false }],
  });
  await store.close();
  if (!created.ok) throw new Error(created.error.message);
  writeFileSync(tokenFile, `${created.value.token}\n`, { mode: 0o600 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('gatehouse mcp over stdio', () => {
  it('serves the agent its tools, a search, and an explained refusal, audited as mcp', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [...cli, 'mcp', '--token-file', tokenFile],
      env: { ...process.env, ...env } as Record<string, string>,
      stderr: 'pipe',
    });
    const client = new Client({ name: 'stdio-e2e', version: '1.0.0' });
    await client.connect(transport);
    const names = (await client.listTools()).tools.map((t) => t.name).sort();
    expect(names).toEqual(
      [
        'apollo_mixed_people_api_search',
        'apollo_mixed_people_search',
        'apollo_people_bulk_match',
        'apollo_people_get',
        'apollo_people_match',
        'whoami',
      ].sort(),
    );
    const found = (await client.callTool({
      name: 'apollo_mixed_people_api_search',
      arguments: { person_titles: ['Director'], per_page: 2 },
    })) as CallToolResult;
    expect((found.structuredContent as { people: unknown[] }).people).toHaveLength(2);
    const refused = (await client.callTool({
      name: 'apollo_contacts_create',
      arguments: { first_name: 'Ann' },
    })) as CallToolResult;
    expect(refused.isError).toBe(true);
    await client.close();

    const store = await openStore(loadConfig({ env }), createLogger({ level: 'silent' }));
    const records = (await store.audit.query({ limit: 10 })).records;
    await store.close();
    expect(records.map((r) => [r.surface, r.action, r.decision])).toEqual([
      ['mcp', 'contacts.create', 'denied'],
      ['mcp', 'people.search', 'allowed'],
    ]);
  }, 30_000);

  it('refuses a token on argv and an unknown token with a clear message', () => {
    const run = (args: string[], extra: Record<string, string> = {}) =>
      spawnSync(process.execPath, [...cli, 'mcp', ...args], {
        env: { ...process.env, ...env, ...extra },
        input: '',
        encoding: 'utf8',
      });
    const onArgv = run(['--token', 'gh_agent_x']);
    expect(onArgv.status).not.toBe(0);
    expect(onArgv.stderr).toMatch(/Do not pass the agent token on the command line/);
    const unknown = run([], { GATEHOUSE_AGENT_TOKEN: 'gh_agent_not-a-real-token' });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/token/i);
    expect(unknown.stdout).toBe('');
  }, 30_000);
});
