// The store contract suite runs every test on SQLite (a temp file) and on Postgres (a fresh schema
// per test file, dropped afterwards). Postgres comes from GATEHOUSE_TEST_PG_URL; when it cannot be
// reached the Postgres half is skipped with a visible message, except under CI=true, where it fails.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';

import { openDatabase } from '../../src/store/dialect.js';
import type { DatabaseHandle, DialectName } from '../../src/store/dialect.js';
import { migrateToLatest } from '../../src/store/migrate.js';

/** Postgres for the suite; trust auth on the test machine and in CI. */
export const postgresUrl =
  process.env.GATEHOUSE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** What a test sees: the open, migrated database and the SQL each query ran. */
export interface TestDatabase {
  readonly dialect: DialectName;
  handle: DatabaseHandle;
  /** SQLite only: the database file. */
  sqlitePath: string | undefined;
  /** SQL of every query since the last reset, for asserting how work is batched. */
  queries: string[];
  /** Deletes every row, so each test starts empty. */
  reset(): Promise<void>;
}

type Probe = { ok: true } | { ok: false; reason: string };

async function probePostgres(): Promise<Probe> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  } finally {
    await client.end().catch(() => {});
  }
}

const probe = await probePostgres();
const inCi = process.env.CI === 'true';
const safeUrl = postgresUrl.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
if (!probe.ok && !inCi) {
  console.warn(
    `[store tests] Postgres unreachable at ${safeUrl} (${probe.reason}): Postgres half SKIPPED. ` +
      'Set GATEHOUSE_TEST_PG_URL to run it.',
  );
}

/** Defines `body` once per database: `describe('<title> [sqlite]')` and `[postgres]`. */
export function describeEachDatabase(title: string, body: (t: TestDatabase) => void): void {
  describe(`${title} [sqlite]`, () => body(useDatabase('sqlite')));
  if (probe.ok) {
    describe(`${title} [postgres]`, () => body(useDatabase('postgres')));
  } else if (inCi) {
    describe(`${title} [postgres]`, () => {
      it('needs Postgres under CI=true', () => {
        throw new Error(
          `Postgres unreachable at ${safeUrl}: ${probe.reason}. CI runs the store suite on ` +
            'Postgres; start it or set GATEHOUSE_TEST_PG_URL.',
        );
      });
    });
  } else {
    describe.skip(`${title} [postgres] (skipped: Postgres unreachable at ${safeUrl})`, () => {
      it('runs when Postgres is reachable', () => {});
    });
  }
}

function useDatabase(dialect: DialectName): TestDatabase {
  let cleanup: () => Promise<void> = async () => {};
  const t: TestDatabase = {
    dialect,
    handle: undefined as unknown as DatabaseHandle,
    sqlitePath: undefined,
    queries: [],
    async reset() {
      const { db } = t.handle;
      for (const table of [
        'grants',
        'agents',
        'audit_records',
        'connection',
        'settings',
        'enrichment_cache',
        'deliveries',
        'approvals',
        'alerts',
        'alert_evaluation',
        'alert_known_ips',
      ] as const) {
        await db.deleteFrom(table).execute();
      }
      t.queries.length = 0;
    },
  };
  const log = (event: { level: string; query: { sql: string } }) => {
    if (event.level === 'query') t.queries.push(event.query.sql);
  };

  beforeAll(async () => {
    if (dialect === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'gatehouse-store-'));
      t.sqlitePath = join(dir, 'test.db');
      t.handle = openDatabase(t.sqlitePath, { log });
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    } else {
      const schema = `gh_test_${process.pid}_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      await admin.query(`create schema ${schema}`);
      t.handle = openDatabase(postgresUrl, { schema, log, poolSize: 4 });
      cleanup = async () => {
        await admin.query(`drop schema ${schema} cascade`);
        await admin.end();
      };
    }
    const migrated = await migrateToLatest(t.handle.db);
    if (!migrated.ok) throw new Error(migrated.error.message);
  });

  beforeEach(() => t.reset());

  afterAll(async () => {
    await t.handle?.close();
    await cleanup();
  });

  return t;
}

/** A hand-driven clock: `now()` returns the current value, `advance(ms)` moves it. */
export function createTestClock(start = Date.UTC(2025, 0, 15, 9, 0, 0)): {
  now: () => number;
  advance: (ms: number) => void;
  set: (ms: number) => void;
} {
  let current = start;
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
    set: (ms) => {
      current = ms;
    },
  };
}
