import type { Kysely } from 'kysely';

// What Gatehouse's MCP authorization server (oidc-provider) keeps: registered clients, grants,
// interactions, sessions, authorization codes, access and refresh tokens, one row each, so that
// every replica on the same database serves the same connections. `id_hash` is a SHA-256 of the
// model's id: for codes and tokens the id is the bearer secret itself, and it is never stored.
// `payload` is the model's JSON sealed with the data key (AES-256-GCM, bound to the row), because
// oidc-provider's payloads repeat the id (`jti`) and hold client secrets. `grant_id` lets a
// revoked grant take every token issued under it; `uid_hash` finds a session by its uid.

/** Creates oauth_records. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('oauth_records')
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('id_hash', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'text')
    .addColumn('uid_hash', 'text')
    .addColumn('consumed_at', 'bigint')
    // Epoch ms; null: kept until destroyed (registered clients).
    .addColumn('expires_at', 'bigint')
    .addPrimaryKeyConstraint('oauth_records_pk', ['model', 'id_hash'])
    .execute();
  await db.schema
    .createIndex('oauth_records_grant_idx')
    .on('oauth_records')
    .columns(['grant_id'])
    .execute();
  await db.schema
    .createIndex('oauth_records_uid_idx')
    .on('oauth_records')
    .columns(['model', 'uid_hash'])
    .execute();
  await db.schema
    .createIndex('oauth_records_expires_idx')
    .on('oauth_records')
    .column('expires_at')
    .execute();
}

/** Drops what `up` created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('oauth_records').ifExists().execute();
}
