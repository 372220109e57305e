import { z } from 'zod';

import { defineAction, shown } from './define.js';
import { sequenceSchema } from './objects.js';
import { apolloId, boolParam, text } from './params.js';
import {
  behaviour,
  settings,
  sharingSchema,
  stepCreateSchema,
  stepUpdateSchema,
} from './sequence-schemas.js';

// Creating and changing sequences: their settings, steps and email touches, and turning them on
// (approve), off (abort) or away for good (archive). Email touches send only when `approved`.

const exampleSequence = '66e9e215ece19801b219997f';
const exampleSchedule = '66e9e215ece19801b2199900';

const stepsOut = z.array(z.looseObject({ id: z.string() }));

/** Create a sequence with its steps and email templates. */
export const sequencesCreate = defineAction({
  id: 'sequences.create',
  group: 'sequences',
  access: 'write',
  effect: 'write',
  title: 'Create a sequence',
  method: 'POST',
  path: '/api/v1/sequences',
  keyScope: 'api/v1/sequences/create',
  oauthScope: 'emailer_campaigns_create',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({
    name: text(300).describe('Name of the sequence. Example: "Q3 Outbound Outreach".'),
    active: boolParam
      .optional()
      .describe(
        'true to make the sequence live at once: it then starts emailing contacts as soon as they are ' +
          'added. Default false (inactive until sequences.approve).',
      ),
    emailer_schedule_id: apolloId
      .optional()
      .describe(
        `A non-empty schedule of the team, from emails.schedules. Example: "${exampleSchedule}".`,
      ),
    ...settings,
    ...behaviour,
    permissions: text(100)
      .optional()
      .describe('Deprecated and ignored by Apollo; use sequences.update sharing_permission.'),
    user_id: apolloId
      .optional()
      .describe(
        'Ignored by Apollo on create: the owner is the acting user (reassign with sequences.update).',
      ),
    emailer_steps: z
      .array(stepCreateSchema)
      .max(100)
      .optional()
      .describe('The steps, in order (the first item is step 1).'),
  }),
  output: z.looseObject({
    emailer_campaign: sequenceSchema,
    emailer_steps: stepsOut,
    emailer_touches: stepsOut,
    emailer_templates: stepsOut.optional(),
  }),
  description:
    'Create a sequence with its settings, steps and email touches (templates). Free. Created ' +
    'inactive unless active is true; a sequence created with active: true starts sending as soon ' +
    'as contacts are added (to any of its approved touches), so treat that like sequences.approve. ' +
    'Touches send only when approved. The owner is always the acting user (user_id is ignored). ' +
    'Answers the sequence, steps, touches and templates.',
  phrase: 'created a sequence',
  intent: 'create a sequence',
  target: (i) => {
    const steps = Array.isArray(i.emailer_steps) ? i.emailer_steps.length : 0;
    return `'${shown(i.name)}' (${steps} step${steps === 1 ? '' : 's'}${i.active === true || i.active === 'true' ? ', active' : ''})`;
  },
  verify: (i) =>
    `search the sequences (sequences.search with q_name '${shown(i.name)}') before trying again, so the team does not get the sequence twice.`,
  examples: [
    {
      name: 'Q3 Outbound Outreach',
      active: true,
      emailer_schedule_id: exampleSchedule,
      label_names: ['Outbound'],
      emailer_steps: [
        {
          type: 'auto_email',
          wait_time: 0,
          wait_mode: 'minute',
          emailer_touches: [
            {
              type: 'new_thread',
              status: 'approved',
              include_signature: true,
              emailer_template: {
                subject: 'Quick question, {{first_name}}',
                body_html:
                  '<p>Hi {{first_name}},</p><p>I noticed {{company}} is growing quickly...</p>',
              },
            },
          ],
        },
        {
          type: 'auto_email',
          wait_time: 3,
          wait_mode: 'day',
          emailer_touches: [
            {
              type: 'reply_to_thread',
              status: 'approved',
              include_signature: true,
              emailer_template: {
                subject: '',
                body_html:
                  '<p>Hi {{first_name}}, just floating this back to the top of your inbox.</p>',
              },
            },
          ],
        },
      ],
    },
    { name: 'Webinar follow-up (draft)' },
  ],
});

