// The one-shot OAuth callback listener: a browser faster than the CLI is not lost, a second
// callback is refused, and after the timeout nothing is accepted.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';

import { describe, expect, it } from 'vitest';

import { openLoopbackCallback } from './loopback-callback.js';

/**
 * Resolves once an HTTP server in this process starts handling a matching request. Node publishes
 * on this channel just before it emits 'request', so by the time the promise settles the
 * listener's own handler has run and the callback is waiting for next().
 */
function requestStarted(matches: (req: IncomingMessage) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const listener = (message: unknown) => {
      if (!matches((message as { request: IncomingMessage }).request)) return;
      unsubscribe('http.server.request.start', listener);
      resolve();
    };
    subscribe('http.server.request.start', listener);
  });
}

describe('openLoopbackCallback', () => {
  it('keeps a callback that arrives before next() is called', async () => {
    const cb = await openLoopbackCallback(0);
    const arrived = requestStarted((req) => req.url?.includes('code=abc') === true);
    const answered = fetch(`${cb.redirectUri}?code=abc&state=s1`);
    await arrived;
    const received = await cb.next(1000, 'timed out');
    expect(received.params.get('code')).toBe('abc');
    received.respond(200, 'done');
    expect(await (await answered).text()).toBe('done\n');
    const again = await fetch(`${cb.redirectUri}?code=def&state=s1`);
    expect(again.status).toBe(410);
    await cb.close();
  });

  it('rejects after the timeout and refuses a late callback', async () => {
    const cb = await openLoopbackCallback(0);
    await expect(cb.next(50, 'no answer in time')).rejects.toThrow('no answer in time');
    expect((await fetch(`${cb.redirectUri}?code=x`)).status).toBe(410);
    await cb.close();
  });
});
