// The secrets scan: after a full scenario with known secrets (the Apollo key, agent tokens before
// and after rotation, the admin token, the data key, a prospect's email), none of them appears in
// the raw bytes of the database files, in the logs, or in an audit export.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, describe, expect, it } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { openStore } from '../../src/app/services.js';
import { startGatehouse } from '../../src/app/start.js';
import { getAction } from '../../src/catalog/index.js';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/config.js';
import { createSandbox } from '../../src/sandbox/index.js';
import { createWorld } from '../../src/sandbox/world/index.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('secrets scan', () => {
  it('finds no known secret in the database files, the logs or an audit export', async () => {
    const apolloKey = 'apollo-master-key-SCAN-0f3a9c2e7b';
    const adminToken = 'admin-token-SCAN-5d1e8f0a3c7b9e2d4f6a8c0e2b4d6f8a';
    const email = 'scan.prospect@secret-example.org';
    const sandbox = createSandbox({ seed: 9, createWorld, masterKeys: [apolloKey] });
    const upstream = await sandbox.listen(0, '127.0.0.1');
    const env = {
      GATEHOUSE_DB: join(dir, 'g.db'),
      GATEHOUSE_KEY_FILE: join(dir, 'secret.key'),
      GATEHOUSE_UPSTREAM_URL: upstream.url,
      GATEHOUSE_ADMIN_TOKEN: adminToken,
      GATEHOUSE_LOG_LEVEL: 'debug',
    };
    const logs: string[] = [];
    const logger = createLogger({
      level: 'debug',
      destination: { write: (s: string) => void logs.push(s) },
    });
    const out: string[] = [];
    const io: CliIO = {
      out: (t) => void out.push(t),
      err: (t) => void logs.push(t),
      write: async (t) => void out.push(t),
      readStdin: async () => apolloKey,
      env,
    };

    // Connect through the CLI (key on stdin), create agents, rotate one.
    expect(await runCli(['connect', 'apikey'], io)).toBe(0);
    const config = loadConfig({ env, flags: { port: 0 } });
    const setup = await openStore(config, logger);
    const a = await setup.agents.create({
      name: 'scanner',
      grants: [
        { target: 'people', level: 'read', requiresApproval: false },
        { target: 'contacts', level: 'full', requiresApproval: false },
      ],
    });
    await setup.close();
    if (!a.ok) throw new Error(a.error.message);
    const oldToken = a.value.token;

    const g = await startGatehouse(config, { logger });
    const tokens = [oldToken];
    try {
      const call = (
        token: string,
        id: 'people.match' | 'contacts.create' | 'people.search',
        body: object,
        query = '',
      ) =>
        fetch(`${g.url}${getAction(id).path}${query}`, {
          method: 'POST',
          headers: { 'x-api-key': token, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      expect((await call(oldToken, 'people.match', { email })).status).toBe(200);
      expect((await call(oldToken, 'contacts.create', { first_name: 'Scan', email })).status).toBe(
        200,
      );
      expect((await call(oldToken, 'people.search', {}, `?api_key=${oldToken}`)).status).toBe(400);

      const rotated = await runCli(['agent', 'rotate', 'scanner', '--json'], io);
      expect(rotated).toBe(0);
      const newToken = (JSON.parse(out.pop()!) as { token: string }).token;
      tokens.push(newToken);
      expect((await call(oldToken, 'people.search', {})).status).toBe(401);

      const client = new Client({ name: 'scan', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${g.url}/mcp`), {
          requestInit: { headers: { authorization: `Bearer ${newToken}` } },
        }),
      );
      await client.callTool({ name: 'apollo_people_match', arguments: { email } });
      await client.close();

      expect(await runCli(['secrets', 'rotate'], io)).toBe(0);
      expect((await call(newToken, 'people.search', { per_page: 1 })).status).toBe(200);
    } finally {
      await g.close();
      await upstream.close();
    }

    out.length = 0;
    expect(await runCli(['audit', 'export', '--format', 'csv'], io)).toBe(0);
    expect(await runCli(['audit', 'export', '--format', 'jsonl'], io)).toBe(0);
    const exported = out.join('');
    expect(exported).toMatch(/scanner enriched a person by email s\*\*\*@secret-example\.org/);

    const dataKeys = readFileSync(env.GATEHOUSE_KEY_FILE, 'utf8').trim().split('\n');
    const secrets = {
      apolloKey,
      adminToken,
      email,
      ...Object.fromEntries(tokens.map((t, i) => [`token${i}`, t])),
    };
    const dbBytes = ['', '-wal', '-shm']
      .map((suffix) => `${env.GATEHOUSE_DB}${suffix}`)
      .filter((f) => existsSync(f))
      .map((f) => readFileSync(f));
    const haystacks = {
      database: Buffer.concat(dbBytes),
      logs: Buffer.from(logs.join('\n')),
      export: Buffer.from(exported),
    };
    expect(logs.length).toBeGreaterThan(10);
    const hits: string[] = [];
    for (const [where, bytes] of Object.entries(haystacks)) {
      for (const [name, secret] of Object.entries({
        ...secrets,
        ...Object.fromEntries(dataKeys.map((k, i) => [`dataKey${i}`, k])),
      })) {
        if (bytes.includes(Buffer.from(secret))) hits.push(`${name} in ${where}`);
        // The token body without its recognisable prefix, too.
        const body = secret.replace(/^gh_agent_/, '');
        if (body !== secret && bytes.includes(Buffer.from(body)))
          hits.push(`${name} (body) in ${where}`);
      }
    }
    expect(hits).toEqual([]);
  }, 30_000);
});
