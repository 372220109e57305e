// Pins that the bundled migrations run on both databases, run once, and leave column types that
// read back as the same JS types (numbers, booleans via 0/1) on SQLite and Postgres.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';

import { randomBytes } from 'node:crypto';

import pg from 'pg';

import { createTestClock, describeEachDatabase, postgresUrl } from '../../test/store/databases.js';
import { createAgentRepository } from './agent-repository.js';
import { createAuditRepository } from './audit-repository.js';
import { isPostgresUrl, openDatabase } from './dialect.js';
import { createGrantRepository } from './grant-repository.js';
import { migrateToLatest, migrationProvider } from './migrate.js';

describe('openDatabase', () => {
  it('treats postgres:// and postgresql:// URLs as Postgres and anything else as a SQLite path', () => {
    expect(isPostgresUrl('postgres://u@h/db')).toBe(true);
    expect(isPostgresUrl('postgresql://u@h:5432/db?sslmode=require')).toBe(true);
    expect(isPostgresUrl('./gatehouse.db')).toBe(false);
    expect(isPostgresUrl(':memory:')).toBe(false);
  });

  it('opens SQLite with foreign keys on and closes twice without complaint', async () => {
    const handle = openDatabase(':memory:');
    expect(handle.dialect).toBe('sqlite');
    const { rows } = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(handle.db);
    expect(rows[0]?.foreign_keys).toBe(1);
    await handle.close();
    await handle.close();
  });

  it('refuses a Postgres schema name that is not a plain identifier', () => {
    expect(() => openDatabase('postgres://u@h/db', { schema: 'x; drop table agents' })).toThrow(
      /schema name/,
    );
  });
});

describe('migrateToLatest', () => {
  it('returns the names of the migrations it ran, then nothing', async () => {
    const handle = openDatabase(':memory:');
    try {
      expect(await migrateToLatest(handle.db)).toEqual({
        ok: true,
        value: [
          '0001_initial',
          '0002_enrichment_cache',
          '0003_deliveries',
          '0004_approvals',
          '0005_sealed_personal_data',
          '0006_grant_approval_waiver',
          '0007_retired_tokens',
          '0008_alerts',
          '0009_mcp_sessions',
          '0010_audit_request_id',
          '0011_oauth_server',
          '0012_console_people',
          '0013_change_version',
        ],
      });
      expect(await migrateToLatest(handle.db)).toEqual({ ok: true, value: [] });
    } finally {
      await handle.close();
    }
  });
});

describe('migrationProvider', () => {
  it('lists the bundled migrations in order, without reading the filesystem', async () => {
    const names = Object.keys(await migrationProvider.getMigrations());
    expect(names).toEqual([...names].sort());
    expect(names[0]).toBe('0001_initial');
  });
});

