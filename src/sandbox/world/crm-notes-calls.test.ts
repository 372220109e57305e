// Pins notes and phone calls over HTTP. Notes: at least one record filter (else 400), offset
// paging with skip/limit capped at 100 and no pagination object, sorting, start_date. Calls:
// master key only; a call logged is searchable (by GET query and by the CLI's POST body) and
// updatable (PUT and PATCH); search echoes page and per_page as strings, filters by date,
// duration, direction, users, contacts and keywords; unknown references are 422s.
import { describe, expect, it } from 'vitest';

import { sandboxCaller } from '../../../test/helpers/sandbox/world-http.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const ghost = '0123456789abcdef01234567';

describe('notes', () => {
  it('refuses a list without any record to list notes for', async () => {
    const { call } = sandboxCaller();
    expect(await call('notes.list')).toEqual({
      status: 400,
      body: { error: 'At least one argument is required' },
    });
    expect(await call('notes.list', { limit: 5 })).toMatchObject({ status: 400 });
  });

  it("lists a contact's notes and an account's, sorted and offset-paged", async () => {
    const { sb, call } = sandboxCaller();
    // Seeded notes hang on contacts: find one with several through the account filter.
    const accounts = (await call('accounts.search', { per_page: 100 })).body.accounts;
    let best: any[] = [];
    for (const a of accounts) {
      const notes = (await call('notes.list', { account_id: a.id, limit: 100 })).body.notes;
      if (notes.length > best.length) best = notes;
    }
    expect(best.length).toBeGreaterThanOrEqual(2);
    const accountId = best[0].account_ids[0];
    const created = best.map((n) => n.created_at);
    expect(created).toEqual([...created].sort().reverse());
    const asc = (await call('notes.list', { account_id: accountId, sort_direction: 'asc' })).body
      .notes;
    expect(asc.map((n: any) => n.id)).toEqual(best.map((n) => n.id).reverse());
    const page = await call('notes.list', { account_id: accountId, skip: 1, limit: 1 });
    expect(page.body).toEqual({ notes: [best[1]] });
    expect(page.body.pagination).toBeUndefined();

    const contactIds = (await call('contacts.search', { per_page: 100 })).body.contacts.map(
      (c: any) => c.id,
    );
    const note = (await call('notes.list', { contact_ids: contactIds })).body.notes[0];
    const byContact = (await call('notes.list', { contact_id: note.contact_id })).body.notes;
    expect(byContact.map((n: any) => n.id)).toContain(note.id);
    for (const n of byContact) expect(n.contact_ids).toContain(note.contact_id);
    const later = (await call('notes.list', { account_id: accountId, start_date: '2999-01-01' }))
      .body.notes;
    expect(later).toEqual([]);
    expect(sb.credits().total).toBe(0);
  });

  it('caps limit at 100 and reads query-string numbers', async () => {
    const { call } = sandboxCaller();
    const contacts = (await call('contacts.search', { per_page: 100 })).body.contacts;
    const ids = contacts.map((c: any) => c.id);
    const all = await call('notes.list', { contact_ids: ids, limit: '500' });
    expect(all.status).toBe(200);
    expect(all.body.notes.length).toBeGreaterThan(0);
    expect(all.body.notes.length).toBeLessThanOrEqual(100);
    expect((await call('notes.list', { contact_id: ids[0], sort_by_field: 'title' })).status).toBe(
      422,
    );
  });
});

