// The stored credential is unsealed once per stored version: a new `connect` (new row) is seen on
// the next call, an unchanged row is not decrypted again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, expect, it } from 'vitest';

import { loadConfig } from '../config/config.js';

import { storedCredential } from './adapters.js';
import { createLogger } from './logger.js';
import { openStore, type StoreServices } from '../store/open-store.js';

let store: StoreServices | undefined;
let dir = '';
afterEach(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
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
