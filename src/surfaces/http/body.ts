import type { IncomingMessage } from 'node:http';

import type { Context } from 'hono';

/** The request body as text, or why it was refused. */
export type BodyText = { ok: true; text: string } | { ok: false; reason: 'too_large' };

/**
 * Reads the request body as UTF-8 text, refusing more than `maxBytes` (declared or streamed).
 *
 * Under @hono/node-server the body is read straight from Node's IncomingMessage: asking Hono for
 * it builds a WHATWG Request with a ReadableStream and an AbortController per call, which the
 * overhead benchmark showed to be a large share of a proxied call's CPU. Elsewhere (app.request in
 * tests, other runtimes) the standard body stream is read with the same limit.
 */
export async function readBodyText(c: Context, maxBytes: number): Promise<BodyText> {
  const declared = Number(c.req.header('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) return { ok: false, reason: 'too_large' };
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming && !incoming.readableEnded && incoming.readableFlowing === null) {
    return readIncoming(incoming, maxBytes);
  }
  return readStream(c.req.raw.body, maxBytes);
}

function readIncoming(incoming: IncomingMessage, maxBytes: number): Promise<BodyText> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        // Node discards the unread rest once the answer is sent.
        resolve({ ok: false, reason: 'too_large' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve({ ok: true, text: Buffer.concat(chunks, size).toString('utf8') });
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
    };
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
  });
}

async function readStream(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<BodyText> {
  if (!body) return { ok: true, text: '' };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel();
      return { ok: false, reason: 'too_large' };
    }
    chunks.push(value);
  }
  return { ok: true, text: Buffer.concat(chunks, size).toString('utf8') };
}
