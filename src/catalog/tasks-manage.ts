import { z } from 'zod';

import { defineAction, shown } from './define.js';
import { contactSchema, taskSchema } from './objects.js';
import { apolloId, boolParam, dateTimeParam, intParam, list, text } from './params.js';
import { taskFields, taskPriorities, taskStatuses, taskTypes } from './tasks.js';

// One task by id: view, edit, complete, skip; and one task per contact in bulk. Complete and skip
// answer a stub `{task: {id, deleted: true}}` (200) when the task no longer exists, for example
// after its sequence was paused.

/** Most tasks one bulk create makes (Apollo documents no limit; ours keeps calls bounded). */
export const bulkTaskLimit = 1000;

const taskId = apolloId.describe(
  'Id of the task, from the tasks search. Example: "67a1b2c3d4e5f60001234567".',
);

/** A task answer that may be the stub of a deleted task. */
const taskOrDeleted = z.union([
  taskSchema,
  z.looseObject({ id: z.string(), deleted: z.literal(true) }),
]);

const checkTask = (i: Record<string, unknown>) =>
  `view the task (the task get for ${shown(i.id)}) to see its current status before trying again.`;

/** One task with its contact, account and deal nested inside. */
export const tasksGet = defineAction({
  id: 'tasks.get',
  group: 'tasks',
  access: 'read',
  effect: 'read',
  title: 'View a task',
  method: 'GET',
  path: '/api/v1/tasks/{id}',
  keyScope: 'api/v1/tasks/show',
  oauthScope: 'tasks_list',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({ id: taskId }),
  output: z.looseObject({ task: taskSchema }),
  description:
    "View one of the team's tasks by id: type, status, priority, due date, note, and the task's " +
    'contact, account and deal nested inside the task. Free. A deleted or unknown task is a 422.',
  phrase: 'viewed task',
  intent: 'view task',
  target: (i) => shown(i.id),
  examples: [{ id: '67a1b2c3d4e5f60001234567' }],
});

/** Edit a task. */
export const tasksUpdate = defineAction({
  id: 'tasks.update',
  group: 'tasks',
  access: 'write',
  effect: 'write',
  title: 'Update a task',
  method: 'PATCH',
  altMethods: ['PUT'],
  path: '/api/v1/tasks/{id}',
  keyScope: 'api/v1/tasks/update',
  oauthScope: 'tasks_create',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({
    id: taskId,
    user_id: apolloId.optional().describe('New owner, a user of the team.'),
    creator_id: apolloId
      .optional()
      .describe("Creator; on a scheduled task, leaving it out resets it to the key's user."),
    contact_id: apolloId.optional().describe('The contact the task is about.'),
    type: z.enum(taskTypes).optional().describe('New task type (scheduled tasks only).'),
    title: text(300).optional().describe('New title (scheduled tasks only).'),
    note: text(5000).optional().describe('New note.'),
    priority: z
      .enum(taskPriorities)
      .optional()
      .describe('high, medium or low; on a scheduled task, leaving it out resets it to medium.'),
    priority_cd: intParam(0, 10, 'priority_cd')
      .optional()
      .describe("Priority as Apollo's numeric code (undocumented values; prefer priority)."),
    status: z
      .enum(taskStatuses)
      .optional()
      .describe('Status (scheduled tasks only); to finish a task use the task complete or skip.'),
    due_at: dateTimeParam
      .optional()
      .describe('New due time, ISO 8601 (scheduled tasks only). Example: "2025-02-20T09:00:00Z".'),
    call_script: text(10_000).optional().describe('Script for a call task.'),
    relevant_fields: list(text(200))
      .optional()
      .describe('Fields shown next to the task (scheduled tasks only).'),
  }),
  output: z.looseObject({ task: taskSchema }),
  description:
    'Edit one task. Free. Scheduled tasks take owner, creator, contact, type, title, note, ' +
    'priority, status, due date and call script; completed or skipped ones only note, priority and ' +
    'contact. Trap: on a scheduled task Apollo resets an omitted priority to medium and an omitted ' +
    "creator_id to the key's user, so send their current values.",
  phrase: 'updated task',
  intent: 'update task',
  target: (i) => {
    const changed = Object.keys(i).filter((k) => k !== 'id');
    return `${shown(i.id)}${changed.length ? ` (${changed.join(', ')})` : ''}`;
  },
  hints: { idempotent: true },
  verify: checkTask,
  examples: [
    { id: '67a1b2c3d4e5f60001234567', priority: 'high', note: 'Bring the pricing sheet.' },
    {
      id: '67a1b2c3d4e5f60001234567',
      user_id: '66302798d03b9601c7934ebf',
      creator_id: '66302798d03b9601c7934ebf',
      priority: 'medium',
      due_at: '2025-02-20T09:00:00Z',
    },
  ],
});

