import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes as nodeRandomBytes,
} from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

import { ok } from '../core/result.js';
import type { Result } from '../core/result.js';

import { storeError } from './errors.js';
import type { StoreError } from './errors.js';
import type { RandomBytes } from './ids.js';

/** One 256-bit key and its id (a short hash of the key, so ids are stable and need no registry). */
export interface VaultKey {
  readonly id: string;
  readonly key: Buffer;
}

/** The key that seals, plus older keys that may still open values sealed before a rotation. */
export interface Keyring {
  readonly current: VaultKey;
  readonly previous: readonly VaultKey[];
}

/**
 * AES-256-GCM sealing of secrets at rest. A sealed value is the self-describing string
 * `gh1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url parts): the key id says which key opens it,
 * and the AAD (e.g. `connection:apollo`) binds it to its purpose, so a value copied into another
 * slot does not open there.
 */
export interface Vault {
  /** Id of the key `seal` uses. */
  readonly currentKeyId: string;
  /** Encrypts `plaintext` under the current key with a fresh random 12-byte IV. */
  seal(plaintext: string, aad: string): string;
  /** Decrypts; fails on a malformed value, an unknown key id, tampering or a different AAD. */
  open(sealed: string, aad: string): Result<string, StoreError>;
  /** Opens with whichever key sealed it and seals again under the current key (for rotation). */
  reseal(sealed: string, aad: string): Result<string, StoreError>;
  /** The key id a sealed value names, without opening it; undefined if malformed. */
  sealedKeyId(sealed: string): string | undefined;
  /**
   * Switches to another keyring (after `gatehouse secrets rotate` in another process): values
   * sealed under any of its keys open from now on, and new ones are sealed under its current key.
   */
  useKeyring(keyring: Keyring): void;
}

const version = 'gh1';
const keyBytes = 32;
const ivBytes = 12;
const tagBytes = 16;
const keyIdPattern = /^[0-9a-f]{16}$/;
const base64urlPattern = /^[A-Za-z0-9_-]*$/;

/** The id of a key: 64 bits of SHA-256 over a domain-separated copy of it (reveals nothing). */
export function keyIdOf(key: Uint8Array): string {
  return createHash('sha256')
    .update('gatehouse vault key id\0')
    .update(key)
    .digest('hex')
    .slice(0, 16);
}

/** Builds a keyring from raw 32-byte keys; throws on a wrong length (a programming error). */
export function createKeyring(current: Uint8Array, previous: readonly Uint8Array[] = []): Keyring {
  const toKey = (key: Uint8Array): VaultKey => {
    if (key.length !== keyBytes) throw new Error(`vault keys are ${keyBytes} bytes`);
    return { id: keyIdOf(key), key: Buffer.from(key) };
  };
  const head = toKey(current);
  const rest: VaultKey[] = [];
  for (const key of previous.map(toKey)) {
    if (key.id !== head.id && !rest.some((k) => k.id === key.id)) rest.push(key);
  }
  return { current: head, previous: rest };
}

/** Creates a vault over a keyring. */
export function createVault(initial: Keyring, randomBytes: RandomBytes = nodeRandomBytes): Vault {
  let keyring = initial;
  let byId = new Map<string, Buffer>();
  const index = () => {
    byId = new Map([[keyring.current.id, keyring.current.key]]);
    for (const k of keyring.previous) byId.set(k.id, k.key);
  };
  index();

  // The header is authenticated too, so neither the version nor the key id can be swapped.
  const additionalData = (keyId: string, aad: string): Buffer =>
    Buffer.from(`${version}\0${keyId}\0${aad}`, 'utf8');

  function seal(plaintext: string, aad: string): string {
    const { id, key } = keyring.current;
    const iv = Buffer.from(randomBytes(ivBytes));
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: tagBytes });
    cipher.setAAD(additionalData(id, aad));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [version, id, iv, ciphertext, tag]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  function openSealed(sealed: string, aad: string): Result<string, StoreError> {
    const parts = typeof sealed === 'string' ? sealed.split('.') : [];
    const [v, keyId, ivText, ctText, tagText] = parts;
    if (
      parts.length !== 5 ||
      v !== version ||
      keyId === undefined ||
      !keyIdPattern.test(keyId) ||
      ![ivText, ctText, tagText].every((p) => p !== undefined && base64urlPattern.test(p))
    ) {
      return storeError('vault_malformed', 'the sealed secret is not in the gh1 format');
    }
    const iv = Buffer.from(ivText ?? '', 'base64url');
    const tag = Buffer.from(tagText ?? '', 'base64url');
    if (iv.length !== ivBytes || tag.length !== tagBytes) {
      return storeError('vault_malformed', 'the sealed secret is not in the gh1 format');
    }
    const key = byId.get(keyId);
    if (!key) {
      const known = [...byId.keys()].join(', ');
      return storeError(
        'vault_unknown_key',
        `the secret was sealed with key ${keyId}, which is not loaded (loaded: ${known}); ` +
          'restore the key file or GATEHOUSE_SECRET_KEY that sealed it',
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: tagBytes });
      decipher.setAAD(additionalData(keyId, aad));
      decipher.setAuthTag(tag);
      const plaintext = Buffer.concat([
        decipher.update(Buffer.from(ctText ?? '', 'base64url')),
        decipher.final(),
      ]);
      return ok(plaintext.toString('utf8'));
    } catch (error) {
      // GCM cannot tell these apart, by design: any change to the value or its purpose fails.
      return storeError(
        'vault_open_failed',
        'the sealed secret failed authentication: it was altered, or it belongs to another purpose',
        error,
      );
    }
  }

  return {
    get currentKeyId() {
      return keyring.current.id;
    },
    seal,
    open: openSealed,
    reseal(sealed, aad) {
      const opened = openSealed(sealed, aad);
      return opened.ok ? ok(seal(opened.value, aad)) : opened;
    },
    sealedKeyId(sealed) {
      const [v, keyId] = sealed.split('.');
      return v === version && keyId !== undefined && keyIdPattern.test(keyId) ? keyId : undefined;
    },
    useKeyring(next) {
      keyring = next;
      index();
    },
  };
}

