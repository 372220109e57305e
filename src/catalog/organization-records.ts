import { z } from 'zod';

import { clauses, defineAction, quoted } from './define.js';
import { organizationSchema } from './objects.js';
import { domainParam, intParam, list, text, urlParam } from './params.js';

// Apollo reads any text in a path and answers 422 "not a valid ID" for one it does not know, so
// the path id is only bounded here.
const pathId = text(100);

/** The complete record of one organization in Apollo's database. */
export const organizationsGet = defineAction({
  id: 'organizations.get',
  group: 'organizations',
  access: 'read',
  effect: 'spend',
  title: 'Get an organization',
  method: 'GET',
  path: '/api/v1/organizations/{id}',
  keyScope: 'api/v1/organizations/show',
  oauthScope: 'organization_read',
  rateClass: 'enrichment',
  credits: { kind: 'per_record', perRecord: 1 },
  input: z.object({
    id: pathId.describe(
      'The Apollo organization id (24 hexadecimal characters, from an organization search or a person\'s organization_id), e.g. "5e66b6381e05b4008c8331b8".',
    ),
  }),
  output: z.looseObject({ organization: organizationSchema }),
  examples: [{ id: '5e66b6381e05b4008c8331b8' }],
  description:
    "Get one company's complete Apollo record by id: industry, headcount, revenue, funding " +
    'events, technologies, keywords, departmental headcount and monthly employee metrics. Costs 1 ' +
    'credit. An unknown id answers 422.',
  phrase: 'looked up a company',
  intent: 'look up a company',
  target: (i) => `with id ${String(i.id)}`,
});

/** The most job postings one page holds (Apollo's display cap is the same). */
export const jobPostingsPerPage = 10_000;

/** Open job postings at one organization. */
export const organizationsJobPostings = defineAction({
  id: 'organizations.job_postings',
  group: 'organizations',
  access: 'read',
  effect: 'spend',
  title: "List a company's job postings",
  method: 'GET',
  path: '/api/v1/organizations/{organization_id}/job_postings',
  keyScope: 'api/v1/organizations/job_postings',
  oauthScope: 'organizations_job_posting',
  rateClass: 'enrichment',
  credits: { kind: 'per_page', perPage: 1 },
  input: z.object({
    organization_id: pathId.describe(
      'The Apollo organization id (24 hexadecimal characters), e.g. "5e66b6381e05b4008c8331b8".',
    ),
    page: intParam(1, 1_000_000, 'page')
      .optional()
      .describe('Page to return, from 1 (default 1); each page costs 1 credit. E.g. 1.'),
    per_page: intParam(1, jobPostingsPerPage, 'per_page')
      .optional()
      .describe(
        `Job postings per page, 1 to ${jobPostingsPerPage.toLocaleString('en-US')} (the price is per page), e.g. 100.`,
      ),
  }),
  output: z.looseObject({
    organization_job_postings: z.array(
      z.looseObject({
        id: z.string(),
        title: z.string().nullable().optional(),
        url: z.string().nullable().optional(),
        city: z.string().nullable().optional(),
        state: z.string().nullable().optional(),
        country: z.string().nullable().optional(),
        last_seen_at: z.string().nullable().optional(),
        posted_at: z.string().nullable().optional(),
      }),
    ),
  }),
  examples: [
    { organization_id: '5e66b6381e05b4008c8331b8' },
    { organization_id: '5e66b6381e05b4008c8331b8', page: '1', per_page: '25' },
  ],
  description:
    'List the open job postings Apollo knows at one company (title, URL, location, when posted ' +
    'and last seen), newest first. Costs 1 credit per page, up to 10,000 postings per page; the ' +
    'answer has no pagination object, so a short page is the last one.',
  phrase: "listed a company's job postings",
  intent: "list a company's job postings",
  target: (i) =>
    `for organization ${String(i.organization_id)} (page ${String(i.page ?? 1)}, ${String(i.per_page ?? 'default')} per page)`,
});

/** The most organizations one bulk enrichment takes. */
export const bulkEnrichLimit = 10;

const detail = z.object({
  domain: domainParam.optional().describe('Bare domain, e.g. "apollo.io".'),
  linkedin_url: urlParam
    .optional()
    .describe('LinkedIn company URL, e.g. "https://www.linkedin.com/company/apolloio".'),
  name: text(200).optional().describe('Company name, e.g. "Apollo.io".'),
  website: urlParam.optional().describe('Website as a full URL, e.g. "https://www.apollo.io".'),
});

/** Bulk organization enrichment: up to 10 companies, 1 credit each. */
export const organizationsBulkEnrich = defineAction({
  id: 'organizations.bulk_enrich',
  group: 'organizations',
  access: 'read',
  effect: 'spend',
  title: 'Enrich up to 10 organizations',
  method: 'POST',
  path: '/api/v1/organizations/bulk_enrich',
  keyScope: 'api/v1/organizations/bulk_enrich',
  oauthScope: 'organizations_bulk_enrich',
  rateClass: 'bulk_enrichment',
  credits: { kind: 'per_record', perRecord: 1 },
  input: z
    .object({
      domains: list(domainParam, bulkEnrichLimit)
        .optional()
        .describe(
          'Bare domains of the companies, 1 to 10 (query form domains[]=…), e.g. ["apollo.io", "microsoft.com"]. Required unless details is given.',
        ),
      details: z
        .array(detail)
        .min(1, 'invalid request, missing domains')
        .max(bulkEnrichLimit, `domain count cannot be more than ${bulkEnrichLimit}`)
        .optional()
        .describe(
          'The companies as objects of domain, linkedin_url, name or website, 1 to 10; wins over domains. E.g. [{"domain": "apollo.io"}, {"name": "Stripe", "website": "https://stripe.com"}].',
        ),
    })
    .refine((i) => Boolean(i.domains?.length || i.details?.length), {
      message: 'invalid request, missing domains',
      path: ['domains'],
    }),
  output: z.looseObject({
    status: z.string(),
    error_code: z.string().nullable().optional(),
    error_message: z.string().nullable().optional(),
    total_requested_domains: z.number().nullable().optional(),
    total_requested_records: z.number().nullable().optional(),
    unique_enriched_records: z.number().nullable().optional(),
    missing_records: z.number().nullable().optional(),
    organizations: z.array(organizationSchema),
  }),
  examples: [
    { domains: ['apollo.io', 'microsoft.com'] },
    { domains: 'apollo.io' },
    { details: [{ domain: 'apollo.io' }, { name: 'Stripe', website: 'https://stripe.com' }] },
  ],
  description:
    'Enrich up to 10 companies in one call, given as bare domains (or as details with domain, ' +
    'name, LinkedIn URL or website). Costs 1 credit per company found. Returns the full ' +
    'organization objects found and counters of what was requested, unique and missing.',
  phrase: 'enriched companies in bulk',
  intent: 'enrich companies in bulk',
  target: (i) => {
    const details = Array.isArray(i.details) ? (i.details as Record<string, unknown>[]) : [];
    const named = details.length
      ? details.map((d) => String(d.domain ?? d.name ?? d.website ?? d.linkedin_url ?? '?'))
      : Array.isArray(i.domains)
        ? i.domains.map(String)
        : typeof i.domains === 'string'
          ? [i.domains]
          : [];
    if (named.length === 0) return '(no companies given)';
    return `(${named.length} ${named.length === 1 ? 'company' : 'companies'}: ${clauses([quoted(named, 'and')])})`;
  },
});
