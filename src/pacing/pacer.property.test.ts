// Pins the pacer's two promises for any arrivals, agents, limits and waits: Apollo never answers
// 429 (grants replayed through the sandbox's own fixed-window limiter, which opens a window at the
// first request and keeps it for the window's length), and every caller is answered once time
// moves on: granted, or refused for a stated reason, with no timer left behind.
import { createManualTime, type ManualTime } from '../../test/helpers/manual-time.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { WindowLimits } from '../catalog/index.js';
import { createRateLimiter } from '../sandbox/rate-limiter.js';
import { parseRateLimitHeaders } from '../upstream/headers.js';

import { createPacer, type Grant, type Refusal } from './index.js';

const bucket = 'contacts.search';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Advances the clock to `target`, letting promise callbacks run after each timer. */
async function advanceTo(time: ManualTime, target: number): Promise<void> {
  for (;;) {
    await flush();
    const next = time.nextTimerAt();
    if (next === null || next > target) break;
    time.advanceTo(next);
    await flush();
  }
  time.advanceTo(target);
  await flush();
}

/** Runs every timer there is, however far in the future. */
async function drain(time: ManualTime): Promise<void> {
  for (let i = 0; i < 200_000; i++) {
    await flush();
    const next = time.nextTimerAt();
    if (next === null) return;
    await advanceTo(time, next);
  }
  throw new Error('timers never ran out');
}

const limitsArb: fc.Arbitrary<WindowLimits> = fc.record({
  minute: fc.integer({ min: 1, max: 4 }),
  hour: fc.option(fc.integer({ min: 1, max: 12 }), { nil: null }),
  day: fc.option(fc.integer({ min: 1, max: 30 }), { nil: null }),
});

/**
 * Arrival times on every scale, crowded around the minute boundaries where Gatehouse's windows and
 * Apollo's could disagree: bursts, seconds, minutes, hours, days.
 */
const atArb = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: -3_000, max: 3_000 }))
      .map(([k, d]) => Math.max(0, k * 60_000 + d)),
  },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 400_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 * 86_400_000 }) },
);

/** Effectively no limit on the wait: such a caller is never refused for waiting too long. */
const patient = 1e12;

const marginArb = fc.oneof(fc.constantFrom(0, 1_000, 2_000), fc.integer({ min: 0, max: 2_000 }));

const maxWaitArb = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 0, max: 200_000 }),
  fc.integer({ min: 0, max: 2 * 86_400_000 }),
  fc.constant(patient),
);

const arrivalArb = fc.record({
  at: atArb,
  agent: fc.constantFrom('a', 'b', 'c', 'd'),
  maxWaitMs: maxWaitArb,
  abortAfter: fc.option(fc.integer({ min: 0, max: 300_000 }), { nil: null }),
  /** The call fails before it is sent, this long after its grant: the grant is given back. */
  failsAfter: fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: null, freq: 4 }),
  /** One-way delay to Apollo, as a share of the margin. */
  latency: fc.oneof(fc.constantFrom(0, 1), fc.double({ min: 0, max: 1, noNaN: true })),
  responseDelay: fc.integer({ min: 0, max: 20_000 }),
});

const arrivalsArb = fc
  .array(arrivalArb, { maxLength: 60, size: 'max' })
  .map((list) => [...list].sort((x, y) => x.at - y.at));

const shareArb = fc.option(
  fc.record(
    {
      minute: fc.double({ min: 0.2, max: 1, noNaN: true }),
      day: fc.double({ min: 0.2, max: 1, noNaN: true }),
    },
    { requiredKeys: [] },
  ),
  { nil: undefined },
);

type Arrival = {
  at: number;
  agent: 'a' | 'b' | 'c' | 'd';
  maxWaitMs: number;
  abortAfter: number | null;
  failsAfter: number | null;
  latency: number;
  responseDelay: number;
};
const arrival = (at: number, more: Partial<Arrival> = {}): Arrival => ({
  at,
  agent: 'a',
  maxWaitMs: patient,
  abortAfter: null,
  failsAfter: null,
  latency: 0,
  responseDelay: 0,
  ...more,
});

/** Cases that once failed, kept as regressions: [limits, margin, maxQueue, share, arrivals]. */
const examples: [WindowLimits, number, number, undefined, Arrival[]][] = [
  // A call sent in a window's last margin reaches Apollo after its window ended.
  [
    { minute: 2, hour: null, day: null },
    1_000,
    10,
    undefined,
    [
      arrival(0),
      arrival(59_500, { latency: 1, responseDelay: 5_000 }),
      arrival(61_000, { maxWaitMs: 0 }),
      arrival(61_000, { maxWaitMs: 0 }),
    ],
  ],
  // The opener and then the next earliest call are given back: Apollo opened its window later.
  [
    { minute: 2, hour: 2, day: null },
    0,
    1,
    undefined,
    [
      arrival(0, { maxWaitMs: 0, failsAfter: 8_007 }),
      arrival(0, { maxWaitMs: 0, failsAfter: 8_007 }),
      arrival(1, { maxWaitMs: 3_599_999, failsAfter: 8_852 }),
      arrival(16_858, { maxWaitMs: 0, responseDelay: 1 }),
      arrival(16_858, { maxWaitMs: 3_591_149 }),
      arrival(60_000),
    ],
  ],
  // Apollo's lower count already left out a call that was given back later.
  [
    { minute: 2, hour: null, day: null },
    0,
    1,
    undefined,
    [
      arrival(220_009, { maxWaitMs: 0, failsAfter: 19_993 }),
      arrival(240_001, { maxWaitMs: 0 }),
      arrival(297_537, { maxWaitMs: 0, failsAfter: 2_463 }),
      arrival(299_999, { maxWaitMs: 0 }),
      arrival(300_000, { maxWaitMs: 0 }),
    ],
  ],
];