describe('phone calls', () => {
  it('logs a call that the search then finds, by query string and by POST body', async () => {
    const { call } = sandboxCaller();
    const contact = (await call('contacts.search', { per_page: 1 })).body.contacts[0];
    const users = (await call('users.list')).body.users;
    const logged = await call('calls.create', {
      user_id: [users[1].id],
      contact_id: contact.id,
      to_number: '5555550164',
      status: 'completed',
      start_time: '2025-06-23T19:50:57Z',
      duration: 45,
      note: 'Wants a pricing call next week',
    });
    expect(logged.status).toBe(200);
    const p = logged.body.phone_call;
    expect(p).toMatchObject({
      user_id: users[1].id,
      contact_id: contact.id,
      account_id: contact.account_id,
      logged: true,
      duration: 45,
      status: 'completed',
      start_time: '2025-06-23T19:50:57.000+00:00',
      end_time: '2025-06-23T19:51:42.000+00:00',
      note: 'Wants a pricing call next week',
    });
    expect(p.contact.id).toBe(contact.id);
    expect(logged.body.contact.id).toBe(contact.id);
    expect(logged.body.team).toMatchObject({ phone_calls_finder_empty: false });

    const byQuery = await call('calls.search', {
      contact_label_ids: [contact.id],
      q_keywords: 'pricing',
    });
    expect(byQuery.body.phone_calls.map((c: any) => c.id)).toContain(p.id);
    const byBody = await call(
      'calls.search',
      { contact_id: contact.id, user_id: users[1].id },
      { method: 'POST' },
    );
    expect(byBody.body.phone_calls.map((c: any) => c.id)).toEqual([p.id]);
    const byDate = await call('calls.search', {
      date_range: { min: '2025-06-23', max: '2025-06-23' },
    });
    expect(byDate.body.phone_calls.map((c: any) => c.id)).toEqual([p.id]);
    expect(byDate.body.breadcrumbs.map((b: any) => b.signal_field_name)).toEqual([
      'date_range',
      'date_range',
    ]);
  });

  it('echoes page and per_page as strings and filters by duration and direction', async () => {
    const { call } = sandboxCaller();
    const r = await call('calls.search', { page: 2, per_page: 5 });
    expect(r.body.pagination).toMatchObject({ page: '2', per_page: '5' });
    expect(r.body.phone_calls).toHaveLength(5);
    expect(r.body.pagination.total_entries).toBe(40);
    expect(r.body.pipeline_total).toBe(40);
    const facets = r.body.faceting.phone_call_stats_facets;
    expect(facets.map((f: any) => f.value)).toEqual(expect.arrayContaining(['active', 'other']));
    expect(
      facets.filter((f: any) => f.value !== 'active').reduce((n: number, f: any) => n + f.count, 0),
    ).toBe(40);
    const long = (await call('calls.search', { duration: { min: 300 }, per_page: 100 })).body
      .phone_calls;
    expect(long.length).toBeGreaterThan(0);
    for (const c of long) expect(c.duration).toBeGreaterThanOrEqual(300);
    const incoming = (await call('calls.search', { inbound: 'incoming', per_page: 100 })).body
      .phone_calls;
    const outgoing = (await call('calls.search', { inbound: 'outgoing', per_page: 100 })).body
      .phone_calls;
    expect(incoming.length + outgoing.length).toBe(40);
    expect(incoming.every((c: any) => c.inbound === true)).toBe(true);
  });

  it('updates a call by PUT or PATCH and refuses unknown ids and references', async () => {
    const { call } = sandboxCaller();
    const p = (await call('calls.search', { per_page: 1 })).body.phone_calls[0];
    const outcome = (
      await call('calls.search', { per_page: 1 })
    ).body.faceting.phone_call_stats_facets.find(
      (f: any) => f.value !== 'active' && f.value !== 'other',
    ).value;
    const put = await call('calls.update', {
      id: p.id,
      note: 'Forgot the API question',
      phone_call_outcome_id: outcome,
    });
    expect(put.body.phone_call).toMatchObject({
      id: p.id,
      note: 'Forgot the API question',
      phone_call_outcome_id: outcome,
    });
    const patch = await call('calls.update', { id: p.id, status: 'busy' }, { method: 'PATCH' });
    expect(patch.body.phone_call).toMatchObject({
      status: 'busy',
      note: 'Forgot the API question',
    });
    const found = (await call('calls.search', { phone_call_outcome_ids: [outcome], per_page: 100 }))
      .body.phone_calls;
    expect(found.find((c: any) => c.id === p.id)).toMatchObject({ status: 'busy' });
    expect(await call('calls.update', { id: ghost, note: 'x' })).toEqual({
      status: 404,
      body: { error: 'Record not found.' },
    });
    expect((await call('calls.update', { id: p.id, phone_call_purpose_id: ghost })).status).toBe(
      422,
    );
    expect((await call('calls.create', { contact_id: ghost })).status).toBe(422);
  });

  it('treats a repeated call_identifier as the same call', async () => {
    const { call } = sandboxCaller();
    const contact = (await call('contacts.search', { per_page: 1 })).body.contacts[0];
    const first = await call('calls.create', {
      contact_id: contact.id,
      call_identifier: 'orum-42',
    });
    const again = await call('calls.create', {
      contact_id: contact.id,
      call_identifier: 'orum-42',
      duration: 90,
    });
    expect(again.body.phone_call.id).toBe(first.body.phone_call.id);
    expect(again.body.phone_call.duration).toBe(90);
    const calls = (await call('calls.search', { contact_id: contact.id, per_page: 100 })).body
      .phone_calls;
    expect(calls.filter((c: any) => c.call_identifier === 'orum-42')).toHaveLength(1);
  });

  it('accepts only a master key, even one with the endpoint ticked', async () => {
    const { call } = sandboxCaller(5, [
      { key: 'calls-key', endpoints: ['calls.search', 'calls.create', 'calls.update'] },
    ]);
    const denied = await call('calls.search', {}, { key: 'calls-key' });
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ error_code: 'API_INACCESSIBLE' });
    expect(denied.body.error).toContain('api/v1/phone_calls/search');
    expect((await call('calls.create', {}, { key: 'calls-key' })).status).toBe(403);
  });
});
