// Pins asynchronous enrichment: the webhook POST (retried, same bytes each time), the credits it
// charges, and every webhook_result state (pending, in progress, delivered, failed, unknown,
// invalid, expired) in Apollo's envelope.
import { describe, expect, it, vi } from 'vitest';

import {
  fillPath,
  getAction,
  webhookResult,
  webhookResultEnvelopeSchema,
} from '../catalog/index.js';

import { createSandbox } from './index.js';
import { RawNumber } from './json.js';
import { createStubWorld, manualClock, recordingFetch } from '../../test/helpers/sandbox/clock.js';
import type { WorldResult } from './types.js';

const requestId = '-4611686018427387905'; // beyond 2^53: only exact int64 handling keeps it
const hook = 'https://hooks.example.com/apollo';

function setup(statuses: number[] = [], delayMs = 60_000, fetcher?: typeof fetch) {
  const clock = manualClock();
  const sink = recordingFetch(statuses);
  const run = (actionId: string, input: Record<string, unknown>): WorldResult =>
    actionId === 'people.match' && input.webhook_url
      ? {
          ok: true,
          credits: 1,
          body: { person: { id: 'p1' }, request_id: new RawNumber(requestId) },
          async: [
            {
              requestId,
              webhookUrl: String(input.webhook_url),
              delayMs,
              credits: 8,
              payload: { status: 'success', request_id: new RawNumber(requestId), people: [] },
            },
          ],
        }
      : { ok: true, credits: 0, body: {} };
  const sb = createSandbox({
    clock,
    masterKeys: ['mk'],
    fetch: fetcher ?? sink.fetch,
    createWorld: () => createStubWorld(run),
  });
  const match = () =>
    sb.app.request(getAction('people.match')!.path, {
      method: 'POST',
      headers: { 'x-api-key': 'mk', 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'a@b.co', reveal_phone_number: true, webhook_url: hook }),
    });
  const poll = (id: string) =>
    sb.app.request(fillPath(webhookResult.path, { request_id: id }), {
      headers: { 'x-api-key': 'mk' },
    });
  return { sb, clock, sink, match, poll };
}

const expectedPayload = `{"status":"success","request_id":${requestId},"people":[]}`;

describe('webhook deliveries', () => {
  it('answers the request id as a bare int64 and POSTs the result to the webhook', async () => {
    const { sb, sink, match } = setup();
    const res = await match();
    expect(await res.text()).toBe(`{"person":{"id":"p1"},"request_id":${requestId}}`);
    expect(sink.requests).toEqual([]);
    await sb.flushDeliveries();
    expect(sink.requests).toHaveLength(1);
    expect(sink.requests[0]).toMatchObject({ url: hook, method: 'POST', body: expectedPayload });
    expect(sink.requests[0]?.headers['content-type']).toBe('application/json');
  });

  it('charges the synchronous and the delivered credits to the ledger', async () => {
    const { sb, match } = setup();
    await match();
    expect(sb.credits()).toEqual({ total: 1, byAction: { 'people.match': 1 } });
    await sb.flushDeliveries();
    expect(sb.credits()).toEqual({ total: 9, byAction: { 'people.match': 9 } });
    await sb.flushDeliveries();
    expect(sb.credits().total).toBe(9);
  });

  it('retries a failing webhook with the same bytes', async () => {
    const { sb, sink, match } = setup([500, 503, 200]);
    await match();
    await sb.flushDeliveries();
    expect(sink.requests.map((r) => r.body)).toEqual([
      expectedPayload,
      expectedPayload,
      expectedPayload,
    ]);
    expect(sb.state().deliveries[0]).toMatchObject({ attempts: 3, delivered: true });
  });

  it('gives up after three attempts but keeps the result for polling', async () => {
    const { sb, match, poll } = setup([500, 500, 500, 500]);
    await match();
    await sb.flushDeliveries();
    expect(sb.state().deliveries[0]).toMatchObject({ attempts: 3, delivered: false });
    const res = await poll(requestId);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      request_id: requestId,
      webhook_status: 'failed',
      failure_reason: 'webhook answered 500',
      webhook_result: { status: 'success', people: [] },
    });
  });

  it('delivers by itself when the delay has passed', async () => {
    const { sink, match } = setup([], 0);
    await match();
    await vi.waitFor(() => expect(sink.requests).toHaveLength(1));
  });
});

describe('webhook_result', () => {
  it('answers 404 result_pending with retry_after_seconds before delivery, then the payload', async () => {
    const { sb, clock, match, poll } = setup();
    await match();
    clock.advance(15_000);
    const pending = await poll(requestId);
    expect(pending.status).toBe(404);
    expect(await pending.json()).toMatchObject({
      error_code: 'result_pending',
      retry_after_seconds: 45,
    });
    expect(pending.headers.get('x-rate-limit-minute')).toBe('200');
    await sb.flushDeliveries();
    const ready = await poll(requestId);
    expect(ready.status).toBe(200);
    // Apollo's envelope: the request id as a string (exact beyond 2^53), the payload inside.
    const text = await ready.text();
    expect(text).toContain(`"request_id":"${requestId}"`);
    expect(text).toContain(`"webhook_result":${expectedPayload}`);
    expect(webhookResultEnvelopeSchema.safeParse(JSON.parse(text)).success).toBe(true);
    const { webhook_result: _result, ...envelope } = JSON.parse(text) as Record<string, unknown>;
    expect(envelope).toEqual({
      request_id: requestId,
      webhook_status: 'success',
      request_type: 'phone',
      last_dispatched_at: new Date(clock.now()).toISOString(),
      failure_reason: null,
    });
  });

  it('answers 200 in_progress with no result while the webhook POST is under way', async () => {
    let release: (() => void) | undefined;
    const slow = (() =>
      new Promise<Response>((resolve) => {
        release = () => resolve(new Response(null, { status: 200 }));
      })) as unknown as typeof fetch;
    const { sb, match, poll } = setup([], 60_000, slow);
    await match();
    const flushing = sb.flushDeliveries();
    await vi.waitFor(() => expect(release).toBeDefined());
    const during = await poll(requestId);
    expect(during.status).toBe(200);
    const inProgress: unknown = await during.json();
    expect(webhookResultEnvelopeSchema.safeParse(inProgress).success).toBe(true);
    expect(inProgress).toMatchObject({
      request_id: requestId,
      webhook_status: 'in_progress',
      failure_reason: null,
      webhook_result: null,
    });
    release!();
    await flushing;
    expect(await (await poll(requestId)).json()).toMatchObject({ webhook_status: 'success' });
  });

  it('answers 404 request_id_unknown to an id it never issued', async () => {
    const { poll } = setup();
    const res = await poll('12345');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error_code: 'request_id_unknown' });
  });

  it('answers 400 invalid_request_id to anything but a signed 64-bit integer', async () => {
    const { poll } = setup();
    for (const id of ['abc', '1.5', '9223372036854775808', '-9223372036854775809']) {
      const res = await poll(id);
      expect(res.status, id).toBe(400);
      expect(await res.json()).toMatchObject({ error_code: 'invalid_request_id' });
    }
    expect((await poll('-9223372036854775808')).status).toBe(404);
  });

  it('answers 410 request_id_expired after 30 days', async () => {
    const { sb, clock, match, poll } = setup();
    await match();
    await sb.flushDeliveries();
    clock.advance(30 * 86_400_000);
    expect((await poll(requestId)).status).toBe(200);
    clock.advance(1);
    const res = await poll(requestId);
    expect(res.status).toBe(410);
    expect(await res.json()).toMatchObject({ error_code: 'request_id_expired' });
  });
});
