// What replicas share in Redis: Apollo's rate windows, credits of calls in flight, a
// lock (the single OAuth refresh) and console sessions.
//
// Rate windows: one Lua script checks
// every window of a bucket and then counts the call in all of them, atomically: a call is counted
// everywhere or nowhere, so N replicas together never send more than any window allows. A window
// starts with its first call, as Apollo's do, and lasts its length plus a margin, so
// ours never reopens before Apollo's (whose clock starts when the request arrives, a little later).
import { Redis } from 'ioredis';

import { randomBytes } from 'node:crypto';

import { createHash } from 'node:crypto';

import type {
  ConsoleSession,
  SessionStore,
  SharedLock,
  SharedReservations,
  SharedTake,
  SharedWindowLimits,
  SharedWindows,
} from '../ports/index.js';

const windowNames = ['minute', 'hour', 'day'] as const;
const windowMs = [60_000, 3_600_000, 86_400_000] as const;

// KEYS: minute, hour, day counters, the hold key, the "known" marker and the probe key. ARGV:
// three limits (-1: unlimited), three window lengths in ms, the probe's longest life in ms.
// Returns {1, m, h, d, probe} when counted, {0, retryAfterMs, windowIndex} when not (index 0: held
// after Apollo's 429; 4: waiting for a probe).
//
// The counts are known only once an answer from Apollo has been settled into them. A Redis that
// is new or lost its data (a restart without persistence) starts every window at zero although
// Apollo's may be nearly spent, so until then one call goes alone (the probe) and the others
// wait for what Apollo's rate headers say; the probe key expires on its own if its replica dies.
const takeScript = `
local held = redis.call('PTTL', KEYS[4])
if held > 0 then return {0, held, 0} end
local probe = 0
if redis.call('EXISTS', KEYS[5]) == 0 then
  if not redis.call('SET', KEYS[6], '1', 'PX', ARGV[7], 'NX') then
    local left = redis.call('PTTL', KEYS[6])
    if left < 1 or left > 100 then left = 100 end
    return {0, left, 4}
  end
  probe = 1
end
for i = 1, 3 do
  local limit = tonumber(ARGV[i])
  if limit >= 0 then
    local used = tonumber(redis.call('GET', KEYS[i]) or '0')
    if used >= limit then
      local ttl = redis.call('PTTL', KEYS[i])
      if ttl < 0 then ttl = tonumber(ARGV[3 + i]) end
      return {0, ttl, i}
    end
  end
end
local counts = {}
for i = 1, 3 do
  if tonumber(ARGV[i]) >= 0 then
    local used = redis.call('INCR', KEYS[i])
    if used == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[3 + i]) end
    counts[i] = used
  else
    counts[i] = -1
  end
end
return {1, counts[1], counts[2], counts[3], probe}
`;

// KEYS: minute, hour, day counters, the known marker, the probe key. ARGV: Apollo's count per
// window (-1: not said), three window lengths in ms, 1 to mark the counts known, 1 to end a probe.
// A count is only ever raised: calls of ours still on their way to Apollo are in ours, not yet in
// Apollo's. A window Apollo counts that we had not opened lasts its full length from now.
const settleScript = `
for i = 1, 3 do
  local used = tonumber(ARGV[i])
  if used >= 0 then
    local ours = tonumber(redis.call('GET', KEYS[i]) or '0')
    if used > ours then
      local ttl = redis.call('PTTL', KEYS[i])
      if ttl > 0 then
        redis.call('SET', KEYS[i], used, 'PX', ttl)
      else
        redis.call('SET', KEYS[i], used, 'PX', ARGV[3 + i])
      end
    end
  end
end
if ARGV[7] == '1' then redis.call('SET', KEYS[4], '1') end
if ARGV[8] == '1' then redis.call('DEL', KEYS[5]) end
return 1
`;

// Gives one call back in each window that still counts it (never below zero).
const releaseScript = `
for i = 1, 3 do
  local used = tonumber(redis.call('GET', KEYS[i]) or '0')
  if used > 0 then redis.call('DECR', KEYS[i]) end
end
return 1
`;

