// tasks.get, tasks.update, tasks.complete, tasks.skip and tasks.bulk_create (with the
// response shapes Apollo really answers). Every change is visible at once to
// tasks.get and tasks.search, whatever on_task_page says.

import { success, type WorldResult } from '../result.js';
import { checkIds } from './common.js';
import { accountJson, contactJson, dealJson, taskJson } from './json.js';
import type { CrmContext, TaskRecord } from './state.js';
import { addTask, checkTaskRefs, type TaskCreateInput } from './tasks.js';

type Json = Record<string, unknown>;

/** A task with its contact, account and deal nested inside it (show and update answers). */
function taskDetail(ctx: CrmContext, t: TaskRecord): Json {
  const base = taskJson(ctx, t, true);
  const deal = t.opportunityId ? ctx.crm.deals.get(t.opportunityId) : undefined;
  const account = base.account as Json | null;
  return {
    ...base,
    account: account ? { ...account, account_queues: [] } : null,
    opportunity: deal ? dealJson(ctx, deal) : null,
  };
}

const deletedStub = (id: string): WorldResult => success({ task: { id, deleted: true } });

const unprocessable = (body: Json): WorldResult => ({ ok: false, status: 422, body });

const alreadyDone = () =>
  unprocessable({
    error: 'This task is already completed / skipped.',
    allow_moving_to_next_task: true,
  });

/** tasks.get. An unknown id reads as a deleted task, as Apollo words it. */
export function getTask(ctx: CrmContext, input: { id: string }): WorldResult {
  const t = ctx.crm.tasks.get(input.id);
  if (!t)
    return unprocessable({
      error: 'This task or emailer message has been deleted. Please refresh your page.',
    });
  return success({ task: taskDetail(ctx, t) });
}

export interface TaskUpdateInput {
  id: string;
  user_id?: string;
  creator_id?: string;
  contact_id?: string;
  type?: string;
  title?: string;
  note?: string;
  priority?: string;
  priority_cd?: number;
  status?: string;
  due_at?: string;
  call_script?: string;
  relevant_fields?: string[];
}

/**
 * tasks.update. A scheduled task takes every field, and Apollo resets an omitted priority to
 * medium and an omitted creator_id to the key's user (its documented trap). A completed or
 * skipped task takes only note, priority and contact; other fields are ignored (our reading).
 * priority_cd's numeric codes are undocumented, so it is accepted and not applied.
 */
export function updateTask(ctx: CrmContext, input: TaskUpdateInput, userId: string): WorldResult {
  const t = ctx.crm.tasks.get(input.id);
  if (!t) return unprocessable({ error: 'This task has been deleted. Please refresh your page.' });
  const bad = checkIds(ctx, [
    ['user', input.user_id],
    ['user', input.creator_id],
    ['contact', input.contact_id],
  ]);
  if (bad) return bad;
  if (input.contact_id !== undefined && input.contact_id !== t.contactId) {
    t.contactId = input.contact_id;
    t.accountId = ctx.crm.contacts.get(input.contact_id)!.accountId;
  }
  if (input.note !== undefined) t.note = input.note;
  if (t.status === 'scheduled') {
    t.priority = input.priority ?? 'medium';
    t.creatorId = input.creator_id ?? userId;
    if (input.user_id !== undefined) t.userId = input.user_id;
    if (input.type !== undefined) t.type = input.type;
    if (input.title !== undefined) t.title = input.title;
    if (input.due_at !== undefined) t.dueAt = Date.parse(input.due_at);
    if (input.call_script !== undefined) t.callScript = input.call_script;
    if (input.relevant_fields !== undefined) t.relevantFields = [...input.relevant_fields];
    if (input.status !== undefined && input.status !== t.status) {
      const now = ctx.now();
      t.status = input.status;
      t.completedAt = input.status === 'completed' ? now : null;
      t.skippedAt = input.status === 'skipped' ? now : null;
    }
  } else if (input.priority !== undefined) {
    t.priority = input.priority;
  }
  return success({ task: taskDetail(ctx, t) });
}

