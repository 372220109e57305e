// labels.list, labels.create, labels.update, labels.add_records and labels.remove_records
//. Lists live in crm.labels, membership in each record's labelIds, so contacts
// and accounts show the lists they are on and every count is live.

import { iso } from '../format.js';
import { success, type WorldResult } from '../result.js';
import { labelIdsFor } from './common.js';
import { labelJson } from './json.js';
import type { Crm, CrmContext, LabelRecord } from './state.js';

type Json = Record<string, unknown>;
type Modality = LabelRecord['modality'];

/** A list as the create, update and membership answers show it. */
export function labelRecordJson(crm: Crm, l: LabelRecord): Json {
  return { ...labelJson(crm, l), book_of_business: l.bookOfBusiness ?? null };
}

/** A row of the labels list, with the bookkeeping fields Apollo adds there. */
function labelRowJson(crm: Crm, l: LabelRecord): Json {
  return {
    _id: l.id,
    ...labelJson(crm, l),
    key: l.id,
    concurrency_locks: {},
    need_cached_count_update: false,
    needs_count_update_at: null,
    rule_config_template_id: null,
    team_id: crm.team.id,
  };
}

function byName(crm: Crm, modality: Modality, name: string, except?: string) {
  const wanted = name.trim().toLowerCase();
  return [...crm.labels.values()].find(
    (l) => l.modality === modality && l.id !== except && l.name.toLowerCase() === wanted,
  );
}

// Apollo's duplicate-name refusal carries a flag for its own UI.
const alreadyExists = (name: string): WorldResult => ({
  ok: false,
  status: 422,
  body: { error: `${name} already exists`, skip_alert_dialog: true },
});

/** labels.list: every list, oldest first, as a bare array. */
export function listLabels(ctx: CrmContext): WorldResult {
  return success([...ctx.crm.labels.values()].map((l) => labelRowJson(ctx.crm, l)));
}

/** labels.create: an empty list; names are unique per modality (case-insensitive, our reading). */
export function createLabel(
  ctx: CrmContext,
  input: { name: string; modality: Modality; book_of_business?: boolean },
  userId: string,
): WorldResult {
  if (byName(ctx.crm, input.modality, input.name)) return alreadyExists(input.name);
  const now = ctx.now();
  const label: LabelRecord = {
    id: ctx.ids.next(now),
    modality: input.modality,
    name: input.name.trim(),
    userId,
    createdAt: now,
    updatedAt: now,
    // Book of business is an account-list setting; on a contact list it is ignored (assumption).
    bookOfBusiness: input.modality === 'accounts' ? (input.book_of_business ?? false) : null,
  };
  ctx.crm.labels.set(label.id, label);
  return success({ label: labelRecordJson(ctx.crm, label) });
}

/** labels.update: rename, or toggle book of business on an account list. */
export function updateLabel(
  ctx: CrmContext,
  input: { id: string; name: string; book_of_business?: boolean },
): WorldResult {
  const label = ctx.crm.labels.get(input.id);
  if (!label) {
    return {
      ok: false,
      status: 404,
      body: { message: `Could not find label with id ${input.id}`, error: 'Record not found.' },
    };
  }
  if (byName(ctx.crm, label.modality, input.name, label.id)) return alreadyExists(input.name);
  label.name = input.name.trim();
  if (input.book_of_business !== undefined && label.modality === 'accounts')
    label.bookOfBusiness = input.book_of_business;
  label.updatedAt = ctx.now();
  return success({ label: labelRecordJson(ctx.crm, label) });
}

export interface MembershipInput {
  entity_ids: string[];
  label_names: string[];
  modality: Modality;
  async?: boolean;
}

function recordsOf(crm: Crm, modality: Modality): Map<string, { labelIds: string[] }> {
  return modality === 'contacts' ? crm.contacts : crm.accounts;
}

/**
 * Adds (or removes) records to (from) lists by name. Ids naming nothing are ignored; with nothing
 * valid left Apollo answers 200 with a message. Adding creates missing lists; removing never does.
 * The async form does the work at once and answers a finished job (no polling endpoint exists).
 */
function changeMembership(
  ctx: CrmContext,
  input: MembershipInput,
  userId: string,
  mode: 'add' | 'remove',
): WorldResult {
  const records = recordsOf(ctx.crm, input.modality);
  const valid = [...new Set(input.entity_ids)].filter((id) => records.has(id));
  const labelIds =
    mode === 'add'
      ? valid.length
        ? labelIdsFor(ctx, input.label_names, input.modality, userId)
        : []
      : input.label_names
          .map((n) => byName(ctx.crm, input.modality, n)?.id)
          .filter((id): id is string => id !== undefined);
  if (valid.length === 0 || labelIds.length === 0)
    return success({ message: 'No Models or Lists provided' });
  const now = ctx.now();
  for (const id of valid) {
    const r = records.get(id)! as { labelIds: string[]; updatedAt?: number };
    r.labelIds =
      mode === 'add'
        ? [...r.labelIds, ...labelIds.filter((l) => !r.labelIds.includes(l))]
        : r.labelIds.filter((l) => !labelIds.includes(l));
    r.updatedAt = now;
  }
  if (input.async) {
    return success({
      entity_progress_job: {
        id: ctx.ids.next(now),
        user_id: userId,
        job_type: mode === 'add' ? 'add_entities_to_labels' : 'remove_entities_from_labels',
        entity_ids: valid,
        params: { modality: input.modality, label_names: input.label_names },
        progress: 1,
        batch_size: null,
        created_at: iso(now),
      },
    });
  }
  return success({
    labels: labelIds.map((id) => labelRecordJson(ctx.crm, ctx.crm.labels.get(id)!)),
  });
}

/** labels.add_records. */
export function addToLabels(ctx: CrmContext, input: MembershipInput, userId: string): WorldResult {
  return changeMembership(ctx, input, userId, 'add');
}

/** labels.remove_records. */
export function removeFromLabels(
  ctx: CrmContext,
  input: MembershipInput,
  userId: string,
): WorldResult {
  return changeMembership(ctx, input, userId, 'remove');
}
