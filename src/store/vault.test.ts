// Pins the vault: AES-256-GCM round trip in the gh1 format, tamper and purpose (AAD) detection,
// key ids for rotation, resealing under a new key, and the key file / GATEHOUSE_SECRET_KEY rules.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  createKeyring,
  createVault,
  generateSecretKey,
  keyIdOf,
  loadKeyring,
  rotateKeyFile,
} from './vault.js';

const aad = 'connection:apollo';
const secret = JSON.stringify({ apiKey: 'apollo-master-key-123' });

function flip(part: string): string {
  const bytes = Buffer.from(part, 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  return bytes.toString('base64url');
}

describe('vault', () => {
  const key = randomBytes(32);
  const vault = createVault(createKeyring(key));

  it('seals into gh1.<keyId>.<iv>.<ciphertext>.<tag> and opens it again', () => {
    const sealed = vault.seal(secret, aad);
    expect(sealed).toMatch(
      /^gh1\.[0-9a-f]{16}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/,
    );
    expect(sealed.split('.')[1]).toBe(keyIdOf(key));
    expect(vault.sealedKeyId(sealed)).toBe(vault.currentKeyId);
    expect(sealed).not.toContain('apollo-master-key');
    expect(vault.open(sealed, aad)).toEqual({ ok: true, value: secret });
    expect(vault.open(vault.seal('', aad), aad)).toEqual({ ok: true, value: '' });
  });

  it('uses a fresh IV every time', () => {
    expect(vault.seal(secret, aad)).not.toBe(vault.seal(secret, aad));
  });

  it('detects tampering with the IV, ciphertext or tag', () => {
    const parts = vault.seal(secret, aad).split('.');
    for (const index of [2, 3, 4]) {
      const tampered = parts.map((p, i) => (i === index ? flip(p) : p)).join('.');
      expect(vault.open(tampered, aad)).toMatchObject({
        ok: false,
        error: { code: 'vault_open_failed' },
      });
    }
  });

  it('refuses a value sealed for another purpose', () => {
    const sealed = vault.seal(secret, aad);
    expect(vault.open(sealed, 'settings:smtp')).toMatchObject({
      ok: false,
      error: { code: 'vault_open_failed', message: expect.stringMatching(/another purpose/) },
    });
  });

  it('names the missing key when the sealing key is not loaded', () => {
    const other = createVault(createKeyring(randomBytes(32)));
    const sealed = other.seal(secret, aad);
    const result = vault.open(sealed, aad);
    expect(result).toMatchObject({ ok: false, error: { code: 'vault_unknown_key' } });
    if (!result.ok) expect(result.error.message).toContain(other.currentKeyId);
  });

  it('refuses malformed values', () => {
    for (const bad of [
      '',
      'plain',
      'gh2.a.b.c.d',
      'gh1.zz.a.b.c',
      `gh1.${vault.currentKeyId}.a.b`,
    ]) {
      expect(vault.open(bad, aad)).toMatchObject({ ok: false, error: { code: 'vault_malformed' } });
    }
  });

  it('reseals a value under a new current key; the old key can then be dropped', () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const before = createVault(createKeyring(oldKey));
    const sealed = before.seal(secret, aad);
    const during = createVault(createKeyring(newKey, [oldKey]));
    expect(during.open(sealed, aad)).toEqual({ ok: true, value: secret });
    const resealed = during.reseal(sealed, aad);
    if (!resealed.ok) throw new Error(resealed.error.message);
    expect(during.sealedKeyId(resealed.value)).toBe(keyIdOf(newKey));
    const after = createVault(createKeyring(newKey));
    expect(after.open(resealed.value, aad)).toEqual({ ok: true, value: secret });
    expect(after.open(sealed, aad)).toMatchObject({
      ok: false,
      error: { code: 'vault_unknown_key' },
    });
    expect(during.reseal(sealed, 'other')).toMatchObject({ ok: false });
  });

  it('switches keyrings in place: new seals use the new key, older values still open', () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const v = createVault(createKeyring(oldKey));
    const before = v.seal(secret, aad);
    v.useKeyring(createKeyring(newKey, [oldKey]));
    expect(v.currentKeyId).toBe(keyIdOf(newKey));
    expect(v.sealedKeyId(v.seal(secret, aad))).toBe(keyIdOf(newKey));
    expect(v.open(before, aad)).toEqual({ ok: true, value: secret });
    v.useKeyring(createKeyring(newKey));
    const gone = v.open(before, aad);
    expect(gone.ok ? 'opened' : gone.error.code).toBe('vault_unknown_key');
  });
});

