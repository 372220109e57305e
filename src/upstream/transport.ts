// How the client's requests travel. Production uses node:http(s) with keep-alive connections:
// a WHATWG fetch builds a Request, a Response, two streams and an AbortSignal per call, which
// cost more CPU than everything else Gatehouse does for a call (measured by bench:overhead).
// Tests and the embedded sandbox pass a fetch function instead, adapted here.
import http from 'node:http';
import https from 'node:https';

/** Reads a response header by (case-insensitive) name. */
export interface HeaderReader {
  get(name: string): string | null;
}

/** One request as the client built it. */
export interface TransportRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

/** A whole response: status, headers and the body as text. */
export interface TransportResponse {
  readonly status: number;
  readonly headers: HeaderReader;
  readonly text: string;
}

/** Sends a request; rejects with {@link TransportTimeout} on timeout, any other error otherwise. */
export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

/** The request took longer than its timeout. */
export class TransportTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'TransportTimeout';
  }
}

/** Largest response body accepted (Apollo's largest pages are a few MB). */
export const maxResponseBytes = 64 * 1024 * 1024;

/** A transport over node:http and node:https with keep-alive connection pools. */
export function httpTransport(
  options: { maxSockets?: number; maxResponseBytes?: number } = {},
): Transport {
  const limit = options.maxResponseBytes ?? maxResponseBytes;
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 64 };
  const agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };
  return (request) =>
    new Promise<TransportResponse>((resolve, reject) => {
      const url = new URL(request.url);
      const secure = url.protocol === 'https:';
      const headers: Record<string, string> = { ...request.headers };
      if (request.body !== undefined) {
        headers['content-length'] = String(Buffer.byteLength(request.body));
      }
      let settled = false;
      const finish = (error: unknown, response?: TransportResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onAbort);
        if (response) resolve(response);
        else reject(error instanceof Error ? error : new Error(String(error)));
      };
      const req = (secure ? https : http).request(
        url,
        { method: request.method, headers, agent: secure ? agents.https : agents.http },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > limit) {
              finish(new Error(`response larger than ${limit} bytes`));
              res.destroy();
              return;
            }
            chunks.push(chunk);
          });
          res.on('error', (e) => finish(e));
          res.on('close', () => {
            if (!res.complete) finish(new Error('the connection closed before the answer ended'));
          });
          res.on('end', () => {
            const raw = res.headers;
            finish(null, {
              status: res.statusCode ?? 0,
              headers: {
                get(name) {
                  const v = raw[name.toLowerCase()];
                  return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
                },
              },
              text: Buffer.concat(chunks).toString('utf8'),
            });
          });
        },
      );
      const timer = setTimeout(
        () => req.destroy(new TransportTimeout(request.timeoutMs)),
        request.timeoutMs,
      );
      const onAbort = () => req.destroy(new Error('the call was cancelled'));
      if (request.signal?.aborted) onAbort();
      request.signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (e) => finish(e));
      req.end(request.body);
    });
}

/** A transport over a fetch function (the embedded sandbox, tests). */
export function fetchTransport(doFetch: typeof fetch): Transport {
  return async (request) => {
    const timeout = AbortSignal.timeout(request.timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    try {
      const response = await doFetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal,
        redirect: 'manual',
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, text };
    } catch (e) {
      if (timeout.aborted) throw new TransportTimeout(request.timeoutMs);
      throw e;
    }
  };
}
