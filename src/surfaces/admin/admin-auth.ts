// The one check of the admin token, wherever it is presented (a bearer token on /admin/api/*, the
// console login, any other route that accepts it): throttled per client address. An address gets
// a few wrong tokens free, then is locked out for a time that doubles with each lockout; while it
// is locked out its attempts are refused with 429 *without comparing the token*, so a guess made
// then tells the guesser nothing, even when it is right. Other addresses are never affected (the
// real admin elsewhere always gets in), and a right token clears its address's record.
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

import type { Context } from 'hono';

import type { AuthThrottle, Logger } from '../../ports/index.js';

/** How the token came: the names admin changes are audited under (`admin:api`, `admin:console`). */
export type AdminVia = 'admin:api' | 'admin:console' | (string & {});

/** Options for {@link createAdminAuth}. */
export interface AdminAuthOptions {
  /** The admin token; without one every check answers 503. */
  readonly token: string | undefined;
  readonly throttle: AuthThrottle;
  /** The caller's address (the socket's, or a trusted proxy's X-Forwarded-For). */
  readonly clientIp: (c: Context) => string | null;
  readonly logger: Logger;
}

/** The admin-token check every surface shares. */
export interface AdminAuth {
  /**
   * Checks a presented admin token: null when it is the admin token, otherwise the refusal to
   * send (401 wrong token, 429 while the caller's address is locked out, 503 no admin token).
   */
  verify(c: Context, presented: string, via: AdminVia): Promise<Response | null>;
  /**
   * The same check for a route that answers everyone but tells an admin more: true only for the
   * admin token from an address that is not locked out. A wrong token counts as a failure (the
   * longer answer would otherwise confirm guesses); no token counts for nothing.
   */
  isAdmin(c: Context, presented: string | undefined, via: AdminVia): Promise<boolean>;
  /**
   * A console person's sign-in, under the same per-address throttle as the token: `attempt`
   * answers the person when the email and password are theirs. While the address is locked out
   * `attempt` is not called. Answers the person, or the refusal to send.
   */
  signIn<T>(
    c: Context,
    attempt: () => Promise<T | null>,
  ): Promise<{ ok: true; value: T } | { ok: false; response: Response }>;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();
/** Constant-time comparison of two secrets of any length (their hashes are compared). */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

/**
 * The key an address is throttled under: an IPv4 address itself (IPv4-mapped IPv6 included), an
 * IPv6 address by its /64, since one machine commonly holds a whole /64 and could otherwise take
 * a fresh address per guess. Requests with no known address share one key.
 */
export function throttleKey(ip: string | null): string {
  if (!ip) return 'unknown';
  const address = ip
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/%.*$/, '');
  if (isIPv4(address)) return address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address)?.[1];
  if (mapped && isIPv4(mapped)) return mapped;
  if (!isIPv6(address)) return address.slice(0, 100);
  const [head = '', tail] = address.split('::');
  const groups = (part: string) =>
    part ? part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])) : [];
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${all
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

/** "45 seconds", "2 minutes", "1 hour". */
export function describeWait(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  if (s < 60) return `${s} second${s === 1 ? '' : 's'}`;
  const m = Math.ceil(s / 60);
  if (m % 60 === 0) return `${m / 60} hour${m === 60 ? '' : 's'}`;
  return `${m} minute${m === 1 ? '' : 's'}`;
}

type Outcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'off' }
  | { readonly kind: 'locked'; readonly retryAfterMs: number }
  | { readonly kind: 'wrong'; readonly lockedForMs: number | null };

