// The vault as the repositories of end-user data use it: seal with the current data key, and open
// whatever the database holds even when another process (`gatehouse secrets rotate`) resealed it
// under a key this process has not loaded yet.
import type { Result } from '../core/result.js';

import type { StoreError } from './errors.js';
import type { Vault } from './vault.js';

/** Seals and opens values at rest; opening reloads the keys once when it meets an unknown key. */
export interface Sealer {
  /** Id of the key `seal` uses now (it changes when the keys are reloaded). */
  readonly currentKeyId: string;
  /** AES-256-GCM under the current data key, bound to `aad` (see vault.ts). */
  seal(plaintext: string, aad: string): string;
  /** Opens a sealed value; see {@link createSealer} for what happens on an unknown key. */
  open(sealed: string, aad: string): Promise<Result<string, StoreError>>;
  /** Opens with whichever key sealed it and seals again under the current key. */
  reseal(sealed: string, aad: string): Promise<Result<string, StoreError>>;
  /** The key id a sealed value names, without opening it; undefined if malformed. */
  sealedKeyId(sealed: string): string | undefined;
}

/** Most key ids remembered as missing; more can only come from a database full of junk. */
const maxMissing = 64;

/**
 * A sealer over `vault`. When a value names a key the vault has not loaded, `reloadKeys` (the key
 * file or variables, re-read) runs once, shared by every open waiting on it, and the open is
 * retried: after a rotation in another process the new key is in the key file before any row is
 * sealed under it. A key id still missing after a reload is remembered and never triggers another
 * reload (it was dropped, or belongs to another installation), so a bad row costs one file read
 * per process, not one per lookup.
 */
export function createSealer(vault: Vault, reloadKeys?: () => Promise<void>): Sealer {
  const missing = new Set<string>();
  let reloading: Promise<void> | null = null;

  async function withReload(
    sealed: string,
    attempt: () => Result<string, StoreError>,
  ): Promise<Result<string, StoreError>> {
    const first = attempt();
    if (first.ok || first.error.code !== 'vault_unknown_key' || !reloadKeys) return first;
    const keyId = vault.sealedKeyId(sealed);
    if (keyId === undefined || missing.has(keyId)) return first;
    reloading ??= reloadKeys().finally(() => {
      reloading = null;
    });
    // A failed reload leaves the keys as they were; the retry then reports the unknown key.
    await reloading.catch(() => undefined);
    const second = attempt();
    if (!second.ok && second.error.code === 'vault_unknown_key' && missing.size < maxMissing) {
      missing.add(keyId);
    }
    return second;
  }

  return {
    get currentKeyId() {
      return vault.currentKeyId;
    },
    seal: (plaintext, aad) => vault.seal(plaintext, aad),
    open: (sealed, aad) => withReload(sealed, () => vault.open(sealed, aad)),
    reseal: (sealed, aad) => withReload(sealed, () => vault.reseal(sealed, aad)),
    sealedKeyId: (sealed) => vault.sealedKeyId(sealed),
  };
}
