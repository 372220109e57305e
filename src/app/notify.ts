// The optional notification webhook (GATEHOUSE_NOTIFY_WEBHOOK_URL): a Slack-compatible incoming
// webhook told, in one line of text, when a call waits for approval. Fire and forget: a slow or
// failing receiver never delays or fails the agent's call; failures are logged without the URL
// (incoming-webhook URLs are secrets).
import type { Logger } from '../ports/index.js';

/** Sends `{"text": …}` to the webhook; resolves when sent or failed (never rejects). */
export type Notify = (text: string) => Promise<void>;

/** Returns the notifier, or a no-op when no URL is configured. */
export function createNotifier(
  url: string | undefined,
  logger: Logger,
  fetchImpl: typeof fetch = fetch,
): Notify {
  if (!url) return async () => undefined;
  return async (text) => {
    try {
      const res = await fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: text.slice(0, 3000) }),
        signal: AbortSignal.timeout(5_000),
      });
      if (!res.ok)
        logger.warn({ status: res.status }, 'the notification webhook refused a message');
    } catch (e) {
      logger.warn({ reason: (e as Error).message }, 'could not reach the notification webhook');
    }
  };
}
