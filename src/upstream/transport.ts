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

/**
 * The request took longer than its timeout. `sent` is false only when no connection to Apollo was
 * ever made, so the request cannot have arrived.
 */
export class TransportTimeout extends Error {
  constructor(
    readonly timeoutMs: number,
    readonly sent = true,
  ) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'TransportTimeout';
  }
}

/**
 * A request that failed without an answer. `sent` tells whether it may have reached Apollo: false
 * when no connection was ever made (refused, unresolvable, unreachable), true once one was, since
 * from then on Apollo may have read and acted on it even if its answer never arrived.
 */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly sent: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TransportError';
  }
}

// Error codes that mean no connection was made: the request never left this machine.
const notConnectedCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** False when the error says the request cannot have reached Apollo; true when it may have. */
export function mayHaveArrived(e: unknown): boolean {
  if (e instanceof TransportError || e instanceof TransportTimeout) return e.sent;
  for (let c: unknown = e, i = 0; c instanceof Error && i < 4; c = c.cause, i++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string' && notConnectedCodes.has(code)) return false;
  }
  return true;
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
      // Set once a connection to Apollo exists (a reused keep-alive socket already does): from
      // then on a failure may come after Apollo read the request.
      let connected = false;
      const finish = (error: unknown, response?: TransportResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onAbort);
        if (response) resolve(response);
        else if (error instanceof TransportTimeout)
          reject(new TransportTimeout(error.timeoutMs, connected));
        else {
          const message = error instanceof Error ? error.message : String(error);
          reject(new TransportError(message, connected && mayHaveArrived(error), { cause: error }));
        }
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
      req.on('socket', (socket) => {
        const ready = secure ? 'secureConnect' : 'connect';
        if (!socket.connecting && (!secure || (socket as { encrypted?: boolean }).encrypted)) {
          connected = true;
        } else socket.once(ready, () => (connected = true));
      });
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
