import { z } from 'zod';

import {
  clauses,
  defineAction,
  quoted,
  rangeText,
  searchPagination,
  searchTarget,
} from './define.js';
import {
  accountSchema,
  breadcrumbSchema,
  organizationSchema,
  paginationSchema,
} from './objects.js';
import { employerClauses, employerFilters } from './people.js';
import {
  amountParam,
  dateParam,
  domainParam,
  list,
  pageParam,
  perPageParam,
  range,
  text,
  urlParam,
} from './params.js';

/** Organization search: 1 credit per page. */
export const organizationsSearch = defineAction({
  id: 'organizations.search',
  group: 'organizations',
  access: 'read',
  effect: 'spend',
  title: 'Search organizations',
  method: 'POST',
  path: '/api/v1/mixed_companies/search',
  keyScope: 'api/v1/mixed_companies/search',
  oauthScope: 'mixed_companies_search',
  rateClass: 'search',
  credits: { kind: 'per_page', perPage: 1 },
  pagination: searchPagination('organizations'),
  input: z.object({
    ...employerFilters,
    organization_not_locations: list(text(200)).optional(),
    latest_funding_amount_range: range(amountParam).optional(),
    total_funding_range: range(amountParam).optional(),
    latest_funding_date_range: range(dateParam).optional(),
    page: pageParam.optional(),
    per_page: perPageParam.optional(),
  }),
  output: z.looseObject({
    breadcrumbs: z.array(breadcrumbSchema),
    partial_results_only: z.boolean(),
    pagination: paginationSchema,
    accounts: z.array(accountSchema),
    organizations: z.array(organizationSchema),
    model_ids: z.array(z.string()),
  }),
  description:
    "Search Apollo's database of companies by name, domain, headquarters location, employee count, " +
    'revenue, funding, keyword tags, technologies and hiring. Costs 1 credit per page requested ' +
    '(up to 100 companies per page, page ≤ 500). Companies already saved as accounts come back in ' +
    'accounts[], the rest in organizations[]; pagination.total_pages says how many pages exist.',
  phrase: 'searched the company database',
  intent: 'search the company database',
  target: (i) =>
    searchTarget(
      clauses([
        ...employerClauses(i, 'companies'),
        i.organization_not_locations
          ? `not headquartered in ${quoted(i.organization_not_locations)}`
          : undefined,
        i.total_funding_range
          ? `with total funding ${rangeText(i.total_funding_range)}`
          : undefined,
      ]).replace(/^(?=.)/, 'for companies '),
      i,
    ),
});

/** Organization enrichment by domain (or name, LinkedIn URL, website): 1 credit. */
export const organizationsEnrich = defineAction({
  id: 'organizations.enrich',
  group: 'organizations',
  access: 'read',
  effect: 'spend',
  title: 'Enrich an organization',
  method: 'GET',
  altMethods: ['POST'],
  path: '/api/v1/organizations/enrich',
  keyScope: 'api/v1/organizations/enrich',
  oauthScope: 'organizations_enrich',
  rateClass: 'enrichment',
  credits: { kind: 'per_record', perRecord: 1 },
  input: z
    .object({
      domain: domainParam.optional(),
      linkedin_url: urlParam.optional(),
      name: text(200).optional(),
      website: urlParam.optional(),
    })
    .refine(
      (i) => Boolean(i.domain || i.linkedin_url || i.name || i.website),
      // Apollo's 422 text; newer docs also accept linkedin_url, name or website.
      { message: "Required parameter 'domain' missing", path: ['domain'] },
    ),
  output: z.looseObject({ organization: organizationSchema.optional() }),
  description:
    "Get a company's full profile from Apollo: industry, employee count, revenue, funding, " +
    'location, phone, keywords and technologies. Identify it by bare domain (apollo.io), or by ' +
    'name, LinkedIn URL or website. Costs 1 credit. An unknown company returns an empty object.',
  phrase: 'enriched a company',
  intent: 'enrich a company',
  target: (i) => {
    const by = clauses([
      i.domain ? `domain ${String(i.domain)}` : undefined,
      i.name ? `name ${quoted(i.name)}` : undefined,
      i.website ? `website ${String(i.website)}` : undefined,
      i.linkedin_url ? `LinkedIn ${String(i.linkedin_url)}` : undefined,
    ]);
    return by ? `by ${by}` : 'with no identifiers';
  },
});
