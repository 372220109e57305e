// MCP sessions in the database (mcp_sessions), shared by every replica on the same Postgres or
// SQLite file when there is no Redis. Keys are SHA-256 hashes of session ids, never the ids.
import type { Kysely } from 'kysely';

import type { McpSessionRecord, McpSessionStore } from '../ports/mcp-sessions.js';

import { parseJsonObject, stringifyJson } from './codec.js';
import type { Database } from './db.js';

/** A row of mcp_sessions (migration 0009). */
export interface McpSessionTable {
  id_hash: string;
  agent_id: string;
  protocol_version: string;
  client_info: string;
  client_capabilities: string;
  created_at: number;
  last_seen_at: number;
}

type Tables = { mcp_sessions: McpSessionTable };

/**
 * Restarting the idle time writes the row only when its last write is older than this share of
 * the idle period, so a busy session costs one read per request, not a write.
 */
const touchShare = 20;

/** Creates the database-backed MCP session store. */
export function createMcpSessionRepository(db: Kysely<Database>): McpSessionStore {
  const t = db.withTables<Tables>();
  const recordOf = (row: McpSessionTable): McpSessionRecord => ({
    agentId: row.agent_id,
    protocolVersion: row.protocol_version,
    clientInfo: parseJsonObject(row.client_info),
    clientCapabilities: parseJsonObject(row.client_capabilities),
    createdAt: Number(row.created_at),
    lastSeenAt: Number(row.last_seen_at),
  });
  return {
    async create(key, record, limits) {
      await t
        .insertInto('mcp_sessions')
        .values({
          id_hash: key,
          agent_id: record.agentId,
          protocol_version: record.protocolVersion,
          client_info: stringifyJson(record.clientInfo) ?? '{}',
          client_capabilities: stringifyJson(record.clientCapabilities) ?? '{}',
          created_at: record.createdAt,
          last_seen_at: record.lastSeenAt,
        })
        .execute();
      // The agent's least recently used sessions beyond the bound end here; two replicas creating
      // at the same instant may each keep one more until the agent's next new session.
      const others = await t
        .selectFrom('mcp_sessions')
        .select('id_hash')
        .where('agent_id', '=', record.agentId)
        .where('id_hash', '!=', key)
        .orderBy('last_seen_at', 'desc')
        .orderBy('id_hash')
        .offset(Math.max(0, limits.maxPerAgent - 1))
        .limit(1000)
        .execute();
      const expired = record.lastSeenAt - limits.idleMs;
      await t
        .deleteFrom('mcp_sessions')
        .where('agent_id', '=', record.agentId)
        .where('id_hash', '!=', key)
        .where((eb) =>
          others.length
            ? eb.or([
                eb(
                  'id_hash',
                  'in',
                  others.map((o) => o.id_hash),
                ),
                eb('last_seen_at', '<', expired),
              ])
            : eb('last_seen_at', '<', expired),
        )
        .execute();
    },

    async touch(key, now, idleMs) {
      const row = await t
        .selectFrom('mcp_sessions')
        .selectAll()
        .where('id_hash', '=', key)
        .executeTakeFirst();
      if (!row) return null;
      const lastSeenAt = Number(row.last_seen_at);
      if (lastSeenAt < now - idleMs) {
        await t.deleteFrom('mcp_sessions').where('id_hash', '=', key).execute();
        return null;
      }
      if (now - lastSeenAt > idleMs / touchShare) {
        await t
          .updateTable('mcp_sessions')
          .set({ last_seen_at: now })
          .where('id_hash', '=', key)
          .where('last_seen_at', '<', now)
          .execute();
      }
      return { ...recordOf(row), lastSeenAt: Math.max(lastSeenAt, now) };
    },

    async alive(keys, now, idleMs) {
      const found = new Set<string>();
      // In slices, under SQLite's limit on bound parameters.
      for (let i = 0; i < keys.length; i += 500) {
        const rows = await t
          .selectFrom('mcp_sessions')
          .select('id_hash')
          .where('id_hash', 'in', keys.slice(i, i + 500))
          .where('last_seen_at', '>=', now - idleMs)
          .execute();
        for (const r of rows) found.add(r.id_hash);
      }
      return found;
    },

    async remove(key) {
      await t.deleteFrom('mcp_sessions').where('id_hash', '=', key).execute();
    },

    async prune(now, idleMs) {
      const result = await t
        .deleteFrom('mcp_sessions')
        .where('last_seen_at', '<', now - idleMs)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
