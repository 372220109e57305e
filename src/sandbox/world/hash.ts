// Every datum of the world is a pure function of (seed, indices): these integer hashes are the
// only source of randomness, so the same seed always rebuilds the same world and nothing large
// needs storing.

/** A 32-bit avalanche mix (lowbias32); a bijection on uint32. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** A uint32 seed from any JS number (fractions, negatives and huge values included). */
export function seed32(seed: number): number {
  const text = String(seed);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return mix32(h >>> 0);
}

/** Hash of a seed and up to four integers (each taken modulo 2^32). */
export function hash(s: number, a: number, b = 0, c = 0, d = 0): number {
  let x = mix32((s ^ Math.imul(a, 0x9e3779b1)) >>> 0);
  x = mix32(((x ^ Math.imul(b, 0x85ebca77)) + 0x165667b1) >>> 0);
  x = mix32(((x ^ Math.imul(c, 0xc2b2ae3d)) + 0x27d4eb2f) >>> 0);
  return mix32(((x ^ Math.imul(d, 0x27d4eb2d)) + 0x61c88647) >>> 0);
}

/** A uniform number in [0, 1) from a hash. */
export function unit(h: number): number {
  return h / 4294967296;
}

/** Eight lower-case hex digits. */
export function hex8(x: number): string {
  return (x >>> 0).toString(16).padStart(8, '0');
}

/** Salts: one per independent stream of data, so streams never correlate. Values are stable. */
export const salt = {
  org: 2,
  orgJobs: 12,
  orgNameAffine: 15,
  orgPhone: 16,
  orgId: 17,
  orgIdCheck: 18,
  personId: 19,
  personIdCheck: 20,
  personAttr: 21,
  personHistory: 22,
  linkedin: 23,
  requestId: 24,
  requestIdLow: 25,
  crm: 26,
  crmLow: 27,
  crmSeed: 28,
  delay: 29,
} as const;

/** A 4-round Feistel network on two uint32 halves: a keyed bijection of 64 bits. */
export function feistel(s: number, key: number, left: number, right: number): [number, number] {
  let l = left >>> 0;
  let r = right >>> 0;
  for (let round = 0; round < 4; round++) {
    if (round % 2 === 0) l = (l ^ hash(s, key, round, r)) >>> 0;
    else r = (r ^ hash(s, key, round, l)) >>> 0;
  }
  return [l, r];
}

/** Inverse of `feistel` for the same seed and key. */
export function unfeistel(s: number, key: number, left: number, right: number): [number, number] {
  let l = left >>> 0;
  let r = right >>> 0;
  for (let round = 3; round >= 0; round--) {
    if (round % 2 === 0) l = (l ^ hash(s, key, round, r)) >>> 0;
    else r = (r ^ hash(s, key, round, l)) >>> 0;
  }
  return [l, r];
}

/** Greatest common divisor of two non-negative integers. */
export function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** The inverse of a modulo m (a and m coprime, m < 2^26 so products stay exact). */
export function modInverse(a: number, m: number): number {
  let [oldR, r] = [a % m, m];
  let [oldS, s] = [1, 0];
  while (r !== 0) {
    const q = Math.floor(oldR / r);
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % m) + m) % m;
}

/**
 * A small sequential generator (mulberry32) for many draws about one entity, seeded by a hash:
 * far cheaper than one `hash` call per draw. Returns uniform uint32 values.
 */
export function stream(start: number): () => number {
  let a = start >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