describeEachDatabase('migrations and column types', (t) => {
  it('reports nothing to do when run again, and every table is there', async () => {
    const again = await migrateToLatest(t.handle.db);
    expect(again).toEqual({ ok: true, value: [] });
    for (const table of ['agents', 'grants', 'audit_records', 'connection', 'settings'] as const) {
      await expect(t.handle.db.selectFrom(table).selectAll().execute()).resolves.toEqual([]);
    }
  });

  if (t.dialect === 'sqlite') {
    it('uses WAL and normal sync on SQLite', async () => {
      const { rows: journal } = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(
        t.handle.db,
      );
      expect(journal[0]?.journal_mode).toBe('wal');
      const { rows: sync } = await sql<{ synchronous: number }>`pragma synchronous`.execute(
        t.handle.db,
      );
      expect(sync[0]?.synchronous).toBe(1);
    });
  }

  if (t.dialect === 'postgres') {
    it('migrates a fresh schema even when another schema already holds migration tables', async () => {
      const schema = `gh_test_${process.pid}_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      await admin.query(`create schema ${schema}`);
      const other = openDatabase(postgresUrl, { schema });
      try {
        expect(await migrateToLatest(other.db)).toEqual({
          ok: true,
          value: [
            '0001_initial',
            '0002_enrichment_cache',
            '0003_deliveries',
            '0004_approvals',
            '0005_sealed_personal_data',
            '0006_grant_approval_waiver',
            '0007_retired_tokens',
            '0008_alerts',
            '0009_mcp_sessions',
            '0010_audit_request_id',
            '0011_oauth_server',
            '0012_console_people',
            '0013_change_version',
          ],
        });
        const { rows } = await admin.query<{ n: string }>(
          `select count(*) as n from information_schema.tables where table_schema = $1`,
          [schema],
        );
        expect(Number(rows[0]?.n)).toBe(18);
      } finally {
        await other.close();
        await admin.query(`drop schema ${schema} cascade`);
        await admin.end();
      }
    });
  }

  it('returns numbers as JS numbers and booleans as JS booleans on both dialects', async () => {
    const clock = createTestClock();
    const agents = createAgentRepository(t.handle.db, clock);
    const grants = createGrantRepository(t.handle.db, clock);
    const audit = createAuditRepository(t.handle.db, clock);
    const created = await agents.create({ name: 'Types bot' });
    if (!created.ok) throw new Error(created.error.message);
    const { id } = created.value.agent;
    await agents.setLimits(id, {
      creditBudgetDay: 12.5,
      creditBudgetMonth: 300,
      requestsPerMinute: 30,
    });
    await agents.touch(id, '10.0.0.1', clock.now());
    await grants.set(id, 'people', 'read', { requiresApproval: true, by: 'test' });
    await grants.set(id, 'contacts', 'full', { requiresApproval: false, by: 'test' });
    const opened = await audit.open({
      agentId: id,
      agentName: 'Types bot',
      surface: 'rest',
      action: 'people.search',
      decision: 'allowed',
    });
    if (!opened.ok) throw new Error(opened.error.message);
    await audit.complete(opened.value.id, {
      upstreamStatus: 200,
      credits: 1.5,
      durationMs: 181.25,
    });

    const agent = await agents.get(id);
    expect(agent).toMatchObject({
      createdAt: clock.now(),
      tokenCreatedAt: clock.now(),
      lastUsedAt: clock.now(),
      creditBudgetDay: 12.5,
      creditBudgetMonth: 300,
      requestsPerMinute: 30,
      revokedAt: null,
    });
    for (const field of [
      'createdAt',
      'tokenCreatedAt',
      'lastUsedAt',
      'creditBudgetMonth',
    ] as const) {
      expect(typeof agent?.[field]).toBe('number');
    }
    const rows = await grants.list(id);
    expect(rows.map((g) => [g.target, g.requiresApproval])).toEqual([
      ['contacts', false],
      ['people', true],
    ]);
    const record = await audit.get(opened.value.id);
    expect(record).toMatchObject({ upstreamStatus: 200, credits: 1.5, durationMs: 181.25 });
    expect(typeof record?.time).toBe('number');
    expect(typeof record?.completedAt).toBe('number');
    expect(await audit.count()).toBe(1);

    // int8 and numeric aggregates, which pg would hand back as strings without our parsers.
    const { rows: aggregate } = await sql<{ n: number; total: number; big: number }>`
      select count(*) as n, sum(credits) as total, cast(${2 ** 52} as bigint) + 1 as big
      from audit_records`.execute(t.handle.db);
    expect(aggregate[0]).toEqual({ n: 1, total: 1.5, big: 2 ** 52 + 1 });
    const { rows: numeric } = await sql<{
      v: number;
    }>`select sum(time) as v from audit_records`.execute(t.handle.db);
    expect(numeric[0]?.v).toBe(clock.now());
  });

  it('refuses a non-boolean in requires_approval at the database level', async () => {
    const clock = createTestClock();
    const created = await createAgentRepository(t.handle.db, clock).create({ name: 'Check bot' });
    if (!created.ok) throw new Error(created.error.message);
    await expect(
      t.handle.db
        .insertInto('grants')
        .values({
          agent_id: created.value.agent.id,
          target: 'people',
          level: 'read',
          requires_approval: 2 as 0,
          updated_at: 1,
          updated_by: 'x',
        })
        .execute(),
    ).rejects.toThrow();
  });
});
