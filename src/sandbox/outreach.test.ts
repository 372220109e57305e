// Pins the outreach path over HTTP, as an agent walks it: find the mailbox (email_accounts),
// find the sequence, add a contact, and see the enrollment on the contact, the sequence's email in
// the email search and send status, and the contact's timeline. Also the transport rules of this
// area: GET and POST email search alike (bracketed query strings), PUT and PATCH sequence
// updates, master-key-only email stats that no standard key or OAuth token reaches, and the
// mail-provider credentials in the raw email-accounts answer.
import { beforeEach, describe, expect, it } from 'vitest';

import { encodeQuery, fillPath, getAction } from '../catalog/index.js';

import { createSandbox, type Sandbox } from './index.js';
import { issueTokens, manualClock, type ManualClock } from '../../test/helpers/sandbox/clock.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
let sb: Sandbox;
let clock: ManualClock;

beforeEach(() => {
  clock = manualClock();
  sb = createSandbox({
    seed: 5,
    clock,
    masterKeys: ['mk'],
    scopedKeys: [
      { key: 'stats-key', endpoints: ['emails.activities', 'emails.search'] },
      { key: 'seq-key', endpoints: ['sequences.search', 'sequences.add_contacts'] },
    ],
  });
});

async function api(
  id: string,
  input: Record<string, unknown> = {},
  opts: { method?: string; key?: string; token?: string } = {},
): Promise<{ status: number; body: any; text: string }> {
  const action = getAction(id)!;
  const method = opts.method ?? action.method;
  const rest = Object.fromEntries(
    Object.entries(input).filter(([k]) => !action.pathParams.includes(k)),
  );
  const query = method === 'GET' ? `?${encodeQuery(rest).toString()}` : '';
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  else headers['x-api-key'] = opts.key ?? 'mk';
  const res = await sb.app.request(`${fillPath(action.path, input)}${query}`, {
    method,
    headers,
    ...(method === 'GET' ? {} : { body: JSON.stringify(rest) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, text };
}

describe('mailbox → sequence → add a contact → its status, over HTTP', () => {
  it('shows the enrollment on the contact and the sequence email in the search and send status', async () => {
    const accounts = (await api('emails.accounts')).body.email_accounts;
    const profile = sb.world.team.ownerUserId;
    const mailbox = accounts.find((a: any) => a.user_id === profile && a.default);
    expect(mailbox).toBeDefined();

    const sequence = (await api('sequences.search', { q_name: 'Webinar' })).body
      .emailer_campaigns[0];
    expect(sequence).toMatchObject({ name: 'Webinar Follow-up', active: true });

    const listed = (await api('contacts.search', { per_page: 100 })).body.contacts;
    const contact = listed.find(
      (c: any) => c.email && c.email_status === 'verified' && c.emailer_campaign_ids.length === 0,
    );
    const added = await api('sequences.add_contacts', {
      sequence_id: sequence.id,
      emailer_campaign_id: sequence.id,
      contact_ids: [contact.id],
      send_email_from_email_account_id: mailbox.id,
      sequence_same_company_in_same_campaign: true,
    });
    expect(added.status).toBe(200);
    expect(added.body.skipped_contact_ids).toEqual({});

    const found = (await api('contacts.search', { q_keywords: contact.email })).body.contacts;
    const enrollment = found[0].contact_campaign_statuses.find(
      (s: any) => s.emailer_campaign_id === sequence.id,
    );
    expect(found[0].emailer_campaign_ids).toContain(sequence.id);
    expect(enrollment).toMatchObject({
      status: 'active',
      send_email_from_email_account_id: mailbox.id,
      send_email_from_email_address: mailbox.email,
      current_step_position: 1,
    });
    const shown = (await api('contacts.get', { contact_id: contact.id }, { method: 'GET' })).body;
    expect(shown.contact.contact_campaign_statuses).toEqual(found[0].contact_campaign_statuses);

    const query = { emailer_campaign_ids: [sequence.id], q_keywords: contact.email };
    const scheduled = (await api('emails.search', query)).body.emailer_messages;
    expect(scheduled).toHaveLength(1);
    expect(scheduled[0]).toMatchObject({
      status: 'scheduled',
      contact_id: contact.id,
      email_account_id: mailbox.id,
      type: 'outreach_automatic_email',
    });
    const wait = (await api('emails.send_status', { id: scheduled[0].id })).body;
    expect(wait.status).toBe('scheduled');

    // The first step has no wait: it goes out at the next hour of the sending schedule.
    clock.set(Date.parse(scheduled[0].due_at));
    const done = (await api('emails.send_status', { id: scheduled[0].id })).body;
    expect(done).toMatchObject({ status: 'completed', message: 'Email delivered successfully.' });
    const delivered = (
      await api('emails.search', { ...query, emailer_message_stats: ['delivered'] })
    ).body.emailer_messages;
    expect(delivered.map((m: any) => m.id)).toContain(scheduled[0].id);
    const feed = (await api('sequences.activity_feed', { contact_id: contact.id })).body;
    expect(feed.events[0]).toMatchObject({
      type: 'enrolled',
      sequence_id: sequence.id,
      sequence_name: sequence.name,
    });
  });

  it('refuses add_contacts with a mailbox id that emails.accounts does not list', async () => {
    const sequence = (await api('sequences.search')).body.emailer_campaigns[0];
    const contact = (await api('contacts.search', { per_page: 1 })).body.contacts[0];
    const r = await api('sequences.add_contacts', {
      sequence_id: sequence.id,
      contact_ids: [contact.id],
      send_email_from_email_account_id: 'ffffffffffffffffffffffff',
    });
    expect(r.status).toBe(422);
  });
});

describe('transport rules of emails and sequences', () => {
  it('answers the email search alike by GET with bracketed query strings and by POST', async () => {
    const sequence = (await api('sequences.search', { q_name: 'Enterprise' })).body
      .emailer_campaigns[0];
    const input = {
      emailer_campaign_ids: [sequence.id],
      emailer_message_stats: ['delivered', 'scheduled'],
      per_page: '5',
    };
    const viaGet = await api('emails.search', input, { method: 'GET' });
    const viaPost = await api('emails.search', input, { method: 'POST' });
    expect(viaGet.status).toBe(200);
    expect(viaGet.body.emailer_messages.length).toBeGreaterThan(0);
    expect(viaGet.body).toEqual(viaPost.body);
  });

  it('updates a sequence by PUT (documented) and PATCH (the CLI)', async () => {
    const q = (await api('sequences.create', { name: 'Verbs' })).body.emailer_campaign;
    const put = await api('sequences.update', { id: q.id, name: 'Verbs (PUT)' }, { method: 'PUT' });
    const patch = await api(
      'sequences.update',
      { id: q.id, name: 'Verbs (PATCH)' },
      { method: 'PATCH' },
    );
    expect([put.status, patch.status]).toEqual([200, 200]);
    expect(
      (await api('sequences.search', { q_name: 'Verbs' })).body.emailer_campaigns[0].name,
    ).toBe('Verbs (PATCH)');
  });

  it('serves email stats to master keys only: a standard key with it ticked and OAuth get 403', async () => {
    const m = (await api('emails.search', { emailer_message_stats: ['delivered'] })).body
      .emailer_messages[0];
    expect((await api('emails.activities', { id: m.id }, { method: 'GET' })).status).toBe(200);
    const scoped = await api(
      'emails.activities',
      { id: m.id },
      { method: 'GET', key: 'stats-key' },
    );
    expect(scoped.status).toBe(403);
    expect(scoped.body).toMatchObject({ error_code: 'API_INACCESSIBLE' });
    expect(scoped.body.error).toContain('api/v1/emailer_messages/activities');
    const searched = await api('emails.search', {}, { method: 'GET', key: 'stats-key' });
    expect(searched.status).toBe(200);

    const tokens = await issueTokens(sb, 'emailer_messages_search email_accounts_list');
    const viaToken = await api('emails.activities', { id: m.id }, { token: tokens.access_token });
    expect(viaToken.status).toBe(403);
    expect(viaToken.body.error_code).toBe('API_INACCESSIBLE');
    expect((await api('emails.accounts', {}, { token: tokens.access_token })).status).toBe(200);
  });

  it("names each endpoint's key scope in the 403 of a standard key without it", async () => {
    const r = await api('emails.accounts', {}, { key: 'seq-key' });
    expect(r.status).toBe(403);
    expect(r.body.error).toContain('api/v1/email_accounts/index');
    const created = await api('sequences.create', { name: 'No' }, { key: 'seq-key' });
    expect(created.body.error).toContain('api/v1/sequences/create');
    expect((await api('sequences.search', {}, { key: 'seq-key' })).status).toBe(200);
  });

  it("carries the team's SendGrid credentials in the raw email-accounts answer (secret fields)", async () => {
    const r = await api('emails.accounts');
    expect(r.text).toMatch(/"sendgrid_api_key_v3":"SG\.[\w-]+\.[\w-]+"/);
    for (const field of getAction('emails.accounts').secretFields) expect(r.text).toContain(field);
  });

  it('clamps the activity feed size given as a string, and answers 404 for an unknown contact', async () => {
    const contact = (await api('contacts.search', { per_page: 100 })).body.contacts.find(
      (c: any) => c.emailer_campaign_ids.length > 0,
    );
    const one = await api('sequences.activity_feed', { contact_id: contact.id, per_page: '0' });
    expect(one.body.events).toHaveLength(1);
    const missing = await api('sequences.activity_feed', {
      contact_id: 'abababababababababababab',
    });
    expect(missing).toMatchObject({ status: 404, body: { error: 'Contact not found' } });
  });
});
