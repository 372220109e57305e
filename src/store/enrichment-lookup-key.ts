// The secret behind the enrichment cache's hashed identity keys. The cache is looked up by
// identity (an email, a LinkedIn URL, a name at a domain), and an identity must not lie in the
// database readable, so rows are filed under HMAC-SHA-256(lookup key, identity) instead.
//
// Why a separate random secret, stored sealed, rather than one derived from the data key: a key
// rotation would change a derived HMAC key, and the cache could only be re-keyed from the
// plaintext identities, which are exactly what it no longer keeps. The lookup key is generated
// once (the first replica to store it wins), sealed under the data key like every other secret,
// and resealed, not changed, by `gatehouse secrets rotate`: the hashes stay valid across rotations
// and the old data key is no longer needed to open it. Whoever can open the vault can compute the
// hashes, which is no more than they could already read.
import { createHmac, randomBytes as nodeRandomBytes } from 'node:crypto';

import type { Kysely } from 'kysely';

import { ok } from '../core/result.js';
import type { Result } from '../core/result.js';

import { parseJsonObject, stringifyJson } from './codec.js';
import type { Database } from './db.js';
import { storeError } from './errors.js';
import type { StoreError } from './errors.js';
import type { RandomBytes } from './ids.js';
import type { Sealer } from './sealer.js';

/** The settings row that holds the sealed lookup key. */
export const lookupKeySetting = 'enrichment_cache.lookup_key';
/** Binds the sealed lookup key to its settings row. */
export const lookupKeyAad = `settings:${lookupKeySetting}`;

/** Hashes one normalised identity key into the value stored in `enrichment_cache.key`. */
export type KeyHasher = (key: string) => string;

const lookupKeyBytes = 32;

/** The lookup key, created and stored sealed if the database has none yet. */
export async function loadLookupKey(
  db: Kysely<Database>,
  sealer: Sealer,
  deps: { randomBytes?: RandomBytes; now?: () => number } = {},
): Promise<Result<Buffer, StoreError>> {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const row = await db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', lookupKeySetting)
      .executeTakeFirst();
    if (row) return openLookupKey(row.value, sealer);
    const fresh = Buffer.from((deps.randomBytes ?? nodeRandomBytes)(lookupKeyBytes));
    const value = stringifyJson({ sealed: sealer.seal(fresh.toString('base64'), lookupKeyAad) });
    // Replicas starting together may race here: the first insert wins and every one reads it.
    await db
      .insertInto('settings')
      .values({ key: lookupKeySetting, value: value!, updated_at: (deps.now ?? Date.now)() })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
  }
  return storeError('vault_malformed', 'the enrichment cache lookup key could not be stored');
}

/** A key hasher over the lookup key, loaded on first use and kept (one HMAC per key after that). */
export function createKeyHasher(
  db: Kysely<Database>,
  sealer: Sealer,
  deps: { randomBytes?: RandomBytes; now?: () => number } = {},
): () => Promise<KeyHasher> {
  let loading: Promise<KeyHasher> | null = null;
  return () => {
    loading ??= loadLookupKey(db, sealer, deps).then((loaded) => {
      if (!loaded.ok) {
        // Not kept: the next call tries again (the key may be restored meanwhile).
        loading = null;
        throw new Error(`enrichment cache lookup key: ${loaded.error.message}`);
      }
      return hasherOf(loaded.value);
    });
    return loading;
  };
}

/** HMAC-SHA-256 of the identity under the lookup key, base64url (43 characters, no `:`). */
export function hasherOf(lookupKey: Buffer): KeyHasher {
  return (key) => createHmac('sha256', lookupKey).update(key, 'utf8').digest('base64url');
}

/**
 * Seals the stored lookup key again under the current data key (the key itself is unchanged).
 * True when it was resealed, false when there is none or it is already under the current key.
 */
export async function resealLookupKey(
  db: Kysely<Database>,
  sealer: Sealer,
): Promise<Result<boolean, StoreError>> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', lookupKeySetting)
    .executeTakeFirst();
  if (!row) return ok(false);
  const sealed = sealedOf(row.value);
  if (sealed === undefined) return malformed();
  if (sealer.sealedKeyId(sealed) === sealer.currentKeyId) return ok(false);
  const resealed = await sealer.reseal(sealed, lookupKeyAad);
  if (!resealed.ok) return resealed;
  // Guarded by the old value: a concurrent reseal of the same row is simply not repeated.
  await db
    .updateTable('settings')
    .set({ value: stringifyJson({ sealed: resealed.value })! })
    .where('key', '=', lookupKeySetting)
    .where('value', '=', row.value)
    .execute();
  return ok(true);
}

/** The data key id the stored lookup key is sealed under, or undefined when there is none. */
export async function lookupKeyKeyId(
  db: Kysely<Database>,
  sealer: Sealer,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', lookupKeySetting)
    .executeTakeFirst();
  const sealed = row && sealedOf(row.value);
  return sealed === undefined ? undefined : sealer.sealedKeyId(sealed);
}

async function openLookupKey(value: string, sealer: Sealer): Promise<Result<Buffer, StoreError>> {
  const sealed = sealedOf(value);
  if (sealed === undefined) return malformed();
  const opened = await sealer.open(sealed, lookupKeyAad);
  if (!opened.ok) return opened;
  const key = Buffer.from(opened.value, 'base64');
  return key.length === lookupKeyBytes ? ok(key) : malformed();
}

function sealedOf(value: string): string | undefined {
  const sealed = parseJsonObject(value).sealed;
  return typeof sealed === 'string' ? sealed : undefined;
}

function malformed(): { ok: false; error: StoreError } {
  return storeError(
    'vault_malformed',
    `the setting ${lookupKeySetting} is not a sealed lookup key; delete it to start the cache afresh`,
  );
}
