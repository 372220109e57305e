// Pins that the Apollo credential is stored only sealed, opens again with the right key, survives a
// key rotation by resealing, and that settings round-trip JSON values.
import { randomBytes } from 'node:crypto';

import { expect, it } from 'vitest';

import { createTestClock, describeEachDatabase } from '../../test/store/databases.js';
import { createConnectionRepository } from './connection-repository.js';
import type { ConnectionKind } from './connection-repository.js';
import { createSettingsRepository } from './settings-repository.js';
import { createKeyring, createVault } from './vault.js';

const credential = { apiKey: 'apollo-secret-key-XYZ' };
const metadata = { keyType: 'master' as const, reachableActions: ['people.search'] };

describeEachDatabase('connection repository', (t) => {
  const key = randomBytes(32);
  const setup = (vaultKey = key, previous: Buffer[] = []) => {
    const clock = createTestClock();
    const vault = createVault(createKeyring(vaultKey, previous));
    return {
      clock,
      vault,
      connection: createConnectionRepository(t.handle.db, { vault, now: clock.now }),
    };
  };

  it('stores the credential sealed and loads it unsealed', async () => {
    const { connection, vault, clock } = setup();
    expect(await connection.load()).toEqual({ ok: true, value: undefined });
    const saved = await connection.save({ kind: 'apikey', credential, metadata });
    expect(saved).toEqual({
      ok: true,
      value: {
        kind: 'apikey',
        metadata,
        keyId: vault.currentKeyId,
        createdAt: clock.now(),
        updatedAt: clock.now(),
      },
    });
    const row = await t.handle.db.selectFrom('connection').selectAll().executeTakeFirstOrThrow();
    expect(row.sealed_credential).toMatch(/^gh1\./);
    expect(JSON.stringify(row)).not.toContain('apollo-secret-key');
    expect(await connection.load()).toMatchObject({
      ok: true,
      value: { kind: 'apikey', credential, metadata },
    });
    expect(await connection.info()).not.toHaveProperty('credential');
  });

  it('replaces the connection on save, keeping its creation time', async () => {
    const { connection, clock } = setup();
    await connection.save({ kind: 'apikey', credential, metadata });
    const created = clock.now();
    clock.advance(60_000);
    await connection.save({ kind: 'oauth', credential: { accessToken: 'at', refreshToken: 'rt' } });
    expect(await connection.load()).toMatchObject({
      ok: true,
      value: {
        kind: 'oauth',
        credential: { accessToken: 'at' },
        metadata: {},
        createdAt: created,
        updatedAt: clock.now(),
      },
    });
    expect(await t.handle.db.selectFrom('connection').selectAll().execute()).toHaveLength(1);
    expect(await connection.updateMetadata({ expiresAt: 123 })).toBe(true);
    expect((await connection.info())?.metadata).toEqual({ expiresAt: 123 });
  });

  it('refuses unknown kinds and non-object credentials', async () => {
    const { connection } = setup();
    expect(await connection.save({ kind: 'password' as ConnectionKind, credential })).toMatchObject(
      {
        ok: false,
        error: { code: 'invalid_input' },
      },
    );
    expect(
      await connection.save({
        kind: 'apikey',
        credential: 'k' as unknown as Record<string, unknown>,
      }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('fails clearly without the sealing key, and reseals under a rotated key', async () => {
    await setup().connection.save({ kind: 'apikey', credential, metadata });
    const newKey = randomBytes(32);
    expect(await setup(newKey).connection.load()).toMatchObject({
      ok: false,
      error: { code: 'vault_unknown_key' },
    });
    const rotating = setup(newKey, [key]);
    expect(await rotating.connection.reseal()).toEqual({ ok: true, value: true });
    expect((await rotating.connection.info())?.keyId).toBe(rotating.vault.currentKeyId);
    expect(await setup(newKey).connection.load()).toMatchObject({
      ok: true,
      value: { credential },
    });
  });

  it('clears the connection', async () => {
    const { connection } = setup();
    await connection.save({ kind: 'apikey', credential });
    expect(await connection.clear()).toBe(true);
    expect(await connection.clear()).toBe(false);
    expect(await connection.load()).toEqual({ ok: true, value: undefined });
    expect(await connection.reseal()).toEqual({ ok: true, value: false });
  });
});

describeEachDatabase('settings repository', (t) => {
  it('round-trips JSON values and overwrites by key', async () => {
    const settings = createSettingsRepository(t.handle.db);
    expect(await settings.get('retention.days')).toBeUndefined();
    for (const value of [90, 'x', true, null, [1, 'a'], { nested: { ok: false } }]) {
      expect(await settings.set('retention.days', value)).toEqual({ ok: true, value: undefined });
      expect(await settings.get('retention.days')).toEqual(value);
    }
    expect(await settings.set('', 1)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(await settings.remove('retention.days')).toBe(true);
    expect(await settings.get('retention.days')).toBeUndefined();
  });
});
