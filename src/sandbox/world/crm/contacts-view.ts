// contacts.get and contacts.deals.

import { success, unprocessable, type WorldResult } from '../result.js';
import { labelsOf } from './contacts.js';
import { dealView } from './deals.js';
import { contactJson } from './json.js';
import type { CrmContext } from './state.js';

/**
 * contacts.get: the contact as the contacts search shows it (account embedded), with its lists.
 * An unknown id is a 422 with Apollo's own sentence, not a 404.
 */
export function getContact(ctx: CrmContext, input: { contact_id: string }): WorldResult {
  const c = ctx.crm.contacts.get(input.contact_id);
  if (!c) return unprocessable('Oops! This contact does not exist in Apollo.');
  return success({ contact: contactJson(ctx, c, true), labels: labelsOf(ctx, c) });
}

/**
 * contacts.deals: the deals the contact has a role on, each with its account, contact count and
 * roles as this endpoint shows them ({id, role, contact}). An unknown contact has no deals: 200
 * with an empty list, never an error.
 */
export function contactDeals(ctx: CrmContext, input: { contact_id: string }): WorldResult {
  const opportunities = [...ctx.crm.deals.values()]
    .filter((d) => (d.contactRoles ?? []).some((r) => r.contactId === input.contact_id))
    .map((d) => ({
      ...dealView(ctx, d),
      opportunity_contact_roles: (d.contactRoles ?? []).map((r) => {
        const c = ctx.crm.contacts.get(r.contactId);
        const name = [c?.firstName, c?.lastName].filter(Boolean).join(' ') || null;
        return {
          id: r.id,
          role: r.role,
          contact: {
            id: r.contactId,
            name,
            first_name: c?.firstName ?? null,
            last_name: c?.lastName ?? null,
          },
        };
      }),
    }));
  return success({ opportunities });
}