/** tasks.complete: `{task, contact}`; a gone task answers a deleted stub with 200. */
export function completeTask(ctx: CrmContext, input: { id: string; note?: string }): WorldResult {
  const t = ctx.crm.tasks.get(input.id);
  if (!t) return deletedStub(input.id);
  if (t.status !== 'scheduled') return alreadyDone();
  t.status = 'completed';
  t.completedAt = ctx.now();
  if (input.note !== undefined) t.note = input.note;
  const contact = ctx.crm.contacts.get(t.contactId);
  return success({ task: taskDetail(ctx, t), contact: contact ? contactJson(ctx, contact) : null });
}

/** tasks.skip: a short answer `{task: {id, status, note, completed}}`. */
export function skipTask(
  ctx: CrmContext,
  input: { id: string; note?: string; on_task_page?: boolean },
): WorldResult {
  const t = ctx.crm.tasks.get(input.id);
  if (!t) return deletedStub(input.id);
  if (t.status !== 'scheduled') return alreadyDone();
  t.status = 'skipped';
  t.skippedAt = ctx.now();
  if (input.note !== undefined) t.note = input.note;
  return success({ task: { id: t.id, status: t.status, note: t.note, completed: false } });
}

export interface BulkTaskInput {
  user_id?: string;
  contact_ids?: string[];
  type?: string;
  status?: string;
  due_at?: string;
  priority?: string;
  note?: string;
  tasks_attributes?: TaskCreateInput[];
}

/** The contact as bulk create condenses it inside each task. */
function condensedContact(ctx: CrmContext, id: string): Json | null {
  const c = ctx.crm.contacts.get(id);
  if (!c) return null;
  const full = contactJson(ctx, c);
  const keys = [
    'id',
    'first_name',
    'last_name',
    'name',
    'linkedin_url',
    'title',
    'email',
    'organization_name',
    'photo_url',
    'twitter_url',
    'account_id',
    'owner_id',
    'created_at',
    'present_raw_address',
    'city',
    'state',
    'country',
    'email_status',
  ];
  return {
    ...Object.fromEntries(keys.map((k) => [k, full[k]])),
    github_url: null,
    facebook_url: null,
  };
}

function condensedAccount(ctx: CrmContext, id: string | null): Json | null {
  const a = id ? ctx.crm.accounts.get(id) : undefined;
  if (!a) return null;
  const full = accountJson(ctx, a);
  const keys = [
    'id',
    'name',
    'domain',
    'team_id',
    'organization_id',
    'owner_id',
    'created_at',
    'phone',
    'phone_status',
    'linkedin_url',
  ];
  return Object.fromEntries(keys.map((k) => [k, full[k]]));
}

/**
 * tasks.bulk_create, in either form: the documented one (one task per contact id, same details)
 * or the CLI's tasks_attributes list. All references are checked before any task is made, so a
 * bad id creates nothing (Apollo's behaviour on a partly bad list is undocumented).
 */
export function bulkCreateTasks(
  ctx: CrmContext,
  input: BulkTaskInput,
  userId: string,
): WorldResult {
  const items: TaskCreateInput[] =
    input.tasks_attributes ??
    (input.contact_ids ?? []).map((contactId) => ({
      user_id: input.user_id!,
      contact_id: contactId,
      type: input.type!,
      status: input.status!,
      due_at: input.due_at!,
      ...(input.priority ? { priority: input.priority } : {}),
      ...(input.note ? { note: input.note } : {}),
    }));
  for (const item of items) {
    const bad = checkTaskRefs(ctx, item);
    if (bad) return bad;
  }
  const tasks = items.map((item) => {
    const t = addTask(ctx, item, userId);
    return {
      ...taskJson(ctx, t),
      contact: condensedContact(ctx, t.contactId),
      account: condensedAccount(ctx, t.accountId),
    };
  });
  return success({ success: true, tasks });
}
