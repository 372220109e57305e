import { z } from 'zod';

import { apolloId, boolParam, dateTimeParam, intParam, list, text } from './params.js';

// Input schemas shared by sequences.create and sequences.update: steps, email touches and their
// templates, sharing, and the sequence's settings.

/** Step types a sequence can hold; types other than auto_email create tasks for a user. */
export const sequenceStepTypes = [
  'auto_email',
  'manual_email',
  'call',
  'action_item',
  'linkedin_step_connect',
  'linkedin_step_message',
  'linkedin_step_view_profile',
  'linkedin_step_interact_post',
] as const;

/** Units of a step's wait; Apollo documents minute, hour and day, and answers week on old steps. */
export const waitModes = ['minute', 'hour', 'day', 'week'] as const;

export const count = (what: string, max = 100_000) => intParam(0, max, what);

const templateSchema = z
  .object({
    id: apolloId.optional().describe("Id of one of the team's templates to use and update."),
    subject: z
      .string()
      .max(1000)
      .optional()
      .describe(
        'Subject line; {{first_name}}-style variables work. Empty on a reply_to_thread touch reuses ' +
          'the thread\'s subject. Example: "Quick question, {{first_name}}".',
      ),
    body_html: z
      .string()
      .max(200_000)
      .optional()
      .describe(
        'HTML body (sanitised by Apollo); variables work. Example: "<p>Hi {{first_name}},</p>".',
      ),
  })
  .describe('The email content of the touch.');

const touchCreateSchema = z.object({
  type: z
    .enum(['new_thread', 'reply_to_thread'])
    .optional()
    .describe("'new_thread' or 'reply_to_thread' (only after a step that starts a thread)."),
  status: z
    .enum(['approved', 'to_be_reviewed'])
    .optional()
    .describe(
      "'approved' (it will send; needs a non-empty body) or 'to_be_reviewed' (default: it does not send).",
    ),
  include_signature: boolParam.optional().describe("true to append the sender's signature."),
  emailer_template: templateSchema.optional(),
  attachment_ids: list(apolloId, 20).optional().describe('Ids of attachments to include.'),
});

export const stepCreateSchema = z.object({
  type: z.enum(sequenceStepTypes).describe(`The step type: ${sequenceStepTypes.join(', ')}.`),
  wait_time: count('wait_time')
    .optional()
    .describe(
      'How long after the previous step this one runs, in wait_mode units (required unless exact daytime). Example: 2.',
    ),
  wait_mode: z.enum(waitModes).optional().describe("Unit of wait_time: 'minute', 'hour' or 'day'."),
  exact_datetime: dateTimeParam
    .optional()
    .describe(
      'With sequence_by_exact_daytime: when the step runs, ISO-8601, in the future and after the previous step.',
    ),
  priority: z
    .enum(['high', 'medium', 'low'])
    .optional()
    .describe("Priority of the step's task: 'high', 'medium' or 'low' (not for auto_email)."),
  note: z.string().max(5000).optional().describe('Talking points or instructions for the task.'),
  max_emails_per_day: count('max_emails_per_day')
    .optional()
    .describe('Most emails this step sends per day.'),
  auto_skip_in_x_days: count('auto_skip_in_x_days', 10_000)
    .optional()
    .describe("Skip the step's task when not done within this many days."),
  emailer_touches: z
    .array(touchCreateSchema)
    .max(10)
    .optional()
    .describe('The email variants of the step; more than one is an A/B test (plan-gated).'),
});

const touchUpdateSchema = z.object({
  id: apolloId.optional().describe('Id of an existing touch to change; omit to add one.'),
  status: z
    .enum(['to_be_reviewed', 'approved'])
    .optional()
    .describe("'approved' to let it send (needs a non-empty body) or 'to_be_reviewed'."),
  attachment_ids: list(apolloId, 20).optional().describe('Ids of attachments to include.'),
  emailer_template: templateSchema.optional(),
  generation_options: z
    .array(
      z.object({
        type: text(100).optional().describe('E.g. "ai_full_email".'),
        additional_prompt: z.string().max(5000).optional(),
        signals: list(text(200), 50).optional(),
        field_name: text(200).optional(),
      }),
    )
    .max(20)
    .optional()
    .describe('AI generation options for the touch content.'),
  generation_tone: z
    .object({
      tone_type: text(100).optional().describe('E.g. "Direct".'),
      tone_sample: z.string().max(5000).optional(),
    })
    .optional()
    .describe('Tone for AI-generated content.'),
});

