// `gatehouse mcp` as a real child process driven by the official SDK client over stdio: tools per
// grant, an allowed and a refused call, both audited as mcp; the token never on argv.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { openStore } from '../../src/store/open-store.js';
import type { StartedGatehouse } from '../../src/app/start.js';
import { loadConfig } from '../../src/config/config.js';
import { runCliWith } from '../helpers/cli.js';
import { startSandboxServer } from '../helpers/sandbox-server.js';

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
  // `gatehouse mcp` calls the running server's sandbox, as it would after `npm start`.
  server = await startSandboxServer(env);
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});
let server: StartedGatehouse | undefined;

/** `gatehouse mcp` as a child process, connected with the SDK's stdio client. */
async function connect(tokenPath: string): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [...cli, 'mcp', '--token-file', tokenPath],
    env: { ...process.env, ...env } as Record<string, string>,
    stderr: 'pipe',
  });
  const client = new Client({ name: 'stdio-e2e', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

describe('gatehouse mcp over stdio', () => {
  it('serves the agent its tools, a search, and an explained refusal, audited as mcp', async () => {
    const client = await connect(tokenFile);
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

  it('refuses every request once its token is revoked, each refusal audited with the agent', async () => {
    const made = await server!.store.agents.create({
      name: 'soon-revoked',
      grants: [{ target: 'people', level: 'read', requiresApproval: false }],
    });
    if (!made.ok) throw new Error(made.error.message);
    const path = join(dir, 'soon-revoked.token');
    writeFileSync(path, made.value.token, { mode: 0o600 });
    const client = await connect(path);
    try {
      expect((await client.listTools()).tools.length).toBeGreaterThan(1);
      const revoked = await runCliWith({ ...env, GATEHOUSE_LOG_LEVEL: 'silent' }, [
        'agent',
        'revoke',
        'soon-revoked',
      ]);
      expect(revoked.code).toBe(0);
      const before = await server!.store.audit.count();
      const attempts = [
        () => client.listTools(),
        () => client.callTool({ name: 'whoami', arguments: {} }),
        () => client.listResources(),
        () => client.callTool({ name: 'apollo_mixed_people_api_search', arguments: {} }),
      ];
      for (const attempt of attempts) {
        await expect(attempt()).rejects.toThrow(/revoked.*no longer serves this token/is);
      }
      const refusals = (await server!.store.audit.query({ limit: attempts.length })).records;
      expect(await server!.store.audit.count()).toBe(before + attempts.length);
      expect(refusals.map((r) => [r.surface, r.decision, r.rule, r.agentName])).toEqual(
        attempts.map(() => ['mcp', 'denied', 'revoked token', 'soon-revoked']),
      );
    } finally {
      await client.close();
    }
  }, 30_000);

  it('refuses a token on argv and an unknown token with a clear message', async () => {
    // Asynchronous: this process serves the sandbox the child checks for.
    const run = (args: string[], extra: Record<string, string> = {}) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = execFile(
          process.execPath,
          [...cli, 'mcp', ...args],
          { env: { ...process.env, ...env, ...extra }, encoding: 'utf8' },
          (error, stdout, stderr) =>
            resolve({ status: error ? (child.exitCode ?? 1) : 0, stdout, stderr }),
        );
        child.stdin?.end();
      });
    const onArgv = await run(['--token', 'gh_agent_x']);
    expect(onArgv.status).not.toBe(0);
    expect(onArgv.stderr).toMatch(/Do not pass the agent token on the command line/);
    const unknown = await run([], { GATEHOUSE_AGENT_TOKEN: 'gh_agent_not-a-real-token' });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/token/i);
    expect(unknown.stdout).toBe('');
  }, 30_000);
});
