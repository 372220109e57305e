// `gatehouse secrets rotate`: a new data key, every secret resealed, nothing lost, and a gateway
// that was already running keeps calling Apollo with the same agent tokens (no downtime).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { openStore } from '../../src/app/services.js';
import { startGatehouse } from '../../src/app/start.js';
import { getAction } from '../../src/catalog/index.js';
import { loadConfig } from '../../src/config/config.js';
import { createSandbox } from '../../src/sandbox/index.js';
import { createWorld } from '../../src/sandbox/world/index.js';
import { runCliWith } from '../helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'gatehouse-secrets-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const run = (args: string[], env: Record<string, string>) => runCliWith(env, args);

const keyLines = (file: string) => readFileSync(file, 'utf8').trim().split('\n');

describe('gatehouse secrets rotate', () => {
  it('reseals under a new key while a running gateway keeps serving the same agents', async () => {
    const sandbox = createSandbox({ seed: 3, createWorld });
    const upstream = await sandbox.listen(0, '127.0.0.1');
    const env = {
      GATEHOUSE_DB: join(root, 'live.db'),
      GATEHOUSE_KEY_FILE: join(root, 'live.key'),
      GATEHOUSE_UPSTREAM_URL: upstream.url,
      GATEHOUSE_LOG_LEVEL: 'silent',
    };
    const config = loadConfig({ env, flags: { port: 0 } });
    const setup = await openStore(config, createLogger({ level: 'silent' }));
    await setup.connection.save({ kind: 'apikey', credential: { key: sandbox.keys.master[0]! } });
    const agent = await setup.agents.create({
      name: 'bot',
      grants: [{ target: 'people', level: 'read', requiresApproval: false }],
    });
    await setup.close();
    if (!agent.ok) throw new Error(agent.error.message);

    const g = await startGatehouse(config, { logger: createLogger({ level: 'silent' }) });
    const search = () =>
      fetch(`${g.url}${getAction('people.search').path}`, {
        method: 'POST',
        headers: { 'x-api-key': agent.value.token, 'content-type': 'application/json' },
        body: JSON.stringify({ per_page: 1 }),
      }).then((r) => r.status);
    try {
      expect(await search()).toBe(200);
      const firstKey = keyLines(env.GATEHOUSE_KEY_FILE)[0];

      const rotated = await run(['secrets', 'rotate'], env);
      expect(rotated.code).toBe(0);
      expect(rotated.out).toMatch(/Rotated the data key .*Resealed: the Apollo connection/s);
      const lines = keyLines(env.GATEHOUSE_KEY_FILE);
      expect(lines).toHaveLength(2);
      expect(lines[1]).toBe(firstKey);
      expect(statSync(env.GATEHOUSE_KEY_FILE).mode & 0o777).toBe(0o600);
      // The running gateway meets a credential sealed under a key it has not loaded yet.
      expect(await search()).toBe(200);

      const dropped = await run(['secrets', 'rotate', '--drop-old', '--json'], env);
      expect(dropped.code).toBe(0);
      expect(JSON.parse(dropped.out)).toMatchObject({
        resealed: ['Apollo connection'],
        previous_keys_dropped: 2,
      });
      expect(keyLines(env.GATEHOUSE_KEY_FILE)).toHaveLength(1);
      expect(await search()).toBe(200);
    } finally {
      await g.close();
      await upstream.close();
    }

    // A fresh process with only the remaining key opens the credential.
    const after = await openStore(config, createLogger({ level: 'silent' }));
    const loaded = await after.connection.load();
    await after.close();
    expect(loaded.ok && loaded.value?.credential).toEqual({ key: sandbox.keys.master[0] });
  });

  it('with GATEHOUSE_SECRET_KEY, reseals under the new key given the old one as previous', async () => {
    const oldKey = randomBytes(32).toString('base64');
    const newKey = randomBytes(32).toString('base64');
    const db = join(root, 'env.db');
    const base = {
      GATEHOUSE_DB: db,
      GATEHOUSE_KEY_FILE: join(root, 'unused.key'),
      GATEHOUSE_LOG_LEVEL: 'silent',
    };
    const before = await openStore(
      loadConfig({ env: { ...base, GATEHOUSE_SECRET_KEY: oldKey } }),
      createLogger({ level: 'silent' }),
    );
    await before.connection.save({ kind: 'apikey', credential: { key: 'team-apollo-key' } });
    await before.close();

    const rotated = await run(['secrets', 'rotate'], {
      ...base,
      GATEHOUSE_SECRET_KEY: newKey,
      GATEHOUSE_PREVIOUS_SECRET_KEYS: oldKey,
    });
    expect(rotated.code).toBe(0);
    expect(rotated.out).toMatch(/Resealed under the key in GATEHOUSE_SECRET_KEY/);

    const after = await openStore(
      loadConfig({ env: { ...base, GATEHOUSE_SECRET_KEY: newKey } }),
      createLogger({ level: 'silent' }),
    );
    const loaded = await after.connection.load();
    await after.close();
    expect(loaded.ok && loaded.value?.credential).toEqual({ key: 'team-apollo-key' });
  });

  it('explains itself without a subcommand and refuses an unknown one', async () => {
    const env = { GATEHOUSE_DB: join(root, 'x.db'), GATEHOUSE_KEY_FILE: join(root, 'x.key') };
    const bare = await run(['secrets'], env);
    expect(bare.code).toBe(2);
    expect(bare.out).toMatch(/Usage: gatehouse secrets rotate/);
    const wrong = await run(['secrets', 'spin'], env);
    expect(wrong.code).not.toBe(0);
    expect(wrong.err).toMatch(/Unknown subcommand "secrets spin"/);
  });
});
