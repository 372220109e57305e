// The stored credential is unsealed once per stored version: a new `connect` (new row) is seen on
// the next call, an unchanged row is not decrypted again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';

import { describeWithPostgres, postgresSchema } from '../../test/helpers/postgres-required.js';

import { loadConfig } from '../config/config.js';

import { createAgentDirectory, createGrantSource, storedCredential } from './adapters.js';
import { callVersions } from './read-cache.js';
import { createLogger } from './logger.js';
import { openStore, type StoreServices } from '../store/open-store.js';

let store: StoreServices | undefined;
let dir = '';
afterEach(async () => {
  await store?.close();
  store = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('unseals the stored key once per stored version and sees a replaced key at once', async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-adapters-'));
  let now = 1_000;
  const config = loadConfig({
    env: { GATEHOUSE_DB: join(dir, 'g.db'), GATEHOUSE_KEY_FILE: join(dir, 'k') },
  });
  store = await openStore(config, createLogger({ level: 'silent' }), () => now);
  const source = storedCredential(store);
  expect(await source.current()).toBeNull();

  await store.connection.save({ kind: 'apikey', credential: { key: 'first-key' } });
  let unsealed = 0;
  const load = store.connection.load.bind(store.connection);
  store.connection.load = () => {
    unsealed += 1;
    return load();
  };
  for (let i = 0; i < 3; i++) {
    expect(await source.current()).toEqual({ kind: 'apikey', key: 'first-key' });
  }
  expect(unsealed).toBe(1);

  now += 1;
  await store.connection.save({ kind: 'oauth', credential: { accessToken: 'second-token' } });
  expect(await source.current()).toEqual({ kind: 'oauth', accessToken: 'second-token' });
  expect(unsealed).toBe(2);

  await store.connection.clear();
  expect(await source.current()).toBeNull();
});

describeWithPostgres('agents and grants kept in memory on Postgres', () => {
  let schema: Awaited<ReturnType<typeof postgresSchema>>;
  const stores: StoreServices[] = [];
  beforeAll(async () => {
    schema = await postgresSchema();
  });
  afterAll(async () => {
    for (const s of stores.splice(0)) await s.close();
    await schema?.drop();
  });

  it("keeps a replica's lookups while nothing changed, and sees another replica's revoke and grant on the next call", async () => {
    const keyDir = mkdtempSync(join(tmpdir(), 'gatehouse-adapters-pg-'));
    const config = loadConfig({
      env: { GATEHOUSE_DB: schema.url, GATEHOUSE_KEY_FILE: join(keyDir, 'k') },
    });
    try {
      const here = await openStore(config, createLogger({ level: 'silent' }));
      stores.push(here);
      const other = await openStore(config, createLogger({ level: 'silent' }));
      stores.push(other);
      const created = await other.agents.create({
        name: 'cached-bot',
        grants: [{ target: 'people', level: 'read', requiresApproval: false }],
      });
      if (!created.ok) throw new Error(created.error.message);
      const { token, agent } = created.value;

      let reads = 0;
      for (const repo of [here.agents, here.grants] as const) {
        for (const name of ['findByToken', 'list'] as const) {
          const f = (repo as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[
            name
          ];
          if (!f) continue;
          (repo as unknown as Record<string, unknown>)[name] = (...a: unknown[]) => {
            reads += 1;
            return f.apply(repo, a);
          };
        }
      }
      const directory = createAgentDirectory(here, createLogger({ level: 'silent' }));
      const grants = createGrantSource(here);
      const versions = callVersions(here.handle.changeVersion);
      const call = () =>
        versions.within(async () => {
          const who = await directory.authenticate(token);
          return { who: who?.name ?? null, grants: who ? await grants.grantsFor(who.id) : [] };
        });
      try {
        expect(await call()).toEqual({
          who: 'cached-bot',
          grants: [expect.objectContaining({ target: 'people', level: 'read' })],
        });
        expect(reads).toBe(2);
        await call();
        await call();
        expect(reads).toBe(2);

        expect((await other.grants.set(agent.id, 'contacts', 'full', { by: 'test' })).ok).toBe(
          true,
        );
        expect((await call()).grants.map((g) => g.target).sort()).toEqual(['contacts', 'people']);

        expect((await other.agents.revoke(agent.id)).ok).toBe(true);
        expect(await call()).toEqual({ who: null, grants: [] });
      } finally {
        directory.stop();
      }
    } finally {
      rmSync(keyDir, { recursive: true, force: true });
    }
  });
});