/** The admin-token check, throttled by `options.throttle`, logging every failure and refusal. */
export function createAdminAuth(options: AdminAuthOptions): AdminAuth {
  const { throttle, logger } = options;

  async function check(c: Context, presented: string, via: AdminVia): Promise<Outcome> {
    const token = options.token;
    if (!token) return { kind: 'off' };
    return throttled(c, via, async () => sameSecret(presented, token), 'wrong admin token');
  }

  /** Checks a credential with `right` unless the caller's address is locked out. */
  async function throttled(
    c: Context,
    via: AdminVia,
    right: () => Promise<boolean>,
    wrongWords: string,
  ): Promise<Outcome> {
    const ip = options.clientIp(c);
    const key = throttleKey(ip);
    const attempt = await throttle.attempt(key);
    if (!attempt.ok) {
      // Not compared: whether this token was right stays unknown to whoever sent it.
      logger.warn(
        { via, ip, throttle_key: key, retry_after_s: Math.ceil(attempt.retryAfterMs / 1000) },
        'admin authentication refused unchecked: too many failures from this address',
      );
      return { kind: 'locked', retryAfterMs: attempt.retryAfterMs };
    }
    if (await right()) {
      if (attempt.failures > 0) {
        logger.info(
          { via, ip, throttle_key: key, failures: attempt.failures },
          'admin authenticated after failures from this address; its failures are cleared',
        );
      }
      await throttle.succeeded(key);
      return { kind: 'ok' };
    }
    const locked = await throttle.failed(key, attempt.failures);
    logger.warn(
      {
        via,
        ip,
        throttle_key: key,
        failures: attempt.failures + 1,
        ...(locked ? { locked_for_s: locked.lockedForMs / 1000, lockout: locked.lockout } : {}),
      },
      locked
        ? `admin authentication failed: ${wrongWords}; this address is locked out`
        : `admin authentication failed: ${wrongWords}`,
    );
    return { kind: 'wrong', lockedForMs: locked?.lockedForMs ?? null };
  }

  const locked = (c: Context, retryAfterMs: number) => {
    const retryAfter = Math.ceil(retryAfterMs / 1000);
    c.header('retry-after', String(retryAfter));
    return c.json(
      {
        error: `Too many failed admin authentications from this address: try again in ${describeWait(retryAfterMs)}. Until then every attempt from it is refused without being checked.`,
        retry_after_seconds: retryAfter,
      },
      429,
    );
  };

  return {
    async signIn(c, attempt) {
      let found: Awaited<ReturnType<typeof attempt>> = null;
      const outcome = await throttled(
        c,
        'admin:console',
        async () => (found = await attempt()) !== null,
        'wrong email or password',
      );
      if (outcome.kind === 'ok' && found !== null) return { ok: true, value: found };
      if (outcome.kind === 'locked')
        return { ok: false, response: locked(c, outcome.retryAfterMs) };
      const lockedFor = outcome.kind === 'wrong' ? outcome.lockedForMs : null;
      return {
        ok: false,
        response: c.json(
          {
            error: lockedFor
              ? `That email and password do not match a console person. Too many failures from this address: it is locked out for ${describeWait(lockedFor)}.`
              : 'That email and password do not match a console person (ask an admin: gatehouse admin add).',
          },
          401,
        ),
      };
    },
    async isAdmin(c, presented, via) {
      if (presented === undefined) return false;
      return (await check(c, presented, via)).kind === 'ok';
    },
    async verify(c, presented, via) {
      const outcome = await check(c, presented, via);
      switch (outcome.kind) {
        case 'ok':
          return null;
        case 'off':
          // Reached only when console people keep the admin API on without a token.
          return c.json(
            {
              error:
                'This Gatehouse has no admin token (GATEHOUSE_ADMIN_TOKEN), so no token is accepted: sign in as a console person, or set the token (32 or more characters) for automation and restart.',
            },
            401,
          );
        case 'locked':
          return locked(c, outcome.retryAfterMs);
        case 'wrong':
          return c.json(
            {
              error: outcome.lockedForMs
                ? `That is not the admin token. Too many failures from this address: it is locked out for ${describeWait(outcome.lockedForMs)}.`
                : 'That is not the admin token.',
            },
            401,
          );
      }
    },
  };
}
