import { z } from 'zod';

import { clauses, defineAction, quoted, searchPagination, searchTarget, shown } from './define.js';
import { breadcrumbSchema, paginationSchema, taskSchema } from './objects.js';
import {
  apolloId,
  boolParam,
  dateTimeParam,
  list,
  pageParam,
  perPageParam,
  text,
} from './params.js';

/** Task types Apollo accepts. */
export const taskTypes = [
  'call',
  'outreach_manual_email',
  'linkedin_step_connect',
  'linkedin_step_message',
  'linkedin_step_view_profile',
  'linkedin_step_interact_post',
  'action_item',
] as const;

export const taskPriorities = ['high', 'medium', 'low'] as const;
export const taskStatuses = ['scheduled', 'completed', 'skipped'] as const;

/** Search the team's tasks. */
export const tasksSearch = defineAction({
  id: 'tasks.search',
  group: 'tasks',
  access: 'read',
  effect: 'read',
  title: 'Search tasks',
  method: 'POST',
  altMethods: ['GET'],
  path: '/api/v1/tasks/search',
  keyScope: 'api/v1/tasks/search',
  oauthScope: 'tasks_list',
  rateClass: 'default',
  credits: { kind: 'none' },
  pagination: searchPagination('tasks'),
  input: z.object({
    sort_by_field: z.enum(['task_due_at', 'task_priority']).optional(),
    sort_ascending: boolParam.optional(),
    open_factor_names: list(z.enum(['task_types'])).optional(),
    q_keywords: text(500).optional(),
    user_id: apolloId.optional(),
    contact_id: apolloId.optional(),
    account_id: apolloId.optional(),
    priority: z.enum(taskPriorities).optional(),
    page: pageParam.optional(),
    per_page: perPageParam.optional(),
  }),
  output: z.looseObject({
    tasks: z.array(taskSchema),
    pagination: paginationSchema,
    breadcrumbs: z.array(breadcrumbSchema).optional(),
  }),
  description:
    "Search the team's tasks (calls, manual emails, LinkedIn steps, to-dos), optionally by owner, " +
    'contact, account or priority, sorted by due date or priority. Free. Up to 100 per page.',
  phrase: "searched the team's tasks",
  intent: "search the team's tasks",
  target: (i) =>
    searchTarget(
      clauses([
        i.q_keywords ? `for keywords ${quoted(i.q_keywords)}` : undefined,
        i.contact_id ? `for contact ${String(i.contact_id)}` : undefined,
        i.account_id ? `for account ${String(i.account_id)}` : undefined,
        i.user_id ? `owned by user ${String(i.user_id)}` : undefined,
        i.priority ? `with priority ${String(i.priority)}` : undefined,
      ]),
      i,
    ),
});

/** Create a task. Apollo does not deduplicate tasks. */
export const tasksCreate = defineAction({
  id: 'tasks.create',
  group: 'tasks',
  access: 'write',
  effect: 'write',
  title: 'Create a task',
  method: 'POST',
  path: '/api/v1/tasks',
  keyScope: 'api/v1/tasks/create',
  oauthScope: 'tasks_create',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({
    user_id: apolloId,
    contact_id: apolloId,
    type: z.enum(taskTypes),
    priority: z.enum(taskPriorities).optional(),
    status: z.enum(taskStatuses),
    due_at: dateTimeParam,
    title: text(300).optional(),
    note: text(5000).optional(),
    account_id: apolloId.optional(),
  }),
  output: z.looseObject({ task: taskSchema }),
  description:
    'Create a task for a user of the team about a saved contact: a call, manual email, LinkedIn step ' +
    'or action item, due at an ISO-8601 time. Free. Apollo does not deduplicate tasks: a retry ' +
    'creates a second one.',
  phrase: 'created a task',
  intent: 'create a task',
  target: (i) =>
    `(${shown(i.type, 'no type').replace(/_/g, ' ')}, ${shown(i.status, 'no status')}) for contact ${shown(i.contact_id)}, due ${shown(i.due_at)}`,
  verify: () =>
    "search the team's tasks (the tasks search) for it before trying again, so the contact does not get the same task twice.",
});
