// Body reading with a limit, both under Node's HTTP server (straight from IncomingMessage) and
// through app.request (the WHATWG stream): declared and streamed oversize bodies are refused.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readBodyText } from './body.js';

const app = new Hono();
app.post('/echo', async (c) => {
  const read = await readBodyText(c, 1000);
  return read.ok
    ? c.text(`${read.text.length}:${read.text.slice(0, 20)}`)
    : c.text('too large', 413);
});

let server: ReturnType<typeof serve>;
let port = 0;
beforeAll(async () => {
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      port = info.port;
      resolve();
    });
  });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends raw chunks with chunked transfer encoding (no content-length). */
function chunked(chunks: string[]): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        port,
        host: '127.0.0.1',
        path: '/echo',
        method: 'POST',
        headers: { 'transfer-encoding': 'chunked' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

describe('readBodyText over a Node server', () => {
  it('reads a body in one piece or in chunks, multi-byte characters intact', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/echo`, {
      method: 'POST',
      body: '{"name":"Zoë"}',
    });
    expect(await res.text()).toBe('14:{"name":"Zoë"}');
    expect(await chunked(['{"a":', '"é', 'é"}'])).toEqual({ status: 200, text: '10:{"a":"éé"}' });
  });

  it('refuses a body whose declared or streamed size is over the limit', async () => {
    const declared = await fetch(`http://127.0.0.1:${port}/echo`, {
      method: 'POST',
      body: 'x'.repeat(1001),
    });
    expect(declared.status).toBe(413);
    const streamed = await chunked(Array.from({ length: 5 }, () => 'y'.repeat(400)));
    expect(streamed.status).toBe(413);
    // The connection still serves the next call.
    const after = await fetch(`http://127.0.0.1:${port}/echo`, { method: 'POST', body: 'ok' });
    expect(await after.text()).toBe('2:ok');
  });
});

describe('readBodyText through app.request', () => {
  it('applies the same limit to the standard body stream', async () => {
    const small = await app.request('/echo', { method: 'POST', body: 'hello' });
    expect(await small.text()).toBe('5:hello');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 3; i++) controller.enqueue(new TextEncoder().encode('z'.repeat(600)));
        controller.close();
      },
    });
    const big = await app.request('/echo', {
      method: 'POST',
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(big.status).toBe(413);
  });
});
