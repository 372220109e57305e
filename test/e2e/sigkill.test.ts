// Pins that the audit record is durable before Apollo is called: kill -9 the gateway during a
// burst, and every call that reached Apollo (the sandbox) still has its audit record.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { serve } from '@hono/node-server';
import { afterAll, describe, expect, it } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { openStore } from '../../src/app/services.js';
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
    const server = serve({
      port: 0,
      hostname: '127.0.0.1',
      fetch: async (req: Request) => {
        const body = (await req
          .clone()
          .json()
          .catch(() => ({}))) as { q_keywords?: string };
        if (body.q_keywords) reached.add(body.q_keywords);
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
        if (reached.size >= 120 && child.exitCode === null && !child.killed) child.kill('SIGKILL');
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
    await after.close();
    const missing = [...reached].filter((k) => !audited.has(k));
    expect(missing).toEqual([]);
  }, 60_000);
});
