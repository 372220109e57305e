// Pins the deliveries table on SQLite and Postgres: a delivery settles once (a retried webhook
// changes nothing), an agent finds only its own by request id, the poller sees only due pending
// rows, int64 request ids and payloads survive digit for digit, and prune removes by age.
import { expect, it } from 'vitest';

import { describeEachDatabase } from '../../test/store/databases.js';
import { createTestSealer } from '../../test/store/sealer.js';
import type { NewDelivery } from '../ports/index.js';

import { createDeliveryRepository, maxDeliveryPayloadBytes } from './delivery-repository.js';

const hash = (n: number) => n.toString(16).padStart(64, '0');
const delivery = (n: number, over: Partial<NewDelivery> = {}): NewDelivery => ({
  receiverHash: hash(n),
  agentId: 'agt_a',
  agentName: 'Outreach bot',
  rule: 'people.reveal=read',
  actionId: 'people.match',
  callAuditId: `aud_call${n}`,
  auditId: `aud_dlv${n}`,
  surface: 'rest',
  what: 'phone numbers',
  requestId: '-4611686018427387905',
  createdAt: 1_000 + n,
  nextPollAt: 60_000 + n,
  ...over,
});

describeEachDatabase('delivery repository', (t) => {
  const repo = () => createDeliveryRepository(t.handle.db, { sealer: createTestSealer() });

  it('stores a pending delivery and settles it exactly once', async () => {
    const r = repo();
    await r.create(delivery(1));
    expect(await r.byReceiver(hash(1))).toMatchObject({
      state: 'pending',
      requestId: '-4611686018427387905',
      via: null,
      payload: null,
      polls: 0,
    });
    const payload = '{"request_id":-4611686018427387905,"people":[{"id":"p1"}]}';
    const settled = await r.settle(hash(1), {
      state: 'delivered',
      via: 'webhook',
      payload,
      credits: 8,
      at: 5_000,
    });
    expect(settled).toMatchObject({ state: 'delivered', via: 'webhook', payload, credits: 8 });
    expect(settled?.settledAt).toBe(5_000);
    // Apollo retries the same webhook: nothing changes and the caller learns it was a repeat.
    expect(
      await r.settle(hash(1), { state: 'delivered', via: 'poll', payload: '{}', at: 9_000 }),
    ).toBeUndefined();
    expect(await r.byReceiver(hash(1))).toMatchObject({
      via: 'webhook',
      payload,
      settledAt: 5_000,
    });
    expect(await r.settle(hash(99), { state: 'failed', at: 1 })).toBeUndefined();
  });

  it("finds an agent's delivery by request id, never another agent's", async () => {
    const r = repo();
    await r.create(delivery(1));
    await r.create(delivery(2, { agentId: 'agt_b', requestId: '42' }));
    expect((await r.forAgent('agt_a', '-4611686018427387905'))?.receiverHash).toBe(hash(1));
    expect(await r.forAgent('agt_a', '42')).toBeUndefined();
    expect(await r.forAgent('agt_b', '-4611686018427387905')).toBeUndefined();
  });

  it('gives the poller only pending deliveries that are due, oldest first', async () => {
    const r = repo();
    await r.create(delivery(1, { nextPollAt: 300 }));
    await r.create(delivery(2, { nextPollAt: 100 }));
    await r.create(delivery(3, { nextPollAt: 900 }));
    await r.create(delivery(4, { nextPollAt: 50 }));
    await r.settle(hash(4), { state: 'empty', at: 60 });
    expect((await r.due(500, 10)).map((d) => d.receiverHash)).toEqual([hash(2), hash(1)]);
    expect(await r.due(500, 1)).toHaveLength(1);
    await r.reschedule(hash(2), 2_000);
    expect((await r.due(500, 10)).map((d) => d.receiverHash)).toEqual([hash(1)]);
    expect(await r.byReceiver(hash(2))).toMatchObject({ polls: 1, nextPollAt: 2_000 });
  });

  it('refuses a malformed hash, a pending settlement and an oversized payload', async () => {
    const r = repo();
    await expect(r.create(delivery(1, { receiverHash: 'secret-token' }))).rejects.toThrow(
      /64 hex digits/,
    );
    await r.create(delivery(2));
    await expect(r.settle(hash(2), { state: 'pending' as never, at: 1 })).rejects.toThrow(
      /cannot settle/,
    );
    await expect(
      r.settle(hash(2), {
        state: 'delivered',
        payload: 'x'.repeat(maxDeliveryPayloadBytes + 1),
        at: 1,
      }),
    ).rejects.toThrow(/limited/);
    expect((await r.byReceiver(hash(2)))?.state).toBe('pending');
  });

  it('prunes by age only', async () => {
    const r = repo();
    for (const n of [1, 2, 3]) await r.create(delivery(n, { createdAt: n * 1_000 }));
    expect(await r.prune(2_500)).toBe(2);
    expect(await r.byReceiver(hash(3))).toBeDefined();
    expect(await r.byReceiver(hash(1))).toBeUndefined();
  });
});
