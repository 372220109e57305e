// Pins the pacer's rules: a call goes only while every Apollo window has room, waits (fairly,
// round robin between agents) for the window that blocks it, is refused at once when that wait is
// too long, and Apollo's headers and 429s correct the counts. Time and timers are driven by hand.
import { createManualTime, type ManualTime } from '../../test/helpers/manual-time.js';
import { describe, expect, it } from 'vitest';

import type { WindowLimits } from '../catalog/index.js';
import type { RateLimitInfo } from '../ports/index.js';

import {
  createPacer,
  describeRefusal,
  describeWait,
  type Grant,
  type PacerOptions,
  type Refusal,
} from './index.js';

const minute = 60_000;
const day = 86_400_000;
const forever = 10 * day;
const bucket = 'people.search';

/** Lets promise callbacks run between timers. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Advances the manual clock, letting promise callbacks run after each timer. */
async function advance(time: ManualTime, ms: number): Promise<void> {
  const target = time.now() + ms;
  for (;;) {
    const next = time.nextTimerAt();
    if (next === null || next > target) break;
    time.advanceTo(next);
    await flush();
  }
  time.advanceTo(target);
  await flush();
}

interface Tracked {
  result: Grant | Refusal | undefined;
}

function track(promise: Promise<Grant | Refusal>): Tracked {
  const t: Tracked = { result: undefined };
  void promise.then((r) => (t.result = r));
  return t;
}

function granted(t: Tracked): Grant {
  if (!t.result?.ok) throw new Error(`expected a grant, got ${JSON.stringify(t.result)}`);
  return t.result;
}

function refused(t: Tracked): Refusal {
  if (!t.result || t.result.ok)
    throw new Error(`expected a refusal, got ${JSON.stringify(t.result)}`);
  return t.result;
}

function setup(limits: Partial<WindowLimits> = {}, options: Partial<PacerOptions> = {}) {
  const time = createManualTime(0);
  const all: WindowLimits = { minute: 2, hour: null, day: null, ...limits };
  const pacer = createPacer({
    clock: time,
    setTimer: time.setTimer,
    defaults: () => all,
    marginMs: 0,
    ...options,
  });
  const go = (agent = 'a', maxWaitMs = forever, signal?: AbortSignal) =>
    track(pacer.acquire(bucket, agent, { maxWaitMs, signal }));
  return { time, pacer, go };
}

function rate(
  minuteWindow: { limit: number | null; usage?: number },
  rest: Partial<Pick<RateLimitInfo, 'limit' | 'usage'>> = {},
): RateLimitInfo {
  const limit = { minute: minuteWindow.limit, hour: null, day: null, ...rest.limit };
  const usage = { minute: minuteWindow.usage ?? null, hour: null, day: null, ...rest.usage };
  return {
    limit,
    usage,
    left: {
      minute: limit.minute === null || usage.minute === null ? null : limit.minute - usage.minute,
      hour: null,
      day: null,
    },
    retryAfterSeconds: null,
  };
}

