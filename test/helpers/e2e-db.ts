// The database an end-to-end test's Gatehouse uses: a SQLite file in the test's directory, or, when
// GATEHOUSE_TEST_E2E_DB=postgres (the e2e-postgres test project), a fresh Postgres schema of its
// own, dropped when the test closes it. The URL selects the schema with libpq's `options`, so
// Gatehouse opens it exactly as an operator's GATEHOUSE_DB would.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

import pg from 'pg';

import { postgresUrl } from '../store/databases.js';

/** True when this run's e2e tests use Postgres. */
export const e2eOnPostgres = process.env.GATEHOUSE_TEST_E2E_DB === 'postgres';

/** A database URL for one test and how to drop it afterwards. */
export async function e2eDatabase(
  dir: string,
): Promise<{ readonly url: string; drop(): Promise<void> }> {
  if (!e2eOnPostgres) return { url: join(dir, 'gatehouse.db'), drop: async () => {} };
  const schema = `gh_e2e_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  try {
    await admin.query(`create schema ${schema}`);
  } finally {
    await admin.end();
  }
  const separator = postgresUrl.includes('?') ? '&' : '?';
  return {
    url: `${postgresUrl}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    async drop() {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      try {
        await client.query(`drop schema if exists ${schema} cascade`);
      } finally {
        await client.end();
      }
    },
  };
}
