// Pins the team's lists over HTTP: the list endpoint answers a bare array; a list created is
// listed and usable by name in contacts' label_names; names are unique per modality; records
// added to a list show it (label_ids, cached_count, contacts search by list) and removed ones do
// not; unknown ids are ignored; Apollo's 404 and 422 bodies; standard keys need the list scopes.
import { describe, expect, it } from 'vitest';

import { sandboxCaller } from '../../../test/helpers/sandbox/world-http.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const ghost = '0123456789abcdef01234567';

describe('labels', () => {
  it('lists the seeded lists as a bare array with live counts', async () => {
    const { call } = sandboxCaller();
    const r = await call('labels.list');
    expect(r.status).toBe(200);
    expect(Array.isArray(r.body)).toBe(true);
    expect(r.body.map((l: any) => l.modality).sort()).toEqual(
      [...Array(8).fill('contacts'), ...Array(4).fill('accounts')].sort(),
    );
    const row = r.body.find((l: any) => l.modality === 'contacts');
    expect(row).toMatchObject({ _id: row.id, key: row.id, need_cached_count_update: false });
    const members = await call('contacts.search', { contact_label_ids: [row.id], per_page: 100 });
    expect(row.cached_count).toBeGreaterThan(0);
    expect(row.cached_count).toBe(members.body.pagination.total_entries);
  });

  it('creates a list that is listed, refuses its name again, and is reused by label_names', async () => {
    const { call } = sandboxCaller();
    const created = await call('labels.create', { name: 'Q1 Webinar', modality: 'contacts' });
    expect(created.status).toBe(200);
    const label = created.body.label;
    expect(label).toMatchObject({
      name: 'Q1 Webinar',
      modality: 'contacts',
      cached_count: 0,
      book_of_business: null,
    });
    expect((await call('labels.list')).body.map((l: any) => l.id)).toContain(label.id);

    const again = await call('labels.create', { name: 'q1 webinar', modality: 'contacts' });
    expect(again).toEqual({
      status: 422,
      body: { error: 'q1 webinar already exists', skip_alert_dialog: true },
    });
    // The same name is free for the other modality.
    const accounts = await call('labels.create', {
      name: 'Q1 Webinar',
      modality: 'accounts',
      book_of_business: 'true',
    });
    expect(accounts.body.label).toMatchObject({ modality: 'accounts', book_of_business: true });

    const contact = await call('contacts.create', {
      first_name: 'Ada',
      last_name: 'Byron',
      label_names: ['Q1 Webinar'],
    });
    expect(contact.body.contact.label_ids).toEqual([label.id]);
    const listed = (await call('labels.list')).body.find((l: any) => l.id === label.id);
    expect(listed.cached_count).toBe(1);
  });

  it('renames a list, keeps names unique, and answers 404 for an unknown id', async () => {
    const { call } = sandboxCaller();
    const [first, second] = (await call('labels.list')).body.filter(
      (l: any) => l.modality === 'contacts',
    );
    const renamed = await call('labels.update', { id: first.id, name: 'Renamed list' });
    expect(renamed.body.label).toMatchObject({ id: first.id, name: 'Renamed list' });
    const viaPut = await call(
      'labels.update',
      { id: first.id, name: 'Renamed again' },
      { method: 'PUT' },
    );
    expect(viaPut.status).toBe(200);
    expect((await call('labels.list')).body.find((l: any) => l.id === first.id).name).toBe(
      'Renamed again',
    );
    const clash = await call('labels.update', { id: first.id, name: second.name });
    expect(clash.status).toBe(422);
    expect(clash.body.skip_alert_dialog).toBe(true);
    const missing = await call('labels.update', { id: ghost, name: 'x' });
    expect(missing).toEqual({
      status: 404,
      body: { message: `Could not find label with id ${ghost}`, error: 'Record not found.' },
    });
  });

  it('adds records to lists (creating missing ones) and removes them again', async () => {
    const { call } = sandboxCaller();
    const contacts = (await call('contacts.search', { per_page: 3 })).body.contacts;
    const ids = contacts.map((c: any) => c.id);
    const added = await call('labels.add_records', {
      entity_ids: [...ids, ghost],
      label_names: ['Brand New List'],
      modality: 'contacts',
    });
    expect(added.status).toBe(200);
    const [label] = added.body.labels;
    expect(label).toMatchObject({ name: 'Brand New List', modality: 'contacts', cached_count: 3 });
    const onList = await call('contacts.search', { contact_label_ids: [label.id], per_page: 100 });
    expect(onList.body.contacts.map((c: any) => c.id).sort()).toEqual([...ids].sort());
    for (const c of onList.body.contacts) expect(c.label_ids).toContain(label.id);

    // Adding again changes nothing.
    const twice = await call('labels.add_records', {
      entity_ids: ids,
      label_names: ['brand new list'],
      modality: 'contacts',
    });
    expect(twice.body.labels[0]).toMatchObject({ id: label.id, cached_count: 3 });

    const removed = await call('labels.remove_records', {
      entity_ids: [ids[0]],
      label_names: ['Brand New List'],
      modality: 'contacts',
    });
    expect(removed.body.labels[0].cached_count).toBe(2);
    const after = await call('contacts.search', { contact_label_ids: [label.id], per_page: 100 });
    expect(after.body.contacts.map((c: any) => c.id)).not.toContain(ids[0]);
  });

  it('puts accounts on lists in the background form and answers a finished job', async () => {
    const { call } = sandboxCaller();
    const tier1 = async () =>
      (await call('labels.list')).body.find(
        (l: any) => l.name === 'Tier 1' && l.modality === 'accounts',
      );
    const before = await tier1();
    const accounts = (await call('accounts.search', { per_page: 100 })).body.accounts;
    const account = accounts.find((a: any) => !a.label_ids.includes(before.id));
    const r = await call('labels.add_records', {
      entity_ids: [account.id],
      label_names: ['Tier 1'],
      modality: 'accounts',
      async: true,
    });
    expect(r.body.entity_progress_job).toMatchObject({
      job_type: 'add_entities_to_labels',
      entity_ids: [account.id],
      params: { modality: 'accounts', label_names: ['Tier 1'] },
      progress: 1,
    });
    expect((await tier1()).cached_count).toBe(before.cached_count + 1);
    const again = (await call('accounts.search', { per_page: 100 })).body.accounts;
    expect(again.find((a: any) => a.id === account.id).label_ids).toContain(before.id);
  });

  it('answers 200 with a message when nothing valid is left to do', async () => {
    const { call } = sandboxCaller();
    const before = (await call('labels.list')).body.length;
    const r = await call('labels.add_records', {
      entity_ids: [ghost],
      label_names: ['Never Created'],
      modality: 'contacts',
    });
    expect(r).toEqual({ status: 200, body: { message: 'No Models or Lists provided' } });
    const contact = (await call('contacts.search', { per_page: 1 })).body.contacts[0];
    const none = await call('labels.remove_records', {
      entity_ids: [contact.id],
      label_names: ['No Such List'],
      modality: 'contacts',
    });
    expect(none.body).toEqual({ message: 'No Models or Lists provided' });
    expect((await call('labels.list')).body.length).toBe(before);
  });

  it('refuses a bad modality and a missing name, and needs each list scope on a standard key', async () => {
    const { call } = sandboxCaller(5, [{ key: 'lists-read', endpoints: ['api/v1/labels/index'] }]);
    expect((await call('labels.create', { name: 'X', modality: 'leads' })).status).toBe(422);
    expect((await call('labels.create', { modality: 'contacts' })).status).toBe(422);
    expect((await call('labels.list', {}, { key: 'lists-read' })).status).toBe(200);
    const denied = await call(
      'labels.create',
      { name: 'X', modality: 'contacts' },
      { key: 'lists-read' },
    );
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ error_code: 'API_INACCESSIBLE' });
    expect(denied.body.error).toContain('api/v1/labels/create');
  });
});