describe('pacer: windows', () => {
  it('grants at once while every window has room, and counts the call when it is granted', async () => {
    const { time, pacer, go } = setup();
    const a = go();
    const b = go();
    await flush();
    expect(granted(a)).toMatchObject({ waitedMs: 0, position: 0, waitedFor: null, grantedAt: 0 });
    expect(granted(b).position).toBe(0);
    expect(pacer.snapshot(bucket).windows.minute).toEqual({
      limit: 2,
      sent: 2,
      left: 0,
      resetsInMs: minute,
    });
    expect(time.pendingTimers()).toBe(0);
  });

  it('holds the (limit+1)th call until the minute window reopens, then sends it', async () => {
    const { time, pacer, go } = setup();
    go();
    go();
    await advance(time, 10_000);
    const third = go();
    await advance(time, 49_999);
    expect(third.result).toBeUndefined();
    expect(pacer.snapshot(bucket).queued).toBe(1);
    await advance(time, 1);
    const grant = granted(third);
    expect(grant).toMatchObject({
      grantedAt: minute,
      waitedMs: 50_000,
      position: 1,
      waitedFor: 'minute',
    });
    expect(describeWait(grant)).toBe("waited 50 s for Apollo's per-minute window");
    // The call that waited opened the next window.
    expect(pacer.snapshot(bucket).windows.minute).toMatchObject({ sent: 1, resetsInMs: minute });
    expect(time.pendingTimers()).toBe(0);
  });

  it('blocks on the day window even when the minute window has room', async () => {
    const { time, go } = setup({ minute: 10, day: 3 });
    go();
    go();
    go();
    await advance(time, 61_000);
    const tooLong = go('a', 3_600_000);
    const patient = go('a', 2 * day);
    await flush();
    expect(refused(tooLong)).toMatchObject({
      reason: 'wait_too_long',
      window: 'day',
      retryAfterSeconds: (day - 61_000) / 1000,
    });
    expect(patient.result).toBeUndefined();
    await advance(time, day - 61_000);
    expect(granted(patient)).toMatchObject({ grantedAt: day, waitedFor: 'day' });
  });

  it('stops sending in the last margin of a window and opens the next a margin after it ends', async () => {
    // Apollo opens its window when the first call arrives, up to one margin after Gatehouse sent it.
    const { time, go } = setup({ minute: 10 }, { marginMs: 1_000 });
    go();
    await advance(time, 59_500);
    const late = go();
    await advance(time, 1_499);
    expect(late.result).toBeUndefined();
    await advance(time, 1);
    expect(granted(late)).toMatchObject({ grantedAt: 61_000, waitedMs: 1_500 });
  });

  it('sends a spent window its full limit again as soon as it reopens', async () => {
    const { time, go } = setup({ minute: 3 }, { marginMs: 1_000 });
    const calls = Array.from({ length: 9 }, () => go());
    await advance(time, 200_000);
    expect(calls.map((c) => granted(c).grantedAt)).toEqual([
      0, 0, 0, 61_000, 61_000, 61_000, 122_000, 122_000, 122_000,
    ]);
  });
});

describe('pacer: refusals', () => {
  it('refuses at once, with the retry-after and the window, a wait longer than maxWaitMs', async () => {
    const { time, pacer, go } = setup({}, { marginMs: 1_000 });
    go();
    go();
    await advance(time, 10_000);
    const call = go('a', 5_000);
    await flush();
    const refusal = refused(call);
    expect(refusal).toMatchObject({
      reason: 'wait_too_long',
      window: 'minute',
      retryAfterSeconds: 51,
      ahead: 0,
    });
    expect(describeRefusal(refusal)).toBe(
      "rate limited: Apollo's per-minute window for this endpoint is spent; retry in 51 s",
    );
    expect(pacer.snapshot(bucket).queued).toBe(0);
    expect(time.pendingTimers()).toBe(0);
  });

  it('counts the calls waiting ahead in the estimated wait', async () => {
    const { go } = setup();
    go();
    go();
    const waiting = [go(), go(), go()];
    const refusedCall = go('a', 119_999);
    const accepted = go('a', 120_000);
    await flush();
    expect(waiting.every((w) => w.result === undefined)).toBe(true);
    expect(refused(refusedCall)).toMatchObject({
      retryAfterSeconds: 120,
      ahead: 3,
      window: 'minute',
    });
    expect(describeRefusal(refused(refusedCall))).toBe(
      "rate limited: Apollo's per-minute window for this endpoint is spent (3 calls waiting); retry in 120 s",
    );
    expect(accepted.result).toBeUndefined();
  });

  it('states the whole wait behind a long queue in the retry-after', async () => {
    const { go } = setup({ minute: 1 });
    go();
    for (let i = 0; i < 5; i++) go();
    const call = go('a', 10_000);
    await flush();
    expect(refused(call)).toMatchObject({ retryAfterSeconds: 360, ahead: 5 });
  });

  it('refuses with queue_full when the bucket queue is full', async () => {
    const { go } = setup({ minute: 1 }, { maxQueue: 2 });
    go();
    go();
    go();
    const overflow = go();
    await flush();
    expect(refused(overflow)).toMatchObject({ reason: 'queue_full', ahead: 2 });
    expect(describeRefusal(refused(overflow))).toBe(
      'rate limited: 2 calls are already waiting for this endpoint; retry in 180 s',
    );
  });

  it('refuses a waiter that other agents overtook when its maxWaitMs runs out', async () => {
    const { time, go } = setup({ minute: 1 });
    go('a');
    const a2 = go('a', 200_000);
    const a3 = go('a', 120_000);
    await advance(time, 1);
    const b1 = go('b');
    await advance(time, 119_999);
    expect(granted(a2).grantedAt).toBe(minute);
    expect(granted(b1).grantedAt).toBe(2 * minute);
    expect(refused(a3)).toMatchObject({ reason: 'wait_too_long', retryAfterSeconds: 60 });
    expect(time.pendingTimers()).toBe(0);
  });

  it('words refusals concisely, with thousands separated', () => {
    const base = { ok: false, bucket, agentId: 'a', ahead: 0 } as const;
    expect(
      describeRefusal(
        { ...base, reason: 'wait_too_long', retryAfterSeconds: 1234, window: 'hour' },
        'people search',
      ),
    ).toBe("rate limited: Apollo's per-hour window for people search is spent; retry in 1,234 s");
    expect(
      describeRefusal({ ...base, reason: 'wait_too_long', retryAfterSeconds: 30, window: null }),
    ).toBe(
      'rate limited: Apollo asked Gatehouse to wait before calling this endpoint again; retry in 30 s',
    );
    expect(
      describeRefusal({ ...base, reason: 'cancelled', retryAfterSeconds: 1, window: 'minute' }),
    ).toBe('cancelled while waiting for this endpoint');
    expect(describeRefusal({ ...base, reason: 'closed', retryAfterSeconds: 5, window: null })).toBe(
      'Gatehouse is shutting down; retry in 5 s',
    );
    expect(
      describeWait({
        ok: true,
        bucket,
        agentId: 'a',
        grantedAt: 0,
        waitedMs: 350,
        position: 1,
        waitedFor: null,
      }),
    ).toBe("waited 350 ms in Gatehouse's queue for this endpoint");
  });
});

