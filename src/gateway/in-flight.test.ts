// Calls in flight: counted while they run (also when they throw), their reservation released at
// the end, drain resolved only when the last one ends, and accepting ended by stopAccepting.
import { expect, it } from 'vitest';

import type { Held } from './budget.js';
import { createInFlight } from './in-flight.js';

it('drains once the last call ends, releasing every reservation', async () => {
  const released: Held[] = [];
  const calls = createInFlight((held, part) => {
    if (part !== 'local') released.push(held);
  });
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

it('keeps a call in flight, its reservation held, until the work it left behind settles', async () => {
  const released: string[] = [];
  const calls = createInFlight((held, part) => released.push(`${part}:${held.credits}`));
  let complete!: () => void;
  const answer = await calls.tracked(async (held) => {
    held.credits = 3;
    held.trailing!.push(new Promise<void>((resolve) => (complete = resolve)));
    return 'answered';
  });
  // The answer is back; its completion is still being written: the local reservation is given
  // back (this process's ledger reads wait for the write), the shared one is still held.
  expect(answer).toBe('answered');
  expect(calls.count()).toBe(1);
  expect(released).toEqual(['local:3']);
  let drained = false;
  const drain = calls.drain().then(() => (drained = true));
  await new Promise((r) => setImmediate(r));
  expect(drained).toBe(false);
  complete();
  await drain;
  expect(calls.count()).toBe(0);
  expect(released).toEqual(['local:3', 'shared:3']);
});
