// The change version lets the request path keep agents, grants and the connection in memory: it
// must move on every write to them, this process's or another's (another replica's, on Postgres),
// and on nothing else here.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { describeWithPostgres, postgresSchema } from '../../test/helpers/postgres-required.js';

import { createAgentRepository } from './agent-repository.js';
import { createAuditRepository } from './audit-repository.js';
import { openDatabase, type DatabaseHandle } from './dialect.js';
import { createGrantRepository } from './grant-repository.js';
import { migrateToLatest } from './migrate.js';

const now = () => 1_700_000_000_000;
const dirs: string[] = [];
const handles: DatabaseHandle[] = [];

async function open() {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-version-'));
  dirs.push(dir);
  const path = join(dir, 'g.db');
  const handle = openDatabase(path);
  handles.push(handle);
  await migrateToLatest(handle.db);
  return { path, handle };
}

afterEach(async () => {
  for (const h of handles.splice(0)) await h.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('change version (SQLite)', () => {
  it('moves on each write to agents and grants, not on audit writes or reads', async () => {
    const { handle } = await open();
    const version = handle.changeVersion!;
    const agents = createAgentRepository(handle.db, { now });
    const grants = createGrantRepository(handle.db, { now });
    const audit = createAuditRepository(handle.db, { now });
    const v0 = version();
    const created = await agents.create({ name: 'bot' });
    if (!created.ok) throw new Error(created.error.message);
    const v1 = version();
    expect(v1).not.toBe(v0);
    await agents.findByToken(created.value.token);
    await grants.list(created.value.agent.id);
    await audit.open({
      agentId: null,
      agentName: null,
      surface: 'rest',
      action: 'x',
      decision: 'denied',
    });
    expect(version()).toBe(v1);
    await grants.set(created.value.agent.id, 'people', 'read', { by: 'test' });
    expect(version()).not.toBe(v1);
    await handle.db.updateTable('grants').set({ updated_by: 'x' }).execute();
    const v2 = version();
    expect(v2).not.toBe(v1);
    await agents.revoke(created.value.agent.id);
    expect(version()).not.toBe(v2);
  });

  it("moves when another connection (another process's CLI) commits", async () => {
    const { path, handle } = await open();
    const other = openDatabase(path);
    handles.push(other);
    const v0 = handle.changeVersion!();
    const created = await createAgentRepository(other.db, { now }).create({ name: 'elsewhere' });
    expect(created.ok).toBe(true);
    // Another process's commit is seen from the next turn of the event loop on.
    await new Promise((resolve) => setImmediate(resolve));
    expect(handle.changeVersion!()).not.toBe(v0);
  });
});

describeWithPostgres('change version (Postgres)', () => {
  let schema: Awaited<ReturnType<typeof postgresSchema>>;
  let here: DatabaseHandle;
  let replica: DatabaseHandle;
  beforeAll(async () => {
    schema = await postgresSchema();
    here = openDatabase(schema.url);
    replica = openDatabase(schema.url);
    const migrated = await migrateToLatest(here.db);
    if (!migrated.ok) throw new Error(migrated.error.message);
  });
  afterAll(async () => {
    await here?.close();
    await replica?.close();
    await schema?.drop();
  });

  it('moves with every write to agents, grants, retired tokens and the connection, by any replica, and not on audit writes or reads', async () => {
    const version = () => here.changeVersion!();
    const agents = createAgentRepository(replica.db, { now });
    const v0 = await version();
    expect(await version()).toBe(v0);
    const created = await agents.create({ name: 'bot' });
    if (!created.ok) throw new Error(created.error.message);
    const v1 = await version();
    expect(v1).not.toBe(v0);
    await createAgentRepository(here.db, { now }).findByToken(created.value.token);
    await createGrantRepository(here.db, { now }).list(created.value.agent.id);
    await createAuditRepository(replica.db, { now }).open({
      agentId: null,
      agentName: null,
      surface: 'rest',
      action: 'x',
      decision: 'denied',
    });
    expect(await version()).toBe(v1);
    await createGrantRepository(replica.db, { now }).set(created.value.agent.id, 'people', 'read', {
      by: 'test',
    });
    const v2 = await version();
    expect(v2).not.toBe(v1);
    expect((await agents.rotate(created.value.agent.id)).ok).toBe(true);
    const v3 = await version();
    expect(v3).not.toBe(v2);
    await replica.db.deleteFrom('connection').execute();
    const v4 = await version();
    expect(v4).not.toBe(v3);
    await replica.db.deleteFrom('retired_tokens').execute();
    expect(await version()).not.toBe(v4);
  });

  it('moves only when the write commits: an open write shows the old version with the old rows, a rolled-back one never moves it', async () => {
    const agents = createAgentRepository(here.db, { now });
    const created = await agents.create({ name: 'pending-revoke' });
    if (!created.ok) throw new Error(created.error.message);
    const before = await here.changeVersion!();
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let written!: () => void;
    const wrote = new Promise<void>((r) => (written = r));
    const revoking = replica.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('agents')
        .set({ revoked_at: 1 })
        .where('id', '=', created.value.agent.id)
        .execute();
      written();
      await released;
    });
    await wrote;
    // Uncommitted: the version and the row are both as they were.
    expect(await here.changeVersion!()).toBe(before);
    expect(await agents.findByToken(created.value.token)).toBeDefined();
    release();
    await revoking;
    expect(await here.changeVersion!()).not.toBe(before);
    expect(await agents.findByToken(created.value.token)).toBeUndefined();

    const after = await here.changeVersion!();
    await expect(
      replica.db.transaction().execute(async (trx) => {
        await trx.deleteFrom('grants').execute();
        throw new Error('rolled back on purpose');
      }),
    ).rejects.toThrow('rolled back on purpose');
    expect(await here.changeVersion!()).toBe(after);
  });

  it('never stands still without its row: every ask is then a new version', async () => {
    await schema.query('delete from $schema.change_version');
    try {
      const a = await here.changeVersion!();
      expect(await here.changeVersion!()).not.toBe(a);
    } finally {
      await schema.query('insert into $schema.change_version (id, version) values (1, 0)');
    }
  });
});
