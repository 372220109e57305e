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

/** Parameters of one task, as a single create (and each item of the CLI's bulk form) sends them. */
export const taskFields = {
  user_id: apolloId.describe(
    'The task owner, a user of the team who will act on it. Example: "66302798d03b9601c7934ebf".',
  ),
  contact_id: apolloId.describe(
    'The contact the task is about (Apollo requires one). Example: "66e34b81740c50074e3d1bd4".',
  ),
  type: z
    .enum(taskTypes)
    .describe(
      'call, outreach_manual_email, linkedin_step_connect, linkedin_step_message, linkedin_step_view_profile, linkedin_step_interact_post or action_item.',
    ),
  priority: z.enum(taskPriorities).optional().describe('high, medium (default) or low.'),
  status: z
    .enum(taskStatuses)
    .describe("'scheduled' for a future task; 'completed' or 'skipped' to record a past one."),
  due_at: dateTimeParam.describe(
    'When the task is due, ISO 8601 with Z or an offset. Example: "2025-02-15T08:10:30Z".',
  ),
  title: text(300)
    .optional()
    .describe(
      'Title; Apollo generates one from the type and contact when left out. Example: "Follow up on demo request".',
    ),
  note: text(5000)
    .optional()
    .describe('What the owner should do, in words (recommended for action items).'),
  account_id: apolloId
    .optional()
    .describe("The account (sent by Apollo's CLI; defaults to the contact's account)."),
  creator_id: apolloId.optional().describe("The user recorded as creator (sent by Apollo's CLI)."),
  opportunity_id: apolloId
    .optional()
    .describe("A deal the task belongs to (sent by Apollo's CLI)."),
};

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
    sort_by_field: z
      .enum(['task_due_at', 'task_priority'])
      .optional()
      .describe("Sort by 'task_due_at' or 'task_priority' (default: earliest due first)."),
    sort_ascending: boolParam
      .optional()
      .describe('true for ascending order with sort_by_field (default descending).'),
    open_factor_names: list(z.enum(['task_types']))
      .optional()
      .describe("['task_types'] adds counts per task type under faceting.task_types."),
    q_keywords: text(500)
      .optional()
      .describe('Words to find in the title, note or contact. Example: "demo".'),
    user_id: apolloId
      .optional()
      .describe('Tasks owned by this user. Example: "66302798d03b9601c7934ebf".'),
    contact_id: apolloId
      .optional()
      .describe('Tasks about this contact. Example: "66e34b81740c50074e3d1bd4".'),
    account_id: apolloId
      .optional()
      .describe('Tasks about this account. Example: "66e9abf95ac32901b20d1a0d".'),
    opportunity_id: apolloId.optional().describe("Tasks about this deal (sent by Apollo's CLI)."),
    priority: z
      .enum(taskPriorities)
      .optional()
      .describe('Only tasks of this priority: high, medium or low.'),
    page: pageParam.optional().describe('Page number, from 1. Example: 2.'),
    per_page: perPageParam.optional().describe('Tasks per page, 1–100 (default 25).'),
  }),
  output: z.looseObject({
    tasks: z.array(taskSchema),
    pagination: paginationSchema,
    breadcrumbs: z.array(breadcrumbSchema).optional(),
    // Apollo puts the task-type counts under faceting, not at the top level.
    faceting: z
      .looseObject({
        task_types: z
          .array(z.looseObject({ value: z.string(), display_name: z.string(), count: z.number() }))
          .optional(),
      })
      .optional(),
  }),
  description:
    "Search the team's tasks (calls, manual emails, LinkedIn steps, to-dos), optionally by owner, " +
    'contact, account or priority, sorted by due date or priority. Free. Up to 100 per page; ' +
    "pagination.total_pages says how many pages exist; open_factor_names: ['task_types'] adds " +
    'counts per type under faceting.task_types.',
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
  examples: [
    { sort_by_field: 'task_due_at', open_factor_names: ['task_types'], page: 1, per_page: 25 },
    { contact_id: '66e34b81740c50074e3d1bd4', priority: 'high', sort_ascending: 'true' },
  ],
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
  // Apollo requires a contact: a task linked only to an account is not documented.
  input: z.object(taskFields),
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
  examples: [
    {
      user_id: '66302798d03b9601c7934ebf',
      contact_id: '66e34b81740c50074e3d1bd4',
      type: 'call',
      priority: 'high',
      status: 'scheduled',
      due_at: '2025-02-15T10:00:00Z',
      title: 'Follow-up call',
      note: 'Discuss product demo results and next steps.',
    },
    {
      user_id: '66302798d03b9601c7934ebf',
      contact_id: '66e34b81740c50074e3d1bd4',
      type: 'action_item',
      status: 'completed',
      due_at: '2025-03-25T10:15:30+05:00',
    },
  ],
});
