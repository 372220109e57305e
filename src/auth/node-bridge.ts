// oidc-provider is a Koa application: it speaks Node's (req, res). Gatehouse's surfaces speak the
// web-standard Request and Response (Hono), also in tests that call app.request() with no socket.
// This bridge gives Koa a request made from a Request and a response that collects what Koa writes,
// then turns that into a Response, so the authorization server sits behind Gatehouse's own
// middleware (security headers, request ids, the request log) like every other route.
//
// The request carries what the authorization server must believe: its scheme and Host are the
// issuer's, whatever the client sent (the issuer is GATEHOUSE_PUBLIC_URL or the listening
// address), so every URL it builds names the issuer and a forged Host header changes nothing.
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable, Writable } from 'node:stream';

/** How the bridged request presents itself. */
export interface BridgeOptions {
  /** The issuer's origin (`https://gatehouse.example.com`): its scheme and host are used. */
  readonly origin: string;
  /** The caller's address, as Gatehouse determined it. */
  readonly remoteAddress: string | null;
  /** The path and query Koa sees (default: the request's own). */
  readonly pathAndQuery?: string;
  /** Largest body passed on (oidc-provider itself refuses more than 56 KiB). */
  readonly maxBodyBytes?: number;
}

/** A Node-style request/response pair over one web request. */
export interface NodePair {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Resolves when the response has ended, with what was written. */
  readonly finished: Promise<Response>;
  /** The Set-Cookie values written so far (a handler that does not end the response). */
  setCookies(): string[];
}

/** Thrown when a body is larger than the bridge passes on. */
export class BodyTooLarge extends Error {
  override readonly name = 'BodyTooLarge';
}

class CollectingResponse extends Writable {
  statusCode = 200;
  statusMessage = '';
  headersSent = false;
  readonly chunks: Buffer[] = [];
  private readonly headers = new Map<string, string | number | readonly string[]>();

  constructor(readonly socket: EventEmitter & { writable: boolean }) {
    super();
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, done: (e?: Error | null) => void) {
    this.headersSent = true;
    this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    done();
  }

  override _final(done: (e?: Error | null) => void) {
    this.headersSent = true;
    done();
  }

  setHeader(name: string, value: string | number | readonly string[]) {
    this.headers.set(name.toLowerCase(), value);
    return this;
  }
  getHeader(name: string) {
    return this.headers.get(name.toLowerCase());
  }
  getHeaders() {
    return Object.fromEntries(this.headers);
  }
  getHeaderNames() {
    return [...this.headers.keys()];
  }
  hasHeader(name: string) {
    return this.headers.has(name.toLowerCase());
  }
  removeHeader(name: string) {
    this.headers.delete(name.toLowerCase());
  }
  writeHead(status: number, ...rest: unknown[]) {
    this.statusCode = status;
    const last = rest.at(-1);
    if (last && typeof last === 'object' && !Array.isArray(last)) {
      for (const [k, v] of Object.entries(last as Record<string, string>)) this.setHeader(k, v);
    }
    return this;
  }
  flushHeaders() {
    this.headersSent = true;
  }

  toResponse(): Response {
    const headers = new Headers();
    for (const [name, value] of this.headers) {
      if (Array.isArray(value)) for (const v of value) headers.append(name, String(v));
      else headers.set(name, String(value));
    }
    const empty = [101, 204, 205, 304].includes(this.statusCode);
    return new Response(empty ? null : Buffer.concat(this.chunks), {
      status: this.statusCode,
      headers,
    });
  }

  cookies(): string[] {
    const value = this.headers.get('set-cookie');
    if (value === undefined) return [];
    return Array.isArray(value) ? value.map(String) : [String(value)];
  }
}

/** Builds the pair for `request`; the body is read first (refused past the limit). */
export async function nodePair(request: Request, options: BridgeOptions): Promise<NodePair> {
  const limit = options.maxBodyBytes ?? 64 * 1024;
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLarge('body too large');
  const body = request.body ? Buffer.from(await request.arrayBuffer()) : Buffer.alloc(0);
  if (body.length > limit) throw new BodyTooLarge('body too large');

  const origin = new URL(options.origin);
  const socket = Object.assign(new EventEmitter(), {
    encrypted: origin.protocol === 'https:',
    remoteAddress: options.remoteAddress ?? undefined,
    writable: true,
  });
  let pushed = false;
  const req = new Readable({
    read() {
      if (pushed) return;
      pushed = true;
      if (body.length) this.push(body);
      this.push(null);
    },
  }) as unknown as IncomingMessage;
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    // Cookies are joined with "; " by the Headers class already; Koa reads one string.
    headers[name] = value;
  });
  headers.host = origin.host;
  delete headers['x-forwarded-host'];
  delete headers['x-forwarded-proto'];
  if (body.length) headers['content-length'] = String(body.length);
  const url = new URL(request.url);
  Object.assign(req, {
    method: request.method.toUpperCase(),
    url: options.pathAndQuery ?? `${url.pathname}${url.search}`,
    headers,
    httpVersion: '1.1',
    httpVersionMajor: 1,
    httpVersionMinor: 1,
    socket,
    connection: socket,
  });

  const res = new CollectingResponse(socket);
  const finished = new Promise<Response>((resolve, reject) => {
    res.on('finish', () => resolve(res.toResponse()));
    res.on('error', reject);
  });
  return {
    req,
    res: res as unknown as ServerResponse,
    finished,
    setCookies: () => res.cookies(),
  };
}
