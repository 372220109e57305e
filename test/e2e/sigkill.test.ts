// Pins that the audit record is durable before Apollo is called: kill -9 the gateway during a
// burst, and every call that reached Apollo (the sandbox) still has its audit record; the next
// start completes the records the killed process left open as "outcome unknown".
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { serve } from '@hono/node-server';
import { afterAll, describe, expect, it, vi } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { openStore } from '../../src/store/open-store.js';
import { getAction } from '../../src/catalog/index.js';
import { loadConfig } from '../../src/config/config.js';
import { createSandbox } from '../../src/sandbox/index.js';
import { createWorld } from '../../src/sandbox/world/index.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SIGKILL during a burst', () => {
  it('leaves an audit record for every call that reached Apollo', async () => {
    const searchPath = getAction('people.search')!.path;
    const unlimited = { minute: null, hour: null, day: null };
    const sandbox = createSandbox({ seed: 3, createWorld, limits: { 'people.search': unlimited } });
    const reached = new Set<string>();
    // Past 120 calls, Apollo holds its answers and the gateway is killed: those calls are then
    // certainly in flight (recorded as opened, never completed) when the process dies.
    let kill = () => {};
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    const server = serve({
      port: 0,
      hostname: '127.0.0.1',
      fetch: async (req: Request) => {
        const body = (await req
          .clone()
          .json()
          .catch(() => ({}))) as { q_keywords?: string };
        if (body.q_keywords) {
          reached.add(body.q_keywords);
          if (reached.size > 120) {
            kill();
            await held;
          }
        }
        return sandbox.app.fetch(req);
      },
    });
    await new Promise((r) => server.once('listening', r));
    const address = server.address() as { port: number };
    const upstreamUrl = `http://127.0.0.1:${address.port}`;

    const env = {
      ...process.env,
      GATEHOUSE_DB: join(dir, 'gatehouse.db'),
      GATEHOUSE_KEY_FILE: join(dir, 'secret.key'),
      GATEHOUSE_UPSTREAM_URL: upstreamUrl,
      GATEHOUSE_PORT: '0',
      GATEHOUSE_LOG_LEVEL: 'silent',
    };
    const config = loadConfig({ env });
    const setup = await openStore(config, createLogger({ level: 'silent' }));
    const saved = await setup.connection.save({
      kind: 'apikey',
      credential: { key: sandbox.keys.master[0]! },
    });
    expect(saved.ok).toBe(true);
    const created = await setup.agents.create({
      name: 'burst',
      grants: [{ target: 'people', level: 'read', requiresApproval: false }],
    });
    if (!created.ok) throw new Error(created.error.message);
    const token = created.value.token;
    await setup.close();

    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/child-gateway.ts'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    kill = () => {
      if (child.exitCode === null && !child.killed) child.kill('SIGKILL');
    };
    const gatewayUrl = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += String(d);
        const m = /LISTENING (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.stderr.on('data', (d: Buffer) => process.stderr.write(d));
      child.once('exit', (code) => reject(new Error(`gateway exited early (${code})`)));
    });

    let sent = 0;
    let answered = 0;
    const total = 400;
    const worker = async () => {
      while (sent < total) {
        const n = sent++;
        try {
          const res = await fetch(`${gatewayUrl}${searchPath}`, {
            method: 'POST',
            headers: { 'x-api-key': token, 'content-type': 'application/json' },
            body: JSON.stringify({ q_keywords: `burst-${n}`, per_page: 1 }),
          });
          await res.arrayBuffer();
          answered += 1;
        } catch {
          // The gateway is dead: remaining calls fail, as they should.
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
    release();
    server.close();
    sandbox.close();

    expect(child.signalCode).toBe('SIGKILL');
    expect(reached.size).toBeGreaterThanOrEqual(120);
    expect(answered).toBeLessThan(total);

    const after = await openStore(config, createLogger({ level: 'silent' }));
    const audited = new Set<string>();
    for await (const r of after.audit.stream({})) {
      const m = /'(burst-\d+)'/.exec(r.target);
      if (m) audited.add(m[1]!);
    }
    const missing = [...reached].filter((k) => !audited.has(k));
    expect(missing).toEqual([]);

    // The killed process left the records of its calls in flight open: nothing will complete
    // them but the next start, once they are older than any live call can be.
    const left = await after.audit.count({ open: true });
    expect(left).toBeGreaterThan(0);
    const restarted = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/helpers/child-gateway.ts'],
      {
        // The longest live call is then 3 × 1 s of upstream timeout (+ 5 s margin): due after 8 s.
        env: { ...env, GATEHOUSE_UPSTREAM_TIMEOUT_MS: '1000', GATEHOUSE_MAX_QUEUE_WAIT_MS: '0' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      await vi.waitFor(async () => expect(await after.audit.count({ open: true })).toBe(0), {
        timeout: 25_000,
        interval: 250,
      });
    } finally {
      restarted.kill('SIGTERM');
      await new Promise((r) => restarted.once('exit', r));
    }
    const unknown = await after.audit.query({ limit: 1000, text: 'Gatehouse stopped' });
    expect(unknown.records).toHaveLength(left);
    for (const r of unknown.records) {
      expect(r.completedAt).not.toBeNull();
      expect(r.errorCode).toBe('write_outcome_unknown');
      expect(r.sentence).toMatch(
        /^burst tried to search the people database .*: allowed by people=read, but the outcome is unknown: Gatehouse stopped before Apollo answered \(the process ended with the call in flight\), so it may have taken effect/,
      );
    }
    await after.close();
  }, 90_000);
});
