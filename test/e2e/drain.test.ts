// SIGTERM under load, as a load balancer sees it: /readyz turns 503 first while calls are still
// served (GATEHOUSE_SHUTDOWN_DELAY_MS), calls in flight finish with Apollo's answer, calls that
// arrive afterwards get a JSON 503 GATEHOUSE_SHUTTING_DOWN (never a rate-limit refusal), every one
// of them is audited and completed, and then the process exits.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it, vi } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { getAction } from '../../src/catalog/index.js';
import { loadConfig } from '../../src/config/config.js';
import { createSandbox } from '../../src/sandbox/index.js';
import { createWorld } from '../../src/sandbox/world/index.js';
import { openStore } from '../../src/store/open-store.js';
import { runCliWith } from '../helpers/cli.js';
import { e2eDatabase } from '../helpers/e2e-db.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-drain-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SIGTERM under load', () => {
  it('goes unready first, finishes calls in flight, refuses late calls in JSON, then exits', async () => {
    const unlimited = { minute: null, hour: null, day: null };
    const sandbox = createSandbox({
      seed: 4,
      createWorld,
      limits: { 'people.search': unlimited, 'organizations.search': unlimited },
    });
    const upstream = await sandbox.listen(0, '127.0.0.1');
    const database = await e2eDatabase(dir);
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      GATEHOUSE_DB: database.url,
      GATEHOUSE_SINGLE_REPLICA: 'true',
      GATEHOUSE_SECRET_KEY: randomBytes(32).toString('base64'),
      GATEHOUSE_UPSTREAM_URL: upstream.url,
      GATEHOUSE_PORT: '0',
      GATEHOUSE_HOST: '127.0.0.1',
      GATEHOUSE_LOG_LEVEL: 'silent',
      GATEHOUSE_BATCH_WINDOW_MS: '0',
      GATEHOUSE_SHUTDOWN_DELAY_MS: '600',
    };
    const config = loadConfig({ env });
    try {
      const connected = await runCliWith(env, ['connect', 'apikey'], sandbox.keys.master[0]!);
      expect(connected.code).toBe(0);
      const setup = await openStore(config, createLogger({ level: 'silent' }));
      const made = await setup.agents.create({
        name: 'steady',
        grants: [
          { target: 'people', level: 'read', requiresApproval: false },
          { target: 'organizations.search', level: 'read', requiresApproval: false },
        ],
      });
      await setup.close();
      if (!made.ok) throw new Error(made.error.message);
      const token = made.value.token;

      const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/child-gateway.ts'], {
        env,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += String(d);
          const m = /LISTENING (\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once('exit', (code) => reject(new Error(`gateway exited early (${code})`)));
      });
      // Each search takes 300 ms at Apollo, so some are always in flight.
      sandbox.faults.set('people.search', { latencyMs: 300 });

      type Answer = { status: number; body: { error_code?: string; error?: string } | null };
      const answers: Answer[] = [];
      let stop = false;
      let refusedConnections = 0;
      const worker = async (w: number) => {
        for (let i = 0; !stop; i++) {
          try {
            const res = await fetch(`${url}${getAction('people.search')!.path}`, {
              method: 'POST',
              headers: { 'x-api-key': token, 'content-type': 'application/json' },
              body: JSON.stringify({ q_keywords: `steady-${w}-${i}`, per_page: 1 }),
            });
            const text = await res.text();
            answers.push({ status: res.status, body: text ? JSON.parse(text) : null });
          } catch {
            // The listener has closed: a balancer sends these to another replica.
            refusedConnections += 1;
            await new Promise((r) => setTimeout(r, 20));
          }
        }
      };
      const load = Promise.all(Array.from({ length: 6 }, (_, w) => worker(w)));
      await vi.waitFor(() => expect(answers.length).toBeGreaterThan(6), { timeout: 10_000 });

      // One call much slower than the rest is still at Apollo when the signal arrives: the
      // gateway waits for it while the workers' keep-alive connections are told to close.
      sandbox.faults.set('organizations.search', { latencyMs: 2_500 });
      const slow = fetch(`${url}${getAction('organizations.search')!.path}`, {
        method: 'POST',
        headers: { 'x-api-key': token, 'content-type': 'application/json' },
        body: JSON.stringify({ q_organization_name: 'slow', per_page: 1 }),
      });
      // Apollo has counted it (its rate counter) before the signal goes.
      await vi.waitFor(
        () => expect(sandbox.state().counters['organizations.search']).toBeDefined(),
        {
          timeout: 2_000,
          interval: 10,
        },
      );
      child.kill('SIGTERM');
      // Readiness says so first, while the calls still go through.
      await vi.waitFor(
        async () => {
          const ready = await fetch(`${url}/readyz`);
          expect(ready.status).toBe(503);
          expect(await ready.json()).toMatchObject({ status: 'draining' });
        },
        { timeout: 2_000, interval: 20 },
      );
      const servedBefore = answers.filter((a) => a.status === 200).length;
      await vi.waitFor(
        () => expect(answers.filter((a) => a.status === 200).length).toBeGreaterThan(servedBefore),
        { timeout: 2_000, interval: 20 },
      );
      expect((await slow).status).toBe(200);
      expect(await exited).toBe(0);
      stop = true;
      await load;
      await upstream.close();
      sandbox.close();

      // Only Apollo's answers and Gatehouse's own, honest refusal: no rate-limit story, no 5xx else.
      // The slow call holds the drain open, so the workers' late searches are refused in JSON.
      expect([...new Set(answers.map((a) => a.status))].sort()).toEqual([200, 503]);
      const refused = answers.filter((a) => a.status === 503);
      for (const r of refused) {
        expect(r.body?.error_code).toBe('GATEHOUSE_SHUTTING_DOWN');
        expect(r.body?.error).toMatch(/shutting down, so it did not send this call to Apollo/);
        expect(r.body?.error).not.toMatch(/rate limit/i);
      }
      expect(refused.length).toBeGreaterThan(0);
      expect(refusedConnections).toBeGreaterThan(0);

      // One completed record per answer, the refusals among them.
      const store = await openStore(config, createLogger({ level: 'silent' }));
      try {
        expect(await store.audit.count({ action: 'people.search', open: true })).toBe(0);
        expect(await store.audit.count({ action: 'people.search' })).toBe(answers.length);
        // Counted, not paged: a faster gateway refuses more than a page of late calls.
        expect(await store.audit.count({ action: 'people.search', decision: 'denied' })).toBe(
          refused.length,
        );
        const denied = await store.audit.query({
          action: 'people.search',
          decision: 'denied',
          limit: 1,
        });
        expect(denied.records[0]!.sentence).toMatch(
          /^steady tried to search the people database .*: denied \(gatehouse shutting down\)\. Gatehouse is shutting down, so it did not send this call to Apollo/,
        );
      } finally {
        await store.close();
      }
    } finally {
      await database.drop();
    }
  }, 60_000);
});