describe('loadKeyring', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-vault-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the key file on first start with mode 0600 and says so', async () => {
    const keyFile = join(dir, 'nested', 'secret.key');
    const first = await loadKeyring({ keyFile });
    if (!first.ok) throw new Error(first.error.message);
    expect(first.value).toMatchObject({ source: 'file', created: true });
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64')).toHaveLength(32);

    const second = await loadKeyring({ keyFile });
    if (!second.ok) throw new Error(second.error.message);
    expect(second.value.created).toBe(false);
    expect(second.value.keyring.current.id).toBe(first.value.keyring.current.id);
  });

  it.runIf(process.platform !== 'win32')(
    'refuses a key file readable by group or others',
    async () => {
      const keyFile = join(dir, 'secret.key');
      writeFileSync(keyFile, `${generateSecretKey()}\n`, { mode: 0o600 });
      chmodSync(keyFile, 0o640);
      const result = await loadKeyring({ keyFile });
      expect(result).toMatchObject({ ok: false, error: { code: 'key_file_insecure' } });
      if (!result.ok) expect(result.error.message).toContain(`chmod 600 ${keyFile}`);
      chmodSync(keyFile, 0o604);
      expect(await loadKeyring({ keyFile })).toMatchObject({ ok: false });
      chmodSync(keyFile, 0o600);
      expect(await loadKeyring({ keyFile })).toMatchObject({ ok: true });
    },
  );

  it('refuses a key file that holds no key or a bad line, rather than replacing it', async () => {
    const keyFile = join(dir, 'secret.key');
    writeFileSync(keyFile, '\n', { mode: 0o600 });
    expect(await loadKeyring({ keyFile })).toMatchObject({
      ok: false,
      error: { code: 'key_file_invalid' },
    });
    writeFileSync(keyFile, `${generateSecretKey()}\nnot-a-key\n`, { mode: 0o600 });
    expect(await loadKeyring({ keyFile })).toMatchObject({
      ok: false,
      error: { code: 'key_file_invalid' },
    });
    expect(readFileSync(keyFile, 'utf8')).toContain('not-a-key');
  });

  it('prefers GATEHOUSE_SECRET_KEY and never touches the key file then', async () => {
    const keyFile = join(dir, 'secret.key');
    const key = randomBytes(32);
    const result = await loadKeyring({ secretKey: key.toString('base64'), keyFile });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value).toMatchObject({ source: 'env', created: false });
    expect(result.value.keyring.current.id).toBe(keyIdOf(key));
    expect(() => statSync(keyFile)).toThrow();
    const url = await loadKeyring({ secretKey: key.toString('base64url'), keyFile });
    expect(url.ok && url.value.keyring.current.id).toBe(keyIdOf(key));
  });

  it.each([
    ['too short', randomBytes(16).toString('base64')],
    ['too long', randomBytes(33).toString('base64')],
    ['not base64', '!'.repeat(44)],
    ['empty', ''],
    ['hex', randomBytes(32).toString('hex')],
  ])('explains a bad GATEHOUSE_SECRET_KEY (%s)', async (_label, secretKey) => {
    const result = await loadKeyring({ secretKey, keyFile: join(dir, 'unused.key') });
    expect(result).toMatchObject({ ok: false, error: { code: 'secret_key_invalid' } });
    if (!result.ok) {
      expect(result.error.message).toContain('GATEHOUSE_SECRET_KEY must be 32 bytes, base64');
      if (secretKey) expect(result.error.message).not.toContain(secretKey);
    }
  });

  it('rotates the key file: a new current key in front, the old ones kept, still 0600', async () => {
    const keyFile = join(dir, 'secret.key');
    const first = await loadKeyring({ keyFile });
    if (!first.ok) throw new Error(first.error.message);
    const sealed = createVault(first.value.keyring).seal(secret, aad);

    const rotated = await rotateKeyFile(keyFile);
    if (!rotated.ok) throw new Error(rotated.error.message);
    expect(rotated.value.keyring.current.id).not.toBe(first.value.keyring.current.id);
    expect(rotated.value.keyring.previous.map((k) => k.id)).toEqual([
      first.value.keyring.current.id,
    ]);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);

    const reloaded = await loadKeyring({ keyFile });
    if (!reloaded.ok) throw new Error(reloaded.error.message);
    const vault = createVault(reloaded.value.keyring);
    expect(vault.currentKeyId).toBe(rotated.value.keyring.current.id);
    const resealed = vault.reseal(sealed, aad);
    expect(resealed.ok && vault.sealedKeyId(resealed.value)).toBe(vault.currentKeyId);
  });
});
