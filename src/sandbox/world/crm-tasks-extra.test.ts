// Pins tasks by id and in bulk over HTTP, with the corrected search: show and update answer the
// task with contact, account and deal nested inside it; an update resets an omitted priority and
// creator on a scheduled task (Apollo's documented trap); complete and skip change the status
// that show and search then report, refuse a second time, and answer a deleted stub for a task
// that is gone; bulk create takes the documented contact_ids form and the CLI's tasks_attributes;
// the search has a definite pagination object and its task-type counts under faceting.
import { describe, expect, it } from 'vitest';

import { sandboxCaller } from '../../../test/helpers/sandbox/world-http.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const ghost = '0123456789abcdef01234567';

async function scheduledTask(call: ReturnType<typeof sandboxCaller>['call']) {
  const contact = (await call('contacts.search', { per_page: 1 })).body.contacts[0];
  const owner = (await call('users.list')).body.users[1];
  const created = await call('tasks.create', {
    user_id: owner.id,
    contact_id: contact.id,
    type: 'call',
    priority: 'high',
    status: 'scheduled',
    due_at: '2026-02-01T10:00:00Z',
    creator_id: owner.id,
  });
  expect(created.status).toBe(200);
  return { task: created.body.task, contact, owner };
}

describe('tasks by id', () => {
  it('shows a task with its contact and account nested inside', async () => {
    const { call } = sandboxCaller();
    const { task, contact } = await scheduledTask(call);
    const r = await call('tasks.get', { id: task.id });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual(['task']);
    expect(r.body.task).toMatchObject({
      id: task.id,
      status: 'scheduled',
      creator_id: task.creator_id,
    });
    expect(r.body.task.contact.id).toBe(contact.id);
    expect(r.body.task.account?.id ?? null).toBe(contact.account_id);
    expect(await call('tasks.get', { id: ghost })).toEqual({
      status: 422,
      body: { error: 'This task or emailer message has been deleted. Please refresh your page.' },
    });
  });

  it('updates a scheduled task, resetting an omitted priority and creator as Apollo does', async () => {
    const { call, sb } = sandboxCaller();
    const { task, owner } = await scheduledTask(call);
    expect(task).toMatchObject({ priority: 'high', creator_id: owner.id });
    const r = await call('tasks.update', { id: task.id, note: 'Bring the pricing sheet.' });
    expect(r.body.task).toMatchObject({
      note: 'Bring the pricing sheet.',
      priority: 'medium',
      creator_id: sb.world.team.ownerUserId,
    });
    const kept = await call(
      'tasks.update',
      { id: task.id, priority: 'high', creator_id: owner.id, due_at: '2026-02-03T09:00:00Z' },
      { method: 'PUT' },
    );
    expect(kept.body.task).toMatchObject({ priority: 'high', creator_id: owner.id });
    expect(kept.body.task.due_at).toBe('2026-02-03T09:00:00.000+00:00');
    expect((await call('tasks.get', { id: task.id })).body.task.note).toBe(
      'Bring the pricing sheet.',
    );
    expect(await call('tasks.update', { id: ghost, note: 'x' })).toEqual({
      status: 422,
      body: { error: 'This task has been deleted. Please refresh your page.' },
    });
  });

  it('completes a task once; show and search then report it completed', async () => {
    const { call } = sandboxCaller();
    const { task, contact } = await scheduledTask(call);
    const done = await call('tasks.complete', { id: task.id, note: 'Left a voicemail.' });
    expect(done.status).toBe(200);
    expect(done.body.task).toMatchObject({
      id: task.id,
      status: 'completed',
      note: 'Left a voicemail.',
    });
    expect(done.body.task.completed_at).not.toBeNull();
    expect(done.body.contact.id).toBe(contact.id);
    expect((await call('tasks.get', { id: task.id })).body.task.status).toBe('completed');
    const found = (await call('tasks.search', { contact_id: contact.id, per_page: 100 })).body
      .tasks;
    expect(found.find((t: any) => t.id === task.id).status).toBe('completed');
    expect(await call('tasks.complete', { id: task.id })).toEqual({
      status: 422,
      body: { error: 'This task is already completed / skipped.', allow_moving_to_next_task: true },
    });
    // Completed tasks take only note, priority and contact.
    const late = await call('tasks.update', { id: task.id, title: 'Ignored', priority: 'low' });
    expect(late.body.task).toMatchObject({ priority: 'low', status: 'completed' });
    expect(late.body.task.title).not.toBe('Ignored');
  });

  it('skips a task with the short answer, and answers a stub for a task that is gone', async () => {
    const { call } = sandboxCaller();
    const { task, contact } = await scheduledTask(call);
    const skipped = await call('tasks.skip', { id: task.id, note: 'On leave', on_task_page: true });
    expect(skipped).toEqual({
      status: 200,
      body: { task: { id: task.id, status: 'skipped', note: 'On leave', completed: false } },
    });
    const found = (await call('tasks.search', { contact_id: contact.id, per_page: 100 })).body
      .tasks;
    expect(found.find((t: any) => t.id === task.id)).toMatchObject({ status: 'skipped' });
    expect((await call('tasks.skip', { id: task.id })).status).toBe(422);
    expect((await call('tasks.complete', { id: task.id })).status).toBe(422);
    expect(await call('tasks.skip', { id: ghost })).toEqual({
      status: 200,
      body: { task: { id: ghost, deleted: true } },
    });
    expect((await call('tasks.complete', { id: ghost })).body).toEqual({
      task: { id: ghost, deleted: true },
    });
  });
});