const allowedReasons = new Set(['queue_full', 'wait_too_long', 'cancelled']);

function checkAnswer(result: Grant | Refusal, maxWaitMs: number, abortable: boolean): void {
  if (result.ok) {
    expect(result.waitedMs).toBeGreaterThanOrEqual(0);
    expect(result.waitedMs).toBeLessThanOrEqual(maxWaitMs);
  } else {
    expect(allowedReasons.has(result.reason)).toBe(true);
    if (result.reason === 'cancelled') expect(abortable).toBe(true);
    if (maxWaitMs === patient) expect(result.reason).not.toBe('wait_too_long');
    expect(Number.isInteger(result.retryAfterSeconds)).toBe(true);
    expect(result.retryAfterSeconds).toBeGreaterThanOrEqual(1);
  }
}

describe('pacer (properties)', () => {
  it('never grants more calls in a window instance than its limit, and answers every caller', async () => {
    await fc.assert(
      fc.asyncProperty(
        limitsArb,
        marginArb,
        fc.integer({ min: 1, max: 40 }),
        shareArb,
        arrivalsArb,
        async (limits, marginMs, maxQueue, agentShare, arrivals) => {
          const time = createManualTime(0);
          const pacer = createPacer({
            clock: time,
            setTimer: time.setTimer,
            defaults: () => limits,
            marginMs,
            maxQueue,
            agentShare,
          });
          const answers: (Grant | Refusal | undefined)[] = [];
          const grants: Grant[] = [];
          for (const [i, arrival] of arrivals.entries()) {
            await advanceTo(time, arrival.at);
            const controller = arrival.abortAfter === null ? undefined : new AbortController();
            if (controller) time.setTimer(() => controller.abort(), arrival.abortAfter ?? 0);
            answers[i] = undefined;
            void pacer
              .acquire(bucket, arrival.agent, {
                maxWaitMs: arrival.maxWaitMs,
                signal: controller?.signal,
              })
              .then((result) => {
                answers[i] = result;
                if (result.ok) grants.push(result);
              });
          }
          await drain(time);

          arrivals.forEach((arrival, i) => {
            const answer = answers[i];
            expect(answer).toBeDefined();
            checkAnswer(answer!, arrival.maxWaitMs, arrival.abortAfter !== null);
          });
          expect(time.pendingTimers()).toBe(0);
          expect(pacer.snapshot(bucket).queued).toBe(0);

          // Replay the grants, as sent, through Apollo's fixed windows.
          const apollo = createRateLimiter();
          for (const grant of [...grants].sort((x, y) => x.grantedAt - y.grantedAt)) {
            const taken = apollo.take(bucket, limits, grant.grantedAt);
            expect(taken.ok, `call at ${grant.grantedAt} would get a 429`).toBe(true);
          }
        },
      ),
      { numRuns: Number(process.env.PACER_RUNS ?? 300) },
    );
  });

  it('keeps Apollo from answering 429 with network delays up to the margin, headers fed back and unsent calls given back', async () => {
    await fc.assert(
      fc.asyncProperty(
        limitsArb,
        marginArb,
        fc.integer({ min: 1, max: 40 }),
        shareArb,
        arrivalsArb,
        async (limits, marginMs, maxQueue, agentShare, arrivals) => {
          const time = createManualTime(0);
          const pacer = createPacer({
            clock: time,
            setTimer: time.setTimer,
            defaults: () => limits,
            marginMs,
            maxQueue,
            agentShare,
          });
          const apollo = createRateLimiter();
          const problems: string[] = [];
          const answers: (Grant | Refusal | undefined)[] = [];
          for (const [i, arrival] of arrivals.entries()) {
            await advanceTo(time, arrival.at);
            const controller = arrival.abortAfter === null ? undefined : new AbortController();
            if (controller) time.setTimer(() => controller.abort(), arrival.abortAfter ?? 0);
            answers[i] = undefined;
            void pacer
              .acquire(bucket, arrival.agent, {
                maxWaitMs: arrival.maxWaitMs,
                signal: controller?.signal,
              })
              .then((result) => {
                answers[i] = result;
                if (!result.ok) return;
                if (time.now() !== result.grantedAt) problems.push('harness: grant seen late');
                if (arrival.failsAfter !== null) {
                  time.setTimer(() => pacer.cancelReservation(result), arrival.failsAfter);
                  return;
                }
                // The call reaches Apollo up to one margin later; its answer comes back later still.
                time.setTimer(
                  () => {
                    const taken = apollo.take(bucket, limits, time.now());
                    if (!taken.ok) {
                      problems.push(`429 for a call sent at ${result.grantedAt}`);
                      return;
                    }
                    const info = parseRateLimitHeaders(new Headers(taken.headers));
                    time.setTimer(() => {
                      if (info) pacer.observe(result, info);
                    }, arrival.responseDelay);
                  },
                  Math.floor(arrival.latency * marginMs),
                );
              });
          }
          await drain(time);

          expect(problems).toEqual([]);
          arrivals.forEach((arrival, i) => {
            const answer = answers[i];
            expect(answer).toBeDefined();
            checkAnswer(answer!, arrival.maxWaitMs, arrival.abortAfter !== null);
          });
          expect(time.pendingTimers()).toBe(0);
        },
      ),
      { numRuns: Number(process.env.PACER_RUNS ?? 300), examples },
    );
  });
});
