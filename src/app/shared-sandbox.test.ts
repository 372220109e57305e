import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { loadConfig } from '../config/config.js';
import { createSandbox } from '../sandbox/index.js';
import { createWorld } from '../sandbox/world/index.js';

import { createLogger } from './logger.js';
import { openStore } from '../store/open-store.js';
import {
  findSharedSandbox,
  noSandboxMessage,
  publishSandbox,
  sandboxSettingKey,
} from './shared-sandbox.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function store() {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-shared-sandbox-'));
  const s = await openStore(
    loadConfig({ flags: { db: join(dir, 'g.db'), keyFile: join(dir, 'k') } }),
    createLogger({ level: 'silent' }),
  );
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => s.close());
  return s;
}

describe('one sandbox per deployment', () => {
  it('is found while its server serves it, and not after', async () => {
    const s = await store();
    expect(await findSharedSandbox(s)).toEqual({ ok: false, error: { why: 'none' } });
    const sandbox = createSandbox({ seed: 1, createWorld });
    cleanups.push(() => sandbox.close());
    const published = await publishSandbox(s, sandbox, createLogger({ level: 'silent' }));
    const found = await findSharedSandbox(s);
    expect(found).toEqual({
      ok: true,
      value: { url: published.url, key: sandbox.keys.master[0] },
    });
    // The key is sealed at rest, never stored as it is.
    expect(JSON.stringify(await s.settings.get(sandboxSettingKey))).not.toContain(
      sandbox.keys.master[0],
    );
    await published.close();
    expect(await findSharedSandbox(s)).toEqual({ ok: false, error: { why: 'none' } });
  });

  it('says the server stopped when its record outlived it (a killed process)', async () => {
    const s = await store();
    const sandbox = createSandbox({ seed: 1, createWorld });
    cleanups.push(() => sandbox.close());
    const published = await publishSandbox(s, sandbox, createLogger({ level: 'silent' }));
    const record = await s.settings.get(sandboxSettingKey);
    await published.close();
    await s.settings.set(sandboxSettingKey, record!);
    const found = await findSharedSandbox(s);
    expect(found.ok).toBe(false);
    if (found.ok) return;
    expect(found.error).toEqual({ why: 'unreachable', url: published.url, pid: process.pid });
    expect(noSandboxMessage(found.error)).toMatch(
      /^the Gatehouse server that served this database's sandbox \(http:\/\/127\.0\.0\.1:\d+, process \d+\) does not answer; it may have stopped: start the server/,
    );
  });

  it('ignores a record that does not point at this machine', async () => {
    const s = await store();
    await s.settings.set(sandboxSettingKey, { url: 'http://evil.example:80', key: 'x', pid: 1 });
    expect(await findSharedSandbox(s)).toEqual({ ok: false, error: { why: 'none' } });
  });
});
