// Pins recorded conversations over HTTP: search answers summaries for free (page size from
// num_fetch_result or the CLI's per_page, filters by type, account, contacts and dates); a
// conversation in full costs one credit only when it has AI insights; an export bills each
// covered conversation with insights, names the teammate to e-mail and gives a download link;
// Apollo's 404 and 422 bodies; the conversation scopes as the OpenAPI names them.
import { describe, expect, it } from 'vitest';

import { sandboxCaller } from '../../../test/helpers/sandbox/world-http.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const ghost = '0123456789abcdef01234567';

async function everyConversation(call: ReturnType<typeof sandboxCaller>['call']): Promise<any[]> {
  return (await call('conversations.search', { num_fetch_result: 100 })).body.conversations;
}

describe('conversations', () => {
  it('searches summaries for free, paged by num_fetch_result or per_page', async () => {
    const { sb, call } = sandboxCaller();
    const r = await call('conversations.search', { num_fetch_result: 5, page: 2 });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      pagination: { page: 2, per_page: 5, total_entries: 24, total_pages: 5 },
      breadcrumbs: {},
      num_fetch_result: 5,
    });
    expect(r.body.conversations).toHaveLength(5);
    const row = r.body.conversations[0];
    expect(row.transcript).toBeUndefined();
    expect(row.audio_recording).toBeUndefined();
    expect((await call('conversations.search', { per_page: 7 })).body.conversations).toHaveLength(
      7,
    );
    const all = await everyConversation(call);
    const starts = all.map((c) => c.start_time);
    expect(starts).toEqual([...starts].sort().reverse());
    expect(sb.credits().total).toBe(0);
  });

  it('filters by type, account, contacts and date range', async () => {
    const { call } = sandboxCaller();
    const all = await everyConversation(call);
    const phone = (
      await call('conversations.search', { conversation_type: 'phone_call', num_fetch_result: 100 })
    ).body.conversations;
    expect(phone.length).toBe(all.filter((c) => c.conversation_type === 'phone_call').length);
    const one = all[3];
    const byAccount = (
      await call('conversations.search', { account_id: one.account_ids[0], num_fetch_result: 100 })
    ).body.conversations;
    expect(byAccount.map((c: any) => c.id)).toContain(one.id);
    for (const c of byAccount) expect(c.account_ids).toContain(one.account_ids[0]);
    const contactId = one.participants_info[0].contact_id;
    const byContact = (await call('conversations.search', { contact_ids: [contactId] })).body
      .conversations;
    expect(byContact.map((c: any) => c.id)).toContain(one.id);
    const byDate = (
      await call('conversations.search', {
        date_range: { start: one.start_time, end: one.start_time },
      })
    ).body.conversations;
    expect(byDate.map((c: any) => c.id)).toEqual([one.id]);
    const scored = await call('conversations.search', { scorecard_template_id: ghost });
    expect(scored.body.conversations).toEqual([]);
  });

  it('charges one credit for a conversation with AI insights and none without', async () => {
    const { sb, call } = sandboxCaller();
    const all = await everyConversation(call);
    const withInsights = all.find((c) => c.state === 'insights_generated');
    const without = all.find((c) => c.state !== 'insights_generated');
    const full = await call('conversations.get', { id: withInsights.id });
    expect(full.status).toBe(200);
    expect(full.body).toMatchObject({ id: withInsights.id, topic: withInsights.topic });
    expect(full.body.transcript.length).toBeGreaterThan(0);
    expect(full.body.transcript[0]).toMatchObject({ spoken_sentence: expect.any(String) });
    expect(full.body.call_summary.next_steps.length).toBeGreaterThan(0);
    expect(full.body.participants.external.others.length).toBeGreaterThan(0);
    expect(sb.credits().byAction['conversations.get']).toBe(1);
    const plain = await call('conversations.get', { id: without.id });
    expect(plain.body.call_summary).toBeUndefined();
    expect(sb.credits().byAction['conversations.get']).toBe(1);
    expect(await call('conversations.get', { id: ghost })).toEqual({
      status: 404,
      body: { error: 'Conversation not found or access denied.' },
    });
    expect(sb.credits().byAction['conversations.get']).toBe(1);
  });

  it('exports a time range, bills its conversations with insights, and links the file', async () => {
    const { sb, call } = sandboxCaller();
    const all = await everyConversation(call);
    const users = (await call('users.list')).body.users;
    const start = all[all.length - 1].start_time;
    const end = all[0].start_time;
    const r = await call('conversations.export', {
      start_time: start,
      end_time: end,
      email: users[2].email,
    });
    expect(r.status).toBe(200);
    expect(r.body.export_url).toBe(
      `https://app.apollo.io/api/v1/conversations/export/${r.body.export_id}`,
    );
    expect(sb.credits().byAction['conversations.export']).toBe(
      all.filter((c) => c.state === 'insights_generated').length,
    );
    const status = await call('conversations.export_status', { id: r.body.export_id });
    expect(status.status).toBe(200);
    expect(status.body.redirect_url).toMatch(new RegExp(`${r.body.export_id}\\.json\\.gz\\?`));
    expect(await call('conversations.export_status', { id: ghost })).toEqual({
      status: 404,
      body: { error: 'Export not found or access denied.' },
    });
  });

  it('refuses an export with a backwards range, no conversations, or no such teammate', async () => {
    const { sb, call, clock } = sandboxCaller();
    const email = (await call('users.list')).body.users[0].email;
    // Apollo allows one export a minute: each attempt below waits out the window.
    const minute = () => clock.advance(60_000);
    expect(
      await call('conversations.export', {
        start_time: '2025-02-01T00:00:00Z',
        end_time: '2025-01-01T00:00:00Z',
        email,
      }),
    ).toEqual({ status: 422, body: { error: 'start_time must be less than end_time.' } });
    expect(
      (await call('conversations.export', { start_time: 'soon', end_time: 'later', email })).status,
    ).toBe(429);
    minute();
    expect(
      await call('conversations.export', {
        start_time: '2000-01-01T00:00:00Z',
        end_time: '2000-02-01T00:00:00Z',
        email,
      }),
    ).toEqual({
      status: 404,
      body: { error: 'Unable to find conversations within the given time range.' },
    });
    minute();
    const stranger = await call('conversations.export', {
      start_time: '2000-01-01T00:00:00Z',
      end_time: '2100-01-01T00:00:00Z',
      email: 'stranger@example.com',
    });
    expect(stranger.status).toBe(404);
    minute();
    expect(
      (await call('conversations.export', { start_time: 'soon', end_time: 'later', email })).status,
    ).toBe(422);
    expect(sb.credits().byAction['conversations.export']).toBeUndefined();
  });

  it('checks the scopes Apollo names, including find_export for the export link', async () => {
    const { call } = sandboxCaller(5, [
      {
        key: 'conv',
        endpoints: ['api/v1/conversations/search', 'api/v1/conversations/find_export'],
      },
    ]);
    expect((await call('conversations.search', {}, { key: 'conv' })).status).toBe(200);
    const denied = await call('conversations.get', { id: ghost }, { key: 'conv' });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toContain('api/v1/conversations/show');
    expect((await call('conversations.export_status', { id: ghost }, { key: 'conv' })).status).toBe(
      404,
    );
  });
});
