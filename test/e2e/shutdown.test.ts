// Pins graceful shutdown: a call in flight when the server is asked to stop still completes, its
// audit record is completed, and readiness reports draining meanwhile.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it, vi } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { startGatehouse } from '../../src/app/start.js';
import { getAction } from '../../src/catalog/index.js';
import { loadConfig } from '../../src/config/config.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-stop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('graceful shutdown', () => {
  it('finishes calls in flight and completes their audit records before closing', async () => {
    const config = loadConfig({
      flags: {
        db: join(dir, 'g.db'),
        keyFile: join(dir, 'k'),
        port: 0,
        sandbox: true,
        logLevel: 'silent',
      },
    });
    const g = await startGatehouse(config, { logger: createLogger({ level: 'silent' }) });
    expect(g.demoToken).toMatch(/^gh_agent_/);
    g.sandbox!.faults.set('people.search', { latencyMs: 400 });

    const inFlight = fetch(`${g.url}${getAction('people.search').path}`, {
      method: 'POST',
      headers: { 'x-api-key': g.demoToken!, 'content-type': 'application/json' },
      body: JSON.stringify({ per_page: 1 }),
    });
    // Waits for the call to reach the gateway (it is slowed to 400 ms at the sandbox).
    await vi.waitFor(() => expect(g.app.gateway.inFlight()).toBe(1), { interval: 5 });
    const closing = g.close();
    const ready = await g.app.app.request('/readyz');
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { status: string }).status).toBe('draining');
    const res = await inFlight;
    expect(res.status).toBe(200);
    await closing;
    await expect(fetch(`${g.url}/healthz`)).rejects.toThrow();

    const { openStore } = await import('../../src/store/open-store.js');
    const store = await openStore(config, createLogger({ level: 'silent' }));
    const { records } = await store.audit.query({ limit: 10 });
    await store.close();
    expect(records).toHaveLength(1);
    expect(records[0]!.completedAt).not.toBeNull();
    expect(records[0]!.upstreamStatus).toBe(200);
  });
});
