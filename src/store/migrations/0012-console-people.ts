import type { Kysely } from 'kysely';

// People who sign in to the console as themselves (issue 16), instead of sharing the admin token.
// One row per person: the email they sign in with (stored lowercased, unique), their role
// (viewer, approver or admin, validated by the code like every other kind), the scrypt hash of
// their password (null: they sign in through the identity provider only), who added them, and
// when they last signed in. Removing a person deletes the row; their audit records keep the email.

/** Creates console_people. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('console_people')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('last_login_at', 'bigint')
    .execute();
}

/** Drops console_people. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('console_people').ifExists().execute();
}
