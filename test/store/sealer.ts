// A vault-backed sealer for store tests: a fresh random data key per call, like a new install.
import { randomBytes } from 'node:crypto';

import { createSealer } from '../../src/store/sealer.js';
import type { Sealer } from '../../src/store/sealer.js';
import { createKeyring, createVault } from '../../src/store/vault.js';
import type { Vault } from '../../src/store/vault.js';

/** A sealer over a new vault, and that vault (to rotate its keyring in a test). */
export function createTestSealer(): Sealer & { readonly vault: Vault } {
  const vault = createVault(createKeyring(randomBytes(32)));
  return Object.assign(createSealer(vault), { vault });
}
