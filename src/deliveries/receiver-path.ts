import { createHash } from 'node:crypto';

import { webhookReceiverPath } from './deliveries.js';

// The prefix as the router sees it: any case, repeated slashes, percent-encoded letters.
const receiverPattern = /^\/+webhooks\/+apollo\/+(.+)$/i;

/** Percent-decodes like the router does, keeping any sequence that does not decode. */
function decodePath(path: string): string {
  try {
    return decodeURI(path);
  } catch {
    return path.replace(/(?:%[0-9A-Fa-f][0-9A-Fa-f])+/g, (run) => {
      try {
        return decodeURI(run);
      } catch {
        return run;
      }
    });
  }
}

/**
 * A request path fit for a log line. A webhook receiver's path is its only credential, so what
 * follows `/webhooks/apollo/` becomes the first 8 hex digits of its SHA-256 and an ellipsis:
 * enough to tell receivers apart (and to match the receiver hash prefix logged when a delivery
 * is refused), useless for posting to it. Every other path is returned unchanged.
 */
export function loggablePath(path: string): string {
  const tail = receiverPattern.exec(decodePath(path))?.[1];
  if (tail === undefined) return path;
  const digest = createHash('sha256').update(tail).digest('hex').slice(0, 8);
  return `${webhookReceiverPath}/${digest}…`;
}
