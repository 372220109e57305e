// The change version lets the request path keep agents, grants and the connection in memory: it
// must move on every write to them, this process's or another's, and on nothing else here.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

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

  it('is not given on Postgres', () => {
    const handle = openDatabase('postgres://nobody@127.0.0.1:1/none');
    expect(handle.changeVersion).toBeUndefined();
    void handle.close();
  });
});
