// Pins how the repositories of end-user data open values: a value sealed under a key another
// process rotated in opens after one reload of the keys, and a key that is nowhere to be found
// costs one reload per process, not one per read.
import { randomBytes } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { createSealer } from './sealer.js';
import { createKeyring, createVault } from './vault.js';

describe('sealer', () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);

  it('reloads the keys once to open a value sealed under a key rotated in elsewhere', async () => {
    const here = createVault(createKeyring(k1));
    const elsewhere = createVault(createKeyring(k2, [k1]));
    let reloads = 0;
    const sealer = createSealer(here, async () => {
      reloads += 1;
      here.useKeyring(createKeyring(k2, [k1]));
    });
    const sealed = elsewhere.seal('+1 555 0100', 'deliveries:r1:payload');

    const [a, b] = await Promise.all([
      sealer.open(sealed, 'deliveries:r1:payload'),
      sealer.open(sealed, 'deliveries:r1:payload'),
    ]);
    expect(a).toEqual({ ok: true, value: '+1 555 0100' });
    expect(b).toEqual({ ok: true, value: '+1 555 0100' });
    expect(reloads).toBe(1);
    // From now on this process seals under the new key too.
    expect(sealer.currentKeyId).toBe(elsewhere.currentKeyId);
    expect(sealer.sealedKeyId(sealer.seal('x', 'a'))).toBe(elsewhere.currentKeyId);
  });

  it('reports a key found nowhere, and does not reload again for it', async () => {
    const here = createVault(createKeyring(k1));
    let reloads = 0;
    const sealer = createSealer(here, async () => void (reloads += 1));
    const foreign = createVault(createKeyring(randomBytes(32))).seal('ada@example.org', 'aad');

    const first = await sealer.open(foreign, 'aad');
    const second = await sealer.open(foreign, 'aad');
    expect(!first.ok && first.error.code).toBe('vault_unknown_key');
    expect(!second.ok && second.error.code).toBe('vault_unknown_key');
    expect(reloads).toBe(1);
  });

  it('does not reload for a value bound to another purpose or altered', async () => {
    const here = createVault(createKeyring(k1));
    let reloads = 0;
    const sealer = createSealer(here, async () => void (reloads += 1));
    const sealed = sealer.seal('Ada Lovelace', 'approvals:apr_1:input');

    const moved = await sealer.open(sealed, 'approvals:apr_2:input');
    expect(!moved.ok && moved.error.code).toBe('vault_open_failed');
    const resealed = await sealer.reseal(sealed, 'approvals:apr_1:input');
    expect(resealed.ok && (await sealer.open(resealed.value, 'approvals:apr_1:input'))).toEqual({
      ok: true,
      value: 'Ada Lovelace',
    });
    expect(reloads).toBe(0);
  });
});
