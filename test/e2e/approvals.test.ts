// Human approvals end to end over the REST proxy: a held call is bound to the exact
// input the agent sent, runs once when an admin approves it, and fails closed otherwise
// (rejected, expired, agent revoked, grant lowered); the agent polls its own held call only, and
// every transition completes the call's single audit record.
import { afterEach, describe, expect, it } from 'vitest';

import { getAction } from '../../src/catalog/index.js';
import { createHarness, type Harness } from '../helpers/harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const createPath = getAction('contacts.create')!.path;
const contact = { first_name: 'Ada', last_name: 'Byron', email: 'ada@analytical.example' };

async function setup() {
  let now = Date.parse('2026-11-23T10:00:00Z');
  h = await createHarness({ clock: { now: () => now, monotonic: () => performance.now() } });
  const writer = await h.agent('writer', ['contacts=full'], true);
  return { h, writer, advance: (ms: number) => void (now += ms) };
}

async function holdCreate(harness: Harness, token: string, body: unknown = contact) {
  const res = await harness.request('POST', createPath, {
    token,
    body,
    headers: { 'x-gatehouse-reason': 'Ada asked for a demo on the website form' },
  });
  expect(res.status).toBe(202);
  const held = (await res.json()) as {
    status: string;
    approval_id: string;
    poll: string;
    expires_at: string;
    audit_id: string;
  };
  expect(held).toMatchObject({ status: 'pending' });
  expect(held.approval_id).toMatch(/^apr_[0-9a-f]{32}$/);
  expect(held.poll).toBe(`/api/v1/gatehouse/approvals/${held.approval_id}`);
  return held;
}

const contactsInSandbox = async (harness: Harness) => {
  const found = await harness.apollo('POST', getAction('contacts.search')!.path, {
    q_keywords: 'Byron',
  });
  return (found.contacts as unknown[]).length;
};

