// The MCP sessions every replica shares, so a load balancer may send any request of a session to
// any replica. Implemented in Redis (src/store/mcp-session-redis.ts), in the database
// (src/store/mcp-session-repository.ts) and in memory (src/surfaces/mcp/memory-sessions.ts).

/**
 * What a replica needs to serve an MCP session it did not open: whose it is, and the client's
 * half of the initialize handshake, replayed to rebuild the session's server.
 */
export interface McpSessionRecord {
  readonly agentId: string;
  /** The protocol version the client asked for in its initialize request. */
  readonly protocolVersion: string;
  /** The client's `clientInfo` (name, version …), as it sent it. */
  readonly clientInfo: Readonly<Record<string, unknown>>;
  /** The client's `capabilities`, as it sent them. */
  readonly clientCapabilities: Readonly<Record<string, unknown>>;
  /** Epoch ms. */
  readonly createdAt: number;
  /** Epoch ms of the last request any replica served in the session. */
  readonly lastSeenAt: number;
}

/** How long sessions live and how many one agent may hold. */
export interface McpSessionLimits {
  /** A session unused this long has ended (ms). */
  readonly idleMs: number;
  /** Sessions one agent may hold; creating one more ends its least recently used. */
  readonly maxPerAgent: number;
}

/**
 * MCP sessions by key. The key is a SHA-256 of the session id, never the id itself: the id is a
 * bearer secret (with the agent's token) and a reader of the store must not be able to use it.
 */
export interface McpSessionStore {
  /** Saves a new session, ending the agent's least recently used beyond `maxPerAgent`. */
  create(key: string, record: McpSessionRecord, limits: McpSessionLimits): Promise<void>;
  /**
   * The session as of `now`, its idle time restarted; null when it is unknown, was removed, or
   * has been idle longer than `idleMs`.
   */
  touch(key: string, now: number, idleMs: number): Promise<McpSessionRecord | null>;
  /** Which of `keys` are sessions still alive at `now`, without restarting their idle time. */
  alive(keys: readonly string[], now: number, idleMs: number): Promise<ReadonlySet<string>>;
  /** Ends the session for every replica. */
  remove(key: string): Promise<void>;
  /** Deletes sessions idle since before `now - idleMs` (stores whose entries do not expire). */
  prune?(now: number, idleMs: number): Promise<number>;
}
