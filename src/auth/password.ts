// Console people's passwords, hashed with scrypt (memory-hard, in Node's own crypto: no native
// addon to build). Parameters: N = 2^15, r = 8, p = 1, about 32 MiB and 50-100 ms per hash on
// one core: OWASP's recommended minimum for scrypt. They are stored in the hash itself
// (`scrypt$N$r$p$salt$hash`), so raising them later leaves old hashes verifiable.
import {
  randomBytes,
  scrypt as scryptCallback,
  timingSafeEqual,
  type ScryptOptions,
} from 'node:crypto';

const scrypt = (password: string, salt: Buffer, length: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCallback(password.normalize('NFKC'), salt, length, options, (e, key) =>
      e ? reject(e) : resolve(key),
    ),
  );

/** Today's parameters. */
export const scryptParams = { N: 2 ** 15, r: 8, p: 1 } as const;
const keyLength = 32;

const maxmem = (N: number, r: number) => 128 * N * r * 2;

/** The stored form of `password`. */
export async function hashPassword(password: string, params = scryptParams): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p } = params;
  const key = await scrypt(password, salt, keyLength, { N, r, p, maxmem: maxmem(N, r) });
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

// Checked when the email is unknown, so an unknown address costs the same time as a known one.
let decoy: Promise<string> | undefined;

/**
 * Whether `password` matches `stored` (compared in constant time). A null or malformed `stored`
 * still costs one hash and answers false: timing does not tell which emails have accounts.
 */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const m = stored ? /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([\w-]+)\$([\w-]+)$/.exec(stored) : null;
  if (!m) {
    decoy ??= hashPassword('decoy password, never a real one');
    await verifyPassword(password, await decoy);
    return false;
  }
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // A stored hash is ours, but keep a corrupted row from asking for gigabytes.
  if (N > 2 ** 20 || r > 32 || p > 16) return false;
  const expected = Buffer.from(m[5]!, 'base64url');
  const key = await scrypt(password, Buffer.from(m[4]!, 'base64url'), expected.length, {
    N,
    r,
    p,
    maxmem: maxmem(N, r),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}