describe('approvals', () => {
  it('is used once when answers race: of three at once, one wins and the call runs once', async () => {
    const adminToken = 'admin-token-for-the-race-0123456789abcdef';
    h = await createHarness({ config: { adminToken } });
    const writer = await h.agent('writer', ['contacts=full'], true);
    const held = await holdCreate(h, writer);
    const answer = (verb: 'approve' | 'reject') =>
      h!.request('POST', `/admin/api/approvals/${held.approval_id}/${verb}`, {
        headers: { authorization: `Bearer ${adminToken}` },
        body: {},
      });
    const answers = await Promise.all([answer('approve'), answer('approve'), answer('reject')]);
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(2);
    const won = answers[statuses.indexOf(200)]!;
    const state = ((await won.json()) as { approval: { state: string } }).approval.state;
    expect(await contactsInSandbox(h)).toBe(state === 'done' ? 1 : 0);
    // The call's one record, completed once.
    const records = (await h.store.audit.query({ limit: 10, action: 'contacts.create' })).records;
    expect(records).toHaveLength(1);
    expect(records[0]!.decision).toBe(state === 'done' ? 'approved' : 'rejected');
  });

  it('holds the call, runs it once with the held input when approved, and gives the agent the result', async () => {
    const { h, writer } = await setup();
    const held = await holdCreate(h, writer);
    expect(await contactsInSandbox(h)).toBe(0); // nothing reached Apollo

    const waiting = await h.request('GET', held.poll, { token: writer });
    expect(waiting.status).toBe(202);
    expect(await waiting.json()).toMatchObject({
      status: 'pending',
      approval_id: held.approval_id,
    });

    const [queued] = await h.app.gateway.listApprovals({ states: ['pending'], limit: 10 });
    expect(queued).toMatchObject({
      id: held.approval_id,
      agentName: 'writer',
      actionId: 'contacts.create',
      reason: 'Ada asked for a demo on the website form',
      input: contact,
    });

    const answered = await h.app.gateway.answerApproval(held.approval_id, {
      approve: true,
      by: 'admin:test',
      note: 'ok',
    });
    expect(answered.ok && answered.value.outcome?.ok).toBe(true);
    expect(answered.ok && answered.value.approval.state).toBe('done');
    expect(await contactsInSandbox(h)).toBe(1);

    const result = await h.request('GET', held.poll, { token: writer });
    expect(result.status).toBe(200);
    expect(((await result.json()) as { contact: { email: string } }).contact.email).toBe(
      contact.email,
    );

    // Single use: a second approval (another admin, a replayed click) does nothing.
    const again = await h.app.gateway.answerApproval(held.approval_id, { approve: true, by: 'x' });
    expect(again.ok).toBe(false);
    expect(!again.ok && again.error.code).toBe('not_pending');
    expect(await contactsInSandbox(h)).toBe(1);

    const record = await h.store.audit.get(held.audit_id);
    expect(record).toMatchObject({ decision: 'approved', upstreamStatus: 200 });
    expect(record!.completedAt).not.toBeNull();
    expect(record!.sentence).toMatch(/approved under contacts=full/);
    expect(await h.store.audit.count()).toBe(1); // one record for the whole life of the call
  });

  it('cannot be approved by the agent: a repeated call is held again, and the poll is read-only', async () => {
    const { h, writer } = await setup();
    const first = await holdCreate(h, writer);
    // The same call again is held again, as a new approval.
    const second = await holdCreate(h, writer);
    expect(second.approval_id).not.toBe(first.approval_id);
    // A made-up "approved" parameter is no parameter at all: refused, nothing held or sent.
    const claimed = await h.request('POST', '/api/v1/contacts', {
      token: writer,
      body: { ...contact, approved: true },
    });
    expect(claimed.status).toBe(422);
    expect(await claimed.json()).toMatchObject({ error_code: 'UNKNOWN_PARAMETER' });
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const res = await h.request(method, first.poll, { token: writer, body: { approve: true } });
      expect(res.status).toBeGreaterThanOrEqual(400);
    }
    const still = await h.app.gateway.listApprovals({ states: ['pending'], limit: 10 });
    expect(still).toHaveLength(2);
    expect(await contactsInSandbox(h)).toBe(0);
  });

  it('lets only the agent that made the call see it', async () => {
    const { h, writer } = await setup();
    const held = await holdCreate(h, writer);
    const other = await h.agent('other', ['contacts=full']);
    const res = await h.request('GET', held.poll, { token: other });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error_code: 'APPROVAL_UNKNOWN' });
    expect((await h.request('GET', held.poll, {})).status).toBe(401);
  });

  it('refuses a rejected call with the admin note, and audits it as rejected', async () => {
    const { h, writer } = await setup();
    const held = await holdCreate(h, writer);
    const answered = await h.app.gateway.answerApproval(held.approval_id, {
      approve: false,
      by: 'admin:test',
      note: 'not a real lead',
    });
    expect(answered.ok && answered.value.approval.state).toBe('rejected');
    const res = await h.request('GET', held.poll, { token: writer });
    expect(res.status).toBe(403);
    const body = (await res.json()) as { error: string; error_code: string };
    expect(body.error_code).toBe('APPROVAL_REJECTED');
    expect(body.error).toContain('not a real lead');
    const record = await h.store.audit.get(held.audit_id);
    expect(record).toMatchObject({ decision: 'rejected', errorCode: 'approval_rejected' });
    expect(await contactsInSandbox(h)).toBe(0);
  });

  it('expires a held call nobody answered, and then refuses to approve it', async () => {
    const { h, writer, advance } = await setup();
    const held = await holdCreate(h, writer);
    expect(Date.parse(held.expires_at)).toBe(Date.parse('2026-11-23T11:00:00Z'));
    advance(60 * 60_000);
    expect(await h.app.gateway.expireApprovals()).toBe(1);
    const res = await h.request('GET', held.poll, { token: writer });
    expect(res.status).toBe(410);
    const late = await h.app.gateway.answerApproval(held.approval_id, { approve: true, by: 'a' });
    expect(!late.ok && late.error.code).toBe('not_pending');
    expect((await h.store.audit.get(held.audit_id))?.decision).toBe('expired');
    expect(await contactsInSandbox(h)).toBe(0);
  });

  it('fails closed when the agent was revoked or its grant lowered before the approval', async () => {
    const { h, writer } = await setup();
    const lowered = await holdCreate(h, writer);
    const agentId = (await h.store.agents.get('writer'))!.id;
    await h.store.grants.set(agentId, 'contacts', 'read', { by: 'test' });
    const a = await h.app.gateway.answerApproval(lowered.approval_id, { approve: true, by: 'x' });
    expect(a.ok && a.value.approval.state).toBe('failed');
    expect(a.ok && !a.value.outcome?.ok && a.value.outcome?.error.error.code).toBe('not_granted');
    const res = await h.request('GET', lowered.poll, { token: writer });
    expect(res.status).toBe(403);

    await h.store.grants.set(agentId, 'contacts', 'full', { requiresApproval: true, by: 'test' });
    const revokedLater = await holdCreate(h, writer);
    await h.store.agents.revoke('writer');
    const b = await h.app.gateway.answerApproval(revokedLater.approval_id, {
      approve: true,
      by: 'x',
    });
    expect(b.ok && b.value.approval.state).toBe('failed');
    expect(await contactsInSandbox(h)).toBe(0);
    const record = await h.store.audit.get(revokedLater.audit_id);
    expect(record).toMatchObject({ decision: 'approved', errorCode: 'not_granted' });
    expect(record!.completedAt).not.toBeNull();
  });
});
