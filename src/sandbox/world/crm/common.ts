// Lookups and validations shared by the CRM actions.

import { invalidId, type WorldResult } from '../result.js';
import type { CrmContext, LabelRecord } from './state.js';

/** The 422 for the first id that names nothing, or null when all are valid. */
export function checkIds(
  ctx: CrmContext,
  refs: Array<
    [
      kind: 'user' | 'account' | 'contact' | 'contactStage' | 'accountStage' | 'opportunityStage',
      id: string | undefined,
    ]
  >,
): WorldResult | null {
  const { crm } = ctx;
  for (const [kind, id] of refs) {
    if (id === undefined) continue;
    const known =
      kind === 'user'
        ? crm.users.has(id)
        : kind === 'account'
          ? crm.accounts.has(id)
          : kind === 'contact'
            ? crm.contacts.has(id)
            : kind === 'contactStage'
              ? crm.contactStages.some((s) => s.id === id)
              : kind === 'accountStage'
                ? crm.accountStages.some((s) => s.id === id)
                : crm.opportunityStages.some((s) => s.id === id);
    if (!known) return invalidId(id);
  }
  return null;
}

/** Ids of the lists with these names (case-insensitive), creating the missing ones. */
export function labelIdsFor(
  ctx: CrmContext,
  names: readonly string[],
  modality: LabelRecord['modality'],
  userId: string,
): string[] {
  const out: string[] = [];
  for (const raw of names) {
    const name = raw.trim();
    let label = [...ctx.crm.labels.values()].find(
      (l) => l.modality === modality && l.name.toLowerCase() === name.toLowerCase(),
    );
    if (!label) {
      const now = ctx.now();
      label = { id: ctx.ids.next(now), modality, name, userId, createdAt: now, updatedAt: now };
      ctx.crm.labels.set(label.id, label);
    }
    if (!out.includes(label.id)) out.push(label.id);
  }
  return out;
}

/** Breadcrumb for one applied filter value. */
export function crumb(label: string, field: string, value: unknown, display: string) {
  return { label, signal_field_name: field, value, display_name: display };
}
