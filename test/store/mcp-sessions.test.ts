// The MCP session store contract, on every implementation replicas may share (Redis, the database
// on SQLite and Postgres) and on memory: a session is found by its key until it is removed or idle
// past the limit, using it restarts the idle time, and one agent holds at most its bound (the least
// recently used ends first, the new one never).
import { randomBytes } from 'node:crypto';

import { afterAll, describe, expect, it, vi } from 'vitest';

import type { McpSessionRecord, McpSessionStore } from '../../src/ports/mcp-sessions.js';
import { createMcpSessionRepository } from '../../src/store/mcp-session-repository.js';
import { createRedisMcpSessions } from '../../src/store/mcp-session-redis.js';
import { createRedisShared } from '../../src/store/redis-shared.js';
import { memoryMcpSessions } from '../../src/surfaces/mcp/memory-sessions.js';
import { redisUrl, requireRedis } from '../helpers/redis.js';

import { describeEachDatabase } from './databases.js';

const key = () => randomBytes(32).toString('hex');
const agent = () => `agt_${randomBytes(6).toString('hex')}`;
const record = (agentId: string, at: number): McpSessionRecord => ({
  agentId,
  protocolVersion: '2025-06-18',
  clientInfo: { name: 'claude-code', version: '1.2.3' },
  clientCapabilities: { roots: { listChanged: true } },
  createdAt: at,
  lastSeenAt: at,
});

/**
 * The contract. `manualClock`: the store decides idleness from the `now` it is given (memory, the
 * database); otherwise it expires entries on its own clock (Redis) and the test waits for it.
 */
function contract(stores: () => McpSessionStore, manualClock: boolean) {
  const t0 = 1_700_000_000_000;
  const limits = { idleMs: manualClock ? 60_000 : 250, maxPerAgent: 3 };

  it('finds a session by key with what it was created with, and nothing for another key', async () => {
    const store = stores();
    const k = key();
    const a = agent();
    await store.create(k, record(a, t0), limits);
    expect(await store.touch(k, t0 + 10, limits.idleMs)).toMatchObject({
      agentId: a,
      protocolVersion: '2025-06-18',
      clientInfo: { name: 'claude-code', version: '1.2.3' },
      clientCapabilities: { roots: { listChanged: true } },
      createdAt: t0,
    });
    expect(await store.touch(key(), t0 + 10, limits.idleMs)).toBeNull();
    expect(await store.alive([k, key()], t0 + 10, limits.idleMs)).toEqual(new Set([k]));
  });

  it('ends a removed session', async () => {
    const store = stores();
    const k = key();
    await store.create(k, record(agent(), t0), limits);
    await store.remove(k);
    expect(await store.touch(k, t0 + 1, limits.idleMs)).toBeNull();
    expect(await store.alive([k], t0 + 1, limits.idleMs)).toEqual(new Set());
    await store.remove(k);
  });

  it('ends a session idle past the limit', async () => {
    const store = stores();
    const k = key();
    await store.create(k, record(agent(), manualClock ? t0 : Date.now()), limits);
    if (manualClock) {
      const later = t0 + limits.idleMs + 1;
      expect(await store.alive([k], later, limits.idleMs)).toEqual(new Set());
      expect(await store.touch(k, later, limits.idleMs)).toBeNull();
      // Gone for good, whatever clock asks next.
      expect(await store.touch(k, t0 + 1, limits.idleMs)).toBeNull();
    } else {
      // Polled without touching it: touching restarts the idle time.
      await vi.waitFor(
        async () => expect(await store.alive([k], Date.now(), limits.idleMs)).toEqual(new Set()),
        { timeout: 5_000, interval: 50 },
      );
      expect(await store.touch(k, Date.now(), limits.idleMs)).toBeNull();
    }
  });

  if (manualClock) {
    it('restarts the idle time when the session is used', async () => {
      const store = stores();
      const k = key();
      await store.create(k, record(agent(), t0), limits);
      const used = t0 + limits.idleMs * 0.8;
      expect(await store.touch(k, used, limits.idleMs)).not.toBeNull();
      const later = t0 + limits.idleMs * 1.5;
      expect(await store.alive([k], later, limits.idleMs)).toEqual(new Set([k]));
      expect(await store.touch(k, later, limits.idleMs)).not.toBeNull();
    });

    it('prunes idle sessions', async () => {
      const store = stores();
      const k = key();
      await store.create(k, record(agent(), t0), limits);
      expect(await store.prune?.(t0 + limits.idleMs * 10, limits.idleMs)).toBeGreaterThan(0);
      expect(await store.touch(k, t0, limits.idleMs)).toBeNull();
    });
  }

  it('keeps at most the bound per agent, ending the least recently used first', async () => {
    const store = stores();
    const a = agent();
    const b = agent();
    const at = manualClock ? t0 : Date.now();
    // Uses further apart than the stores' write granularity for the last use (a share of the
    // idle time), and all within the idle time.
    const step = manualClock ? limits.idleMs / 10 : 1;
    const keys = [key(), key(), key(), key(), key()];
    const theirs = key();
    await store.create(theirs, record(b, at), limits);
    await store.create(keys[0]!, record(a, at + 1 * step), limits);
    await store.create(keys[1]!, record(a, at + 2 * step), limits);
    await store.create(keys[2]!, record(a, at + 3 * step), limits);
    // The oldest is used again, so the next one to go is keys[1].
    expect(await store.touch(keys[0]!, at + 4 * step, limits.idleMs)).not.toBeNull();
    await store.create(keys[3]!, record(a, at + 5 * step), limits);
    const now = at + 6 * step;
    expect(await store.alive([...keys, theirs], now, limits.idleMs)).toEqual(
      new Set([keys[0], keys[2], keys[3], theirs]),
    );
    // Created at the same instant as the others: the new session still stays.
    await store.create(keys[4]!, record(a, at + 5 * step), limits);
    const alive = await store.alive(keys, now, limits.idleMs);
    expect(alive.has(keys[4]!)).toBe(true);
    expect(alive.size).toBe(3);
  });
}

describe('MCP sessions [memory]', () => {
  contract(memoryMcpSessions, true);
});

describeEachDatabase('MCP sessions', (t) => {
  contract(() => createMcpSessionRepository(t.handle.db), true);
});

const withRedis = await requireRedis();
describe.runIf(withRedis)('MCP sessions [redis]', () => {
  const shared = createRedisShared(redisUrl, { namespace: 'mcp-sessions-test' });
  const prefix = `gatehouse-test:mcp:${randomBytes(6).toString('hex')}`;
  afterAll(async () => {
    const client = await shared.client();
    const left = await client.keys(`${prefix}:*`);
    if (left.length) await client.del(...left);
    await shared.close();
  });
  contract(() => createRedisMcpSessions(shared, { keyPrefix: prefix }), false);

  it('keeps each session under its key, expiring after the idle time', async () => {
    const store = createRedisMcpSessions(shared, { keyPrefix: prefix });
    const k = key();
    await store.create(k, record(agent(), Date.now()), { idleMs: 60_000, maxPerAgent: 3 });
    const client = await shared.client();
    expect(await client.exists(`${prefix}:session:${k}`)).toBe(1);
    expect(await client.pttl(`${prefix}:session:${k}`)).toBeGreaterThan(50_000);
  });
});
