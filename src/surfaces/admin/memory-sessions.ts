// Console sessions in this process's memory (one replica; with Redis, sessions are shared there).
import type { ConsoleSession, SessionStore } from '../../ports/index.js';

/** Sessions in this process's memory, at most `max` (the least recently used goes first). */
export function memorySessions(now: () => number = Date.now, max = 100): SessionStore {
  const map = new Map<string, { session: ConsoleSession; expiresAt: number }>();
  return {
    async create(id, session, idleMs) {
      if (map.size >= max) map.delete(map.keys().next().value!);
      map.set(id, { session, expiresAt: now() + idleMs });
    },
    async touch(id, idleMs) {
      const s = map.get(id);
      if (!s) return null;
      map.delete(id);
      if (now() >= s.expiresAt) return null;
      map.set(id, { session: s.session, expiresAt: now() + idleMs });
      return s.session;
    },
    async remove(id) {
      map.delete(id);
    },
  };
}
