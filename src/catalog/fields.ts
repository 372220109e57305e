import { z } from 'zod';

import { defineAction, shown } from './define.js';
import { boolParam, dateParam, intParam, text } from './params.js';

// Fields are team-wide: every contact, account or deal has them. On records, custom values live
// under `typed_custom_fields` keyed by the bare field id; the fields list names the same field
// `<modality>.<field id>`.

/** Where a field comes from, the filter of the fields list. */
export const fieldSources = ['system', 'custom', 'crm_synced'] as const;

/** The record kinds a custom field can be created for. */
export const fieldModalities = ['contact', 'account', 'opportunity'] as const;

/** The types a custom field can be created with. */
export const fieldTypes = ['string', 'textarea', 'number', 'date', 'datetime', 'boolean'] as const;

const str = z.string().nullable().optional();

/** One field as the fields list shows it. */
export const fieldSchema = z.looseObject({
  id: z.string(),
  label: z.string(),
  modality: z.string(),
  type: z.string(),
  source: str,
  category: str,
  editable: z.boolean().nullable().optional(),
  meta: z.record(z.string(), z.unknown()).nullable().optional(),
});

/** A custom field record, keyed by the bare id records use in `typed_custom_fields`. */
export const typedCustomFieldSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  modality: z.string(),
  type: str,
  text_field_max_length: z.number().nullable().optional(),
});

const count = (max: number, what: string) => intParam(0, max, what);

const scheduleSchema = z
  .object({
    enabled: boolParam.optional().describe('Whether the schedule is active.'),
    schedule_type: text(50)
      .optional()
      .describe("How often it runs, such as 'daily', 'weekly' or 'monthly'."),
    schedule_timezone: text(100)
      .optional()
      .describe('Time zone the schedule is evaluated in. Example: "America/Los_Angeles".'),
    run_limit: count(10_000_000, 'run_limit')
      .optional()
      .describe('Most records processed in one scheduled run.'),
    max_executions: count(1_000_000, 'max_executions')
      .optional()
      .describe('How many times the schedule runs before it stops.'),
    end_date: dateParam
      .optional()
      .describe('Date the schedule stops, YYYY-MM-DD. Example: "2026-12-31".'),
    reset_execution_count: boolParam
      .optional()
      .describe('true resets the count of runs made against max_executions.'),
    schedule_config: z
      .object({
        hour: intParam(0, 23, 'hour').optional().describe('Hour of the day, 0–23.'),
        minute: intParam(0, 59, 'minute').optional().describe('Minute of the hour, 0–59.'),
        day_of_week: intParam(0, 7, 'day_of_week')
          .optional()
          .describe('Day of the week, for weekly schedules.'),
        day_of_month: intParam(1, 31, 'day_of_month')
          .optional()
          .describe('Day of the month, for monthly schedules.'),
        interval: intParam(1, 1000, 'interval')
          .optional()
          .describe('How many schedule_type units to wait between runs.'),
      })
      .optional()
      .describe('When the schedule runs; which parts apply depends on schedule_type.'),
  })
  .describe('Schedule for re-running an enrichment column Apollo computes (such fields only).');

const picklistValueSchema = z.object({
  id: text(100)
    .optional()
    .describe(
      'Id of an existing option, to keep (and rename) it with its stored values; leave out to add a new option.',
    ),
  name: text(200).describe('The option as it appears in Apollo. Example: "Tier 1".'),
  mapped_crm_id: text(200)
    .optional()
    .describe("Id of the matching picklist value in the team's CRM."),
  reassign_from: z
    .array(text(100))
    .max(500)
    .optional()
    .describe('Ids of options whose stored values move to this option (merging options).'),
});

