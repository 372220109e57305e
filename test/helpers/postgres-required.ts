// Suites that exist only on Postgres (its timeouts, its outages). They run when Postgres answers;
// otherwise they are skipped with a visible message, except under CI=true, where they fail.
import { randomBytes } from 'node:crypto';

import pg from 'pg';
import { describe, it } from 'vitest';

import { postgresUrl } from '../store/databases.js';

async function reachable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message || error.name : String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

const problem = await reachable();

/** `describe` when Postgres answers; a failing test under CI=true; a visible skip otherwise. */
export function describeWithPostgres(title: string, body: () => void): void {
  if (problem === null) describe(title, body);
  else if (process.env.CI === 'true') {
    describe(title, () => {
      it('needs Postgres under CI=true', () => {
        throw new Error(`Postgres unreachable at ${postgresUrl}: ${problem}`);
      });
    });
  } else {
    console.warn(`[${title}] Postgres unreachable (${problem}): SKIPPED`);
    describe.skip(title, () => it('runs when Postgres is reachable', () => {}));
  }
}

/** A fresh schema for one suite, and a URL that works in it (through `host:port` if given). */
export async function postgresSchema(through?: { host: string; port: number }): Promise<{
  readonly schema: string;
  readonly url: string;
  /** A direct client (not through the proxy) on the schema, for looking at rows. */
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  drop(): Promise<void>;
}> {
  const schema = `gh_outage_${process.pid}_${randomBytes(4).toString('hex')}`;
  const run = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []) => {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    try {
      return (await client.query<R>(text, values)).rows;
    } finally {
      await client.end();
    }
  };
  await run(`create schema ${schema}`);
  const base = new URL(postgresUrl);
  if (through) {
    base.hostname = through.host;
    base.port = String(through.port);
  }
  const separator = base.search ? '&' : '?';
  return {
    schema,
    url: `${base.toString()}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    query: (text, values) => run(text.replaceAll('$schema', schema), values),
    drop: () => run(`drop schema if exists ${schema} cascade`).then(() => undefined),
  };
}
