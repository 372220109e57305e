// What a world action returns: Apollo's 200 body with the credits it cost, or an Apollo-shaped
// error. Asynchronous enrichment results ride along for the server to deliver by webhook.

/** An asynchronous enrichment result that the server POSTs to webhookUrl after delayMs and keeps for webhook_result. */
export interface AsyncDelivery {
  /** Signed 64-bit integer in decimal, often negative (same as the sync response's request_id). */
  requestId: string;
  webhookUrl: string;
  delayMs: number;
  /** The webhook body: the native phone shape or the waterfall shape. */
  payload: unknown;
  /** Credits charged when delivered (fractional for the waterfall). */
  credits: number;
}

/** The outcome of one action. */
export type WorldResult =
  | { ok: true; body: unknown; credits: number; async?: AsyncDelivery[] }
  | { ok: false; status: 400 | 404 | 422; body: unknown };

/** A 200 answer. */
export function success(body: unknown, credits = 0, async?: AsyncDelivery[]): WorldResult {
  return async && async.length ? { ok: true, body, credits, async } : { ok: true, body, credits };
}

/** Apollo's 422 for an id that names nothing. */
export function invalidId(value: string): WorldResult {
  return {
    ok: false,
    status: 422,
    body: { error: `Parameters misconfigured. ${value} is not a valid ID` },
  };
}

/**
 * 404 for an unknown record in the path. Apollo's body is undocumented;
 * we answer `{"error": "<Thing> not found"}`.
 */
export function notFound(thing: string): WorldResult {
  return { ok: false, status: 404, body: { error: `${thing} not found` } };
}

/** A 422 with Apollo's `{error}` body. */
export function unprocessable(message: string): WorldResult {
  return { ok: false, status: 422, body: { error: message } };
}