// Extends the hold to ARGV[1] ms unless a longer one is already set.
const holdScript = `
local left = redis.call('PTTL', KEYS[1])
if left < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 1
`;

// Deletes the lock only if it still holds this holder's token (never someone else's).
const unlockScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

// KEYS[1]: the agent's in-flight credits. ARGV: needed, then (limit, spent) per period. Adds
// `needed` only when every period stays within its limit; returns {1} or {0, period index, in flight}.
const reserveScript = `
local inflight = tonumber(redis.call('GET', KEYS[1]) or '0')
local needed = tonumber(ARGV[1])
local n = (#ARGV - 1) / 2
for i = 1, n do
  local limit = tonumber(ARGV[2 * i])
  local spent = tonumber(ARGV[2 * i + 1])
  if spent + inflight + needed > limit + 1e-9 then return {0, i, tostring(inflight)} end
end
redis.call('INCRBYFLOAT', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], 600000)
return {1}
`;

const releaseCreditsScript = `
local left = tonumber(redis.call('INCRBYFLOAT', KEYS[1], '-' .. ARGV[1]))
if left <= 1e-9 then redis.call('DEL', KEYS[1]) end
return 1
`;

/** Options for {@link createRedisShared}. */
export interface RedisSharedOptions {
  /** Separates upstreams (the sandbox never shares windows with real Apollo). */
  readonly namespace: string;
  /** Added to every window's length (default 500 ms). */
  readonly marginMs?: number;
  /** Give up on a Redis command after this long (default 1 s): calls fail closed, not hang. */
  readonly commandTimeoutMs?: number;
  /**
   * The longest a probe (the one call sent while the shared counts are unknown) keeps the others
   * waiting when its answer never settles, e.g. its replica died: the upstream timeout plus a
   * margin (default 35 s).
   */
  readonly probeTtlMs?: number;
}

/** The connection itself, for adapters that keep their own keys in the same Redis. */
export interface RedisConnection {
  /** The client, connected (or trying to: its commands then fail at once, never queue). */
  client(): Promise<Redis>;
}

