// The node:http transport the client uses in production: same answers as fetch against a listening
// sandbox, kept-alive connections, timeouts, cancellation and a bound on response size.
import http from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { getAction } from '../catalog/index.js';
import { createSandbox, type SandboxServer } from '../sandbox/index.js';
import { createWorld } from '../sandbox/world/index.js';

import { createApolloClient } from './client.js';
import {
  fetchTransport,
  httpTransport,
  mayHaveArrived,
  TransportError,
  TransportTimeout,
} from './transport.js';

const sandbox = createSandbox({ seed: 5, createWorld });
const key = { kind: 'apikey' as const, key: sandbox.keys.master[0]! };
let server: SandboxServer;
let connections = 0;

beforeAll(async () => {
  server = await sandbox.listen(0, '127.0.0.1');
});
afterAll(() => server.close());

async function listen(handler: http.RequestListener) {
  const s = http.createServer(handler);
  s.on('connection', () => (connections += 1));
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      s.closeAllConnections();
      return new Promise<void>((r) => s.close(() => r()));
    },
  };
}

describe('httpTransport', () => {
  it('gets the same answer, status and rate headers as fetch does', async () => {
    const overHttp = createApolloClient({ baseUrl: server.url, transport: httpTransport() });
    const overFetch = createApolloClient({ baseUrl: server.url, transport: fetchTransport(fetch) });
    const input = { person_titles: ['VP Sales'], per_page: 3 };
    const a = await overHttp.call(getAction('people.search'), input, key);
    const b = await overFetch.call(getAction('people.search'), input, key);
    if (!a.ok || !b.ok) throw new Error('expected both calls to succeed');
    expect(a.value.body).toEqual(b.value.body);
    expect(a.value.status).toBe(200);
    expect(a.value.rate?.limit.minute).toBe(b.value.rate?.limit.minute);
    expect(a.value.rate?.left.minute).toBe((b.value.rate?.left.minute ?? 0) + 1);
  });

  it('reuses one kept-alive connection for consecutive calls', async () => {
    const s = await listen((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'),
    );
    const before = connections;
    const send = httpTransport();
    for (let i = 0; i < 5; i++) {
      const r = await send({
        method: 'GET',
        url: `${s.url}/x`,
        headers: {},
        body: undefined,
        timeoutMs: 1000,
      });
      expect(r.text).toBe('ok');
    }
    expect(connections - before).toBe(1);
    await s.close();
  });

  it('sends the body with its length and joins repeated headers', async () => {
    let received = '';
    const s = await listen((req, res) => {
      req.setEncoding('utf8');
      req.on('data', (d: string) => (received += d));
      req.on('end', () => {
        res.setHeader('x-many', ['a', 'b']);
        res.writeHead(201).end(req.headers['content-length']);
      });
    });
    const body = JSON.stringify({ name: 'Zoë' });
    const r = await httpTransport()({
      method: 'POST',
      url: s.url,
      headers: {},
      body,
      timeoutMs: 1000,
    });
    expect(received).toBe(body);
    expect(r.text).toBe(String(Buffer.byteLength(body)));
    expect(r.status).toBe(201);
    expect(r.headers.get('X-Many')).toBe('a, b');
    expect(r.headers.get('x-absent')).toBeNull();
    await s.close();
  });

  it('times out a silent server, honours cancellation and refuses an oversized answer', async () => {
    const silent = await listen(() => undefined);
    const send = httpTransport({ maxResponseBytes: 1000 });
    const request = {
      method: 'GET',
      url: silent.url,
      headers: {},
      body: undefined,
      timeoutMs: 100,
    };
    await expect(send(request)).rejects.toBeInstanceOf(TransportTimeout);

    const controller = new AbortController();
    const cancelled = send({ ...request, timeoutMs: 5000, signal: controller.signal });
    controller.abort();
    await expect(cancelled).rejects.toThrow(/cancelled/);
    await silent.close();

    const big = await listen((_req, res) => res.end('x'.repeat(5000)));
    await expect(send({ ...request, url: big.url })).rejects.toThrow(/larger than 1000 bytes/);
    await big.close();
  });
});

describe('whether a failed request may have reached Apollo', () => {
  const post = (url: string, timeoutMs = 2000) => ({
    method: 'POST',
    url,
    headers: {},
    body: '{"first_name":"Ann"}',
    timeoutMs,
  });

  it('says not sent when no connection could be made', async () => {
    const closed = await listen(() => undefined);
    const url = closed.url;
    await closed.close();
    const failure = await httpTransport()(post(url)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TransportError);
    expect((failure as TransportError).sent).toBe(false);
    expect(mayHaveArrived(failure)).toBe(false);
    // fetch's refusal carries the same code in its cause.
    const viaFetch = await fetchTransport(fetch)(post(url)).catch((e: unknown) => e);
    expect(mayHaveArrived(viaFetch)).toBe(false);
  });

  it('says sent when the server read the request and cut the answer off', async () => {
    let read = '';
    const s = await listen((req, res) => {
      req.setEncoding('utf8');
      req.on('data', (d: string) => (read += d));
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' });
        res.write('{"contact":{"id":"c1"');
        res.socket?.destroy();
      });
    });
    const failure = await httpTransport()(post(s.url)).catch((e: unknown) => e);
    expect(read).toBe('{"first_name":"Ann"}');
    expect(failure).toBeInstanceOf(TransportError);
    expect((failure as TransportError).sent).toBe(true);
    expect(mayHaveArrived(failure)).toBe(true);
    await s.close();
  });

  it('says sent when a connected server stays silent past the timeout', async () => {
    const silent = await listen(() => undefined);
    const failure = await httpTransport()(post(silent.url, 100)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TransportTimeout);
    expect((failure as TransportTimeout).sent).toBe(true);
    await silent.close();
  });
});
