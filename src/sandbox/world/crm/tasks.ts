// tasks.create and tasks.search (the search's facets as Apollo really answers them, not as its
// older documentation said).

import { invalidId, success, type WorldResult } from '../result.js';
import { checkIds } from './common.js';
import { taskJson } from './json.js';
import { matchesWords, paginate, sortBy } from './paging.js';
import { taskVerbs } from './seed.js';
import type { CrmContext, TaskRecord } from './state.js';

export interface TaskCreateInput {
  user_id: string;
  contact_id: string;
  type: string;
  priority?: string;
  status: string;
  due_at: string;
  title?: string;
  note?: string;
  account_id?: string;
  creator_id?: string;
  opportunity_id?: string;
}

/** The 422 for the first reference of a task that names nothing, or null. */
export function checkTaskRefs(ctx: CrmContext, input: TaskCreateInput): WorldResult | null {
  const bad = checkIds(ctx, [
    ['user', input.user_id],
    ['user', input.creator_id],
    ['contact', input.contact_id],
    ['account', input.account_id],
  ]);
  if (bad) return bad;
  if (input.opportunity_id && !ctx.crm.deals.has(input.opportunity_id))
    return invalidId(input.opportunity_id);
  return null;
}

/** tasks.create: always a new task (Apollo does not deduplicate tasks). */
export function createTask(ctx: CrmContext, input: TaskCreateInput, userId: string): WorldResult {
  const bad = checkTaskRefs(ctx, input);
  if (bad) return bad;
  return success({ task: taskJson(ctx, addTask(ctx, input, userId)) });
}

/** Stores a new task from input whose references are already checked. */
export function addTask(ctx: CrmContext, input: TaskCreateInput, userId: string): TaskRecord {
  const contact = ctx.crm.contacts.get(input.contact_id)!;
  const now = ctx.now();
  const name = [contact.firstName, contact.lastName].filter(Boolean).join(' ');
  const t: TaskRecord = {
    id: ctx.ids.next(now),
    userId: input.user_id,
    // Apollo's CLI sends creator_id; we honour it (the reference does not list it).
    creatorId: input.creator_id ?? userId,
    contactId: contact.id,
    accountId: input.account_id ?? contact.accountId,
    type: input.type,
    priority: input.priority ?? 'medium',
    status: input.status,
    dueAt: Date.parse(input.due_at),
    // Apollo generates a title when none is given; ours reads "Call Jane Doe".
    title: input.title ?? `${taskVerbs[input.type] ?? 'Follow up with'} ${name}`.trim(),
    note: input.note ?? null,
    createdAt: now,
    completedAt: input.status === 'completed' ? now : null,
    skippedAt: input.status === 'skipped' ? now : null,
    sequenceId: null,
    createdFrom: 'api',
    opportunityId: input.opportunity_id ?? null,
  };
  ctx.crm.tasks.set(t.id, t);
  return t;
}

export interface TaskSearchInput {
  sort_by_field?: string;
  sort_ascending?: boolean;
  open_factor_names?: string[];
  q_keywords?: string;
  user_id?: string;
  contact_id?: string;
  account_id?: string;
  opportunity_id?: string;
  priority?: string;
  page?: number;
  per_page?: number;
}

const priorityRank: Record<string, number> = { high: 3, medium: 2, low: 1 };
const typeNames: Record<string, string> = {
  call: 'Call',
  outreach_manual_email: 'Email',
  linkedin_step_connect: 'LinkedIn - Send Connection Request',
  linkedin_step_message: 'LinkedIn - Send Message',
  linkedin_step_view_profile: 'LinkedIn - View Profile',
  linkedin_step_interact_post: 'LinkedIn - Interact with Post',
  action_item: 'Action Item',
};

/** tasks.search. Without sort_by_field the most urgent (earliest due) come first (our choice). */
export function searchTasks(ctx: CrmContext, input: TaskSearchInput): WorldResult {
  const { crm } = ctx;
  let rows = [...crm.tasks.values()].filter((t) => {
    const c = crm.contacts.get(t.contactId);
    return (
      (!input.user_id || t.userId === input.user_id) &&
      (!input.contact_id || t.contactId === input.contact_id) &&
      (!input.account_id || t.accountId === input.account_id) &&
      (!input.opportunity_id || t.opportunityId === input.opportunity_id) &&
      (!input.priority || t.priority === input.priority) &&
      (!input.q_keywords ||
        matchesWords(input.q_keywords, [
          t.title,
          t.note,
          c?.firstName,
          c?.lastName,
          c?.organizationName,
        ]))
    );
  });
  if (input.sort_by_field === 'task_priority')
    rows = sortBy(rows, (t) => priorityRank[t.priority] ?? 0, input.sort_ascending === true);
  else if (input.sort_by_field === 'task_due_at')
    rows = sortBy(rows, (t) => t.dueAt, input.sort_ascending === true);
  else rows = sortBy(rows, (t) => t.dueAt, true);
  const { rows: page, pagination } = paginate(rows, input.page, input.per_page);
  // Apollo's reference puts the task-type counts under faceting (not at the top level).
  const faceting: Record<string, unknown> = {};
  if (input.open_factor_names?.includes('task_types')) {
    const counts = new Map<string, number>();
    for (const t of rows) counts.set(t.type, (counts.get(t.type) ?? 0) + 1);
    faceting.task_types = [...counts].map(([value, count]) => ({
      value,
      display_name: typeNames[value] ?? value,
      count,
    }));
  }
  return success({
    tasks: page.map((t) => taskJson(ctx, t, true)),
    breadcrumbs: [],
    pagination,
    faceting,
    pipeline_total: rows.length,
    num_fetch_result: null,
  });
}
