import { z } from 'zod';

import { defineAction } from './define.js';

// The team's sending mailboxes and sending schedules: the ids other calls need
// (send_email_from_email_account_id to enroll contacts, emailer_schedule_id for sequences).

const str = z.string().nullable().optional();

/**
 * Fields of an email account that hold the team's mail-provider credentials (SendGrid's API user
 * and v3 API key): Gatehouse removes them from every answer before an agent sees it.
 */
export const emailAccountSecretFields = ['sendgrid_api_key_v3', 'sendgrid_api_user'] as const;

/** A linked sending mailbox. */
export const emailAccountSchema = z.looseObject({
  id: z.string(),
  user_id: str,
  email: z.string(),
  aliases: z.array(z.string()).nullable().optional(),
  type: str,
  provider_display_name: str,
  active: z.boolean().nullable().optional(),
  default: z.boolean().nullable().optional(),
  email_daily_threshold: z.number().nullable().optional(),
  created_at: str,
});

/** A sending schedule: weekly windows in a time zone. */
export const emailerScheduleSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  default: z.boolean().nullable().optional(),
  time_zone: str,
  schedule_hash: z
    .record(z.string(), z.array(z.array(z.number())))
    .nullable()
    .optional(),
  created_at: str,
});

/** The team's linked sending mailboxes. */
export const emailsAccounts = defineAction({
  id: 'emails.accounts',
  group: 'emails',
  access: 'read',
  effect: 'read',
  title: 'List sending mailboxes',
  method: 'GET',
  path: '/api/v1/email_accounts',
  keyScope: 'api/v1/email_accounts/index',
  oauthScope: 'email_accounts_list',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({}),
  output: z.looseObject({ email_accounts: z.array(emailAccountSchema) }),
  description:
    "List the team's linked sending mailboxes (email accounts): id, owner user_id, address, aliases, " +
    'provider, whether active and default, and daily sending limits. Free. Call it before ' +
    'sequences.add_contacts: its send_email_from_email_account_id must be one of these ids, never ' +
    "an invented one. Gatehouse removes the mail provider's credentials from the answer.",
  phrase: "listed the team's sending mailboxes",
  intent: "list the team's sending mailboxes",
  target: () => '',
  secretFields: emailAccountSecretFields,
  examples: [{}],
});

/** The team's sending schedules. */
export const emailsSchedules = defineAction({
  id: 'emails.schedules',
  group: 'emails',
  access: 'read',
  effect: 'read',
  title: 'List sending schedules',
  method: 'GET',
  path: '/api/v1/emailer_schedules',
  keyScope: 'api/v1/emailer_schedules/index',
  oauthScope: 'emailer_schedules_list',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({}),
  output: z.looseObject({ emailer_schedules: z.array(emailerScheduleSchema) }),
  description:
    "List the team's sending schedules: the days and hours (schedule_hash, 24-hour [start, end] " +
    'windows per weekday) in a time zone when sequences send, and which one is the default. Free. ' +
    'Use an id as emailer_schedule_id in sequences.create or sequences.update; an empty schedule ' +
    'is refused there.',
  phrase: "listed the team's sending schedules",
  intent: "list the team's sending schedules",
  target: () => '',
  examples: [{}],
});
