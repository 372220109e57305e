// Pins deny-by-default end to end: for every action and every grant situation, a call succeeds
// exactly when the grants allow it, and each call leaves exactly one audit record with its decision.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { actions } from '../../src/catalog/index.js';
import { requestFor, sampleSet, type SampleSet } from '../helpers/fixtures.js';
import { cases } from '../helpers/grant-cases.js';
import { createHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
let samples: SampleSet;
let counter = 0;

beforeAll(async () => {
  const unlimited = { minute: null, hour: null, day: null };
  // The cache would answer repeats of the same enrichment without Apollo; this suite checks that
  // every allowed call reaches Apollo, so it runs without it (the cache has its own tests).
  h = await createHarness({
    sandbox: { limits: Object.fromEntries(actions.map((a) => [a.id, unlimited])) },
    config: { cacheTtlDays: 0 },
  });
  samples = sampleSet(h);
});
afterAll(async () => h.close());

describe.each(actions.map((a) => [a.id, a] as const))('%s', (_id, action) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const name = `matrix-${++counter}`;
    let token = await h.agent(name, c.grants(action));
    if (c.token === 'revoked') await h.store.agents.revoke(name);
    if (c.token === 'rotated') {
      const rotated = await h.store.agents.rotate(name);
      if (!rotated.ok) throw new Error('rotate failed');
    }
    if (c.token === 'unknown') token = `gh_agent_${'x'.repeat(43)}`;

    // A call that uses up its record (a sent draft, a completed task) gets a new one each time.
    const call = requestFor(action.id, await samples.next(action.id));
    const before = await h.store.audit.count();
    const res = await h.request(call.method, call.path, { token, body: call.body });
    const body = (await res.json()) as Record<string, unknown>;
    const expected = c.expect(action);

    expect(await h.store.audit.count()).toBe(before + 1);
    const [record] = (await h.store.audit.query({ limit: 1 })).records;
    expect(res.headers.get('x-gatehouse-audit-id')).toBe(record!.id);
    if (expected === 'allowed') {
      expect(res.status, JSON.stringify(body).slice(0, 300)).toBe(200);
      expect(record!.decision).toBe('allowed');
      expect(record!.upstreamStatus).toBe(200);
    } else if (expected === 'held') {
      expect(res.status, JSON.stringify(body).slice(0, 300)).toBe(202);
      expect(body).toMatchObject({ status: 'pending' });
      expect(record!.decision).toBe('pending');
      expect(record!.rule).toMatch(/held by default/);
      expect(record!.upstreamStatus).toBeNull();
    } else if (expected === 'denied') {
      expect(res.status).toBe(403);
      expect(body.error).toBe('Denied by Gatehouse');
      expect(body.action).toBe(action.id);
      expect(record!.decision).toBe('denied');
      expect(record!.upstreamStatus).toBeNull();
    } else {
      expect(res.status).toBe(401);
      expect(record!.decision).toBe('denied');
      // A revoked or replaced token still names its agent, so an admin sees who kept trying.
      expect(record!.rule).toBe(c.refusedAs!.rule);
      if (c.refusedAs!.namesAgent) expect(record!.agentName).toBe(name);
      else expect(record!.agentId).toBeNull();
    }
  });
});

describe('people.reveal', () => {
  it('denies reveal or waterfall options without people.reveal, and allows them with it', async () => {
    const person = await samples.next('people.match');
    const without = await h.agent('reveal-off', ['people=read']);
    const withReveal = await h.agent('reveal-on', ['people=read', 'people.reveal=read']);
    const call = requestFor('people.match', { ...person, reveal_personal_emails: true });
    const denied = await h.request(call.method, call.path, { token: without, body: call.body });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { reason: string }).reason).toMatch(/people\.reveal/);
    const allowed = await h.request(call.method, call.path, { token: withReveal, body: call.body });
    expect(allowed.status).toBe(200);
    const query = await h.app.app.request(
      `${requestFor('people.match', {}).path}?id=${String(person.id)}&reveal_personal_emails=true`,
      {
        method: 'GET',
        headers: { 'x-api-key': without },
      },
    );
    expect(query.status).toBe(403);
  });
});
