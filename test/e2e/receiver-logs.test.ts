// A webhook receiver's address is its only credential, so no log line ever holds it: Apollo's
// delivery to the receiver, a repeat spelled another way and a post to an unknown receiver are all
// logged with the receiver reduced to a hash prefix.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { startGatehouse, type StartedGatehouse } from '../../src/app/start.js';
import { getAction } from '../../src/catalog/index.js';
import { loadConfig } from '../../src/config/config.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-receiver-logs-'));
const logs: string[] = [];
const posted: Array<{ url: string; status: number }> = [];
let g: StartedGatehouse;

beforeAll(async () => {
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk, _enc, done) {
        logs.push(String(chunk));
        done();
      },
    }),
  });
  g = await startGatehouse(
    loadConfig({
      flags: { db: join(dir, 'g.db'), keyFile: join(dir, 'k'), port: 0, sandbox: true },
    }),
    {
      logger,
      createDemoAgent: false,
      // The embedded sandbox plays Apollo: it POSTs each delivery over HTTP to the receiver.
      sandboxOptions: {
        fetch: async (input, init) => {
          const res = await fetch(input, init);
          posted.push({ url: String(input), status: res.status });
          return res;
        },
      },
    },
  );
});
afterAll(async () => {
  await g?.close();
  rmSync(dir, { recursive: true, force: true });
});

const digest8 = (secret: string) => createHash('sha256').update(secret).digest('hex').slice(0, 8);

/** The paths of the request log lines for the receiver. */
const receiverRequestPaths = () =>
  logs
    .map((line) => JSON.parse(line) as { msg?: string; path?: string })
    .filter((l) => l.msg === 'request' && /webhooks/i.test(l.path ?? ''))
    .map((l) => l.path);

describe('webhook receiver addresses in the logs', () => {
  it('never writes the receiver secret, only a hash prefix of it', async () => {
    const sandbox = g.sandbox!;
    const search = await sandbox.app.request(getAction('people.search')!.path, {
      method: 'POST',
      headers: { 'x-api-key': sandbox.keys.master[0]!, 'content-type': 'application/json' },
      body: JSON.stringify({ person_titles: ['director'], per_page: 100 }),
    });
    const people = (
      (await search.json()) as { people: Array<{ id: string; has_direct_phone: string }> }
    ).people;
    const withPhone = people.find((p) => p.has_direct_phone === 'Yes')!.id;
    const created = await g.store.agents.create({
      name: 'caller',
      grants: [
        { target: 'people', level: 'read', requiresApproval: false },
        { target: 'people.reveal', level: 'read', requiresApproval: false },
      ],
    });
    if (!created.ok) throw new Error(created.error.message);

    const match = await fetch(`${g.url}${getAction('people.match')!.path}`, {
      method: 'POST',
      headers: { 'x-api-key': created.value.token, 'content-type': 'application/json' },
      body: JSON.stringify({ id: withPhone, reveal_phone_number: true }),
    });
    expect(match.status).toBe(200);
    await sandbox.flushDeliveries();

    expect(posted).toHaveLength(1);
    const delivery = posted[0]!;
    expect(delivery.status).toBe(200);
    const url = new URL(delivery.url);
    expect(url.origin).toBe(g.url);
    const secret = /^\/webhooks\/apollo\/([\w-]{43})$/.exec(url.pathname)![1]!;

    // Apollo retries with the same body; the same receiver spelled with an escaped letter.
    const repeat = await fetch(`${g.url}/webhooks/%61pollo/${secret}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(repeat.status).toBe(200);
    const unknown = randomBytes(32).toString('base64url');
    const refused = await fetch(`${g.url}/webhooks/apollo/${unknown}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(refused.status).toBe(404);

    const text = logs.join('');
    for (const s of [secret, unknown]) {
      expect(text).not.toContain(s);
      expect(text).not.toContain(s.slice(0, 16));
    }
    expect(receiverRequestPaths()).toEqual([
      `/webhooks/apollo/${digest8(secret)}…`,
      `/webhooks/apollo/${digest8(secret)}…`,
      `/webhooks/apollo/${digest8(unknown)}…`,
    ]);
    // The refusal's own warning names the same receiver by a longer prefix of the same hash.
    expect(text).toContain(
      `"receiver":"${createHash('sha256').update(unknown).digest('hex').slice(0, 12)}"`,
    );
  });

  it('names the receiver by its hash prefix when handling a delivery fails unexpectedly', async () => {
    // The store gone: the receiver cannot look the secret up, and the error handler logs it.
    await g.store.handle.close();
    const secret = randomBytes(32).toString('base64url');
    const res = await fetch(`${g.url}/webhooks/apollo/${secret}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(500);
    const failure = logs
      .map((line) => JSON.parse(line) as { msg?: string; path?: string })
      .find((l) => l.msg === 'unhandled error');
    expect(failure?.path).toBe(`/webhooks/apollo/${digest8(secret)}…`);
    expect(logs.join('')).not.toContain(secret);
  });
});
