// Request ids: the client's X-Request-Id when it is a safe token, otherwise one made here. It is
// echoed on every answer, logged on every line written while the request runs, and stored on the
// request's audit record, so an operator can go from a client's report to the log lines and the
// record. The id travels in an AsyncLocalStorage, one per app, so that neither the pipeline nor
// the store needs a parameter for it.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

import type { MiddlewareHandler } from 'hono';

import type { Logger } from '../../ports/index.js';

/** The header read and answered. */
export const requestIdHeader = 'x-request-id';

// A client's id ends up in logs and in the audit table: only short plain tokens are taken as is,
// so it cannot forge a log line, hide in a CSV formula, or grow a row.
const safeRequestId = /^[A-Za-z0-9._-]{1,128}$/;

/** The client's id when it is 1-128 characters of A-Z a-z 0-9 . _ -, else a new UUID. */
export function requestIdFrom(header: string | undefined | null): string {
  return header && safeRequestId.test(header) ? header : randomUUID();
}

/** The request ids of one app. */
export interface RequestIds {
  /** The id of the request running now, if any. */
  current(): string | undefined;
  /** Middleware: takes or makes the id, runs the request with it, answers it in the header. */
  middleware(): MiddlewareHandler;
  /** `logger`, adding `request_id` to every line written while a request runs. */
  logger(logger: Logger): Logger;
}

/** Creates the request ids of one app. */
export function createRequestIds(): RequestIds {
  const store = new AsyncLocalStorage<string>();
  const current = () => store.getStore();
  const tagged = (o: object): object => {
    const id = store.getStore();
    return id === undefined ? o : { request_id: id, ...o };
  };
  return {
    current,
    middleware: () => async (c, next) => {
      const id = requestIdFrom(c.req.header(requestIdHeader));
      await store.run(id, next);
      try {
        c.res.headers.set(requestIdHeader, id);
      } catch {
        // A response whose headers are immutable (one passed through as fetched) is copied.
        c.res = new Response(c.res.body, c.res);
        c.res.headers.set(requestIdHeader, id);
      }
    },
    logger: (logger) => ({
      debug: (o, m) => logger.debug(tagged(o), m),
      info: (o, m) => logger.info(tagged(o), m),
      warn: (o, m) => logger.warn(tagged(o), m),
      error: (o, m) => logger.error(tagged(o), m),
    }),
  };
}
