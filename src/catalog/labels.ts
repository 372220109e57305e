import { z } from 'zod';

import { defineAction, quoted, shown } from './define.js';
import { labelSchema } from './objects.js';
import { apolloId, boolParam, list, text } from './params.js';

// A "label" is Apollo's API name for a list of contacts or accounts. Names are unique per
// modality within the team; adding records to a name that does not exist yet creates the list.

/** The record kinds a list can hold through the API. */
export const labelModalities = ['contacts', 'accounts'] as const;

const modality = z
  .enum(labelModalities)
  .describe("What the list holds: 'contacts' or 'accounts'. Example: 'contacts'.");

/** A list as the create and update answers show it. */
const labelOutput = labelSchema.extend({
  user_id: z.string().nullable().optional(),
  book_of_business: z.boolean().nullable().optional(),
});

/** Apollo's answer to a background add or remove: a job, done when `progress` reaches 1. */
const progressJobSchema = z.looseObject({
  id: z.string(),
  job_type: z.string(),
  entity_ids: z.array(z.string()).optional(),
  progress: z.number(),
});

const membershipInput = z.object({
  entity_ids: list(apolloId, 1000).describe(
    'Ids of the contacts or accounts to change (ids that name nothing are silently ignored). ' +
      "Example: ['66e34b81740c50074e3d1bd4'].",
  ),
  label_names: list(text(200), 100).describe(
    "Names of the lists, matched case-insensitively within the modality. Example: ['Q4 Outbound'].",
  ),
  modality,
  async: boolParam
    .optional()
    .describe(
      'true to run in the background and answer with a progress job (default false; a synchronous ' +
        "call must finish within Apollo's 300-second request limit).",
    ),
});

const membershipOutput = z.looseObject({
  labels: z.array(labelOutput).optional(),
  message: z.string().optional(),
  entity_progress_job: progressJobSchema.optional(),
});

const count = (i: Record<string, unknown>) =>
  Array.isArray(i.entity_ids) ? i.entity_ids.length : i.entity_ids === undefined ? 0 : 1;

const membershipTarget = (i: Record<string, unknown>, preposition: 'to' | 'from') =>
  `${count(i)} ${shown(i.modality, 'records')} ${preposition} lists ${quoted(i.label_names ?? [])}`;

const checkMembership = (i: Record<string, unknown>) =>
  `list the team's lists (the labels list) and look at cached_count, or search the team's ${shown(i.modality, 'contacts')} with the list's id (contact_label_ids) to see which records are on it.`;

/** Every list of the team (contact, account and sequence lists), as a bare array. */
export const labelsList = defineAction({
  id: 'labels.list',
  group: 'labels',
  access: 'read',
  effect: 'read',
  title: 'List lists',
  method: 'GET',
  path: '/api/v1/labels',
  keyScope: 'api/v1/labels/index',
  oauthScope: 'tags_list',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({}),
  // Apollo answers a bare JSON array here, with no wrapper key and no paging.
  output: z.array(labelSchema),
  description:
    "List every list (Apollo calls them labels) of the team's CRM: contact lists, account lists and " +
    'sequence lists, each with its id, name, modality and cached_count (how many records are on it). ' +
    'Free. Answers a bare JSON array, all lists at once (no paging).',
  phrase: "listed the team's lists",
  intent: "list the team's lists",
  target: () => '',
  examples: [{}],
});

/** Create an empty list. */
export const labelsCreate = defineAction({
  id: 'labels.create',
  group: 'labels',
  access: 'write',
  effect: 'write',
  title: 'Create a list',
  method: 'POST',
  path: '/api/v1/labels',
  keyScope: 'api/v1/labels/create',
  oauthScope: 'lists_create',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({
    name: text(200).describe(
      'Name of the new list, unique among lists of the same modality. Example: "Q1 Webinar".',
    ),
    modality,
    book_of_business: boolParam
      .optional()
      .describe('Account lists only: true marks the list as a book of business (default false).'),
  }),
  output: z.looseObject({ label: labelOutput }),
  description:
    'Create an empty list of contacts or accounts (Apollo calls lists labels). Free. Answers the new ' +
    'label with its id. A name already used by a list of the same modality is refused (422 "<name> ' +
    'already exists"), so repeating the call cannot create a second list.',
  phrase: 'created a list',
  intent: 'create a list',
  target: (i) => `'${shown(i.name)}' of ${shown(i.modality, 'records')}`,
  // Names are unique per modality: a repeat is refused, never duplicated.
  retrySafe: () => true,
  verify: (i) =>
    `list the team's lists (the labels list) and look for '${shown(i.name)}' before trying again.`,
  examples: [
    { name: 'Q1 Webinar', modality: 'contacts' },
    { name: 'Named Accounts', modality: 'accounts', book_of_business: true },
  ],
});