/** Connects to Redis (lazily) and returns the shared windows, reservations, lock and sessions. */
export function createRedisShared(
  url: string,
  options: RedisSharedOptions,
): SharedWindows & SharedLock & SharedReservations & SessionStore & RedisConnection {
  const redis = new Redis(url, {
    lazyConnect: true,
    // A command while disconnected fails at once instead of queueing behind a reconnect.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: options.commandTimeoutMs ?? 1_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  // Errors surface on the commands that fail; the client reconnects on its own.
  redis.on('error', () => undefined);
  // Sent once and called by SHA afterwards (EVALSHA, falling back to EVAL after a Redis restart),
  // instead of shipping each script's text with every call.
  const scripts = {
    take: takeScript,
    settle: settleScript,
    release: releaseScript,
    hold: holdScript,
    reserve: reserveScript,
    releaseCredits: releaseCreditsScript,
    unlock: unlockScript,
  } as const;
  for (const [name, lua] of Object.entries(scripts)) redis.defineCommand(`gh_${name}`, { lua });
  const run = (name: keyof typeof scripts, keyCount: number, ...args: string[]) =>
    (redis as unknown as Record<string, (...a: Array<string | number>) => Promise<unknown>>)[
      `gh_${name}`
    ]!(keyCount, ...args);
  let connecting: Promise<void> | null = null;
  const ready = () => {
    if (redis.status === 'ready') return Promise.resolve();
    if (redis.status === 'wait' || redis.status === 'end') {
      connecting ??= redis.connect().finally(() => (connecting = null));
    }
    return connecting ?? Promise.resolve();
  };
  const margin = options.marginMs ?? 500;
  const lengths = windowMs.map((ms) => String(ms + margin));
  const sessionKey = (id: string) =>
    `gatehouse:session:${createHash('sha256').update(id).digest('hex')}`;
  const probeTtl = String(Math.max(1, Math.round(options.probeTtlMs ?? 35_000)));
  const keys = (bucket: string) => {
    const base = `gatehouse:pace:${options.namespace}:${bucket}`;
    return [
      ...windowNames.map((w) => `${base}:${w}`),
      `${base}:hold`,
      `${base}:known`,
      `${base}:probe`,
    ];
  };

  return {
    async take(bucket, limits: SharedWindowLimits): Promise<SharedTake> {
      await ready();
      const args = windowNames.map((w) => String(limits[w] ?? -1));
      const answer = (await run(
        'take',
        6,
        ...keys(bucket),
        ...args,
        ...lengths,
        probeTtl,
      )) as number[];
      if (answer[0] === 1) {
        const count = (v: number | undefined) => (v === undefined || v < 0 ? null : v);
        return {
          ok: true,
          counts: { minute: count(answer[1]), hour: count(answer[2]), day: count(answer[3]) },
          probe: answer[4] === 1,
        };
      }
      const index = answer[2] ?? 0;
      return {
        ok: false,
        retryAfterMs: Math.max(1, answer[1] ?? 1),
        window: index > 0 && index < 4 ? windowNames[index - 1]! : null,
        ...(index === 4 ? { probing: true } : {}),
      };
    },
    async settle(bucket, usage, probe) {
      await ready();
      const k = keys(bucket);
      const used = windowNames.map((w) => String(usage?.[w] ?? -1));
      await run(
        'settle',
        5,
        ...k.slice(0, 3),
        k[4]!,
        k[5]!,
        ...used,
        ...lengths,
        usage ? '1' : '0',
        probe ? '1' : '0',
      );
    },
    async hold(bucket, ms) {
      await ready();
      await run('hold', 1, keys(bucket)[3]!, String(Math.max(1, Math.round(ms))));
    },
    async ping() {
      await ready();
      await redis.ping();
    },
    async reserveCredits(agentId, needed, periods) {
      await ready();
      const key = `gatehouse:inflight:${options.namespace}:${agentId}`;
      const args = [String(needed), ...periods.flatMap((p) => [String(p.limit), String(p.spent)])];
      const answer = (await run('reserve', 1, key, ...args)) as Array<number | string>;
      if (answer[0] === 1) return { ok: true };
      const index = Number(answer[1]) - 1;
      return { ok: false, period: periods[index]!.period, inFlight: Number(answer[2] ?? 0) };
    },
    async releaseCredits(agentId, credits) {
      await ready();
      const key = `gatehouse:inflight:${options.namespace}:${agentId}`;
      await run('releaseCredits', 1, key, String(credits));
    },
    async release(bucket) {
      await ready();
      await run('release', 3, ...keys(bucket).slice(0, 3));
    },
    // Sessions are stored under a hash of their id: a Redis reader cannot use one.
    async create(id, session, idleMs) {
      await ready();
      await redis.set(sessionKey(id), JSON.stringify(session), 'PX', idleMs);
    },
    async touch(id, idleMs) {
      await ready();
      const key = sessionKey(id);
      const value = await redis.get(key);
      if (value === null) return null;
      await redis.pexpire(key, idleMs);
      return parseSession(value);
    },
    async remove(id) {
      await ready();
      await redis.del(sessionKey(id));
    },
    async acquire(name, ttlMs) {
      await ready();
      const key = `gatehouse:lock:${options.namespace}:${name}`;
      const token = randomBytes(16).toString('hex');
      const got = await redis.set(key, token, 'PX', Math.max(1, Math.round(ttlMs)), 'NX');
      if (got !== 'OK') return null;
      return async () => {
        await run('unlock', 1, key, token).catch(() => undefined);
      };
    },
    async client() {
      await ready().catch(() => undefined);
      return redis;
    },
    async close() {
      redis.disconnect();
    },
  };
}

/**
 * A stored console session. Before console people (0.1 sessions held only the CSRF token) a
 * session was the admin token's: such a value still reads as one, until it idles out.
 */
export function parseSession(value: string): ConsoleSession | null {
  if (!value.startsWith('{')) return { csrf: value, person: null };
  try {
    const v = JSON.parse(value) as { csrf?: unknown; person?: unknown };
    return typeof v.csrf === 'string' && (v.person === null || typeof v.person === 'string')
      ? { csrf: v.csrf, person: v.person }
      : null;
  } catch {
    return null;
  }
}
