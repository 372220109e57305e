// The delivery service's rules with the clock in hand: polling backs off from 10 s and honours
// Apollo's retry hint, gives up after a day, settles each delivery once whichever way it arrives,
// and refuses malformed or mismatched webhook bodies without storing them.
import { expect, it } from 'vitest';

import { describeEachDatabase } from '../../test/store/databases.js';
import { createTestSealer } from '../../test/store/sealer.js';
import type { AuditRecord } from '../core/index.js';
import type { AuditSink } from '../ports/index.js';
import { createDeliveryRepository } from '../store/index.js';

import { createDeliveries, type PollAnswer } from './deliveries.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describeEachDatabase('delivery service', (t) => {
  function setup(answers: PollAnswer[]) {
    let now = 1_000_000;
    const records = new Map<string, AuditRecord>();
    const audit: AuditSink = {
      open: async (r) => {
        const id = `aud_${records.size + 1}`;
        records.set(id, { ...r, id });
        return id;
      },
      complete: async (id, r) => void records.set(id, r),
    };
    const asked: string[] = [];
    const service = createDeliveries({
      store: createDeliveryRepository(t.handle.db, { sealer: createTestSealer() }),
      audit,
      clock: { now: () => now },
      logger: quiet,
      publicUrl: () => 'https://gh.example/',
      poll: async (id) => {
        asked.push(id);
        return answers.shift() ?? { kind: 'pending', retryAfterSeconds: 1 };
      },
    });
    const expectOne = async (requestId = '-42') => {
      const receiver = service.receiver();
      await service.expect({
        receiverHash: receiver.hash,
        agent: { id: 'agt_1', name: 'Ann' },
        surface: 'rest',
        actionId: 'people.match',
        what: 'phone numbers',
        callAuditId: 'aud_call',
        requestId,
        rule: 'people.reveal=read',
      });
      return receiver;
    };
    return {
      service,
      records,
      asked,
      expectOne,
      advance: (ms: number) => void (now += ms),
      agent: { id: 'agt_1', redactedFields: [] as string[] },
    };
  }

  it('mints a fresh secret URL under the public address and stores only its hash', async () => {
    const s = setup([]);
    const a = s.service.receiver();
    const b = s.service.receiver();
    expect(a.url).toMatch(/^https:\/\/gh\.example\/webhooks\/apollo\/[\w-]{43}$/);
    expect(a.url).not.toBe(b.url);
    await s.expectOne();
    const rows = await t.handle.db.selectFrom('deliveries').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(a.url.split('/').pop());
  });

  it('backs off from 10 s, honours a longer hint from Apollo, and gives up after a day', async () => {
    const s = setup([
      { kind: 'pending', retryAfterSeconds: 5 },
      { kind: 'pending', retryAfterSeconds: 5 },
      { kind: 'error', message: 'paced', retryAfterSeconds: 300 },
    ]);
    await s.expectOne();
    s.advance(29_999);
    expect(await s.service.pollDue()).toBe(0);
    expect(s.asked).toHaveLength(0);
    s.advance(1);
    await s.service.pollDue(); // first poll at 30 s: pending → next in 10 s
    s.advance(9_999);
    await s.service.pollDue();
    expect(s.asked).toHaveLength(1);
    s.advance(1);
    await s.service.pollDue(); // second poll: pending → backoff 20 s
    s.advance(19_999);
    await s.service.pollDue();
    expect(s.asked).toHaveLength(2);
    s.advance(1);
    await s.service.pollDue(); // third: Apollo's window is spent, retry in 300 s
    s.advance(299_999);
    await s.service.pollDue();
    expect(s.asked).toHaveLength(3);
    s.advance(24 * 3_600_000);
    expect(await s.service.pollDue()).toBe(1);
    const answer = await s.service.result(s.agent, '-42');
    expect(answer.status).toBe(410);
    expect(JSON.stringify(answer.body)).toMatch(/still pending after 24 h/);
    const done = [...s.records.values()].find((r) => r.completed);
    expect(done?.sentence).toMatch(/never delivered the phone numbers Ann asked for/);
  });

  it('settles once: a webhook after a successful poll changes nothing', async () => {
    const s = setup([{ kind: 'ready', payload: { credits_consumed: 8, people: [{ id: 'p' }] } }]);
    const receiver = await s.expectOne();
    s.advance(30_000);
    expect(await s.service.pollDue()).toBe(1);
    const secret = receiver.url.split('/').pop()!;
    expect(await s.service.accept(secret, '{"credits_consumed":1,"people":[]}')).toMatchObject({
      kind: 'repeat',
    });
    const answer = await s.service.result(s.agent, '-42');
    expect(answer).toMatchObject({ status: 200, body: { credits_consumed: 8 } });
  });

  it('refuses bodies that are not a JSON object or name another request, and keeps waiting', async () => {
    const s = setup([]);
    const secret = (await s.expectOne('-42')).url.split('/').pop()!;
    expect(await s.service.accept(secret, 'not json')).toMatchObject({ status: 400 });
    expect(await s.service.accept(secret, '[1,2]')).toMatchObject({ status: 400 });
    expect(await s.service.accept(secret, '{"request_id":43,"people":[]}')).toMatchObject({
      status: 400,
      message: expect.stringMatching(/different request_id/),
    });
    expect((await s.service.result(s.agent, '-42')).status).toBe(404);
    expect(
      await s.service.accept(secret, '{"request_id":-42,"credits_consumed":2.5,"people":[]}'),
    ).toMatchObject({ kind: 'accepted' });
    expect(await s.service.result(s.agent, '-42')).toMatchObject({ status: 200 });
    expect([...s.records.values()].find((r) => r.completed)?.credits).toBe(2.5);
  });

  it("reads Apollo's webhook_result envelope: in progress is not finished, credits come from the payload", async () => {
    const envelope = (status: string, result: unknown, reason: string | null = null) => ({
      kind: 'ready' as const,
      payload: {
        request_id: '-42',
        webhook_status: status,
        request_type: 'phone',
        last_dispatched_at: null,
        failure_reason: reason,
        webhook_result: result,
      },
    });
    const payload = { status: 'success', credits_consumed: 8, people: [{ id: 'p' }] };
    const s = setup([envelope('in_progress', null), envelope('success', payload)]);
    await s.expectOne();
    s.advance(30_000);
    expect(await s.service.pollDue()).toBe(0);
    expect((await s.service.result(s.agent, '-42')).status).toBe(404);
    s.advance(10_000);
    expect(await s.service.pollDue()).toBe(1);
    expect(s.asked).toHaveLength(2);
    const answer = await s.service.result(s.agent, '-42');
    expect(answer).toMatchObject({ status: 200, body: payload });
    expect([...s.records.values()].find((r) => r.completed)?.credits).toBe(8);
  });

  it('takes the payload of a failed callback, and fails only when Apollo kept none', async () => {
    const kept = { credits_consumed: 2.5, people: [] };
    const failed = (result: unknown) => ({
      kind: 'ready' as const,
      payload: {
        request_id: '-42',
        webhook_status: 'failed',
        request_type: 'waterfall',
        last_dispatched_at: '2026-11-23T10:00:00.000Z',
        failure_reason: 'webhook answered 500',
        webhook_result: result,
      },
    });
    const s = setup([failed(kept)]);
    await s.expectOne();
    s.advance(30_000);
    expect(await s.service.pollDue()).toBe(1);
    expect(await s.service.result(s.agent, '-42')).toMatchObject({ status: 200, body: kept });

    const t = setup([failed(null)]);
    await t.expectOne('-43');
    t.advance(30_000);
    expect(await t.service.pollDue()).toBe(1);
    const gone = await t.service.result(t.agent, '-43');
    expect(gone.status).toBe(410);
    expect(JSON.stringify(gone.body)).toMatch(/webhook answered 500/);
  });

  it("answers Apollo's webhook_result errors for bad and unknown ids", async () => {
    const s = setup([]);
    expect(await s.service.result(s.agent, 'abc')).toMatchObject({
      status: 400,
      body: { error_code: 'invalid_request_id' },
    });
    expect(await s.service.result(s.agent, '99999999999999999999')).toMatchObject({
      status: 400,
    });
    expect(await s.service.result(s.agent, '7')).toMatchObject({
      status: 404,
      body: { error_code: 'request_id_unknown' },
    });
  });
});