describe('pacer: fairness', () => {
  it('serves agents round robin: one agent with 100 queued calls does not starve another with 1', async () => {
    const { time, pacer, go } = setup({ minute: 1 });
    go('a');
    const a = Array.from({ length: 100 }, () => go('a'));
    const b = go('b', 130_000);
    await flush();
    // B's estimate counts one of A's calls ahead, not a hundred.
    expect(b.result).toBeUndefined();
    await advance(time, minute);
    expect(granted(a[0]!).grantedAt).toBe(minute);
    expect(b.result).toBeUndefined();
    await advance(time, minute);
    expect(granted(b)).toMatchObject({ grantedAt: 2 * minute, position: 2 });
    expect(pacer.snapshot(bucket)).toMatchObject({ queued: 99, agentsWaiting: 1 });
    pacer.close();
    await flush();
    expect(a.slice(1).every((t) => refused(t).reason === 'closed')).toBe(true);
  });

  it('caps one agent at its share of a window when agentShare is set', async () => {
    const { time, go } = setup({ minute: 10, day: 4 }, { agentShare: { day: 0.5 } });
    const a = [go('a'), go('a'), go('a', 2 * day)];
    const b = [go('b'), go('b')];
    await flush();
    expect(a.slice(0, 2).every((t) => granted(t).waitedMs === 0)).toBe(true);
    expect(a[2]!.result).toBeUndefined();
    expect(b.every((t) => granted(t).waitedMs === 0)).toBe(true);
    await advance(time, day);
    expect(granted(a[2]!)).toMatchObject({ grantedAt: day, waitedFor: 'day' });
    expect(time.pendingTimers()).toBe(0);
  });
});

