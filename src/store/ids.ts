import { randomBytes as nodeRandomBytes, randomFillSync } from 'node:crypto';

/** A source of random bytes; injectable so tests can make ids and tokens deterministic. */
export type RandomBytes = (size: number) => Buffer;

/** Crockford base32, lowercase: digits sort before letters in byte order and in every collation. */
const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';

/** Encodes bytes as base32, 5 bits per character (10 bytes → 16 characters). */
export function encodeBase32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += alphabet[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += alphabet[(buffer << (5 - bits)) & 31];
  return out;
}

function encodeTime(ms: number): string {
  let out = '';
  let rest = ms;
  for (let i = 0; i < 10; i++) {
    out = alphabet[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

/** A random identifier with a type prefix, e.g. `agt_` + 16 base32 characters (80 bits). */
export function createRandomId(prefix: string, randomBytes: RandomBytes = nodeRandomBytes): string {
  return prefix + encodeBase32(randomBytes(10));
}

/**
 * Random bytes for ids that are not secrets (record ids): drawn from a 4 KiB pool the operating
 * system's CSPRNG refills, each byte handed out once. One `randomBytes(10)` call per id cost more
 * than encoding it (bench:profile); tokens and keys still come straight from `randomBytes`.
 */
export function pooledRandomBytes(size: number): Buffer {
  if (size > 256) return nodeRandomBytes(size);
  if (poolOffset + size > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const out = Buffer.from(pool.subarray(poolOffset, poolOffset + size));
  poolOffset += size;
  return out;
}
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

/**
 * Makes ULID-style ids: `prefix` + 10 characters of millisecond time + 16 characters of
 * randomness (80 bits). Fixed length and a sorted alphabet make string order equal time order; ids
 * made by one factory strictly increase even within one millisecond or if the clock steps back
 * (the random part is incremented, as in the ULID spec's monotonic mode).
 */
export function createUlidFactory(
  prefix: string,
  randomBytes: RandomBytes = pooledRandomBytes,
): (time: number) => string {
  let lastTime = -1;
  let lastRandom = Buffer.alloc(10);
  return (time) => {
    const ms = Math.max(0, Math.trunc(time));
    if (ms > lastTime) {
      lastTime = ms;
      lastRandom = Buffer.from(randomBytes(10));
    } else if (!increment(lastRandom)) {
      // 2^80 ids in one millisecond cannot happen; borrow the next millisecond if it somehow does.
      lastTime += 1;
      lastRandom = Buffer.from(randomBytes(10));
    }
    return prefix + encodeTime(lastTime) + encodeBase32(lastRandom);
  };
}

function increment(bytes: Buffer): boolean {
  for (let i = bytes.length - 1; i >= 0; i--) {
    if (bytes[i] !== 0xff) {
      bytes[i] = (bytes[i] ?? 0) + 1;
      return true;
    }
    bytes[i] = 0;
  }
  return false;
}
