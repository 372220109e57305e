// Start-up never fakes readiness. On Postgres with no Apollo connection and no --sandbox, the
// server starts without the embedded sandbox, creates no demo agent and logs no token, says in the
// log how to connect, reports /readyz 503 credential_missing naming the fix, and refuses agents'
// calls with NOT_CONNECTED. A stored connection sealed with a data key this Gatehouse does not have
// is reported as exactly that (log, /readyz, the agent), never as "not connected".
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { startGatehouse } from '../../src/app/start.js';
import { getAction } from '../../src/catalog/index.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import { openStore } from '../../src/store/open-store.js';
import { describeWithPostgres, postgresSchema } from '../helpers/postgres-required.js';

const root = mkdtempSync(join(tmpdir(), 'gatehouse-unconnected-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const adminToken = 'unconnected-admin-token-0123456789abcdefgh';
let n = 0;

/** Starts Gatehouse on `config` with its log captured, creates an agent, and calls as it. */
async function started(config: Config) {
  const logs: string[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (s) => void logs.push(s) } });
  const g = await startGatehouse(config, { logger });
  const agent = await g.store.agents.create({
    name: `bot-${++n}`,
    grants: [{ target: 'people', level: 'read', requiresApproval: false }],
  });
  if (!agent.ok) throw new Error(agent.error.message);
  const search = async () => {
    const res = await fetch(`${g.url}${getAction('people.search').path}`, {
      method: 'POST',
      headers: { 'x-api-key': agent.value.token, 'content-type': 'application/json' },
      body: JSON.stringify({ per_page: 1 }),
    });
    return {
      status: res.status,
      body: (await res.json()) as { error_code?: string; error?: string },
    };
  };
  const readyz = async () => {
    const res = await fetch(`${g.url}/readyz`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    return {
      status: res.status,
      body: (await res.json()) as {
        reasons: string[];
        checks: Array<{ name: string; ok: boolean; detail: string }>;
      },
    };
  };
  return { g, logs: () => logs.join(''), search, readyz };
}

describeWithPostgres('a Postgres start with no Apollo connection and no --sandbox', () => {
  it('serves no sandbox, creates no demo agent, logs no token, and says how to connect', async () => {
    const db = await postgresSchema();
    const dir = join(root, 'pg');
    const config = loadConfig({
      env: { GATEHOUSE_ADMIN_TOKEN: adminToken },
      flags: {
        db: db.url,
        keyFile: join(dir, 'k'),
        port: 0,
        upstreamUrl: 'http://127.0.0.1:1',
        singleReplica: true,
      },
    });
    const s = await started(config);
    try {
      expect(s.g.sandbox).toBeNull();
      expect(s.g.demoToken).toBeNull();
      expect(await db.query("select name from $schema.agents where name = 'demo'")).toEqual([]);
      expect(s.logs()).not.toMatch(/gh_agent_/);
      expect(s.logs()).toMatch(/Apollo is not connected.*gatehouse connect apikey/);

      const ready = await s.readyz();
      expect(ready.status).toBe(503);
      expect(ready.body.reasons).toEqual(['credential_missing']);
      expect(ready.body.checks.find((c) => c.name === 'upstream')).toMatchObject({
        ok: false,
        detail: 'Apollo is not connected (gatehouse connect)',
      });

      const call = await s.search();
      expect(call.status).toBe(503);
      expect(call.body.error_code).toBe('NOT_CONNECTED');
      expect(call.body.error).toMatch(/not connected to Apollo.*gatehouse connect/);
    } finally {
      await s.g.close();
      await db.drop();
    }
  });
});

describe('a stored connection sealed with another data key', () => {
  it('says the data key is wrong in the log, in /readyz and to the agent', async () => {
    const dir = join(root, 'wrong-key');
    mkdirSync(dir);
    const flags = { db: join(dir, 'g.db'), port: 0, upstreamUrl: 'http://127.0.0.1:1' };
    const sealing = loadConfig({
      env: { GATEHOUSE_SECRET_KEY: randomBytes(32).toString('base64') },
      flags: { ...flags, keyFile: join(dir, 'unused') },
    });
    const setup = await openStore(sealing, createLogger({ level: 'silent' }));
    await setup.connection.save({ kind: 'apikey', credential: { key: 'the-team-apollo-key' } });
    await setup.close();

    const other = loadConfig({
      env: {
        GATEHOUSE_SECRET_KEY: randomBytes(32).toString('base64'),
        GATEHOUSE_ADMIN_TOKEN: adminToken,
      },
      flags: { ...flags, keyFile: join(dir, 'unused') },
    });
    const s = await started(other);
    try {
      expect(s.logs()).toMatch(/data key is wrong/);
      expect(s.logs()).not.toMatch(/Apollo is not connected/);

      const ready = await s.readyz();
      expect(ready.status).toBe(503);
      const upstream = ready.body.checks.find((c) => c.name === 'upstream')!;
      expect(upstream.ok).toBe(false);
      expect(upstream.detail).toMatch(/data key is wrong/);
      expect(upstream.detail).not.toMatch(/not connected/);

      const call = await s.search();
      expect(call.status).toBe(503);
      expect(call.body.error_code).toBe('CREDENTIAL_UNREADABLE');
      expect(call.body.error).toMatch(/sealed with a data key this Gatehouse was not started with/);
      expect(call.body.error).not.toMatch(/not connected/);
    } finally {
      await s.g.close();
    }
  });
});
