// The one-shot HTTP listener `gatehouse connect oauth` receives Apollo's redirect on: loopback
// only (RFC 8252 §7.3), one callback, then closed. The browser is answered only once the caller
// has finished with the callback, so the page says whether Apollo was connected.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The path the listener answers on (Gatehouse's own, not Apollo's). */
export const loopbackCallbackPath = '/oauth/callback';

/** One callback received; `respond` answers the browser and must be called once. */
export interface ReceivedCallback {
  readonly params: URLSearchParams;
  respond(status: number, text: string): void;
}

/** A listening callback. */
export interface LoopbackCallback {
  /** `http://127.0.0.1:<port>/oauth/callback`, the redirect_uri to register and send. */
  readonly redirectUri: string;
  /** The first callback, or a rejection with `timeoutMessage` after `timeoutMs`. */
  next(timeoutMs: number, timeoutMessage: string): Promise<ReceivedCallback>;
  close(): Promise<void>;
}

const host = '127.0.0.1';

/** Listens on 127.0.0.1 (port 0: any free port). */
export async function openLoopbackCallback(port: number): Promise<LoopbackCallback> {
  let deliver: ((cb: ReceivedCallback) => void) | null = null;
  let early: ReceivedCallback | null = null;
  let expired = false;
  let received = false;
  // A callback taken but not yet answered; close() answers it so the browser is never left hanging.
  let unanswered: ((status: number, text: string) => void) | null = null;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', `http://${host}`);
    const answer = (status: number, text: string) => {
      res.writeHead(status, {
        'content-type': 'text/plain; charset=utf-8',
        'cache-control': 'no-store',
        // The URL held a one-time code: no referrer may carry it anywhere.
        'referrer-policy': 'no-referrer',
        connection: 'close',
      });
      res.end(`${text}\n`);
    };
    if (req.method !== 'GET' || url.pathname !== loopbackCallbackPath) {
      answer(404, 'Not found: this listener only receives the Apollo OAuth callback.');
      return;
    }
    if (received || expired) {
      answer(
        410,
        'Gatehouse is no longer waiting for this authorization (already handled or timed out); return to the terminal.',
      );
      return;
    }
    received = true;
    unanswered = answer;
    const callback: ReceivedCallback = {
      params: url.searchParams,
      respond: (status, text) => {
        unanswered = null;
        answer(status, text);
      },
    };
    // The browser may be faster than the caller's next(): keep the callback until it asks.
    if (deliver) deliver(callback);
    else early = callback;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  let closed: Promise<void> | null = null;
  return {
    redirectUri: `http://${host}:${bound}${loopbackCallbackPath}`,
    next(timeoutMs, timeoutMessage) {
      return new Promise<ReceivedCallback>((resolve, reject) => {
        if (early) {
          resolve(early);
          early = null;
          return;
        }
        const timer = setTimeout(() => {
          deliver = null;
          expired = true;
          reject(new Error(timeoutMessage));
        }, timeoutMs);
        deliver = (cb) => {
          clearTimeout(timer);
          resolve(cb);
        };
      });
    },
    close() {
      unanswered?.(500, 'Gatehouse stopped before finishing; return to the terminal.');
      unanswered = null;
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      return closed;
    },
  };
}