/** Where the keys come from: the environment variable wins, else the key file. */
export interface LoadKeyringOptions {
  /** GATEHOUSE_SECRET_KEY: base64 of 32 bytes. */
  secretKey?: string | undefined;
  /** Older keys (base64) that must still open values sealed before a rotation. */
  previousSecretKeys?: readonly string[];
  /** Used when `secretKey` is not given; created (mode 0600) with a new key if missing. */
  keyFile: string;
  randomBytes?: RandomBytes;
}

/** A loaded keyring; `created` tells the caller to warn the admin to back the new key file up. */
export interface LoadedKeyring {
  keyring: Keyring;
  source: 'env' | 'file';
  created: boolean;
}

/**
 * Loads the vault keys from GATEHOUSE_SECRET_KEY if given, else from the key file, which is
 * created on first start. The key file holds one base64 key per line, current first; older lines
 * are previous keys kept for rotation. A key file that group or others may read or write is
 * refused: readable leaks every secret, writable lets someone plant their own key.
 */
export async function loadKeyring(
  options: LoadKeyringOptions,
): Promise<Result<LoadedKeyring, StoreError>> {
  if (options.secretKey !== undefined) {
    const current = decodeKey(options.secretKey);
    if (!current) {
      return storeError(
        'secret_key_invalid',
        'GATEHOUSE_SECRET_KEY must be 32 bytes, base64 (make one with: openssl rand -base64 32)',
      );
    }
    const previous: Buffer[] = [];
    for (const [i, text] of (options.previousSecretKeys ?? []).entries()) {
      const key = decodeKey(text);
      if (!key) {
        return storeError(
          'secret_key_invalid',
          `previous secret key #${i + 1} must be 32 bytes, base64`,
        );
      }
      previous.push(key);
    }
    return ok({ keyring: createKeyring(current, previous), source: 'env', created: false });
  }
  return readOrCreateKeyFile(options.keyFile, options.randomBytes ?? nodeRandomBytes);
}

/**
 * Puts a new key in front of the key file, keeping the old ones as previous keys, and returns the
 * new keyring. The file is replaced atomically (write, fsync, rename), so a crash leaves either
 * the old file or the new one. Reseal every secret afterwards; old lines may then be removed.
 */
export async function rotateKeyFile(
  keyFile: string,
  randomBytes: RandomBytes = nodeRandomBytes,
): Promise<Result<LoadedKeyring, StoreError>> {
  const loaded = await readKeyFile(keyFile);
  if (!loaded.ok) return loaded;
  const fresh = Buffer.from(randomBytes(keyBytes));
  const keys = [fresh, loaded.value.current.key, ...loaded.value.previous.map((k) => k.key)];
  const written = await replaceKeyFile(keyFile, keys, randomBytes);
  if (!written.ok) return written;
  return ok({ keyring: createKeyring(fresh, keys.slice(1)), source: 'file', created: false });
}

/**
 * Rewrites the key file with its current key only (atomically), retiring the previous keys once
 * every secret has been resealed. Values still sealed under a dropped key no longer open.
 */
