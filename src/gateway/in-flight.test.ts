// Calls in flight: counted while they run (also when they throw), their reservation released at
// the end, drain resolved only when the last one ends, and accepting ended by stopAccepting.
import { expect, it } from 'vitest';

import type { Held } from './budget.js';
import { createInFlight } from './in-flight.js';

it('drains once the last call ends, releasing every reservation', async () => {
  const released: Held[] = [];
  const calls = createInFlight((held) => released.push(held));
  expect(calls.accepting()).toBe(true);
  await calls.drain();
  let finish!: () => void;
  const first = calls.tracked(
    (held) =>
      new Promise<string>((resolve) => {
        held.credits = 2;
        finish = () => resolve('done');
      }),
  );
  const failing = calls.tracked(async () => {
    throw new Error('adapter failed');
  });
  await expect(failing).rejects.toThrow('adapter failed');
  expect(calls.count()).toBe(1);
  let drained = false;
  const drain = calls.drain().then(() => (drained = true));
  calls.stopAccepting();
  expect(calls.accepting()).toBe(false);
  await Promise.resolve();
  expect(drained).toBe(false);
  finish();
  expect(await first).toBe('done');
  await drain;
  expect(drained).toBe(true);
  expect(calls.count()).toBe(0);
  expect(released.map((h) => h.credits).sort()).toEqual([0, 2]);
});