/** Change a sequence: settings, steps (omitted ones are deleted), sharing, owner, active state. */
export const sequencesUpdate = defineAction({
  id: 'sequences.update',
  group: 'sequences',
  access: 'write',
  effect: 'outbound',
  title: 'Update a sequence',
  method: 'PUT',
  // Apollo's reference documents PUT; its CLI sends PATCH. Both are answered.
  altMethods: ['PATCH'],
  path: '/api/v1/sequences/{id}',
  keyScope: 'api/v1/sequences/update',
  oauthScope: 'emailer_campaigns_update',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({
    id: apolloId.describe(
      `Id of the sequence (from sequences.search). Example: "${exampleSequence}".`,
    ),
    name: text(300).optional().describe('New name. Example: "Q3 Outbound Outreach (revised)".'),
    active: boolParam
      .optional()
      .describe(
        'true turns the sequence on (it resumes emailing its contacts); false pauses its pending emails.',
      ),
    creation_type: z
      .enum(['draft', 'new', 'ai_assistant'])
      .optional()
      .describe("'draft', 'new' or 'ai_assistant' (a draft becomes new once it has steps)."),
    user_id: apolloId
      .optional()
      .describe(
        'Reassigns the sequence to this owner (ids from users.list). Example: "66302798d03b9601c7934ebf".',
      ),
    emailer_schedule_id: apolloId
      .optional()
      .describe('A non-empty schedule of the team, from emails.schedules.'),
    ...settings,
    label_names: settings.label_names.describe(
      'Replaces the lists of the sequence. Example: ["Outbound"].',
    ),
    cc_emails: z
      .string()
      .max(5000)
      .optional()
      .describe('Comma-separated addresses to cc on every email.'),
    bcc_emails: z
      .string()
      .max(5000)
      .optional()
      .describe('Comma-separated addresses to bcc on every email.'),
    sharing_permission: sharingSchema.optional(),
    permissions: text(100)
      .optional()
      .describe('Deprecated and ignored by Apollo; use sharing_permission.'),
    emailer_steps: z
      .array(stepUpdateSchema)
      .max(100)
      .optional()
      .describe(
        'The complete list of steps: with id changes a step, without id adds one; existing steps left ' +
          'out are DELETED.',
      ),
  }),
  output: z.looseObject({
    id: z.string(),
    name: z.string().optional(),
    active: z.boolean().optional(),
    archived: z.boolean().optional(),
    num_steps: z.number().optional(),
    steps: stepsOut.optional(),
    emailer_campaign: z.looseObject({ id: z.string() }).optional(),
  }),
  description:
    "Change a sequence's settings, steps and touches, sharing or owner (user_id reassigns it). Free. " +
    'active: true turns it on, so it starts emailing its enrolled contacts, and approving a touch ' +
    'lets it send; this can reach real people. emailer_steps is the complete list: steps left out ' +
    'are deleted. Answers the sequence with its steps and touches; an unknown id is a 404.',
  phrase: 'updated sequence',
  intent: 'update sequence',
  target: (i) =>
    `${shown(i.id)}${i.active === true || i.active === 'true' ? ' (turning it on)' : i.active === false || i.active === 'false' ? ' (turning it off)' : ''}`,
  // Setting the same values again changes nothing more.
  hints: { idempotent: true },
  verify: (i) =>
    `search the sequences (sequences.search) and look at sequence ${shown(i.id)} before trying again.`,
  examples: [
    { id: exampleSequence, name: 'Q3 Outbound Outreach (revised)', max_emails_per_day: 50 },
    { id: exampleSequence, user_id: '66302798d03b9601c7934ebf' },
    {
      id: exampleSequence,
      active: true,
      emailer_steps: [
        {
          id: '66e361494acd1307386d4073',
          position: 1,
          type: 'auto_email',
          wait_mode: 'day',
          wait_time: 1,
          emailer_touches: [
            {
              id: '66e361494acd1307386d4074',
              status: 'approved',
              emailer_template: {
                subject: 'Quick question, {{first_name}}',
                body_html: '<p>Hi {{first_name}}</p>',
              },
            },
          ],
        },
      ],
    },
  ],
});

