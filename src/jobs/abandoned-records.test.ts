// Records left open by a process that stopped: only allowed or approved calls older than the
// longest live call are completed, as outcome unknown; held calls and young calls stay open; a
// record completed meanwhile keeps its own completion.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, expect, it } from 'vitest';

import { createLogger } from '../app/logger.js';
import { loadConfig } from '../config/config.js';
import type { AuditDecision } from '../core/index.js';
import { openStore, type StoreServices } from '../store/open-store.js';

import { completeAbandonedRecords } from './abandoned-records.js';

let store: StoreServices | undefined;
let dir = '';
afterEach(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('completes only stale in-flight records, as outcome unknown', async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-abandoned-'));
  const config = loadConfig({
    env: { GATEHOUSE_DB: join(dir, 'g.db'), GATEHOUSE_KEY_FILE: join(dir, 'k') },
  });
  store = await openStore(config, createLogger({ level: 'silent' }));
  const s = store;
  const now = 10_000_000;
  const open = async (ageMs: number, decision: AuditDecision) => {
    const r = await s.audit.open({
      time: now - ageMs,
      agentId: 'agt_1',
      agentName: 'reader',
      surface: 'rest',
      action: 'contacts.create',
      params: { first_name: 'Ada' },
      decision,
      rule: 'contacts=full',
    });
    if (!r.ok) throw new Error(r.error.message);
    return r.value.id;
  };
  const stale = await open(60_000, 'allowed');
  const staleApproved = await open(90_000, 'approved');
  const young = await open(5_000, 'allowed');
  const held = await open(600_000, 'pending');
  const finished = await open(60_000, 'allowed');
  expect((await s.audit.complete(finished, { upstreamStatus: 200 })).ok).toBe(true);

  const logger = createLogger({ level: 'silent' });
  const done = await completeAbandonedRecords({
    store: s,
    olderThanMs: 30_000,
    logger,
    now: () => now,
  });
  expect(done).toBe(2);
  for (const id of [stale, staleApproved]) {
    const r = (await s.audit.get(id))!;
    expect(r.completedAt).not.toBeNull();
    expect(r.errorCode).toBe('write_outcome_unknown');
    expect(r.upstreamStatus).toBeNull();
    expect(r.sentence).toMatch(
      /^reader tried to create a contact .*but the outcome is unknown: Gatehouse stopped before Apollo answered \(the process ended with the call in flight\), so it may have taken effect; any credits it cost are not counted here\.$/,
    );
  }
  expect((await s.audit.get(young))!.completedAt).toBeNull();
  expect((await s.audit.get(held))!.completedAt).toBeNull();
  expect((await s.audit.get(finished))!.upstreamStatus).toBe(200);
  // Nothing left to do: a second run completes nothing.
  expect(
    await completeAbandonedRecords({ store: s, olderThanMs: 30_000, logger, now: () => now }),
  ).toBe(0);
});