describe('pacer: what Apollo says', () => {
  it('applies a lower limit from the rate headers', async () => {
    const { pacer, go } = setup({ minute: 10 });
    go();
    const second = go();
    await flush();
    pacer.observe(granted(second), rate({ limit: 2, usage: 2 }));
    expect(pacer.snapshot(bucket).windows.minute).toMatchObject({ limit: 2, sent: 2 });
    const third = go('a', 0);
    await flush();
    expect(refused(third).window).toBe('minute');
  });

  it('takes Apollo’s count when it is higher (other clients share the team’s windows)', async () => {
    const { time, pacer, go } = setup({ minute: 10 });
    const first = go();
    await flush();
    pacer.observe(granted(first), rate({ limit: 10, usage: 10 }));
    const next = go();
    await advance(time, minute - 1);
    expect(next.result).toBeUndefined();
    await advance(time, 1);
    expect(granted(next).grantedAt).toBe(minute);
  });

  it('takes a lower count from Apollo, plus the calls it may not have seen yet', async () => {
    const { time, pacer, go } = setup({ minute: 5 });
    go();
    go();
    go();
    await advance(time, 40_000);
    const alone = go();
    await flush();
    // Apollo's window had reset: this call opened a new one there, so ours is realigned on it.
    pacer.observe(granted(alone), rate({ limit: 5, usage: 1 }));
    expect(pacer.snapshot(bucket).windows.minute).toMatchObject({ sent: 1, resetsInMs: minute });

    const busy = setup({ minute: 5 }, { marginMs: 1_000 });
    busy.go();
    busy.go();
    busy.go();
    await advance(busy.time, 40_000);
    const one = busy.go();
    busy.go();
    await flush();
    // The other call sent with it may reach Apollo after it: Apollo's count is 1 or 2.
    busy.pacer.observe(granted(one), rate({ limit: 5, usage: 1 }));
    expect(busy.pacer.snapshot(bucket).windows.minute).toMatchObject({ sent: 2 });
  });

  it('leaves its count alone while Apollo’s is explained by calls in flight', async () => {
    const { pacer, go } = setup({ minute: 5 }, { marginMs: 1_000 });
    const calls = [go(), go(), go()];
    await flush();
    pacer.observe(granted(calls[2]!), rate({ limit: 5, usage: 1 }));
    expect(pacer.snapshot(bucket).windows.minute).toMatchObject({ sent: 3, resetsInMs: 61_000 });
  });

  it('lets waiters go when Apollo reports a window unlimited', async () => {
    const { pacer, go } = setup();
    const first = go();
    go();
    const waiting = go();
    await flush();
    expect(waiting.result).toBeUndefined();
    pacer.observe(granted(first), rate({ limit: null }));
    await flush();
    expect(granted(waiting).waitedMs).toBe(0);
  });

  it('ignores counts from an answer to a call sent in a window that has since ended', async () => {
    const { time, pacer, go } = setup({ minute: 5 });
    const old = go();
    await advance(time, minute);
    go();
    await flush();
    pacer.observe(granted(old), rate({ limit: 5, usage: 5 }));
    expect(pacer.snapshot(bucket).windows.minute.sent).toBe(1);
  });

  it('reads usage stats: a spent window blocks, a quiet empty one is dropped', async () => {
    const { time, pacer, go } = setup({ minute: 5 });
    pacer.observeUsageStats(
      bucket,
      { minute: { limit: 5, consumed: 5, left_over: 0 } },
      time.now(),
    );
    const blocked = go('a', 0);
    await flush();
    expect(refused(blocked).window).toBe('minute');
    await advance(time, 5_000);
    pacer.observeUsageStats(
      bucket,
      { minute: { limit: 5, consumed: 0, left_over: 5 } },
      time.now(),
    );
    expect(pacer.snapshot(bucket).windows.minute).toMatchObject({ sent: 0, resetsInMs: null });
  });

  it('holds a window Apollo answered 429 for until its retry-after, queued calls included', async () => {
    const { time, pacer, go } = setup({ minute: 1 });
    go();
    const queued = go();
    await flush();
    pacer.hold(bucket, 30, 'minute');
    const later = go();
    await advance(time, 29_999);
    expect(queued.result).toBeUndefined();
    await advance(time, 1);
    // Apollo said its window reopens in 30 s, sooner than Gatehouse's own count: trusted.
    expect(granted(queued)).toMatchObject({ grantedAt: 30_000, waitedFor: 'minute' });
    expect(pacer.snapshot(bucket).windows.minute).toMatchObject({ sent: 1, resetsInMs: minute });
    expect(later.result).toBeUndefined();
    await advance(time, minute);
    expect(granted(later).grantedAt).toBe(90_000);
  });

  it('holds the whole bucket when the 429 named no window, and a null retry-after for a window', async () => {
    const { time, pacer, go } = setup({ minute: 10 });
    pacer.hold(bucket, 30, null);
    expect(pacer.snapshot(bucket).heldForMs).toBe(30_000);
    const impatient = go('a', 10_000);
    await flush();
    expect(refused(impatient)).toMatchObject({ window: null, retryAfterSeconds: 30 });
    await advance(time, 30_000);
    pacer.hold(bucket, null, 'hour');
    expect(pacer.estimateWaitMs(bucket)).toBe(3_600_000);
  });
});