/** Rename a list, or toggle book of business on an account list. */
export const labelsUpdate = defineAction({
  id: 'labels.update',
  group: 'labels',
  access: 'write',
  effect: 'write',
  title: 'Update a list',
  method: 'PATCH',
  altMethods: ['PUT'],
  path: '/api/v1/labels/{id}',
  keyScope: 'api/v1/labels/update',
  oauthScope: 'lists_update',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({
    id: apolloId.describe(
      'Id of the list, from the labels list. Example: "6466e8261e13be000133f25d".',
    ),
    name: text(200).describe(
      'The name the list should have (required even when unchanged; unique per modality). Example: "Q1 Webinar - attended".',
    ),
    book_of_business: boolParam
      .optional()
      .describe('Account lists only: true marks the list as a book of business.'),
  }),
  output: z.looseObject({ label: labelOutput }),
  description:
    "Rename one of the team's lists, or turn book of business on or off for an account list. Free. " +
    "A list's modality cannot change. Answers the updated label; an unknown id is a 404.",
  phrase: 'updated list',
  intent: 'update list',
  target: (i) => `${shown(i.id)} (name '${shown(i.name)}')`,
  hints: { idempotent: true },
  examples: [{ id: '6466e8261e13be000133f25d', name: 'Q1 Webinar - attended' }],
});

/** Put records on lists, creating lists that do not exist yet. */
export const labelsAddRecords = defineAction({
  id: 'labels.add_records',
  group: 'labels',
  access: 'write',
  effect: 'bulk_write',
  title: 'Add records to lists',
  method: 'POST',
  path: '/api/v1/labels/add_entity_ids_to_label_names',
  keyScope: 'api/v1/labels/add_entity_ids_to_label_names',
  oauthScope: 'lists_add_entities',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: membershipInput,
  output: membershipOutput,
  description:
    'Put contacts or accounts (by id) on one or more lists by name; names that do not exist yet for ' +
    'the modality are created as new lists. Free. Ids that name nothing are silently ignored. ' +
    'Answers the lists, or with async: true a progress job. List membership can feed sequence ' +
    'enrollment.',
  phrase: 'added records to lists',
  intent: 'add records to lists',
  target: (i) => membershipTarget(i, 'to'),
  recordCount: count,
  // A record already on a list stays on it once: repeating changes nothing more.
  hints: { idempotent: true },
  verify: checkMembership,
  examples: [
    {
      entity_ids: ['66e34b81740c50074e3d1bd4', '66e34b81740c50074e3d1bd5'],
      label_names: ['Q4 Outbound'],
      modality: 'contacts',
    },
    {
      entity_ids: ['66e9abf95ac32901b20d1a0d'],
      label_names: ['Target Accounts', 'Tier 1'],
      modality: 'accounts',
      async: 'true',
    },
  ],
});

/** Take records off lists (the records themselves stay). */
export const labelsRemoveRecords = defineAction({
  id: 'labels.remove_records',
  group: 'labels',
  access: 'write',
  effect: 'bulk_write',
  title: 'Remove records from lists',
  method: 'POST',
  path: '/api/v1/labels/remove_entity_ids_from_label_names',
  keyScope: 'api/v1/labels/remove_entity_ids_from_label_names',
  oauthScope: 'lists_remove_entities',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: membershipInput,
  output: membershipOutput,
  description:
    'Take contacts or accounts (by id) off one or more lists by name. Free. The records themselves ' +
    'are not deleted, and ids that name nothing are ignored. Answers the lists, or with async: true ' +
    'a progress job.',
  phrase: 'removed records from lists',
  intent: 'remove records from lists',
  target: (i) => membershipTarget(i, 'from'),
  recordCount: count,
  hints: { idempotent: true, destructive: true },
  verify: checkMembership,
  examples: [
    {
      entity_ids: ['66e34b81740c50074e3d1bd4'],
      label_names: ['Q4 Outbound'],
      modality: 'contacts',
    },
  ],
});
