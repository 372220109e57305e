import type { Kysely } from 'kysely';

// MCP sessions shared by replicas without Redis (Postgres, or one SQLite file several processes
// open), so any replica can serve any request of a session. `id_hash` is a SHA-256 of the session
// id: the id itself is a bearer secret and is never stored. `last_seen_at` is written at most a few
// times per idle period, not on every request.

/** Creates mcp_sessions. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mcp_sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('protocol_version', 'text', (c) => c.notNull())
    // JSON objects, as the client sent them in its initialize request.
    .addColumn('client_info', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('client_capabilities', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('mcp_sessions_agent_idx')
    .on('mcp_sessions')
    .columns(['agent_id', 'last_seen_at'])
    .execute();
  await db.schema
    .createIndex('mcp_sessions_last_seen_idx')
    .on('mcp_sessions')
    .column('last_seen_at')
    .execute();
}

/** Drops what `up` created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('mcp_sessions').ifExists().execute();
}