/** Mark a task completed. */
export const tasksComplete = defineAction({
  id: 'tasks.complete',
  group: 'tasks',
  access: 'write',
  effect: 'write',
  title: 'Complete a task',
  method: 'POST',
  path: '/api/v1/tasks/{id}/complete',
  keyScope: 'api/v1/tasks/complete',
  oauthScope: 'tasks_create',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({
    id: taskId,
    note: text(5000).optional().describe('A note to record with the completion.'),
  }),
  output: z.looseObject({ task: taskOrDeleted, contact: contactSchema.nullable().optional() }),
  description:
    'Mark one task completed, optionally with a note. Free. Answers the task and its contact; a ' +
    'task that no longer exists answers {task: {id, deleted: true}}, and one already completed or ' +
    'skipped is refused (422). For a sequence task this can let the contact move on to the next step.',
  phrase: 'completed task',
  intent: 'complete task',
  target: (i) => shown(i.id),
  // A second completion is refused ("already completed"), never applied twice.
  retrySafe: () => true,
  verify: checkTask,
  examples: [{ id: '67a1b2c3d4e5f60001234567', note: 'Left a voicemail.' }],
});

/** Mark a task skipped. */
export const tasksSkip = defineAction({
  id: 'tasks.skip',
  group: 'tasks',
  access: 'write',
  effect: 'write',
  title: 'Skip a task',
  method: 'POST',
  path: '/api/v1/tasks/{id}/skip',
  keyScope: 'api/v1/tasks/skip',
  oauthScope: 'tasks_create',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({
    id: taskId,
    note: text(5000).optional().describe('Why the task was skipped.'),
    on_task_page: boolParam
      .optional()
      .describe(
        'true reindexes at once, so the tasks search shows the new status immediately (default false).',
      ),
  }),
  output: z.looseObject({
    task: z.union([
      z.looseObject({ id: z.string(), status: z.string(), completed: z.boolean() }),
      z.looseObject({ id: z.string(), deleted: z.literal(true) }),
    ]),
  }),
  description:
    'Mark one task skipped, optionally with a note. Free. Answers {task: {id, status, note, ' +
    'completed}}; a task that no longer exists answers {task: {id, deleted: true}}, and one already ' +
    'completed or skipped is refused (422).',
  phrase: 'skipped task',
  intent: 'skip task',
  target: (i) => shown(i.id),
  retrySafe: () => true,
  verify: checkTask,
  examples: [{ id: '67a1b2c3d4e5f60001234567', note: 'Contact is on leave.', on_task_page: true }],
});

const bulkCount = (i: Record<string, unknown>) =>
  Array.isArray(i.tasks_attributes)
    ? i.tasks_attributes.length
    : Array.isArray(i.contact_ids)
      ? i.contact_ids.length
      : i.contact_ids === undefined
        ? 0
        : 1;

/**
 * One task per contact. Apollo documents `{user_id, contact_ids[], type, status, due_at}` (one
 * task per contact, same details); its CLI sends `{tasks_attributes: [task…]}`. Both are accepted.
 */
