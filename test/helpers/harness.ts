// Gatehouse wired to the sandbox and a temporary SQLite file, in process: the e2e suites' fixture.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { createApp, type AppOptions, type GatehouseApp } from '../../src/app/create-app.js';
import { createLogger } from '../../src/app/logger.js';
import { openStore, type StoreServices } from '../../src/store/open-store.js';
import { sandboxUpstream } from '../../src/app/start.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import type { Clock } from '../../src/ports/index.js';
import { createSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';
import { createWorld } from '../../src/sandbox/world/index.js';

import { e2eDatabase } from './e2e-db.js';

/** A running in-process Gatehouse over the sandbox. */
export interface Harness {
  readonly config: Config;
  readonly app: GatehouseApp;
  readonly store: StoreServices;
  readonly sandbox: Sandbox;
  /** Every log line written so far. */
  readonly logs: string[];
  readonly dir: string;
  /** Calls Gatehouse's HTTP app. */
  request(
    method: string,
    path: string,
    options?: { token?: string | null; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  /** Calls the sandbox directly with its master key (fixtures: ids to use). */
  apollo(method: string, path: string, body?: unknown): Promise<Record<string, unknown>>;
  /**
   * Creates an agent with grants like ['people=read']; returns its token. A grant written
   * 'sequences=full/no-approval' waives the approval outbound actions need by default.
   */
  agent(name: string, grants?: string[], approval?: boolean): Promise<string>;
  close(): Promise<void>;
}

/** Options for the harness. */
export interface HarnessOptions {
  readonly config?: Record<string, unknown>;
  readonly sandbox?: SandboxOptions;
  /** Which sandbox key Gatehouse calls Apollo with (default: the master key). */
  readonly upstreamKey?: (sandbox: Sandbox) => string;
  /** Gatehouse's clock (the sandbox keeps its own). */
  readonly clock?: Clock;
  /** Receives notification-webhook messages. */
  readonly notify?: (text: string) => Promise<void>;
  /** The admin-authentication throttle's key prefix and limits. */
  readonly adminThrottle?: AppOptions['adminThrottle'];
  /** How alerts are evaluated (default: every 100 ms, records settled for 100 ms). */
  readonly alerts?: AppOptions['alerts'];
}

/** Builds a harness; close it after the test. */
export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-e2e-'));
  const database = await e2eDatabase(dir);
  const config = loadConfig({
    flags: {
      db: database.url,
      keyFile: join(dir, 'secret.key'),
      logLevel: 'info',
      ...options.config,
    },
  });
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ level: config.logLevel, destination });
  const store = await openStore(config, logger);
  // The sandbox's webhooks go to this Gatehouse's app, never to whatever listens on the default port.
  let deliverTo: ((url: string, init?: RequestInit) => Promise<Response>) | null = null;
  const sandbox = createSandbox({
    seed: 7,
    createWorld,
    fetch: async (url, init) =>
      deliverTo ? deliverTo(String(url), init) : new Response(null, { status: 503 }),
    ...options.sandbox,
  });
  const wiring = sandboxUpstream(sandbox);
  const upstream = options.upstreamKey
    ? {
        ...wiring,
        credential: {
          current: async () => ({ kind: 'apikey' as const, key: options.upstreamKey!(sandbox) }),
        },
      }
    : wiring;
  const app = createApp({
    config,
    logger,
    store,
    upstream,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.notify ? { notify: options.notify } : {}),
    ...(options.adminThrottle ? { adminThrottle: options.adminThrottle } : {}),
    alerts: { intervalMs: 100, settleMs: 100, ...options.alerts },
  });
  deliverTo = async (url, init) => app.app.request(url, init);
  const master = sandbox.keys.master[0]!;
  return {
    config,
    app,
    store,
    sandbox,
    logs,
    dir,
    request(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.token) headers['x-api-key'] = opts.token;
      let body: string | undefined;
      if (opts.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      }
      return Promise.resolve(app.app.request(path, { method, headers, body }));
    },
    async apollo(method, path, body) {
      const res = await sandbox.app.request(path, {
        method,
        headers: { 'x-api-key': master, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (res.status !== 200)
        throw new Error(`sandbox ${method} ${path} answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as Record<string, unknown>;
    },
    async agent(name, grants = [], approval = false) {
      const created = await store.agents.create({
        name,
        grants: grants.map((g) => {
          const [spec, flag] = g.split('/');
          const [target, level] = spec!.split('=') as [string, 'off' | 'read' | 'full'];
          return { target, level, requiresApproval: approval, noApproval: flag === 'no-approval' };
        }),
      });
      if (!created.ok) throw new Error(created.error.message);
      return created.value.token;
    },
    async close() {
      await app.drain();
      sandbox.close();
      await store.close();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
