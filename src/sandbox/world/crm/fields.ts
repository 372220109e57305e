// fields.list, fields.create, fields.update and fields.list_typed. Apollo's
// system fields are fixed; the team's custom fields live in crm.activity.customFields. The
// fields list names a custom field "<modality>.<id>"; records key its values by the bare id.

import { iso } from '../format.js';
import { success, unprocessable, type WorldResult } from '../result.js';
import type { CustomFieldRecord, PicklistOption } from './activity.js';
import type { Crm, CrmContext } from './state.js';

type Json = Record<string, unknown>;

/** Apollo's own fields per modality: [key, label, type, group]. */
const systemFields: Record<
  CustomFieldRecord['modality'],
  Array<[string, string, string, string]>
> = {
  contact: [
    ['id', 'Identifier', 'string', 'basic_info'],
    ['name', 'Name', 'string', 'basic_info'],
    ['first_name', 'First name', 'string', 'basic_info'],
    ['last_name', 'Last name', 'string', 'basic_info'],
    ['title', 'Title', 'string', 'basic_info'],
    ['email', 'Email', 'email', 'contact_info'],
    ['phone', 'Phone', 'phone', 'contact_info'],
    ['linkedin_url', 'LinkedIn URL', 'url', 'basic_info'],
    ['contact_stage_id', 'Stage', 'association', 'status'],
    ['owner_id', 'Owner', 'association', 'status'],
    ['account_id', 'Account', 'association', 'basic_info'],
  ],
  account: [
    ['id', 'Identifier', 'string', 'basic_info'],
    ['name', 'Name', 'string', 'basic_info'],
    ['domain', 'Domain', 'url', 'basic_info'],
    ['phone', 'Phone', 'phone', 'contact_info'],
    ['account_stage_id', 'Stage', 'association', 'status'],
    ['owner_id', 'Owner', 'association', 'status'],
  ],
  opportunity: [
    ['id', 'Identifier', 'string', 'basic_info'],
    ['name', 'Name', 'string', 'basic_info'],
    ['amount', 'Amount', 'currency', 'basic_info'],
    ['closed_date', 'Close date', 'date', 'basic_info'],
    ['opportunity_stage_id', 'Stage', 'association', 'status'],
    ['owner_id', 'Owner', 'association', 'status'],
  ],
};

const categoryOf = (m: CustomFieldRecord['modality']) =>
  m === 'contact' ? 'person' : m === 'account' ? 'company' : null;

function common(modality: CustomFieldRecord['modality']): Json {
  return {
    category: categoryOf(modality),
    description: null,
    finder_view_ids: [],
    finder_views: [],
    project_workspace_id: null,
    is_local: false,
  };
}

function systemFieldJson(
  crm: Crm,
  modality: CustomFieldRecord['modality'],
  [key, label, type, group]: [string, string, string, string],
): Json {
  return {
    id: `${modality}.${key}`,
    label,
    modality,
    type,
    source: 'system',
    ...common(modality),
    context: ['finder', 'csv_export'],
    editable: false,
    example: null,
    field_name: `${modality}.${key}`,
    group,
    icon_class: modality === 'contact' ? 'user' : 'company',
    parent: null,
    created_at: iso(crm.team.createdAt),
  };
}

function picklistJson(options: PicklistOption[]): Json[] {
  return options.map((o) => ({
    _id: o.id,
    id: o.id,
    key: o.id,
    name: o.name,
    mapped_crm_values: o.mappedCrmId ? { crm: o.mappedCrmId } : {},
  }));
}

/** A custom field as the fields list (and fields.update) shows it. */
function customFieldJson(f: CustomFieldRecord): Json {
  return {
    id: `${f.modality}.${f.id}`,
    label: f.label,
    modality: f.modality,
    type: f.type,
    source: 'custom',
    ...common(f.modality),
    context: ['finder', 'csv_export', 'prompt'],
    editable: true,
    example: null,
    field_name: f.label,
    group: f.fieldGroupId,
    icon_class: null,
    parent: null,
    meta: {
      max_length: f.maxLength,
      computed_type: 'manual',
      visibility_status: 'active',
      ...(f.type === 'picklist' ? { picklist_values: picklistJson(f.picklist) } : {}),
    },
    autorun_downstream_enrichment: f.autorunDownstreamEnrichment,
    created_at: iso(f.createdAt),
    updated_at: iso(f.updatedAt),
  };
}

/** A custom field as typed_custom_fields shows it (the create answer uses the first four keys). */
function typedFieldJson(f: CustomFieldRecord, full: boolean): Json {
  const short = {
    id: f.id,
    name: f.label,
    modality: f.modality,
    text_field_max_length: f.maxLength,
  };
  if (!full) return short;
  return {
    ...short,
    type: f.type,
    picklist_options: f.picklist.map((o) => o.name),
    ...(f.type === 'picklist' ? { picklist_values: picklistJson(f.picklist) } : {}),
    picklist_value_set_id: null,
    mapped_crm_field: null,
    additional_mapped_crm_field: null,
    is_readonly_mapped_crm_field: false,
    picklist_options_last_synced_at: null,
    mirrored: false,
    system_name: null,
    finder_view_ids: [],
    is_local: false,
  };
}

/** fields.list: system fields first, then custom ones; the team has no CRM-synced fields. */
export function listFields(ctx: CrmContext, input: { source?: string }): WorldResult {
  const fields: Json[] = [];
  if (!input.source || input.source === 'system') {
    for (const modality of ['contact', 'account', 'opportunity'] as const)
      for (const f of systemFields[modality]) fields.push(systemFieldJson(ctx.crm, modality, f));
  }
  if (!input.source || input.source === 'custom') {
    for (const f of ctx.crm.activity.customFields.values()) fields.push(customFieldJson(f));
  }
  return success({ fields });
}

