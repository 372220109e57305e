import { z } from 'zod';

import { clauses, defineAction, quoted, searchPagination, searchTarget } from './define.js';
import { employerClauses } from './employer-filters.js';
import { breadcrumbSchema, contactSchema, paginationSchema, personSchema } from './objects.js';
import { list, text } from './params.js';
import { peopleSearchInput } from './people.js';

// Apollo reads any text in a path and answers 422 for an id it does not know, so the path id is
// only bounded here; a malformed one gets Apollo's own "does not exist" answer.
const pathId = text(100);

/** The complete record of one person in Apollo's database. */
export const peopleGet = defineAction({
  id: 'people.get',
  group: 'people',
  access: 'read',
  effect: 'spend',
  title: 'Get a person',
  method: 'GET',
  path: '/api/v1/people/{id}',
  keyScope: 'api/v1/people/show',
  oauthScope: 'person_read',
  rateClass: 'enrichment',
  credits: { kind: 'per_record', perRecord: 1 },
  input: z.object({
    id: pathId.describe(
      'The Apollo person id (24 hexadecimal characters, from a people search people[].id), e.g. "587cf802f65125cad923a266".',
    ),
  }),
  output: z.looseObject({ person: personSchema }),
  examples: [{ id: '587cf802f65125cad923a266' }, { id: '67bdafd0c3a4c50001bbd7c2' }],
  description:
    "Get one person's complete Apollo record by id: name, title, employer, employment history, " +
    'location and social links. Costs 1 credit. For people who are not yet saved contacts, email ' +
    'is the placeholder email_not_unlocked@domain.com (with email_status still "verified"): never ' +
    'use it as an address; people.match returns the real one. An unknown id answers 422.',
  phrase: 'looked up a person',
  intent: 'look up a person',
  target: (i) => `with id ${String(i.id)}`,
});

const prospected = ['yes', 'no'] as const;

/** The legacy people search: full records, saved contacts apart, an export credit per call. */
export const peopleSearchLegacy = defineAction({
  id: 'people.search_legacy',
  group: 'people',
  access: 'read',
  effect: 'spend',
  title: 'Search people (legacy)',
  method: 'POST',
  path: '/api/v1/mixed_people/search',
  // Apollo's retired docs predate per-endpoint keys; the string follows its usage-stats key.
  keyScope: 'api/v1/mixed_people/search',
  oauthScope: 'mixed_people_search',
  rateClass: 'search',
  credits: { kind: 'per_page', perPage: 1 },
  pagination: searchPagination('people'),
  // Apollo's retired docs list a subset of today's people search filters; we assume the rest
  // are read the same way, as the legacy search was what the API search replaced.
  input: peopleSearchInput.extend({
    prospected_by_current_team: list(z.enum(prospected), 2)
      .optional()
      .describe(
        '"yes" returns only people already saved as the team\'s contacts, "no" only net-new people; both (or neither) returns everyone. E.g. ["no"].',
      ),
    q_organization_domains: text(100_000)
      .optional()
      .describe(
        'Employer domains joined by newlines (the legacy form of q_organization_domains_list), e.g. "apollo.io\\ngoogle.com".',
      ),
  }),
  output: z.looseObject({
    breadcrumbs: z.array(breadcrumbSchema),
    partial_results_only: z.boolean(),
    pagination: paginationSchema,
    contacts: z.array(contactSchema),
    people: z.array(personSchema),
  }),
  examples: [
    {
      person_titles: ['sales manager'],
      person_locations: ['california'],
      prospected_by_current_team: ['no'],
      page: 1,
      per_page: 10,
    },
    { q_organization_domains: 'apollo.io\ngoogle.com', person_seniorities: ['vp'] },
    { q_keywords: 'security', contact_email_status: ['verified'], page: '2', per_page: '25' },
  ],
  description:
    "Apollo's legacy people search: full person records (saved contacts in contacts[], the rest " +
    'in people[]) with a pagination object. Costs 1 export credit per call on plans with export ' +
    'credits, and free plans cannot use it; prefer people.search, which is free. Emails of people ' +
    'not yet saved are the placeholder email_not_unlocked@domain.com.',
  phrase: 'searched the people database with the legacy search',
  intent: 'search the people database with the legacy search',
  target: (i) =>
    searchTarget(
      clauses([
        i.person_titles ? `for titles ${quoted(i.person_titles)}` : undefined,
        i.person_seniorities ? `for seniority ${quoted(i.person_seniorities)}` : undefined,
        i.q_keywords ? `for keywords ${quoted(i.q_keywords)}` : undefined,
        i.person_locations ? `in ${quoted(i.person_locations)}` : undefined,
        typeof i.q_organization_domains === 'string'
          ? `at ${quoted(i.q_organization_domains.split(/\s+/).filter(Boolean))}`
          : undefined,
        Array.isArray(i.prospected_by_current_team) && i.prospected_by_current_team.length === 1
          ? i.prospected_by_current_team[0] === 'yes'
            ? 'among saved contacts only'
            : 'among net-new people only'
          : undefined,
        ...employerClauses(i, 'people'),
      ]),
      i,
    ),
});
