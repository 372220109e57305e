// people.search, organizations.search and organizations.enrich.

import { accountJson } from './crm/json.js';
import type { CrmContext } from './crm/state.js';
import { organizationSummary } from './org-json.js';
import { lookupOrg, organizationObject } from './org-records.js';
import { searchOrgs, type OrgSearchInput } from './org-search.js';
import { orgId } from './orgs.js';
import { personRow } from './person-json.js';
import { searchPeople, type PeopleSearchInput } from './people-search.js';
import { success, type WorldResult } from './result.js';

/** people.search: `{total_entries, people}` with no pagination object; free. */
export function peopleSearch(ctx: CrmContext, input: PeopleSearchInput): WorldResult {
  const { total, people } = searchPeople(ctx.index, input);
  return success({ total_entries: total, people: people.map((p) => personRow(ctx.index, p)) }, 0);
}

/**
 * organizations.search: companies saved as team accounts come back in `accounts` (as accounts
 * carrying the organization's fields), the rest in `organizations`; `model_ids` lists every row's
 * id in page order. 1 credit per page requested, empty or not.
 */
export function organizationsSearch(ctx: CrmContext, input: OrgSearchInput): WorldResult {
  const { total, orgs, page, perPage, breadcrumbs } = searchOrgs(ctx.index, input);
  const accounts: Array<Record<string, unknown>> = [];
  const organizations: Array<Record<string, unknown>> = [];
  const modelIds: string[] = [];
  for (const o of orgs) {
    const accountId = ctx.crm.accountByOrg.get(orgId(ctx.index, o));
    const account = accountId ? ctx.crm.accounts.get(accountId) : undefined;
    const row = account ? accountJson(ctx, account, true) : organizationSummary(ctx.index, o);
    (account ? accounts : organizations).push(row);
    modelIds.push(row.id as string);
  }
  return success(
    {
      breadcrumbs,
      partial_results_only: false,
      has_join: false,
      disable_eu_prospecting: false,
      partial_results_limit: 10000,
      pagination: {
        page,
        per_page: perPage,
        total_entries: total,
        total_pages: Math.ceil(total / perPage),
      },
      accounts,
      organizations,
      model_ids: modelIds,
      num_fetch_result: null,
      derived_params: null,
    },
    1,
  );
}

/**
 * organizations.enrich: `{organization}` and 1 credit when found; `{}` and 0 when not. A famous
 * company (google.com, apollo.io…) answers with its synthetic record.
 */
export function organizationsEnrich(
  ctx: CrmContext,
  input: { domain?: string; linkedin_url?: string; name?: string; website?: string },
): WorldResult {
  const found = lookupOrg(ctx, input);
  if (!found) return success({}, 0);
  return success({ organization: organizationObject(ctx, found) }, 1);
}
