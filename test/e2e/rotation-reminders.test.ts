// Rotation reminders: agent tokens, the Apollo key and the admin token show their age, and past
// GATEHOUSE_MAX_SECRET_AGE_DAYS the CLI and /readyz warn (without failing readiness).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { openStore } from '../../src/store/open-store.js';
import { startGatehouse } from '../../src/app/start.js';
import { loadConfig } from '../../src/config/config.js';
import { runCliWith } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-ages-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const day = 86_400_000;
const env = {
  GATEHOUSE_DB: join(dir, 'g.db'),
  GATEHOUSE_KEY_FILE: join(dir, 'k'),
  GATEHOUSE_LOG_LEVEL: 'silent',
  GATEHOUSE_ADMIN_TOKEN: 'an-admin-token-that-is-long-enough-0123456789',
};

const cli = (args: string[]) => runCliWith(env, args);

describe('rotation reminders', () => {
  it('flags tokens and keys older than the maximum in the CLI and /readyz', async () => {
    const config = loadConfig({ env, flags: { port: 0 } });
    const then = Date.now() - 120 * day;
    const old = await openStore(config, createLogger({ level: 'silent' }), () => then);
    await old.agents.create({ name: 'veteran', grants: [] });
    await old.connection.save({ kind: 'apikey', credential: { key: 'old-apollo-key' } });
    await old.settings.set('admin_token_first_seen', {
      hash: 'not-this-token',
      since: then,
    });
    await old.close();
    const fresh = await openStore(config, createLogger({ level: 'silent' }));
    await fresh.agents.create({ name: 'rookie', grants: [] });
    await fresh.close();

    const list = await cli(['agent', 'list']);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/veteran .*120 d \(rotate\)/);
    expect(list.out).toMatch(/rookie .* 0 d /);
    expect(list.err).toMatch(/1 token is older than 90 days .*gatehouse agent rotate/);
    expect((await cli(['agent', 'show', 'veteran'])).out).toMatch(
      /older than 90 days, rotate it: gatehouse agent rotate veteran/,
    );

    // The admin token in the environment differs from the one recorded: its age starts now.
    const g = await startGatehouse(config, { logger: createLogger({ level: 'silent' }) });
    try {
      const res = await g.app.app.request('/readyz', {
        headers: { authorization: `Bearer ${env.GATEHOUSE_ADMIN_TOKEN}` },
      });
      const body = (await res.json()) as {
        status: string;
        checks: Array<{ name: string; ok: boolean; warning?: string }>;
      };
      const secrets = body.checks.find((c) => c.name === 'secrets')!;
      expect(secrets.ok).toBe(true);
      expect(secrets.warning).toMatch(/The Apollo API key is 120 days old/);
      expect(secrets.warning).toMatch(/The agent token of veteran is 120 days old/);
      expect(secrets.warning).not.toMatch(/rookie|admin token/);
    } finally {
      await g.close();
    }
  });
});