export async function dropPreviousKeys(
  keyFile: string,
  randomBytes: RandomBytes = nodeRandomBytes,
): Promise<Result<number, StoreError>> {
  const loaded = await readKeyFile(keyFile);
  if (!loaded.ok) return loaded;
  const written = await replaceKeyFile(keyFile, [loaded.value.current.key], randomBytes);
  if (!written.ok) return written;
  return ok(loaded.value.previous.length);
}

/** A new random key, base64: what GATEHOUSE_SECRET_KEY or a key file line holds. */
export function generateSecretKey(randomBytes: RandomBytes = nodeRandomBytes): string {
  return Buffer.from(randomBytes(keyBytes)).toString('base64');
}

async function readOrCreateKeyFile(
  keyFile: string,
  randomBytes: RandomBytes,
): Promise<Result<LoadedKeyring, StoreError>> {
  const existing = await readKeyFile(keyFile);
  if (existing.ok) return ok({ keyring: existing.value, source: 'file', created: false });
  if ((existing.error.cause as NodeJS.ErrnoException | undefined)?.code !== 'ENOENT') {
    return existing;
  }
  const key = Buffer.from(randomBytes(keyBytes));
  try {
    await mkdir(dirname(keyFile), { recursive: true, mode: 0o700 });
    await writeNewFile(keyFile, `${key.toString('base64')}\n`);
  } catch (error) {
    if ((error as { code?: string }).code === 'EEXIST') {
      // Another process created it first: use theirs, so every replica shares one key.
      const raced = await readKeyFile(keyFile);
      return raced.ok ? ok({ keyring: raced.value, source: 'file', created: false }) : raced;
    }
    return storeError(
      'key_file_unreadable',
      `cannot create key file ${keyFile}: ${message(error)}`,
      error,
    );
  }
  return ok({ keyring: createKeyring(key), source: 'file', created: true });
}

async function readKeyFile(keyFile: string): Promise<Result<Keyring, StoreError>> {
  let handle: FileHandle;
  try {
    handle = await open(keyFile, 'r');
  } catch (error) {
    return storeError(
      'key_file_unreadable',
      `cannot read key file ${keyFile}: ${message(error)}`,
      error,
    );
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return storeError('key_file_invalid', `key file ${keyFile} is not a file`);
    // POSIX permission bits mean nothing on Windows; there the ACLs are the admin's business.
    if (process.platform !== 'win32' && (stats.mode & 0o077) !== 0) {
      const mode = (stats.mode & 0o777).toString(8).padStart(4, '0');
      return storeError(
        'key_file_insecure',
        `key file ${keyFile} is accessible by group or others (mode ${mode}); ` +
          `run: chmod 600 ${keyFile}`,
      );
    }
    const lines = (await handle.readFile('utf8'))
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    const keys: Buffer[] = [];
    for (const [i, line] of lines.entries()) {
      const key = decodeKey(line);
      if (!key) {
        return storeError(
          'key_file_invalid',
          `key file ${keyFile}, key ${i + 1}: each line must be 32 bytes, base64`,
        );
      }
      keys.push(key);
    }
    const [current, ...previous] = keys;
    if (!current) {
      return storeError(
        'key_file_invalid',
        `key file ${keyFile} holds no key; restore it from backup (a new key cannot open old secrets)`,
      );
    }
    return ok(createKeyring(current, previous));
  } finally {
    await handle.close();
  }
}

/** Replaces the key file atomically (write a 0600 temp file, fsync, rename). */
async function replaceKeyFile(
  keyFile: string,
  keys: readonly Buffer[],
  randomBytes: RandomBytes,
): Promise<Result<void, StoreError>> {
  const temp = `${keyFile}.${Buffer.from(randomBytes(6)).toString('hex')}.tmp`;
  try {
    await writeNewFile(temp, keys.map((k) => k.toString('base64')).join('\n') + '\n');
    await rename(temp, keyFile);
    return ok(undefined);
  } catch (error) {
    await unlink(temp).catch(() => {});
    return storeError(
      'key_file_unreadable',
      `cannot write key file ${keyFile}: ${message(error)}`,
      error,
    );
  }
}

async function writeNewFile(path: string, content: string): Promise<void> {
  // `wx`: never overwrite a key that exists; 0600 from the first byte, not chmod afterwards.
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function decodeKey(text: string): Buffer | undefined {
  const trimmed = typeof text === 'string' ? text.trim() : '';
  // Buffer.from(…, 'base64') silently skips junk, so check the alphabet first (standard or url).
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return undefined;
  const key = Buffer.from(trimmed, 'base64');
  return key.length === keyBytes ? key : undefined;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