describe('tasks in bulk', () => {
  it('creates one task per contact in the documented form, without deduplication', async () => {
    const { call } = sandboxCaller();
    const contacts = (await call('contacts.search', { per_page: 3 })).body.contacts;
    const user = (await call('users.list')).body.users[0];
    const input = {
      user_id: user.id,
      contact_ids: contacts.map((c: any) => c.id),
      type: 'call',
      priority: 'high',
      status: 'scheduled',
      due_at: '2026-02-15T10:00:00Z',
      note: 'Follow up on demo request.',
    };
    const r = await call('tasks.bulk_create', input);
    expect(r.status).toBe(200);
    expect(r.body.success).toBe(true);
    expect(r.body.tasks.map((t: any) => t.contact_id)).toEqual(input.contact_ids);
    for (const t of r.body.tasks) {
      expect(t).toMatchObject({
        type: 'call',
        priority: 'high',
        note: input.note,
        user_id: user.id,
      });
      expect(t.contact.id).toBe(t.contact_id);
      expect(Object.keys(t.contact)).not.toContain('contact_emails');
    }
    const again = await call('tasks.bulk_create', input);
    expect(again.body.tasks.map((t: any) => t.id)).not.toEqual(r.body.tasks.map((t: any) => t.id));
    const found = (await call('tasks.search', { contact_id: contacts[0].id, per_page: 100 })).body
      .tasks;
    expect(found.filter((t: any) => t.note === input.note)).toHaveLength(2);
  });

  it("accepts the CLI's tasks_attributes form and refuses incomplete or bad input", async () => {
    const { call } = sandboxCaller();
    const contact = (await call('contacts.search', { per_page: 1 })).body.contacts[0];
    const user = (await call('users.list')).body.users[0];
    const one = {
      user_id: user.id,
      contact_id: contact.id,
      type: 'outreach_manual_email',
      status: 'scheduled',
      due_at: '2026-02-15T10:00:00Z',
      title: 'Send the case study',
    };
    const r = await call('tasks.bulk_create', { tasks_attributes: [one] });
    expect(r.body.tasks[0]).toMatchObject({ title: 'Send the case study', contact_id: contact.id });
    expect(
      await call('tasks.bulk_create', {
        contact_ids: [contact.id],
        status: 'scheduled',
        due_at: one.due_at,
      }),
    ).toEqual({
      status: 422,
      body: { error: 'type and user can not be blank' },
    });
    const before = (await call('tasks.search', {})).body.pagination.total_entries;
    const bad = await call('tasks.bulk_create', {
      tasks_attributes: [one, { ...one, contact_id: ghost }],
    });
    expect(bad.status).toBe(422);
    expect((await call('tasks.search', {})).body.pagination.total_entries).toBe(before);
  });
});

describe('tasks search, corrected', () => {
  it('always answers pagination and puts task-type counts under faceting', async () => {
    const { call } = sandboxCaller();
    const plain = await call('tasks.search', { per_page: 10 });
    expect(plain.body.pagination).toEqual({
      page: 1,
      per_page: 10,
      total_entries: 50,
      total_pages: 5,
    });
    expect(plain.body.task_types).toBeUndefined();
    const faceted = await call('tasks.search', { open_factor_names: ['task_types'] });
    expect(faceted.body.task_types).toBeUndefined();
    const counts = faceted.body.faceting.task_types;
    expect(counts.reduce((n: number, t: any) => n + t.count, 0)).toBe(50);
    expect(counts[0]).toEqual({
      value: expect.any(String),
      display_name: expect.any(String),
      count: expect.any(Number),
    });
    const viaGet = await call(
      'tasks.search',
      { open_factor_names: ['task_types'] },
      { method: 'GET' },
    );
    expect(viaGet.body.faceting.task_types).toEqual(counts);
  });

  it('requires a contact on a single task (Apollo documents no account-only task)', async () => {
    const { call } = sandboxCaller();
    const account = (await call('accounts.search', { per_page: 1 })).body.accounts[0];
    const user = (await call('users.list')).body.users[0];
    const r = await call('tasks.create', {
      user_id: user.id,
      account_id: account.id,
      type: 'action_item',
      status: 'scheduled',
      due_at: '2026-02-15T10:00:00Z',
    });
    expect(r.status).toBe(422);
    expect(r.body.error).toContain('contact_id');
  });
});
