// `gatehouse secrets rotate`: a new data key, every secret resealed (the Apollo credential and the
// end-user data: the enrichment cache, deliveries, approvals), nothing lost, the old key no longer
// needed afterwards, and a gateway that was already running keeps calling Apollo with the same
// agent tokens (no downtime).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { openStore, type StoreServices } from '../../src/store/open-store.js';
import { startGatehouse } from '../../src/app/start.js';
import { getAction } from '../../src/catalog/index.js';
import { loadConfig } from '../../src/config/config.js';
import { createSandbox } from '../../src/sandbox/index.js';
import { createWorld } from '../../src/sandbox/world/index.js';
import {
  createApprovalRepository,
  createDeliveryRepository,
  createEnrichmentCacheRepository,
  createKeyring,
  createSealer,
  createVault,
  type Sealer,
} from '../../src/store/index.js';
import { runCliWith } from '../helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'gatehouse-secrets-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const run = (args: string[], env: Record<string, string>) => runCliWith(env, args);

const keyLines = (file: string) => readFileSync(file, 'utf8').trim().split('\n');

const day = 86_400_000;
const person = { id: '5e66b6381e05b4008c8331b8', name: 'Rota Prospect', email: 'rota@x.example' };
const cacheKeys = [
  'sandbox/person:id:5e66b6381e05b4008c8331b8',
  'sandbox/person:email:rota@x.example',
];
const receiver = 'ab'.repeat(32);
const payload = '{"people":[{"id":"p1","phone_numbers":[{"sanitized_number":"+15550100"}]}]}';
const approvalId = `apr_${'0'.repeat(32)}`;
const held = { first_name: 'Rota', last_name: 'Prospect', email: 'rota@x.example' };

/** The repositories of end-user data over a store, sealed by its vault. */
const dataOf = (store: { handle: StoreServices['handle']; sealer: Sealer }) => ({
  cache: createEnrichmentCacheRepository(store.handle.db, { sealer: store.sealer }),
  deliveries: createDeliveryRepository(store.handle.db, { sealer: store.sealer }),
  approvals: createApprovalRepository(store.handle.db, { sealer: store.sealer }),
});

/** A cached person under two keys, one delivered phone reveal and one held approval. */
async function writeEndUserData(store: StoreServices) {
  const data = dataOf(store);
  const now = Date.now();
  const entry = { kind: 'person' as const, body: person, credits: 1 };
  const put = await data.cache.put(
    cacheKeys,
    { ...entry, revealPersonalEmails: false, revealPhoneNumber: false },
    day,
  );
  expect(put.ok).toBe(true);
  await data.deliveries.create({
    receiverHash: receiver,
    agentId: 'agt_1',
    agentName: 'bot',
    rule: 'people.reveal=read',
    actionId: 'people.match',
    callAuditId: 'aud_1',
    auditId: 'aud_2',
    surface: 'rest',
    what: 'phone numbers',
    requestId: '-42',
    createdAt: now,
    nextPollAt: now + 30_000,
  });
  await data.deliveries.settle(receiver, { state: 'delivered', at: now, payload });
  await data.approvals.create({
    id: approvalId,
    agentId: 'agt_1',
    agentName: 'writer',
    surface: 'rest',
    actionId: 'contacts.create',
    rule: 'contacts=full',
    input: held,
    inputHash: 'h',
    target: 'a contact',
    reason: 'Rota asked for a call',
    auditId: 'aud_3',
    createdAt: now,
    expiresAt: now + day,
  });
}

/** Everything written above opens again. */
async function expectEndUserData(store: StoreServices) {
  const data = dataOf(store);
  for (const key of cacheKeys) {
    expect((await data.cache.get([key], Date.now()))?.body).toEqual(person);
  }
  expect((await data.deliveries.byReceiver(receiver))?.payload).toBe(payload);
  expect(await data.approvals.get(approvalId)).toMatchObject({
    input: held,
    reason: 'Rota asked for a call',
  });
}

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

  it('reseals the cache, deliveries and approvals with a count per table, after which the old key is not needed', async () => {
    const env = {
      GATEHOUSE_DB: join(root, 'data.db'),
      GATEHOUSE_KEY_FILE: join(root, 'data.key'),
      GATEHOUSE_LOG_LEVEL: 'silent',
    };
    const config = loadConfig({ env });
    const before = await openStore(config, createLogger({ level: 'silent' }));
    await writeEndUserData(before);
    await before.close();
    const firstKey = keyLines(env.GATEHOUSE_KEY_FILE)[0];

    const rotated = await run(['secrets', 'rotate', '--json'], env);
    expect(rotated.code).toBe(0);
    const none = { enrichment_cache: 0, deliveries: 0, approvals: 0, settings: 0 };
    expect(JSON.parse(rotated.out)).toMatchObject({
      resealed: [],
      resealed_rows: { enrichment_cache: 2, deliveries: 1, approvals: 1, settings: 1 },
      still_under_previous_keys: none,
    });

    const dropped = await run(['secrets', 'rotate', '--drop-old'], env);
    expect(dropped.code).toBe(0);
    expect(dropped.out).toContain(
      "Resealed end-user data: 2 enrichment cache rows, 1 delivery, 1 approval, the enrichment cache's lookup key.",
    );
    expect(dropped.out).toContain('Dropped 2 previous keys from the key file.');
    const [onlyKey, ...rest] = keyLines(env.GATEHOUSE_KEY_FILE);
    expect(rest).toEqual([]);

    // Only the newest key is left, and everything opens under it, the cache by the same keys.
    expect(onlyKey).not.toBe(firstKey);
    const after = await openStore(config, createLogger({ level: 'silent' }));
    try {
      await expectEndUserData(after);
      // A process holding only the first key opens none of it: it was all resealed.
      const first = createSealer(createVault(createKeyring(Buffer.from(firstKey!, 'base64'))));
      const old = dataOf({ handle: after.handle, sealer: first });
      await expect(old.approvals.get(approvalId)).rejects.toThrow(/does not open/);
      await expect(old.deliveries.byReceiver(receiver)).rejects.toThrow(/does not open/);
    } finally {
      await after.close();
    }
  });

  it('refuses --drop-old while a row is still sealed under a key it cannot reseal, and drops nothing', async () => {
    const env = {
      GATEHOUSE_DB: join(root, 'stuck.db'),
      GATEHOUSE_KEY_FILE: join(root, 'stuck.key'),
      GATEHOUSE_LOG_LEVEL: 'silent',
    };
    const config = loadConfig({ env });
    const before = await openStore(config, createLogger({ level: 'silent' }));
    await writeEndUserData(before);
    // The delivery sealed under a key this installation never had (a foreign restore).
    const foreign = createVault(createKeyring(randomBytes(32)));
    await before.handle.db
      .updateTable('deliveries')
      .set({
        payload: foreign.seal(payload, `deliveries:${receiver}:payload`),
        key_id: foreign.currentKeyId,
      })
      .execute();
    await before.close();

    const refused = await run(['secrets', 'rotate', '--drop-old', '--json'], env);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/--drop-old refused: 1 delivery still sealed under a previous key/);
    expect(JSON.parse(refused.out)).toMatchObject({
      resealed_rows: { enrichment_cache: 2, deliveries: 0, approvals: 1, settings: 1 },
      still_under_previous_keys: { enrichment_cache: 0, deliveries: 1, approvals: 0, settings: 0 },
      previous_keys_dropped: 0,
    });
    expect(keyLines(env.GATEHOUSE_KEY_FILE)).toHaveLength(2);
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