export const stepUpdateSchema = z.object({
  id: apolloId.optional().describe('Id of an existing step to change; omit to add a step.'),
  position: intParam(1, 100, 'position')
    .optional()
    .describe('1-based position of the step. Example: 1.'),
  type: z.enum(sequenceStepTypes).optional().describe('The step type, e.g. "auto_email".'),
  wait_mode: z.enum(waitModes).optional().describe("Unit of wait_time, e.g. 'day'."),
  wait_time: count('wait_time')
    .optional()
    .describe('Wait before this step, in wait_mode units. Example: 1.'),
  auto_skip_in_x_days: count('auto_skip_in_x_days', 10_000)
    .optional()
    .describe('Skip the step when it has not run within this many days.'),
  emailer_touches: z
    .array(touchUpdateSchema)
    .max(10)
    .optional()
    .describe('The touches of the step (with id: change it; without: add one).'),
});

const accessType = z.enum(['can_view', 'can_edit', 'full_access']);

export const sharingSchema = z
  .object({
    visibility: z
      .enum(['restricted', 'everyone'])
      .optional()
      .describe(
        "'everyone' shares with the whole team; 'restricted' limits it to the owner and listed shares.",
      ),
    access_type: accessType.optional().describe("The team's access with visibility everyone."),
    added_sharing_accesses: z
      .array(
        z.object({
          user_or_team_id: apolloId.describe('The user or team to share with.'),
          user_or_team_type: z.enum(['user', 'team', 'subteam']).optional(),
          access_type: accessType.optional(),
        }),
      )
      .max(100)
      .optional(),
    updated_sharing_accesses: z
      .array(z.object({ user_or_team_id: apolloId, access_type: accessType.optional() }))
      .max(100)
      .optional(),
    deleted_sharing_accesses: z
      .array(z.object({ user_or_team_id: apolloId }))
      .max(100)
      .optional(),
  })
  .describe('Who can see and change the sequence (access changes need a plan with sharing).');

export const settings = {
  label_names: list(text(200), 50)
    .optional()
    .describe(
      'Names of lists for the sequence (missing ones are created). Example: ["Outbound", "Q3"].',
    ),
  max_emails_per_day: count('max_emails_per_day')
    .optional()
    .describe('Most emails the sequence sends per day (0 or more). Example: 50.'),
  same_account_reply_delay_days: count('same_account_reply_delay_days', 1000)
    .optional()
    .describe(
      'Days to pause the other contacts of an account after one of them replies, up to 1000.',
    ),
};

export const behaviour = {
  folder_id: apolloId.optional().describe('Id of the folder to put the sequence in.'),
  sequence_by_exact_daytime: boolParam
    .optional()
    .describe(
      'true to run every step at an exact date and time (each step then needs exact_datetime).',
    ),
  mark_finished_if_reply: boolParam.optional().describe('true to finish contacts who reply.'),
  mark_finished_if_click: boolParam
    .optional()
    .describe('true to finish contacts who click a link.'),
  mark_finished_if_interested: boolParam
    .optional()
    .describe('true to finish contacts marked as interested.'),
  mark_paused_if_ooo: boolParam
    .optional()
    .describe('true to pause contacts whose reply is out of office.'),
  days_to_wait_before_mark_as_response: count('days_to_wait_before_mark_as_response', 10_000)
    .optional()
    .describe('Days after which an incoming email no longer counts as a response to the sequence.'),
  create_task_if_email_open: boolParam
    .optional()
    .describe(
      'true to create a task when a contact opens an email email_open_trigger_task_threshold times.',
    ),
  email_open_trigger_task_threshold: count('email_open_trigger_task_threshold', 10_000)
    .optional()
    .describe('How many opens create the task.'),
  excluded_account_stage_ids: list(apolloId, 100)
    .optional()
    .describe("Account stages whose contacts the sequence does not email (the team's stage ids)."),
  excluded_contact_stage_ids: list(apolloId, 100)
    .optional()
    .describe("Contact stages the sequence does not email (the team's stage ids)."),
  ignore_apollo_global_email_bounce_list: boolParam
    .optional()
    .describe("true to email addresses on Apollo's global bounce list."),
  sequence_ruleset_id: apolloId.optional().describe('Id of a sequence ruleset to apply.'),
};