const fieldUpdateSchema = z.object({
  id: text(200).describe(
    'The field to change, as "<modality>.<field id>" from the fields list with source custom. Example: "contact.694095a80f1b6000110fc556".',
  ),
  label: text(200)
    .optional()
    .describe(
      'New name of the field (names starting with powerup_ are reserved). Example: "Renewal owner".',
    ),
  field_group_id: text(100)
    .optional()
    .describe('Id of the field group (folder) to move the field into.'),
  autorun_downstream_enrichment: boolParam
    .optional()
    .describe("true re-runs this field's enrichment whenever the data it depends on changes."),
  schedule: scheduleSchema.optional(),
  meta: z
    .object({
      max_length: intParam(1, 100_000, 'max_length')
        .optional()
        .describe(
          'Most characters the field accepts (string and textarea fields only). Example: 240.',
        ),
      picklist_values: z
        .array(picklistValueSchema)
        .max(1000)
        .optional()
        .describe(
          'The COMPLETE set of options of a picklist field, required on every update of one: options left out are deleted.',
        ),
      picklist_value_set_id: text(100)
        .optional()
        .describe('Id of an existing picklist value set to attach (picklist fields only).'),
    })
    .optional()
    .describe("Configuration that depends on the field's type."),
  modality: text(50)
    .optional()
    .describe("Read-only: Apollo ignores it and keeps the field's modality."),
  type: text(50).optional().describe('Read-only: may be sent only when equal to the current type.'),
});

/** Every field of the team: Apollo's own, the team's custom fields, and CRM-synced ones. */
export const fieldsList = defineAction({
  id: 'fields.list',
  group: 'fields',
  access: 'read',
  effect: 'read',
  title: 'List fields',
  method: 'GET',
  path: '/api/v1/fields',
  keyScope: 'api/v1/fields/index',
  oauthScope: 'custom_fields_list',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({
    source: z
      .enum(fieldSources)
      .optional()
      .describe(
        "Only fields from this source: 'system', 'custom' or 'crm_synced'. Example: 'custom'.",
      ),
  }),
  output: z.looseObject({ fields: z.array(fieldSchema) }),
  description:
    "List the fields of the team's contacts, accounts and deals: Apollo's system fields, the team's " +
    'custom fields and CRM-synced ones, each with an id such as "contact.<field id>", a label and a ' +
    'type. Free. Filter with source (e.g. custom).',
  phrase: "listed the team's fields",
  intent: "list the team's fields",
  target: (i) => (i.source ? `from source ${String(i.source)}` : ''),
  examples: [{}, { source: 'custom' }],
});

/** Add a custom field to every record of a modality, team-wide. */
export const fieldsCreate = defineAction({
  id: 'fields.create',
  group: 'fields',
  access: 'write',
  effect: 'admin',
  title: 'Create a custom field',
  method: 'POST',
  path: '/api/v1/fields',
  keyScope: 'api/v1/fields/create',
  oauthScope: 'custom_field_write',
  rateClass: 'default',
  credits: { kind: 'none' },
  // Apollo's reference marks none of these required; its CLI always sends the three, and a field
  // without a name, record kind or type cannot exist, so the sandbox and Gatehouse require them.
  input: z.object({
    label: text(200).describe('Name of the new field. Example: "Renewal owner".'),
    modality: z
      .enum(fieldModalities)
      .describe("The records that get the field: 'contact', 'account' or 'opportunity' (deals)."),
    type: z
      .enum(fieldTypes)
      .describe("The field's type: string, textarea, number, date, datetime or boolean."),
    meta: z
      .object({
        max_length: intParam(1, 100_000, 'max_length')
          .optional()
          .describe('Most characters a string or textarea field accepts. Example: 120.'),
      })
      .optional()
      .describe('Extra configuration (max_length for text fields).'),
  }),
  output: z.looseObject({ typed_custom_fields: z.array(typedCustomFieldSchema) }),
  description:
    'Create a custom field on every contact, account or deal of the team (team-wide configuration, ' +
    'admin-level). Free. Answers the new field in typed_custom_fields; its id is the key for ' +
    'typed_custom_fields on contact, account and deal writes. Repeating the call can add a second ' +
    'field with the same name.',
  phrase: 'created a custom field',
  intent: 'create a custom field',
  target: (i) =>
    `'${shown(i.label)}' (${shown(i.type, 'no type')}) on every ${shown(i.modality, 'record')}`,
  verify: (i) =>
    `list the team's custom fields (the fields list with source custom) and look for '${shown(i.label)}' before trying again, so the team does not get the field twice.`,
  examples: [
    { label: 'Test Name', modality: 'contact', type: 'textarea' },
    { label: 'Renewal owner', modality: 'account', type: 'string', meta: { max_length: 120 } },
  ],
});

