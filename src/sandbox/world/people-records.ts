// people.get and the legacy people search: full person records, where people
// who are not the team's contacts carry Apollo's placeholder email instead of their address.

import { contactJson } from './crm/json.js';
import type { ContactRecord, CrmContext } from './crm/state.js';
import { compileEmployerFilter } from './filters.js';
import { accountJson } from './crm/json.js';
import { bareDomain, orgId } from './orgs.js';
import { personFull } from './person-json.js';
import { searchPeople, DEFAULT_PER_PAGE, type PeopleSearchInput } from './people-search.js';
import { personFromId, personId, statusName, type Person } from './people.js';
import { success, type WorldResult } from './result.js';
import { titles } from './vocab/titles.js';

/** What Apollo shows as the email of a person the team has not saved. */
export const lockedEmail = 'email_not_unlocked@domain.com';

function savedContact(ctx: CrmContext, p: Person): ContactRecord | undefined {
  const id = ctx.crm.contactByPerson.get(personId(ctx.index, p));
  return id ? ctx.crm.contacts.get(id) : undefined;
}

/**
 * The full person as the team may see it without an enrichment: a saved contact's record is
 * complete; anyone else gets the placeholder email with a status of verified (extrapolated for
 * guessed addresses, unavailable when Apollo has none), and no contact_id or
 * revealed_for_current_team.
 */
export function personRecord(ctx: CrmContext, p: Person): Record<string, unknown> {
  const contact = savedContact(ctx, p);
  const accountId = ctx.crm.accountByOrg.get(orgId(ctx.index, p.o));
  const account = accountId ? ctx.crm.accounts.get(accountId) : undefined;
  const person = personFull(ctx.index, p, {
    ...(contact ? { contact: { id: contact.id, object: contactJson(ctx, contact) } } : {}),
    ...(account ? { account: { id: account.id, object: accountJson(ctx, account) } } : {}),
  });
  if (contact) return person;
  const status = statusName(p);
  const { revealed_for_current_team: _revealed, ...rest } = person;
  return {
    ...rest,
    email: status === 'unavailable' ? null : lockedEmail,
    email_status:
      status === 'unavailable'
        ? 'unavailable'
        : status === 'unverified'
          ? 'extrapolated'
          : 'verified',
  };
}

/** people.get: `{person}` for 1 credit; 422 "Person does not exist." for an unknown id. */
export function peopleGet(ctx: CrmContext, input: { id: string }): WorldResult {
  const p = personFromId(ctx.index, input.id.trim());
  if (!p) return { ok: false, status: 422, body: { error: 'Person does not exist.' } };
  return success({ person: personRecord(ctx, p) }, 1);
}

/** The legacy search's input: today's filters plus its own two. */
export interface LegacySearchInput extends PeopleSearchInput {
  prospected_by_current_team?: Array<'yes' | 'no'>;
  q_organization_domains?: string;
}

function legacyDomains(input: LegacySearchInput): string[] | undefined {
  const listed = input.q_organization_domains
    ?.split(/\s+/)
    .map(bareDomain)
    .filter((d) => d.includes('.'));
  if (!listed?.length) return input.q_organization_domains_list;
  return [...(input.q_organization_domains_list ?? []), ...listed];
}

const words = (s: string) => s.toLowerCase().split(/\s+/).filter(Boolean);

/** Saved contacts only: the team's contacts linked to a database person, by title and keywords. */
function savedOnly(ctx: CrmContext, input: LegacySearchInput): Person[] {
  const out: Person[] = [];
  for (const [pid] of ctx.crm.contactByPerson) {
    const p = personFromId(ctx.index, pid);
    if (!p) continue;
    const title = titles[p.title]!;
    const text = `${p.first} ${p.last} ${title.title}`.toLowerCase();
    if (input.person_titles && !input.person_titles.some((t) => text.includes(t.toLowerCase())))
      continue;
    if (input.person_seniorities && !input.person_seniorities.includes(title.seniority)) continue;
    if (input.q_keywords && !words(input.q_keywords).every((w) => text.includes(w))) continue;
    out.push(p);
  }
  return out;
}

/**
 * people.search_legacy: saved contacts come back in `contacts`, everyone else in `people` with
 * the placeholder email; 1 (export) credit per call. `prospected_by_current_team: ["yes"]`
 * searches the team's saved contacts (by title, seniority and keywords only, our
 * simplification); `["no"]` leaves saved contacts out of the page (the total still counts them).
 */
export function peopleSearchLegacy(ctx: CrmContext, input: LegacySearchInput): WorldResult {
  const prospected = new Set(input.prospected_by_current_team ?? []);
  const domains = legacyDomains(input);
  const query: PeopleSearchInput = {
    ...input,
    ...(domains ? { q_organization_domains_list: domains } : {}),
  };
  const page = input.page ?? 1;
  const perPage = input.per_page ?? DEFAULT_PER_PAGE;
  let total: number;
  let people: Person[];
  if (prospected.has('yes') && !prospected.has('no')) {
    const all = savedOnly(ctx, input);
    total = all.length;
    people = all.slice((page - 1) * perPage, page * perPage);
  } else {
    const found = searchPeople(ctx.index, query);
    total = found.total;
    people =
      prospected.has('no') && !prospected.has('yes')
        ? found.people.filter((p) => !savedContact(ctx, p))
        : found.people;
  }
  const contacts: Array<Record<string, unknown>> = [];
  const rows: Array<Record<string, unknown>> = [];
  for (const p of people) {
    const contact = savedContact(ctx, p);
    if (contact) contacts.push(contactJson(ctx, contact, true));
    else rows.push(personRecord(ctx, p));
  }
  return success(
    {
      breadcrumbs: compileEmployerFilter(ctx.index, query).breadcrumbs,
      partial_results_only: false,
      disable_eu_prospecting: false,
      partial_results_limit: 10000,
      pagination: {
        page,
        per_page: perPage,
        total_entries: total,
        total_pages: Math.ceil(total / perPage),
      },
      contacts,
      people: rows,
    },
    1,
  );
}
