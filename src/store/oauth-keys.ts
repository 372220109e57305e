// The MCP authorization server's keys, derived from the data keys (GATEHOUSE_SECRET_KEY or the key
// file) with HKDF-SHA256, so that every replica with the same data key signs and verifies with the
// same keys and nothing new has to be stored, backed up or shared. Deriving is one-way: a signing
// key or cookie key says nothing about the data key. The current data key's keys sign; the keys of
// previous data keys (GATEHOUSE_PREVIOUS_SECRET_KEYS) still verify, so a rotation does not break
// cookies and signatures made just before it. Never log what this returns.
import { createECDH, hkdfSync } from 'node:crypto';

import type { Keyring } from './vault.js';

/** A private EC P-256 JSON Web Key (ES256). */
export interface SigningJwk {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly kid: string;
  readonly use: 'sig';
  readonly alg: 'ES256';
  readonly d: string;
  readonly x: string;
  readonly y: string;
}

/** What oidc-provider is configured with. */
export interface OAuthKeys {
  /** Signing keys, the current data key's first. */
  readonly jwks: { readonly keys: readonly SigningJwk[] };
  /** Cookie signing keys (Keygrip), the current first. */
  readonly cookieKeys: readonly string[];
}

// The order of the P-256 group: a derived scalar must be below it (and not zero).
const p256Order = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

const derive = (key: Buffer, label: string): Buffer =>
  Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `gatehouse mcp oauth ${label}`, 32));

function signingKey(key: Buffer, keyId: string): SigningJwk {
  // A 256-bit HKDF output is at or above the order about once in 2^32 derivations: take the next.
  for (let counter = 0; ; counter++) {
    const d = derive(key, `es256 signing key ${counter}`);
    const scalar = BigInt(`0x${d.toString('hex')}`);
    if (scalar === 0n || scalar >= p256Order) continue;
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(d);
    const point = ecdh.getPublicKey(); // 0x04 || x || y
    return {
      kty: 'EC',
      crv: 'P-256',
      kid: `gh-${keyId}`,
      use: 'sig',
      alg: 'ES256',
      d: d.toString('base64url'),
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33, 65).toString('base64url'),
    };
  }
}

/** The authorization server's keys for a keyring. */
export function deriveOAuthKeys(keyring: Keyring): OAuthKeys {
  const all = [keyring.current, ...keyring.previous];
  return {
    jwks: { keys: all.map((k) => signingKey(k.key, k.id)) },
    cookieKeys: all.map((k) => derive(k.key, 'cookie key').toString('base64url')),
  };
}
