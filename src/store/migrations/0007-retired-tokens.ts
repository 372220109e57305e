import type { Kysely } from 'kysely';

// A token that stops working (its agent revoked, or a rotation replaced it) should still name its
// agent when someone keeps using it: the refusal's audit record says "a revoked token of
// outreach-bot", so an admin sees which agent kept trying. Revoked agents keep their last token's
// hash on their row; replaced tokens' hashes (SHA-256, never the token) are kept here.

/** Creates retired_tokens. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('retired_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('retired_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('retired_tokens_agent')
    .on('retired_tokens')
    .column('agent_id')
    .execute();
}

/** Drops retired_tokens. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('retired_tokens').execute();
}