/** Change one custom field's team-wide configuration. */
export const fieldsUpdate = defineAction({
  id: 'fields.update',
  group: 'fields',
  access: 'write',
  effect: 'admin',
  title: 'Update a custom field',
  method: 'PATCH',
  path: '/api/v1/fields',
  keyScope: 'api/v1/fields/update',
  oauthScope: 'custom_field_write',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({
    fields: z
      .array(fieldUpdateSchema)
      .min(1, 'fields must list the one field to update')
      .max(1, 'Apollo updates one field per request')
      .describe('Exactly one field to change; only the keys you send change.'),
  }),
  output: z.looseObject({
    fields: z.array(
      z.looseObject({
        id: z.string(),
        label: z.string().optional(),
        deleted: z.boolean().optional(),
      }),
    ),
    typed_custom_fields: z.array(typedCustomFieldSchema).optional(),
  }),
  description:
    "Change one custom field's team-wide configuration: rename it, change a text field's max " +
    'length, or replace the options of a picklist. Free, but it cannot be undone cleanly: picklist ' +
    'updates must send every option to keep (options left out are deleted, with the values stored ' +
    'on records). System fields and the type cannot change.',
  phrase: 'updated custom field',
  intent: 'update custom field',
  target: (i) => {
    const f = (Array.isArray(i.fields) ? i.fields[0] : undefined) as
      Record<string, unknown> | undefined;
    const changed = f ? Object.keys(f).filter((k) => k !== 'id') : [];
    return `${shown(f?.id)}${changed.length ? ` (${changed.join(', ')})` : ''}`;
  },
  hints: { idempotent: true, destructive: true },
  // Picklist options sent without an id are re-created under a new id on every call, orphaning
  // the values stored under the previous one: such an update is not safe to repeat.
  retrySafe: (i) => {
    const f = (Array.isArray(i.fields) ? i.fields[0] : undefined) as
      { meta?: { picklist_values?: Array<{ id?: unknown }> } } | undefined;
    return !(f?.meta?.picklist_values ?? []).some((v) => v.id === undefined);
  },
  verify: () =>
    "list the team's custom fields (the fields list with source custom) to see the field's current configuration before trying again.",
  examples: [
    { fields: [{ id: 'contact.694095a80f1b6000110fc556', label: 'Renewal owner' }] },
    { fields: [{ id: 'contact.694095a80f1b6000110fc556', meta: { max_length: 240 } }] },
    {
      fields: [
        {
          id: 'account.694095a80f1b6000110fc557',
          meta: {
            picklist_values: [
              { id: '694095a80f1b6000110fc561', name: 'Gold' },
              { id: '694095a80f1b6000110fc562', name: 'Silver' },
              { name: 'Platinum' },
            ],
          },
        },
      ],
    },
  ],
});

/** The team's custom fields, the deprecated way. */
export const fieldsListTyped = defineAction({
  id: 'fields.list_typed',
  group: 'fields',
  access: 'read',
  effect: 'read',
  title: 'List custom fields (deprecated)',
  method: 'GET',
  path: '/api/v1/typed_custom_fields',
  keyScope: 'api/v1/typed_custom_fields/index',
  oauthScope: 'custom_fields_list',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({}),
  output: z.looseObject({ typed_custom_fields: z.array(typedCustomFieldSchema) }),
  description:
    "List the team's custom fields with their bare ids (the keys of typed_custom_fields on contact, " +
    'account and deal writes), types and picklist options (pass a picklist value by its option id). ' +
    'Free. Deprecated by Apollo in favour of the fields list with source custom.',
  phrase: "listed the team's custom fields",
  intent: "list the team's custom fields",
  target: () => '',
  examples: [{}],
});