const switchOutput = z.looseObject({
  emailer_campaign: z.looseObject({ id: z.string(), active: z.boolean() }),
  emailer_steps: stepsOut.optional(),
});

const sequenceIdInput = z.object({
  sequence_id: apolloId.describe(
    `Id of the sequence (from sequences.search). Example: "${exampleSequence}".`,
  ),
});

const lookAtSequence = (i: Record<string, unknown>) =>
  `search the sequences (sequences.search) and look at sequence ${shown(i.sequence_id)}'s active and archived state before trying again.`;

/** Turn a sequence on. */
export const sequencesApprove = defineAction({
  id: 'sequences.approve',
  group: 'sequences',
  access: 'write',
  effect: 'outbound',
  title: 'Activate a sequence',
  method: 'POST',
  path: '/api/v1/emailer_campaigns/{sequence_id}/approve',
  keyScope: 'api/v1/emailer_campaigns/approve',
  oauthScope: 'emailer_campaigns_approve',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: sequenceIdInput,
  output: switchOutput,
  description:
    'Activate (turn on) a sequence: Apollo starts emailing every contact enrolled in it, on its ' +
    'schedule, from their approved touches. This reaches real people. Free. Refused (422) when the ' +
    'sequence is already active or has no step. Answers the sequence (active: true) and its steps.',
  phrase: 'activated sequence',
  intent: 'activate sequence',
  target: (i) => shown(i.sequence_id),
  // A second call is refused ("already active"): repeating cannot start it twice.
  retrySafe: () => true,
  verify: lookAtSequence,
  examples: [{ sequence_id: exampleSequence }],
});

/** Turn a sequence off. */
export const sequencesAbort = defineAction({
  id: 'sequences.abort',
  group: 'sequences',
  access: 'write',
  effect: 'write',
  title: 'Deactivate a sequence',
  method: 'POST',
  path: '/api/v1/emailer_campaigns/{sequence_id}/abort',
  keyScope: 'api/v1/emailer_campaigns/abort',
  oauthScope: 'emailer_campaigns_abort',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: sequenceIdInput,
  output: switchOutput,
  description:
    'Deactivate (turn off) a sequence: every enrolled contact is paused and sending stops until it ' +
    'is activated again. Free. Refused (422) when it is already inactive. Answers the sequence ' +
    '(active: false) and its steps.',
  phrase: 'deactivated sequence',
  intent: 'deactivate sequence',
  target: (i) => shown(i.sequence_id),
  retrySafe: () => true,
  verify: lookAtSequence,
  examples: [{ sequence_id: exampleSequence }],
});

/** Archive a sequence, finishing every contact in it. */
export const sequencesArchive = defineAction({
  id: 'sequences.archive',
  group: 'sequences',
  access: 'write',
  effect: 'bulk_write',
  title: 'Archive a sequence',
  method: 'POST',
  path: '/api/v1/emailer_campaigns/{sequence_id}/archive',
  keyScope: 'api/v1/emailer_campaigns/archive',
  oauthScope: 'emailer_campaigns_archive',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: sequenceIdInput,
  output: z.looseObject({
    emailer_campaign: z.looseObject({ id: z.string(), active: z.boolean(), archived: z.boolean() }),
  }),
  description:
    'Archive a sequence: it becomes inactive and archived, and EVERY contact enrolled in it is ' +
    'finished, all at once; this API has no un-archive. Free. Needs the owner or full-access ' +
    'sharing. Answers the sequence (active: false, archived: true).',
  phrase: 'archived sequence',
  intent: 'archive sequence',
  target: (i) => `${shown(i.sequence_id)} (finishing every contact in it)`,
  // The input names one sequence; the contacts it finishes are all of that sequence's.
  recordCount: () => 1,
  hints: { idempotent: true, destructive: true },
  verify: lookAtSequence,
  examples: [{ sequence_id: exampleSequence }],
});
