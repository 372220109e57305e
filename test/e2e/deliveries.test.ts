// Asynchronous enrichment end to end: an agent asks for a phone reveal through the REST
// proxy; Gatehouse gives Apollo its own unguessable webhook (never the agent's), receives the
// delivery, keeps it for that agent only, completes an audit record with the credits, and falls
// back to polling webhook_result when the webhook cannot reach it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { startGatehouse } from '../../src/app/start.js';
import { fillPath, getAction, webhookResult } from '../../src/catalog/index.js';
import { loadConfig } from '../../src/config/config.js';
import { createHarness, type Harness } from '../helpers/harness.js';

const publicUrl = 'https://gatehouse.example.com';
let h: Harness | null = null;
const adminToken = 'deliveries-admin-token-0123456789abcdef';

afterEach(async () => {
  await h?.close();
  h = null;
});

/** Gatehouse whose sandbox POSTs its webhooks into Gatehouse's app, or fails to (`reachable`). */
async function setup(reachable = true) {
  let now = Date.parse('2026-11-23T10:00:00Z');
  const posts: string[] = [];
  const harness = await createHarness({
    config: { publicUrl, adminToken },
    clock: { now: () => now, monotonic: () => performance.now() },
    sandbox: {
      fetch: async (url, init) => {
        posts.push(String(url));
        if (!reachable) throw new Error('connect ECONNREFUSED');
        return harness.app.app.request(String(url), init as RequestInit);
      },
    },
  });
  h = harness;
  const search = await harness.apollo('POST', getAction('people.search')!.path, {
    person_titles: ['director'],
    per_page: 100,
  });
  const rows = search.people as Array<{ id: string; has_direct_phone: string }>;
  return {
    h: harness,
    posts,
    withPhone: rows.find((r) => r.has_direct_phone === 'Yes')!.id,
    withoutPhone: rows.find((r) => r.has_direct_phone !== 'Yes')!.id,
    advance: (ms: number) => void (now += ms),
  };
}

const reveal = ['people=read', 'people.reveal=read'];
const poll = (harness: Harness, token: string, requestId: string) =>
  harness.request('GET', fillPath(webhookResult.path, { request_id: requestId }), { token });

async function match(harness: Harness, token: string, body: Record<string, unknown>) {
  const res = await harness.request('POST', getAction('people.match')!.path, { token, body });
  expect(res.status).toBe(200);
  const text = await res.text();
  const requestId = /"request_id":(-?\d+)/.exec(text)?.[1] ?? null;
  return { res, text, requestId };
}

