// MCP sessions in Redis, shared by every replica: one key per session (a SHA-256 of its id, never
// the id) expiring after the idle time, and per agent a sorted set of its sessions by last use, so
// the bound on sessions per agent holds across replicas. Each change is one script, atomic.
//
// The scripts touch keys named from their arguments (the agent's set, evicted sessions), which a
// single Redis or a replicated primary allows; Redis Cluster would need the keys in one slot.
import type { McpSessionRecord, McpSessionStore } from '../ports/mcp-sessions.js';

import { parseJsonObject, stringifyJson } from './codec.js';
import type { RedisConnection } from './redis-shared.js';

// KEYS: the session, the agent's set. ARGV: the record (JSON), idle ms, now, the bound, the
// session key prefix, the session's member name. The new session itself is never evicted.
const createScript = `
local idle = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
redis.call('SET', KEYS[1], ARGV[1], 'PX', idle)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. (now - idle))
redis.call('ZADD', KEYS[2], now, ARGV[6])
local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
if excess > 0 then
  local ended = 0
  for _, m in ipairs(redis.call('ZRANGE', KEYS[2], 0, excess)) do
    if ended < excess and m ~= ARGV[6] then
      redis.call('DEL', ARGV[5] .. m)
      redis.call('ZREM', KEYS[2], m)
      ended = ended + 1
    end
  end
end
redis.call('PEXPIRE', KEYS[2], idle)
return 1
`;

// KEYS: the session. ARGV: idle ms, now, the agents' set prefix, the session's member name.
// Returns the record (JSON) with its idle time restarted, or nil.
const touchScript = `
local v = redis.call('GET', KEYS[1])
if not v then return false end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
local ok, r = pcall(cjson.decode, v)
if ok and type(r) == 'table' and type(r.agentId) == 'string' then
  local z = ARGV[3] .. r.agentId
  redis.call('ZADD', z, 'XX', ARGV[2], ARGV[4])
  redis.call('PEXPIRE', z, ARGV[1])
end
return v
`;

// KEYS: the session. ARGV: the agents' set prefix, the session's member name.
const removeScript = `
local v = redis.call('GET', KEYS[1])
redis.call('DEL', KEYS[1])
if v then
  local ok, r = pcall(cjson.decode, v)
  if ok and type(r) == 'table' and type(r.agentId) == 'string' then
    redis.call('ZREM', ARGV[1] .. r.agentId, ARGV[2])
  end
end
return 1
`;

/** Options for {@link createRedisMcpSessions}. */
export interface RedisMcpSessionOptions {
  /** Key prefix (default `gatehouse:mcp`); tests give each run its own. */
  readonly keyPrefix?: string;
}

/** The Redis-backed MCP session store, on the replicas' shared connection. */
export function createRedisMcpSessions(
  connection: RedisConnection,
  options: RedisMcpSessionOptions = {},
): McpSessionStore {
  const prefix = options.keyPrefix ?? 'gatehouse:mcp';
  const sessionPrefix = `${prefix}:session:`;
  const agentPrefix = `${prefix}:agent:`;
  let defined = false;
  const redis = async () => {
    const client = await connection.client();
    if (!defined) {
      client.defineCommand('gh_mcp_create', { lua: createScript });
      client.defineCommand('gh_mcp_touch', { lua: touchScript });
      client.defineCommand('gh_mcp_remove', { lua: removeScript });
      defined = true;
    }
    return client as unknown as Record<
      'gh_mcp_create' | 'gh_mcp_touch' | 'gh_mcp_remove',
      (...args: Array<string | number>) => Promise<unknown>
    > &
      Awaited<ReturnType<RedisConnection['client']>>;
  };
  return {
    async create(key, record, limits) {
      const stored = stringifyJson({
        agentId: record.agentId,
        protocolVersion: record.protocolVersion,
        clientInfo: record.clientInfo,
        clientCapabilities: record.clientCapabilities,
        createdAt: record.createdAt,
      });
      if (stored === undefined) throw new Error('MCP session record is not JSON');
      await (
        await redis()
      ).gh_mcp_create(
        2,
        sessionPrefix + key,
        agentPrefix + record.agentId,
        stored,
        Math.max(1, Math.round(limits.idleMs)),
        record.lastSeenAt,
        Math.max(1, limits.maxPerAgent),
        sessionPrefix,
        key,
      );
    },
    async touch(key, now, idleMs) {
      const text = await (
        await redis()
      ).gh_mcp_touch(
        1,
        sessionPrefix + key,
        Math.max(1, Math.round(idleMs)),
        now,
        agentPrefix,
        key,
      );
      if (typeof text !== 'string') return null;
      const r = parseJsonObject(text);
      if (typeof r.agentId !== 'string' || typeof r.protocolVersion !== 'string') return null;
      const object = (v: unknown) =>
        v !== null && typeof v === 'object' && !Array.isArray(v)
          ? (v as Record<string, unknown>)
          : {};
      return {
        agentId: r.agentId,
        protocolVersion: r.protocolVersion,
        clientInfo: object(r.clientInfo),
        clientCapabilities: object(r.clientCapabilities),
        createdAt: typeof r.createdAt === 'number' ? r.createdAt : now,
        lastSeenAt: now,
      } satisfies McpSessionRecord;
    },
    async alive(keys) {
      if (keys.length === 0) return new Set();
      const pipeline = (await redis()).pipeline();
      for (const key of keys) pipeline.exists(sessionPrefix + key);
      const answers = (await pipeline.exec()) ?? [];
      const found = new Set<string>();
      answers.forEach(([error, n], i) => {
        if (error) throw error;
        if (n === 1) found.add(keys[i]!);
      });
      return found;
    },
    async remove(key) {
      await (await redis()).gh_mcp_remove(1, sessionPrefix + key, agentPrefix, key);
    },
  };
}
