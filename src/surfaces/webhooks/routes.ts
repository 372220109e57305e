// The receiver for Apollo's asynchronous enrichment deliveries (design.md `/webhooks/apollo/*`).
// Apollo signs nothing, so the only credential is the unguessable secret in the
// path, minted per call; deliveries to any other address are refused (404) and logged, and a
// repeated delivery (Apollo retries) is acknowledged without changing what was stored.
import { Hono, type Context } from 'hono';

import { webhookReceiverPath, type Deliveries } from '../../deliveries/deliveries.js';
import { readBodyText } from '../http/body.js';

/** Options for the webhook receiver. */
export interface WebhookOptions {
  readonly deliveries: Pick<Deliveries, 'accept'>;
  /** The largest delivery accepted (bytes). */
  readonly maxBodyBytes: number;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });

/** POST /webhooks/apollo/:secret. */
export function createWebhookRoutes(options: WebhookOptions): Hono {
  const app = new Hono();
  app.post(`${webhookReceiverPath}/:secret`, async (c: Context) => {
    const read = await readBodyText(c, options.maxBodyBytes);
    if (!read.ok) {
      return json(413, { error: `A delivery is limited to ${options.maxBodyBytes} bytes.` });
    }
    const result = await options.deliveries.accept(c.req.param('secret') ?? '', read.text);
    return result.kind === 'accepted' || result.kind === 'repeat'
      ? json(200, { received: true })
      : json(result.status, { error: result.message });
  });
  // Anything else under the receiver path: Apollo only ever POSTs.
  app.all(`${webhookReceiverPath}/*`, () =>
    json(404, { error: 'No asynchronous enrichment is awaited at this address.' }),
  );
  return app;
}