describe('pacer: cancellation and timers', () => {
  it('removes a waiter whose AbortSignal fires, and its timer', async () => {
    const { time, pacer, go } = setup({ minute: 1 });
    go();
    const controller = new AbortController();
    const waiting = go('a', forever, controller.signal);
    await flush();
    expect(time.pendingTimers()).toBe(1);
    controller.abort();
    await flush();
    expect(refused(waiting).reason).toBe('cancelled');
    expect(pacer.snapshot(bucket).queued).toBe(0);
    expect(time.pendingTimers()).toBe(0);
    const already = go('a', forever, AbortSignal.abort());
    await flush();
    expect(refused(already).reason).toBe('cancelled');
  });

  it('keeps one timer per bucket and none once the queue drains', async () => {
    const { time, go } = setup({ minute: 2 });
    const calls = Array.from({ length: 7 }, () => go());
    await flush();
    expect(time.pendingTimers()).toBe(1);
    await advance(time, 3 * minute);
    expect(calls.every((c) => granted(c))).toBe(true);
    expect(time.pendingTimers()).toBe(0);
  });

  it('close() cancels the timers and refuses waiting and later calls', async () => {
    const { time, pacer, go } = setup({ minute: 1 });
    go();
    const waiting = go();
    await flush();
    pacer.close();
    await flush();
    expect(refused(waiting).reason).toBe('closed');
    expect(time.pendingTimers()).toBe(0);
    const after = go();
    await flush();
    expect(refused(after).reason).toBe('closed');
  });

  it('gives back a slot whose call never reached Apollo, once', async () => {
    const { pacer, go } = setup({ minute: 2 });
    go();
    const second = go();
    await flush();
    expect(pacer.cancelReservation(granted(second))).toBe(true);
    expect(pacer.cancelReservation(granted(second))).toBe(false);
    const third = go('a', 0);
    await flush();
    expect(granted(third).waitedMs).toBe(0);
  });

  it('drops a window whose only call was given back, so the next call opens it afresh', async () => {
    const { time, pacer, go } = setup({ minute: 1 });
    const only = go();
    await flush();
    pacer.cancelReservation(granted(only));
    expect(pacer.snapshot(bucket).windows.minute).toMatchObject({ sent: 0, resetsInMs: null });
    await advance(time, 10_000);
    go();
    await flush();
    expect(pacer.snapshot(bucket).windows.minute).toMatchObject({ sent: 1, resetsInMs: minute });
  });

  it('extends a window whose opening call was given back: Apollo opened it later', async () => {
    const { time, pacer, go } = setup({ minute: 3 });
    const opener = go();
    await advance(time, 20_000);
    go();
    await flush();
    pacer.cancelReservation(granted(opener));
    expect(pacer.snapshot(bucket).windows.minute).toMatchObject({ sent: 1, resetsInMs: minute });
  });

  it('frees a waiter when a reservation is given back', async () => {
    const { pacer, go } = setup({ minute: 1 });
    const first = go();
    const second = go();
    await flush();
    expect(second.result).toBeUndefined();
    pacer.cancelReservation(granted(first));
    await flush();
    expect(granted(second).waitedMs).toBe(0);
  });
});

describe('pacer: figures and options', () => {
  it('estimates the wait behind the queue for headers and snapshots', async () => {
    const { time, pacer, go } = setup({ minute: 2 });
    go();
    go();
    await advance(time, 15_000);
    expect(pacer.estimateWaitMs(bucket)).toBe(45_000);
    go();
    expect(pacer.snapshot(bucket)).toMatchObject({ queued: 1, estimatedWaitMs: 45_000 });
    go();
    expect(pacer.estimateWaitMs(bucket)).toBe(105_000);
    expect(pacer.estimateWaitMs('unused.bucket')).toBe(0);
    pacer.close();
  });

  it('treats a zero limit as never, refusing with that window', async () => {
    const { go } = setup({ minute: 10, hour: 0 });
    const call = go('a', forever);
    await flush();
    expect(refused(call)).toMatchObject({ window: 'hour', retryAfterSeconds: 3_600 });
  });

  it('rejects options that cannot work', () => {
    const time = createManualTime();
    const base = { clock: time, setTimer: time.setTimer, defaults: () => ({}) as WindowLimits };
    expect(() => createPacer({ ...base, maxQueue: -1 })).toThrow(/maxQueue/);
    expect(() => createPacer({ ...base, marginMs: 40_000 })).toThrow(/minute window/);
    expect(() => createPacer({ ...base, agentShare: { day: 1.5 } })).toThrow(/agentShare/);
  });
});