describe('asynchronous enrichment', () => {
  it("delivers phone numbers by webhook to the agent that asked, never to another or to the agent's own URL", async () => {
    const { h, posts, withPhone } = await setup();
    const ann = await h.agent('ann', reveal);
    const bob = await h.agent('bob', reveal);
    const m = await match(h, ann, {
      id: withPhone,
      reveal_phone_number: true,
      webhook_url: 'https://attacker.example/collect',
    });
    expect(m.requestId).toMatch(/^-?\d{10,20}$/);
    expect(m.res.headers.get('x-gatehouse-delivery')).toBe(
      fillPath(webhookResult.path, { request_id: m.requestId! }),
    );

    await h.sandbox.flushDeliveries();
    // Apollo was given Gatehouse's receiver: a 43-character secret under the public URL.
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatch(/^https:\/\/gatehouse\.example\.com\/webhooks\/apollo\/[\w-]{43}$/);
    expect(posts.join()).not.toContain('attacker');

    const got = await poll(h, ann, m.requestId!);
    expect(got.status).toBe(200);
    const payload = (await got.json()) as {
      credits_consumed: number;
      people: Array<{ id: string; phone_numbers: Array<{ sanitized_number: string }> }>;
    };
    expect(payload.credits_consumed).toBe(8);
    expect(payload.people[0]!.id).toBe(withPhone);
    expect(payload.people[0]!.phone_numbers[0]!.sanitized_number).toMatch(/^\+\d{8,15}$/);

    // Another agent cannot read it, even with the request id in hand.
    const stolen = await poll(h, bob, m.requestId!);
    expect(stolen.status).toBe(404);
    expect(await stolen.json()).toMatchObject({ error_code: 'request_id_unknown' });
    const anonymous = await poll(h, null as unknown as string, m.requestId!);
    expect(anonymous.status).toBe(401);

    // The delivery has its own audit record, completed with the credits it cost.
    await h.app.drain().catch(() => undefined);
    const page = await h.store.audit.query({ limit: 10 });
    const delivered = page.records.find((r) => r.sentence.includes('delivered by webhook'));
    expect(delivered).toBeDefined();
    expect(delivered!.credits).toBe(8);
    expect(delivered!.completedAt).not.toBeNull();
    expect(delivered!.sentence).toMatch(
      /^Apollo delivered by webhook the phone numbers ann asked for in call aud_\w+ \(Apollo request -?\d+\), .* after the answer; 8 credits spent\.$/,
    );
    const spent = await h.store.audit.sumCredits({ agentId: delivered!.agentId! });
    expect(spent).toBe(9); // 1 for the match, 8 for the phone

    // The call's record, opened by an admin, names the delivery that followed: never its data.
    const callId = /in call (aud_\w+)/.exec(delivered!.sentence)![1]!;
    const detail = await h.request('GET', `/admin/api/audit/${callId}`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(detail.status).toBe(200);
    const text = await detail.text();
    expect(JSON.parse(text).delivery).toMatchObject({
      what: 'phone numbers',
      state: 'delivered',
      via: 'webhook',
      credits: 8,
      audit_id: delivered!.id,
    });
    expect(text).not.toContain(payload.people[0]!.phone_numbers[0]!.sanitized_number);
  });

  it('acknowledges a repeated delivery without changing anything, and refuses unknown receivers', async () => {
    const { h, posts, withPhone } = await setup();
    const ann = await h.agent('ann', reveal);
    const m = await match(h, ann, { id: withPhone, reveal_phone_number: true });
    await h.sandbox.flushDeliveries();
    const url = posts[0]!;
    const again = await h.app.app.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"status":"success","credits_consumed":99,"people":[]}',
    });
    expect(again.status).toBe(200);
    const got = (await (await poll(h, ann, m.requestId!)).json()) as { credits_consumed: number };
    expect(got.credits_consumed).toBe(8);

    const secret = randomBytes(32).toString('base64url');
    const forged = await h.app.app.request(`/webhooks/apollo/${secret}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"people":[]}',
    });
    expect(forged.status).toBe(404);
    const malformed = await h.app.app.request('/webhooks/apollo/short', {
      method: 'POST',
      body: '{}',
    });
    expect(malformed.status).toBe(404);
    const logged = h.logs.filter((l) => l.includes('unknown receiver'));
    expect(logged).toHaveLength(2);
    expect(logged.join()).not.toContain(secret);
    expect((await h.app.app.request(url, { method: 'GET' })).status).toBe(404);
  });

  it('falls back to polling webhook_result when Apollo cannot reach the webhook', async () => {
    const { h, posts, withPhone, advance } = await setup(false);
    const ann = await h.agent('ann', reveal);
    const m = await match(h, ann, { id: withPhone, reveal_phone_number: true });
    await h.sandbox.flushDeliveries();
    expect(posts.length).toBeGreaterThan(0); // tried, and failed

    const pending = await poll(h, ann, m.requestId!);
    expect(pending.status).toBe(404);
    expect(await pending.json()).toMatchObject({ error_code: 'result_pending' });
    expect(Number(pending.headers.get('retry-after'))).toBeGreaterThan(0);

    // The webhook gets 30 s before Gatehouse asks Apollo itself.
    expect(await h.app.deliveries.pollDue()).toBe(0);
    advance(31_000);
    expect(await h.app.deliveries.pollDue()).toBe(1);
    const got = await poll(h, ann, m.requestId!);
    expect(got.status).toBe(200);
    expect(((await got.json()) as { people: unknown[] }).people).toHaveLength(1);
    const page = await h.store.audit.query({ limit: 10 });
    expect(
      page.records.some((r) => r.sentence.includes("fetched from Apollo's webhook_result")),
    ).toBe(true);
  });

  it('says plainly when Apollo found no phone, and charges nothing more', async () => {
    const { h, withoutPhone, advance } = await setup();
    const ann = await h.agent('ann', reveal);
    const m = await match(h, ann, { id: withoutPhone, reveal_phone_number: true });
    expect(m.requestId).not.toBeNull();
    await h.sandbox.flushDeliveries(); // nothing to send: Apollo sends no webhook for no number
    advance(31_000);
    expect(await h.app.deliveries.pollDue()).toBe(1);
    const got = await poll(h, ann, m.requestId!);
    expect(got.status).toBe(404);
    expect(await got.json()).toMatchObject({
      error_code: 'request_id_unknown',
      error: expect.stringMatching(/found no phone numbers/),
    });
    const page = await h.store.audit.query({ limit: 10 });
    const empty = page.records.find((r) => r.sentence.includes('found no phone numbers'));
    expect(empty?.credits).toBe(0);
  });

  it("removes the agent's redacted fields from what was delivered", async () => {
    const { h, withPhone } = await setup();
    const ann = await h.agent('ann', reveal);
    await h.store.agents.setLimits('ann', { redactedFields: ['phone_numbers'] });
    const m = await match(h, ann, { id: withPhone, reveal_phone_number: true });
    await h.sandbox.flushDeliveries();
    const got = await poll(h, ann, m.requestId!);
    expect(got.status).toBe(200);
    const text = await got.text();
    expect(text).toContain(withPhone);
    expect(text).not.toContain('sanitized_number');
  });

  it('asks for no delivery when the agent did not ask for a phone or a waterfall', async () => {
    const { h, posts, withPhone } = await setup();
    const ann = await h.agent('ann', reveal);
    const m = await match(h, ann, { id: withPhone, webhook_url: 'https://attacker.example/x' });
    expect(m.requestId).toBeNull();
    expect(m.res.headers.get('x-gatehouse-delivery')).toBeNull();
    await h.sandbox.flushDeliveries();
    expect(posts).toEqual([]);
    // Without the people.reveal grant, asking is refused before anything is minted.
    const plain = await h.agent('plain', ['people=read']);
    const refused = await h.request('POST', getAction('people.match')!.path, {
      token: plain,
      body: { id: withPhone, reveal_phone_number: true },
    });
    expect(refused.status).toBe(403);
  });

  it('works over real HTTP as `gatehouse start` runs it: the embedded sandbox POSTs to the listening gateway', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-deliveries-'));
    const g = await startGatehouse(
      loadConfig({
        flags: { db: join(dir, 'g.db'), keyFile: join(dir, 'k'), port: 0, sandbox: true },
      }),
      { logger: createLogger({ level: 'silent' }), createDemoAgent: false },
    );
    try {
      const created = await g.store.agents.create({
        name: 'ann',
        grants: reveal.map((r) => {
          const [target, level] = r.split('=') as [string, 'read'];
          return { target, level, requiresApproval: false };
        }),
      });
      if (!created.ok) throw new Error(created.error.message);
      const headers = { 'x-api-key': created.value.token, 'content-type': 'application/json' };
      const search = (await (
        await fetch(`${g.url}${getAction('people.search')!.path}`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ person_titles: ['director'], per_page: 100 }),
        })
      ).json()) as { people: Array<{ id: string; has_direct_phone: string }> };
      const id = search.people.find((p) => p.has_direct_phone === 'Yes')!.id;
      const res = await fetch(`${g.url}${getAction('people.match')!.path}`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ id, reveal_phone_number: true }),
      });
      const where = res.headers.get('x-gatehouse-delivery');
      expect(where).toMatch(/^\/api\/v1\/webhook_result\/-?\d+$/);
      await g.sandbox!.flushDeliveries();
      expect(g.sandbox!.state().deliveries[0]).toMatchObject({ delivered: true });
      const got = await fetch(`${g.url}${where}`, { headers });
      expect(got.status).toBe(200);
      expect(await got.text()).toContain('sanitized_number');
    } finally {
      await g.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
