// A write whose answer is lost is never reported as a plain failure. Gatehouse calls a listening
// sandbox over real HTTP, through a TCP proxy that can cut Apollo's answer off mid-body; the
// sandbox can also delay past Gatehouse's timeout or cut its JSON short. In each case the write
// is stored by Apollo, and the agent is told the outcome is unknown and how to check before
// retrying; the audit records it as unknown. A read with a lost answer stays retryable, and a
// write that never left (connection refused) stays an ordinary failure.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { createApp, type GatehouseApp } from '../../src/app/create-app.js';
import { createLogger } from '../../src/app/logger.js';
import { openStore, type StoreServices } from '../../src/store/open-store.js';
import { loadConfig } from '../../src/config/config.js';
import { createSandbox, type SandboxServer } from '../../src/sandbox/index.js';
import { createWorld } from '../../src/sandbox/world/index.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-lost-'));
const sandbox = createSandbox({ seed: 11, createWorld });
const master = sandbox.keys.master[0]!;
let upstream: SandboxServer;
let proxy: net.Server;
let proxyUrl = '';
/** What the proxy does to Apollo's answers. */
let mode: 'pass' | 'cut' = 'pass';
let store: StoreServices;
let app: GatehouseApp;
let token: string;

beforeAll(async () => {
  upstream = await sandbox.listen(0, '127.0.0.1');
  const target = new URL(upstream.url);
  proxy = net.createServer((client) => {
    const server = net.connect(Number(target.port), target.hostname);
    client.pipe(server);
    server.on('data', (chunk: Buffer) => {
      if (mode === 'pass') {
        client.write(chunk);
        return;
      }
      // The status line, the headers and part of the body, then the connection breaks.
      client.write(chunk.subarray(0, chunk.indexOf('\r\n\r\n') + 4 + 10));
      client.destroy();
      server.destroy();
    });
    server.on('end', () => client.end());
    client.on('error', () => server.destroy());
    server.on('error', () => client.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;

  const config = loadConfig({
    flags: { db: join(dir, 'g.db'), keyFile: join(dir, 'k'), upstreamTimeoutMs: 400 },
  });
  const logger = createLogger({ level: 'silent' });
  store = await openStore(config, logger);
  app = createApp({
    config,
    logger,
    store,
    upstream: {
      baseUrl: proxyUrl,
      label: 'the sandbox behind a proxy',
      credential: { current: async () => ({ kind: 'apikey', key: master }) },
    },
  });
  const created = await store.agents.create({
    name: 'writer',
    grants: [
      { target: 'contacts', level: 'full', requiresApproval: false },
      { target: 'people', level: 'read', requiresApproval: false },
    ],
  });
  if (!created.ok) throw new Error(created.error.message);
  token = created.value.token;
});
afterAll(async () => {
  await app.drain();
  await store.close();
  await new Promise<void>((r) => proxy.close(() => r()));
  await upstream.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  mode = 'pass';
  sandbox.faults.clear();
});

async function call(method: string, path: string, body: unknown) {
  const res = await app.app.request(path, {
    method,
    headers: { 'x-api-key': token, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { res, body: (await res.json()) as Record<string, unknown> };
}

/** Contacts the sandbox holds with this email, asked directly with the master key. */
async function storedWithEmail(email: string): Promise<number> {
  const res = await fetch(`${upstream.url}/api/v1/contacts/search`, {
    method: 'POST',
    headers: { 'x-api-key': master, 'content-type': 'application/json' },
    body: JSON.stringify({ q_keywords: email }),
  });
  const body = (await res.json()) as { contacts: Array<{ email?: string }> };
  if (!body.contacts) throw new Error(`${res.status} ${JSON.stringify(body)}`);
  return body.contacts.filter((c) => c.email === email).length;
}

/**
 * Waits until the sandbox has finished a write it was still doing, asking every 200 ms (gently:
 * the sandbox's own rate window counts each ask), for at most 5 s.
 */
async function eventually(check: () => Promise<boolean>, ms = 5000) {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function lastRecord() {
  return (await store.audit.query({ limit: 1 })).records[0]!;
}

const contact = (email: string) => ({ first_name: 'Lost', last_name: 'Answer', email });

describe('a write whose answer is lost', () => {
  it('cut off mid-body: 502 WRITE_OUTCOME_UNKNOWN, how to check, the contact stored once', async () => {
    mode = 'cut';
    const { res, body } = await call('POST', '/api/v1/contacts', contact('cut@lost.example'));
    expect(res.status).toBe(502);
    expect(res.headers.get('x-gatehouse-write-outcome')).toBe('unknown');
    expect(body).toMatchObject({ error_code: 'WRITE_OUTCOME_UNKNOWN', outcome: 'unknown' });
    expect(String(body.error)).toMatch(
      /^The outcome is unknown: .*may have done it\. Do not simply retry/,
    );
    expect(String(body.check_before_retry)).toMatch(/contacts search.*run_dedupe: true/);
    expect(String(body.error)).not.toMatch(/Try again in a moment/);
    expect(await storedWithEmail('cut@lost.example')).toBe(1);
    const record = await lastRecord();
    expect(record).toMatchObject({ action: 'contacts.create', errorCode: 'write_outcome_unknown' });
    expect(record.sentence).toMatch(/but the outcome is unknown: .*so it may have taken effect/);
    expect(record.sentence).not.toMatch(/could not be reached/);
  });

  it('timed out: 504 WRITE_OUTCOME_UNKNOWN while Apollo goes on to store it', async () => {
    sandbox.faults.set('contacts.create', { latencyMs: 1200 });
    const { res, body } = await call('POST', '/api/v1/contacts', contact('slow@lost.example'));
    expect(res.status).toBe(504);
    expect(body.error_code).toBe('WRITE_OUTCOME_UNKNOWN');
    expect(String(body.error)).toMatch(/Apollo did not answer in time, so Apollo may have done it/);
    const record = await lastRecord();
    expect(record.errorCode).toBe('write_outcome_unknown');
    expect(record.sentence).toMatch(/the outcome is unknown: Apollo's answer was lost/);
    await eventually(async () => (await storedWithEmail('slow@lost.example')) === 1);
  });

  it('a 200 with its JSON cut short: unknown, naming the status', async () => {
    sandbox.faults.set('contacts.create', { malformedRate: 1 });
    const { res, body } = await call('POST', '/api/v1/contacts', contact('short@lost.example'));
    expect(res.status).toBe(502);
    expect(body).toMatchObject({ error_code: 'WRITE_OUTCOME_UNKNOWN', apollo_status: 200 });
    expect(await storedWithEmail('short@lost.example')).toBe(1);
    expect((await lastRecord()).sentence).toMatch(
      /Apollo's answer \(200\) was cut off or unreadable/,
    );
  });

  it('a deduplicated create or an update is safe to repeat, and the agent is told so', async () => {
    mode = 'cut';
    const { body } = await call('POST', '/api/v1/contacts', {
      ...contact('dedupe@lost.example'),
      run_dedupe: true,
    });
    expect(body.error_code).toBe('WRITE_OUTCOME_UNKNOWN');
    expect(String(body.error)).toMatch(/Repeating this exact call is safe/);
  });
});

describe('what stays an ordinary failure', () => {
  it('a read whose answer is lost may simply be retried', async () => {
    mode = 'cut';
    const { res, body } = await call('POST', '/api/v1/mixed_people/api_search', { per_page: 2 });
    expect(res.status).toBe(502);
    expect(body.error_code).toBe('UPSTREAM_UNREACHABLE');
    expect(String(body.error)).toMatch(/Try again in a moment/);
  });

  it('a write that never left: connection refused is 502 UPSTREAM_UNREACHABLE', async () => {
    const refusedDir = mkdtempSync(join(tmpdir(), 'gatehouse-lost-refused-'));
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const config = loadConfig({
      flags: { db: join(refusedDir, 'g.db'), keyFile: join(refusedDir, 'k') },
    });
    const logger = createLogger({ level: 'silent' });
    const s = await openStore(config, logger);
    const a = createApp({
      config,
      logger,
      store: s,
      upstream: {
        baseUrl: `http://127.0.0.1:${port}`,
        label: 'nothing',
        credential: { current: async () => ({ kind: 'apikey', key: master }) },
      },
    });
    const agent = await s.agents.create({
      name: 'w',
      grants: [{ target: 'contacts', level: 'full', requiresApproval: false }],
    });
    if (!agent.ok) throw new Error(agent.error.message);
    const res = await a.app.request('/api/v1/contacts', {
      method: 'POST',
      headers: { 'x-api-key': agent.value.token, 'content-type': 'application/json' },
      body: JSON.stringify(contact('never@lost.example')),
    });
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error_code: string }).error_code).toBe('UPSTREAM_UNREACHABLE');
    const record = (await s.audit.query({ limit: 1 })).records[0]!;
    expect(record.sentence).toMatch(/Apollo could not be reached/);
    await a.drain();
    await s.close();
    rmSync(refusedDir, { recursive: true, force: true });
  });
});