export const tasksBulkCreate = defineAction({
  id: 'tasks.bulk_create',
  group: 'tasks',
  access: 'write',
  effect: 'bulk_write',
  title: 'Create tasks in bulk',
  method: 'POST',
  path: '/api/v1/tasks/bulk_create',
  keyScope: 'api/v1/tasks/bulk_create',
  oauthScope: 'tasks_create',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z
    .object({
      user_id: apolloId
        .optional()
        .describe(
          'The owner of every task (required unless tasks_attributes is sent). Example: "66302798d03b9601c7934ebf".',
        ),
      contact_ids: list(apolloId, bulkTaskLimit)
        .optional()
        .describe(
          'One task is created per contact id, all with the same details. Example: ["66e34b81740c50074e3d1bd4"].',
        ),
      type: z
        .enum(taskTypes)
        .optional()
        .describe('Task type, as for a single task (required unless tasks_attributes).'),
      status: z
        .enum(taskStatuses)
        .optional()
        .describe(
          "'scheduled', or 'completed'/'skipped' for past tasks (required unless tasks_attributes).",
        ),
      due_at: dateTimeParam
        .optional()
        .describe(
          'Due time, ISO 8601 (required unless tasks_attributes). Example: "2025-02-15T10:00:00Z".',
        ),
      priority: z.enum(taskPriorities).optional().describe('high, medium (default) or low.'),
      note: text(5000).optional().describe('Note on every task.'),
      tasks_attributes: z
        .array(z.object(taskFields))
        .min(1)
        .max(bulkTaskLimit)
        .optional()
        .describe("Apollo's CLI form: a list of whole tasks, each as for a single task create."),
    })
    .superRefine((i, ctx) => {
      if (i.tasks_attributes) return;
      // Apollo's own words when type or owner is missing.
      if (!i.type || !i.user_id)
        ctx.addIssue({ code: 'custom', message: 'type and user can not be blank' });
      for (const k of ['contact_ids', 'status', 'due_at'] as const)
        if (i[k] === undefined)
          ctx.addIssue({ code: 'custom', path: [k], message: `${k} is required` });
    }),
  output: z.looseObject({ success: z.boolean(), tasks: z.array(taskSchema) }),
  description:
    'Create one task per contact in one call: the same type, status, due date, priority and note ' +
    "for every contact in contact_ids (or whole tasks in tasks_attributes, Apollo's CLI form). Free. " +
    'Apollo does not deduplicate: a retry creates every task again.',
  phrase: 'created tasks in bulk',
  intent: 'create tasks in bulk',
  target: (i) =>
    i.tasks_attributes
      ? `(${bulkCount(i)} tasks given one by one)`
      : `(${shown(i.type, 'no type').replace(/_/g, ' ')}, ${shown(i.status, 'no status')}) for ${bulkCount(i)} contacts, due ${shown(i.due_at)}`,
  recordCount: bulkCount,
  verify: () =>
    "search the team's tasks (the tasks search, by contact) before trying again, so no contact gets the same task twice.",
  examples: [
    {
      user_id: '66302798d03b9601c7934ebf',
      contact_ids: [
        '66e34b81740c50074e3d1bd4',
        '66e34b81740c50074e3d1bd5',
        '66e34b81740c50074e3d1bd6',
      ],
      type: 'call',
      priority: 'high',
      status: 'scheduled',
      due_at: '2025-02-15T10:00:00Z',
      note: 'Follow up on demo request.',
    },
    {
      tasks_attributes: [
        {
          user_id: '66302798d03b9601c7934ebf',
          contact_id: '66e34b81740c50074e3d1bd4',
          type: 'outreach_manual_email',
          status: 'scheduled',
          due_at: '2025-02-15T10:00:00Z',
          title: 'Send the case study',
        },
      ],
    },
  ],
});