/** fields.list_typed: the custom fields with their bare ids. */
export function listTypedFields(ctx: CrmContext): WorldResult {
  return success({
    typed_custom_fields: [...ctx.crm.activity.customFields.values()].map((f) =>
      typedFieldJson(f, true),
    ),
  });
}

/** Default length of a text field when none is given (our assumption). */
const defaultLength: Partial<Record<CustomFieldRecord['type'], number>> = {
  string: 255,
  textarea: 5000,
};

/** fields.create: a new custom field, never deduplicated (Apollo's docs say nothing either way). */
export function createField(
  ctx: CrmContext,
  input: {
    label: string;
    modality: CustomFieldRecord['modality'];
    type: CustomFieldRecord['type'];
    meta?: { max_length?: number };
  },
): WorldResult {
  const now = ctx.now();
  const text = input.type === 'string' || input.type === 'textarea';
  const f: CustomFieldRecord = {
    id: ctx.ids.next(now),
    modality: input.modality,
    label: input.label,
    type: input.type,
    maxLength: text ? (input.meta?.max_length ?? defaultLength[input.type] ?? null) : null,
    picklist: [],
    fieldGroupId: null,
    autorunDownstreamEnrichment: false,
    createdAt: now,
    updatedAt: now,
  };
  ctx.crm.activity.customFields.set(f.id, f);
  return success({ typed_custom_fields: [typedFieldJson(f, false)] });
}

interface PicklistValueInput {
  id?: string;
  name: string;
  mapped_crm_id?: string;
  reassign_from?: string[];
}

export interface FieldUpdateInput {
  fields: Array<{
    id: string;
    label?: string;
    field_group_id?: string;
    autorun_downstream_enrichment?: boolean;
    schedule?: unknown;
    meta?: {
      max_length?: number;
      picklist_values?: PicklistValueInput[];
      picklist_value_set_id?: string;
    };
    modality?: string;
    type?: string;
  }>;
}

/** Moves stored picklist values from merged options to the option that absorbs them. */
function reassign(crm: Crm, f: CustomFieldRecord, from: string[], to: string): void {
  const stores: Array<{ typedCustomFields: Record<string, unknown> }> =
    f.modality === 'contact'
      ? [...crm.contacts.values()]
      : f.modality === 'account'
        ? [...crm.accounts.values()]
        : [...crm.deals.values()];
  for (const r of stores) {
    const v = r.typedCustomFields[f.id];
    if (typeof v === 'string' && from.includes(v)) r.typedCustomFields[f.id] = to;
    if (Array.isArray(v))
      r.typedCustomFields[f.id] = [...new Set(v.map((x) => (from.includes(String(x)) ? to : x)))];
  }
}

/**
 * fields.update: one custom field; the keys sent overwrite its configuration. A picklist must
 * be sent whole: options left out are deleted, options without an id are re-created under a new
 * id (values stored under the old one are left orphaned, as Apollo warns).
 */
export function updateField(ctx: CrmContext, input: FieldUpdateInput): WorldResult {
  const change = input.fields[0]!;
  const [modality, bareId] = change.id.split('.', 2) as [string, string | undefined];
  const f = bareId ? ctx.crm.activity.customFields.get(bareId) : undefined;
  // System fields are not custom fields: Apollo refuses them as it does unknown ids (assumption).
  if (!f || f.modality !== modality) return unprocessable('Some fields could not be found');
  if (change.type !== undefined && change.type !== f.type)
    return unprocessable('Cannot change field type after creation');
  if (change.label !== undefined && /^powerup_/i.test(change.label))
    return unprocessable(
      "Field name with prefix 'powerup_' is not allowed. Please use another name.",
    );
  const values = change.meta?.picklist_values;
  if (f.type === 'picklist' && (!values || values.length === 0))
    return unprocessable('Picklist fields must have at least one option');
  const now = ctx.now();
  if (change.label !== undefined) f.label = change.label;
  if (change.field_group_id !== undefined) f.fieldGroupId = change.field_group_id;
  if (change.autorun_downstream_enrichment !== undefined)
    f.autorunDownstreamEnrichment = change.autorun_downstream_enrichment;
  if (change.meta?.max_length !== undefined && (f.type === 'string' || f.type === 'textarea'))
    f.maxLength = change.meta.max_length;
  if (f.type === 'picklist' && values) {
    const kept = new Map(f.picklist.map((o) => [o.id, o]));
    f.picklist = values.map((v) => {
      const existing = v.id ? kept.get(v.id) : undefined;
      const option: PicklistOption = {
        id: existing?.id ?? ctx.ids.next(now),
        name: v.name,
        mappedCrmId: v.mapped_crm_id ?? existing?.mappedCrmId ?? null,
      };
      if (v.reassign_from?.length) reassign(ctx.crm, f, v.reassign_from, option.id);
      return option;
    });
  }
  f.updatedAt = now;
  return success({
    fields: [
      {
        ...customFieldJson(f),
        is_system_field: false,
        context_card_ids: [],
        product_profile_ids: [],
      },
    ],
    typed_custom_fields: [typedFieldJson(f, false)],
    ...(f.type === 'picklist'
      ? { picklist_value_sets: [{ id: null, values: picklistJson(f.picklist) }] }
      : {}),
  });
}
