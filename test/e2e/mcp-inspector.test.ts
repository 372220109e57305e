// The official MCP Inspector, in CLI mode, against Gatehouse's MCP server over stdio (a real
// `gatehouse mcp` child) and streamable HTTP (a listening server): tools/list shows a read agent
// its read tools only, and tools/call of a people search returns the people asked for.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import {
  CallToolResultSchema,
  ListToolsResultSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { openStore } from '../../src/store/open-store.js';
import { startGatehouse, type StartedGatehouse } from '../../src/app/start.js';
import { loadConfig } from '../../src/config/config.js';

const require = createRequire(import.meta.url);
const inspectorPkg = require.resolve('@modelcontextprotocol/inspector/package.json');
const inspectorBin = join(
  dirname(inspectorPkg),
  (JSON.parse(readFileSync(inspectorPkg, 'utf8')) as { bin: Record<string, string> }).bin[
    'mcp-inspector'
  ] ?? 'cli/build/cli.js',
);

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-mcp-inspector-'));
const env = {
  GATEHOUSE_DB: join(dir, 'g.db'),
  GATEHOUSE_KEY_FILE: join(dir, 'k'),
  GATEHOUSE_LOG_LEVEL: 'warn',
};
const tokenFile = join(dir, 'agent.token');
const stdioServer = [
  process.execPath,
  '--import',
  pathToFileURL(require.resolve('tsx')).href,
  fileURLToPath(new URL('../helpers/cli-entry.ts', import.meta.url)),
  'mcp',
  '--token-file',
  tokenFile,
];
let g: StartedGatehouse;
let httpToken: string;

beforeAll(async () => {
  const store = await openStore(loadConfig({ env }), createLogger({ level: 'silent' }));
  const created = await store.agents.create({
    name: 'inspector-stdio',
    grants: [{ target: 'people', level: 'read', requiresApproval: false }],
  });
  await store.close();
  if (!created.ok) throw new Error(created.error.message);
  writeFileSync(tokenFile, `${created.value.token}\n`, { mode: 0o600 });

  // One deployment: `gatehouse mcp` over stdio calls this server's sandbox.
  const config = loadConfig({
    flags: { db: env.GATEHOUSE_DB, keyFile: env.GATEHOUSE_KEY_FILE, port: 0, sandbox: true },
  });
  g = await startGatehouse(config, {
    logger: createLogger({ level: 'silent' }),
    createDemoAgent: false,
  });
  const agent = await g.store.agents.create({
    name: 'inspector-http',
    grants: [{ target: 'people', level: 'read', requiresApproval: false }],
  });
  if (!agent.ok) throw new Error(agent.error.message);
  httpToken = agent.value.token;
});
afterAll(async () => {
  await g?.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs `mcp-inspector --cli <args>` asynchronously (the HTTP server lives in this process and must
 * keep answering) and resolves with its JSON output; a non-zero exit rejects with its stderr.
 */
function inspector(args: string[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    // cwd is the temp dir: no gatehouse.config.json there for `gatehouse mcp` to pick up, and no
    // package.json one level up (inspector v1's CLI misreads its own version if there is one).
    // Its own process group, so a hung run can be killed along with the children it spawned.
    const child = spawn(process.execPath, [inspectorBin, '--cli', ...args], {
      cwd: dir,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, 50_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const said = `\n--- stderr ---\n${stderr}\n--- stdout ---\n${stdout}`;
      if (code !== 0) {
        reject(new Error(`mcp-inspector ${args.join(' ')} exited ${code ?? signal}${said}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout));
      } catch {
        reject(new Error(`mcp-inspector printed no JSON${said}`));
      }
    });
  });
}

const stdioTarget = () => [
  ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
  ...stdioServer,
];
const httpTarget = () => [
  `${g.url}/mcp`,
  '--transport',
  'http',
  '--header',
  `Authorization: Bearer ${httpToken}`,
];
const searchCall = [
  '--method',
  'tools/call',
  '--tool-name',
  'apollo_mixed_people_api_search',
  '--tool-arg',
  'person_titles=["VP Sales"]',
  '--tool-arg',
  'per_page=2',
];

async function listToolNames(target: string[]) {
  const listed = ListToolsResultSchema.parse(
    await inspector([...target, '--method', 'tools/list']),
  );
  return listed.tools.map((t) => t.name);
}

function expectTwoPeople(result: CallToolResult) {
  expect(result.isError).toBeFalsy();
  const people = (result.structuredContent as { people?: unknown[] } | undefined)?.people;
  expect(people).toHaveLength(2);
  const first = result.content[0];
  expect(first?.type).toBe('text');
  expect(first?.type === 'text' ? first.text : '').toMatch(/^2 of [\d,]+ people, page 1 of /);
}

describe('MCP Inspector CLI against gatehouse mcp over stdio', () => {
  it('lists the read tools and not the write ones', async () => {
    const names = await listToolNames(stdioTarget());
    expect(names).toContain('apollo_mixed_people_api_search');
    expect(names).toContain('whoami');
    expect(names).not.toContain('apollo_contacts_create');
  }, 60_000);

  it('calls the people search and gets two people', async () => {
    expectTwoPeople(CallToolResultSchema.parse(await inspector([...stdioTarget(), ...searchCall])));
  }, 60_000);
});

describe('MCP Inspector CLI against /mcp over streamable HTTP', () => {
  it('lists the read tools and not the write ones', async () => {
    const names = await listToolNames(httpTarget());
    expect(names).toContain('apollo_mixed_people_api_search');
    expect(names).toContain('whoami');
    expect(names).not.toContain('apollo_contacts_create');
  }, 60_000);

  it('calls the people search and gets two people', async () => {
    expectTwoPeople(CallToolResultSchema.parse(await inspector([...httpTarget(), ...searchCall])));
  }, 60_000);

  it('is refused without the bearer header', async () => {
    await expect(
      inspector([`${g.url}/mcp`, '--transport', 'http', '--method', 'tools/list']),
    ).rejects.toThrow(/No Gatehouse token was sent/);
  }, 60_000);
});
