import { randomBytes } from 'node:crypto';

/** A deterministic stream of numbers in [0, 1). */
export type Random = () => number;

/** FNV-1a, to turn a seed and a label into independent 32-bit stream seeds. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A seeded generator (mulberry32) for one labelled stream: the same seed and label always give the
 * same sequence, and streams with different labels do not disturb each other.
 */
export function seededRandom(seed: number, label: string): Random {
  let state = hash32(`${seed}:${label}`);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const alphanumeric = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * An unguessable secret (keys, client ids, OAuth codes and tokens): letters and digits only, as
 * many characters as base64url would give for `bytes` (22 for 16 bytes, ~131 bits). Never '-' or
 * '_': a client id or key that began with '-' would read as an option on a command line.
 */
export function randomSecret(bytes = 16): string {
  const length = Math.ceil((bytes * 8) / 6);
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length)) {
      // 248 = 4 × 62: rejecting the top 8 byte values keeps every character equally likely.
      if (b < 248 && out.length < length) out += alphanumeric[b % 62];
    }
  }
  return out;
}
