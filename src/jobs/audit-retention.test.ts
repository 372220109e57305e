// Audit retention: records older than the configured days go, newer ones stay, and a failing
// prune is logged rather than thrown.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, expect, it } from 'vitest';

import { loadConfig } from '../config/config.js';

import { createLogger } from '../app/logger.js';
import { openStore, type StoreServices } from '../store/open-store.js';

import { pruneAuditRecords } from './audit-retention.js';

let store: StoreServices | undefined;
let dir = '';
afterEach(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const day = 86_400_000;

it('prunes records past the retention and keeps the rest', async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-retention-'));
  const config = loadConfig({
    env: { GATEHOUSE_DB: join(dir, 'g.db'), GATEHOUSE_KEY_FILE: join(dir, 'k') },
  });
  store = await openStore(config, createLogger({ level: 'silent' }));
  const now = 100 * day;
  for (const age of [40, 31, 29, 1]) {
    const opened = await store.audit.open({
      time: now - age * day,
      agentId: null,
      agentName: null,
      surface: 'rest',
      action: 'people.search',
      decision: 'denied',
      sentence: `${age} days old`,
    });
    expect(opened.ok).toBe(true);
  }
  const removed = await pruneAuditRecords({
    store,
    days: 30,
    logger: createLogger({ level: 'silent' }),
    now: () => now,
  });
  expect(removed).toBe(2);
  const left = (await store.audit.query({ limit: 10 })).records.map((r) => r.sentence);
  expect(left.sort()).toEqual(['1 days old', '29 days old']);
});

it('logs a failed prune and carries on', async () => {
  const warnings: string[] = [];
  const logger = createLogger({ level: 'silent' });
  logger.warn = ((_obj: unknown, msg: string) => void warnings.push(msg)) as typeof logger.warn;
  const removed = await pruneAuditRecords({
    store: { audit: { prune: () => Promise.reject(new Error('disk gone')) } } as never,
    days: 30,
    logger,
  });
  expect(removed).toBe(0);
  expect(warnings).toContain('could not prune old audit records; will retry');
});
