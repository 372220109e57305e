// The one-shot OAuth callback listener: a browser faster than the CLI is not lost, a second
// callback is refused, and after the timeout nothing is accepted.
import { describe, expect, it } from 'vitest';

import { openLoopbackCallback } from './loopback-callback.js';

describe('openLoopbackCallback', () => {
  it('keeps a callback that arrives before next() is called', async () => {
    const cb = await openLoopbackCallback(0);
    const answered = fetch(`${cb.redirectUri}?code=abc&state=s1`);
    await new Promise((r) => setTimeout(r, 50));
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
