// MCP sessions in this process's memory: for one process on its own (and tests). Replicas share
// them through the database or Redis instead (see src/store).
import type { McpSessionRecord, McpSessionStore } from '../../ports/mcp-sessions.js';

/** Sessions in this process's memory. */
export function memoryMcpSessions(): McpSessionStore {
  const map = new Map<string, McpSessionRecord>();
  const live = (key: string, now: number, idleMs: number) => {
    const s = map.get(key);
    if (!s) return null;
    if (s.lastSeenAt < now - idleMs) {
      map.delete(key);
      return null;
    }
    return s;
  };
  return {
    async create(key, record, limits) {
      map.set(key, record);
      // The new session never goes, even when older ones were last seen at the same instant.
      const others = [...map].filter(([k, s]) => k !== key && s.agentId === record.agentId);
      others.sort(([, a], [, b]) => a.lastSeenAt - b.lastSeenAt);
      for (const [old] of others.slice(0, Math.max(0, others.length + 1 - limits.maxPerAgent))) {
        map.delete(old);
      }
    },
    async touch(key, now, idleMs) {
      const s = live(key, now, idleMs);
      if (!s) return null;
      const touched = { ...s, lastSeenAt: Math.max(s.lastSeenAt, now) };
      map.set(key, touched);
      return touched;
    },
    async alive(keys, now, idleMs) {
      return new Set(keys.filter((k) => live(k, now, idleMs) !== null));
    },
    async remove(key) {
      map.delete(key);
    },
    async prune(now, idleMs) {
      let n = 0;
      for (const key of [...map.keys()]) if (!live(key, now, idleMs)) n += 1;
      return n;
    },
  };
}
