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
import { employerClauses, employerFilters } from './employer-filters.js';
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
  // Not in Apollo's reference, but clients call it and Apollo's usage stats list it: assumed to
  // take the same parameters, answer the same way and cost the same, so it shares this grant.
  altPaths: ['/api/v1/organizations/search'],
  keyScope: 'api/v1/mixed_companies/search',
  oauthScope: 'mixed_companies_search',
  rateClass: 'search',
  credits: { kind: 'per_page', perPage: 1 },
  pagination: searchPagination('organizations'),
  input: z.object({
    ...employerFilters,
    organization_not_locations: list(text(200))
      .optional()
      .describe(
        'Headquarters locations to exclude: cities, US states or countries, e.g. ["minnesota", "ireland"].',
      ),
    latest_funding_amount_range: range(amountParam)
      .optional()
      .describe(
        'Amount of the latest funding round in US dollars as {min, max}, plain numbers without symbols or commas, e.g. {"min": 5000000, "max": 15000000}.',
      ),
    total_funding_range: range(amountParam)
      .optional()
      .describe(
        'Total funding raised in US dollars as {min, max}, plain numbers, e.g. {"min": 50000000}.',
      ),
    latest_funding_date_range: range(dateParam)
      .optional()
      .describe(
        'When the latest funding round happened, as {min, max} dates YYYY-MM-DD, e.g. {"min": "2025-01-01", "max": "2025-12-31"}.',
      ),
    page: pageParam
      .optional()
      .describe('Page to return, from 1 to 500 (default 1); each page costs 1 credit. E.g. 2.'),
    per_page: perPageParam
      .optional()
      .describe('Companies per page, 1 to 100 (the price is per page, not per row); e.g. 100.'),
  }),
  examples: [
    {
      organization_num_employees_ranges: ['250,1000'],
      organization_locations: ['texas', 'tokyo'],
      q_organization_keyword_tags: ['consulting'],
      page: 1,
      per_page: 10,
    },
    {
      q_organization_domains_list: ['apollo.io', 'microsoft.com'],
      revenue_range: { min: '500000', max: '1500000' },
      currently_using_any_of_technology_uids: ['salesforce', 'google_analytics'],
      page: '2',
      per_page: '25',
    },
    { q_organization_name: 'apollo', organization_not_locations: ['ireland'] },
  ],
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
      domain: domainParam
        .optional()
        .describe(
          'The company\'s bare domain (no scheme or @; a leading www. is dropped), e.g. "apollo.io".',
        ),
      linkedin_url: urlParam
        .optional()
        .describe('The company\'s LinkedIn URL, e.g. "https://www.linkedin.com/company/apolloio".'),
      name: text(200).optional().describe('The company\'s name, e.g. "Apollo.io".'),
      website: urlParam
        .optional()
        .describe('The company\'s website as a full URL, e.g. "https://www.apollo.io".'),
    })
    .refine(
      (i) => Boolean(i.domain || i.linkedin_url || i.name || i.website),
      // Apollo's 422 text; newer docs also accept linkedin_url, name or website.
      { message: "Required parameter 'domain' missing", path: ['domain'] },
    ),
  output: z.looseObject({ organization: organizationSchema.optional() }),
  examples: [
    { domain: 'apollo.io' },
    { domain: 'www.microsoft.com' },
    { name: 'Apollo.io', website: 'https://www.apollo.io' },
    { linkedin_url: 'https://www.linkedin.com/company/apolloio' },
  ],
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
