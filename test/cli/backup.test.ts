// `gatehouse backup` against a running Gatehouse on SQLite: the copy is made while calls are being
// served and audited, opens as a Gatehouse database with the same data key (agents and every
// record written before it), is owner-only, never overwrites a file; on Postgres the command
// names pg_dump and pg_restore instead.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, expect, it } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { startGatehouse } from '../../src/app/start.js';
import { getAction } from '../../src/catalog/index.js';
import { loadConfig } from '../../src/config/config.js';
import { openStore } from '../../src/store/open-store.js';
import { runCliWith } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-backup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('copies the database online, checked, and the copy opens with the same key', async () => {
  const env = {
    GATEHOUSE_DB: join(dir, 'live.db'),
    GATEHOUSE_KEY_FILE: join(dir, 'k'),
    GATEHOUSE_LOG_LEVEL: 'silent',
  };
  const g = await startGatehouse(loadConfig({ env, flags: { port: 0, sandbox: true } }), {
    logger: createLogger({ level: 'silent' }),
    createDemoAgent: false,
  });
  const to = join(dir, 'copy.db');
  let before: number;
  try {
    const made = await g.store.agents.create({
      name: 'busy',
      grants: [{ target: 'people', level: 'read', requiresApproval: false }],
    });
    if (!made.ok) throw new Error(made.error.message);
    const call = (i: number) =>
      fetch(`${g.url}${getAction('people.search')!.path}`, {
        method: 'POST',
        headers: { 'x-api-key': made.value.token, 'content-type': 'application/json' },
        body: JSON.stringify({ q_keywords: `b-${i}`, per_page: 1 }),
      }).then((r) => r.arrayBuffer());
    for (let i = 0; i < 5; i++) await call(i);
    before = await g.store.audit.count({});
    // Calls keep coming while the copy is made.
    let stop = false;
    const load = (async () => {
      for (let i = 5; !stop; i++) await call(i);
    })();
    const run = await runCliWith(env, ['backup', '--to', to]);
    stop = true;
    await load;
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(
      new RegExp(
        `^Backed up .*live\\.db to .*copy\\.db: 1 agents, \\d+ audit records, \\d+ KiB \\(integrity checked\\)\\.$`,
      ),
    );
    expect(statSync(to).mode & 0o777).toBe(0o600);

    const again = await runCliWith(env, ['backup', '--to', to, '--json']);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/exists: a backup never overwrites a file/);
    expect((await runCliWith(env, ['backup'])).code).toBe(2);
  } finally {
    await g.close();
  }

  const copy = await openStore(
    loadConfig({ env: { ...env, GATEHOUSE_DB: to } }),
    createLogger({ level: 'silent' }),
  );
  try {
    expect((await copy.agents.get('busy'))?.name).toBe('busy');
    expect(await copy.audit.count({})).toBeGreaterThanOrEqual(before);
  } finally {
    await copy.close();
  }
});

it('names pg_dump and pg_restore on Postgres, and refuses a missing database', async () => {
  const pg = await runCliWith({ GATEHOUSE_DB: 'postgres://127.0.0.1:5432/test' }, ['backup']);
  expect(pg.code).toBe(2);
  expect(pg.err).toMatch(/pg_dump --format=custom/);
  expect(pg.err).toMatch(/pg_restore --clean/);
  const missing = await runCliWith({ GATEHOUSE_DB: join(dir, 'none.db') }, [
    'backup',
    '--to',
    join(dir, 'x.db'),
  ]);
  expect(missing.code).toBe(1);
  expect(missing.err).toMatch(/There is no database at/);
});
