import { z } from 'zod';

import { clauses, defineAction, quoted, searchPagination, searchTarget } from './define.js';
import { employerClauses, employerFilters } from './employer-filters.js';
import { personSchema, personSearchRowSchema } from './objects.js';
import { canonicalRequestId } from './endpoints.js';
import type { AsyncDeliverySpec } from './types.js';
import {
  amountParam,
  apolloId,
  boolParam,
  domainParam,
  emailParam,
  list,
  pageParam,
  perPageParam,
  range,
  text,
  urlParam,
} from './params.js';

/** Seniority values Apollo filters on (current title only). */
export const seniorities = [
  'owner',
  'founder',
  'c_suite',
  'partner',
  'vp',
  'head',
  'director',
  'manager',
  'senior',
  'entry',
  'intern',
] as const;

/** Email statuses the people search filters on. */
export const emailStatuses = ['verified', 'unverified', 'likely to engage', 'unavailable'] as const;

const name = text(200);

export { employerClauses, employerFilters };

/** The people API search parameters (also accepted by the legacy search). */
export const peopleSearchInput = z.object({
  person_titles: list(name)
    .optional()
    .describe(
      'Job titles, any one matches; Apollo also returns titles containing the words unless include_similar_titles is false. Up to 100, e.g. ["sales development representative", "marketing manager"].',
    ),
  include_similar_titles: boolParam
    .optional()
    .describe(
      'Whether titles similar to person_titles also match (Apollo\'s default: true); false keeps only strict title matches. true or false (or "true"/"false").',
    ),
  q_keywords: text(500)
    .optional()
    .describe(
      'Free-text words to filter people by (name, title, employer…), e.g. "cloud security".',
    ),
  person_locations: list(name)
    .optional()
    .describe(
      'Where the people live: cities, US states or countries (for the employer\'s headquarters use organization_locations), e.g. ["california", "ireland", "chicago"].',
    ),
  person_seniorities: list(z.enum(seniorities))
    .optional()
    .describe(
      `Seniority of the person's current title, any one matches: ${seniorities.join(', ')}. E.g. ["vp", "director"].`,
    ),
  person_departments: list(text(100))
    .optional()
    .describe(
      'Departments of the person\'s current job as Apollo names them, e.g. ["engineering_technical", "sales", "master_marketing"].',
    ),
  contact_email_status: list(z.enum(emailStatuses))
    .optional()
    .describe(
      `Email statuses to include, any one matches: ${emailStatuses.join(', ')}. E.g. ["verified"].`,
    ),
  currently_using_all_of_technology_uids: list(text(100))
    .optional()
    .describe(
      'Technologies the employer uses, all of them: Apollo technology uids (spaces and dots as underscores), e.g. ["salesforce", "google_analytics"].',
    ),
  currently_not_using_any_of_technology_uids: list(text(100))
    .optional()
    .describe(
      'Technologies the employer must not use, none of them: Apollo technology uids, e.g. ["wordpress_org"].',
    ),
  latest_funding_amount_range: range(amountParam)
    .optional()
    .describe(
      'Amount of the employer\'s latest funding round in US dollars as {min, max}, plain numbers, e.g. {"min": 1000000}.',
    ),
  total_funding_range: range(amountParam)
    .optional()
    .describe(
      'Total funding the employer has raised in US dollars as {min, max}, plain numbers, e.g. {"min": 5000000, "max": 50000000}.',
    ),
  organization_linkedin_url: urlParam
    .optional()
    .describe(
      'The employer\'s LinkedIn company URL, e.g. "https://www.linkedin.com/company/apolloio".',
    ),
  ...employerFilters,
  page: pageParam
    .optional()
    .describe('Page to return, from 1 to 500 (default 1); a whole number or digit string, e.g. 2.'),
  per_page: perPageParam
    .optional()
    .describe('People per page, 1 to 100 (Apollo serves at most 50,000 rows per search); e.g. 25.'),
});

/** People API search: free, obfuscated rows, no pagination object. */
export const peopleSearch = defineAction({
  id: 'people.search',
  group: 'people',
  access: 'read',
  effect: 'read',
  title: 'Search people',
  method: 'POST',
  altMethods: ['GET'],
  path: '/api/v1/mixed_people/api_search',
  keyScope: 'api/v1/mixed_people/api_search',
  oauthScope: 'mixed_people_api_search',
  rateClass: 'search',
  credits: { kind: 'none' },
  pagination: searchPagination('people', 'total_entries_only'),
  input: peopleSearchInput,
  output: z.looseObject({ total_entries: z.number(), people: z.array(personSearchRowSchema) }),
  examples: [
    {
      person_titles: ['sales development representative', 'marketing manager'],
      person_locations: ['california'],
      person_seniorities: ['director', 'vp'],
      organization_num_employees_ranges: ['1,10', '250,500'],
      q_organization_domains_list: ['apollo.io', 'microsoft.com'],
      page: 1,
      per_page: 10,
    },
    {
      person_titles: ['marketing manager'],
      include_similar_titles: 'false',
      contact_email_status: ['verified'],
      revenue_range: { min: '500000', max: '1500000' },
      organization_job_posted_at_range: { min: '2025-07-25', max: '2025-09-25' },
      page: '4',
      per_page: '10',
    },
    { q_keywords: 'cloud security', organization_locations: ['texas', 'tokyo'] },
  ],
  description:
    "Search Apollo's database of people by job title, seniority, location, employer domain, " +
    'company size, technologies and keywords. Free: costs no credits. Returns up to 100 people per ' +
    'page (page ≤ 500, at most 50,000 results reachable) with first name, obfuscated last name, ' +
    'title and employer, but no email or phone; use people.match with a returned id to enrich one. ' +
    'The answer has total_entries but no pagination object: ask for the next page with page+1.',
  phrase: 'searched the people database',
  intent: 'search the people database',
  target: (i) =>
    searchTarget(
      clauses([
        i.person_titles ? `for titles ${quoted(i.person_titles)}` : undefined,
        i.person_seniorities ? `for seniority ${quoted(i.person_seniorities)}` : undefined,
        i.q_keywords ? `for keywords ${quoted(i.q_keywords)}` : undefined,
        i.person_departments ? `in departments ${quoted(i.person_departments)}` : undefined,
        i.person_locations ? `in ${quoted(i.person_locations)}` : undefined,
        ...employerClauses(i, 'people'),
      ]),
      i,
    ),
});

const identity = {
  first_name: name.optional().describe('First name, used together with last_name, e.g. "Tim".'),
  last_name: name.optional().describe('Last name, used together with first_name, e.g. "Zheng".'),
  name: name
    .optional()
    .describe('Full name, instead of first_name and last_name, e.g. "Tim Zheng".'),
  email: emailParam.optional().describe('Email address, e.g. "example@email.com".'),
  hashed_email: z
    .string()
    .regex(/^([0-9a-f]{32}|[0-9a-f]{64})$/i, 'must be an MD5 or SHA-256 hex digest')
    .optional()
    .describe(
      'The email as an MD5 (32 hex) or SHA-256 (64 hex) digest of its lower-case form, e.g. "8d935115b9ff4489f2d1f9249503cadf".',
    ),
  organization_name: name.optional().describe('Name of a current or past employer, e.g. "Apollo".'),
  domain: domainParam
    .optional()
    .describe('Bare domain of a current or past employer (no www. or @), e.g. "apollo.io".'),
  id: apolloId
    .optional()
    .describe(
      'Apollo person id (24 hexadecimal characters, from a people search), e.g. "587cf802f65125cad923a266".',
    ),
  linkedin_url: urlParam
    .optional()
    .describe('LinkedIn profile URL, e.g. "http://www.linkedin.com/in/tim-zheng-677ba010".'),
};

const revealFlags = {
  reveal_personal_emails: boolParam
    .optional()
    .describe(
      'Also return personal emails (may cost credits; never for people in GDPR regions). Needs the people.reveal grant. true or false, default false.',
    ),
  reveal_phone_number: boolParam
    .optional()
    .describe(
      'Also look up phone numbers (+8 credits per mobile found), delivered later with the request_id. Needs the people.reveal grant. true or false, default false.',
    ),
  run_waterfall_email: boolParam
    .optional()
    .describe(
      "Run Apollo's email waterfall over third-party vendors (vendor-priced credits), delivered later with the request_id. Needs the people.reveal grant. true or false.",
    ),
  run_waterfall_phone: boolParam
    .optional()
    .describe(
      "Run Apollo's phone waterfall over third-party vendors (vendor-priced credits), delivered later with the request_id. Needs the people.reveal grant. true or false.",
    ),
  webhook_url: urlParam
    .optional()
    .describe(
      'Where Apollo POSTs the asynchronous result (https URL). Apollo requires it with a phone reveal or a waterfall; Gatehouse supplies its own, so agents may leave it out.',
    ),
};

// Raw query-string input says "true"; parsed input says true. Either asks.
const on = (v: unknown) => v === true || v === 'true';

/** True when a match request asks for personal data or waterfall enrichment. */
export function asksForReveal(i: Record<string, unknown>): boolean {
  return (
    on(i.reveal_personal_emails) ||
    on(i.reveal_phone_number) ||
    on(i.run_waterfall_email) ||
    on(i.run_waterfall_phone)
  );
}

/**
 * Phone reveals and waterfalls are answered twice: synchronously with a request_id, then by a POST
 * to the webhook (or `webhook_result/{request_id}`) seconds to minutes later.
 */
const matchDelivery: AsyncDeliverySpec = {
  asks: (i) => on(i.reveal_phone_number) || on(i.run_waterfall_email) || on(i.run_waterfall_phone),
  what: (i) => {
    const email = on(i.run_waterfall_email);
    const phone = on(i.run_waterfall_phone);
    if (email || phone) {
      const parts = [
        email ? 'emails' : null,
        phone || on(i.reveal_phone_number) ? 'phone numbers' : null,
      ];
      return `waterfall ${parts.filter(Boolean).join(' and ')}`;
    }
    return 'phone numbers';
  },
  expected: (body) => {
    if (typeof body !== 'object' || body === null) return null;
    const b = body as Record<string, unknown>;
    // No person matched: nothing to enrich later, and Apollo sends no request id.
    if ('person' in b && b.person === null) return null;
    const waterfall = b.waterfall as { status?: unknown } | undefined;
    // A waterfall Apollo did not accept (e.g. no template configured) sends no webhook.
    if (waterfall && waterfall.status !== 'accepted') return null;
    const phone = b.phone_enrichment as { status?: unknown } | undefined;
    if (!waterfall && phone && phone.status === 'skipped') return null;
    if (!waterfall && Array.isArray(b.matches) && b.matches.every((m) => m === null)) return null;
    const id = b.request_id ?? (phone as { request_id?: unknown } | undefined)?.request_id;
    return canonicalRequestId(id);
  },
};

// Apollo's own 422 text for a phone reveal without a webhook; the waterfall variant
// is our assumption of the same wording.
function webhookRequired(i: {
  reveal_phone_number?: boolean | undefined;
  run_waterfall_email?: boolean | undefined;
  run_waterfall_phone?: boolean | undefined;
  webhook_url?: string | undefined;
}): string | null {
  if (i.webhook_url) return null;
  if (i.reveal_phone_number) return 'reveal_phone_number';
  if (i.run_waterfall_email) return 'run_waterfall_email';
  if (i.run_waterfall_phone) return 'run_waterfall_phone';
  return null;
}

function webhookIssue(flag: string): string {
  return `Please add a valid 'webhook_url' parameter when using '${flag}'`;
}

const revealWords = (i: Record<string, unknown>) =>
  clauses([
    i.reveal_personal_emails === true ? 'revealing personal emails' : undefined,
    i.reveal_phone_number === true ? 'revealing phone numbers' : undefined,
    i.run_waterfall_email === true ? 'running the email waterfall' : undefined,
    i.run_waterfall_phone === true ? 'running the phone waterfall' : undefined,
  ]);

function identityWords(i: Record<string, unknown>): string {
  const employer = i.domain
    ? ` at ${String(i.domain)}`
    : i.organization_name
      ? ` at ${String(i.organization_name)}`
      : '';
  const nameText = i.name
    ? String(i.name)
    : [i.first_name, i.last_name].filter(Boolean).map(String).join(' ');
  const who = clauses([
    i.id ? `id ${String(i.id)}` : undefined,
    i.email ? `email ${String(i.email)}` : undefined,
    i.hashed_email ? 'a hashed email' : undefined,
    i.linkedin_url ? `LinkedIn ${String(i.linkedin_url)}` : undefined,
    nameText ? `name ${nameText}` : undefined,
  ]);
  if (!who) return employer ? `employer${employer}` : 'no identifiers';
  return `${who}${employer}`;
}

const personalIdentity = [
  'first_name',
  'last_name',
  'name',
  'email',
  'hashed_email',
  'linkedin_url',
];

/** People enrichment: one person, 1 credit when found (+8 for a mobile phone). */
export const peopleMatch = defineAction({
  id: 'people.match',
  group: 'people',
  access: 'read',
  effect: 'spend',
  title: 'Enrich a person',
  method: 'POST',
  altMethods: ['GET'],
  path: '/api/v1/people/match',
  keyScope: 'api/v1/people/match',
  oauthScope: 'people_match',
  rateClass: 'enrichment',
  credits: { kind: 'per_record', perRecord: 1, mobilePhone: 8, personalEmail: 1, waterfall: 10 },
  input: z.object({ ...identity, ...revealFlags }).superRefine((i, ctx) => {
    const flag = webhookRequired(i);
    if (flag) ctx.addIssue({ code: 'custom', path: ['webhook_url'], message: webhookIssue(flag) });
  }),
  output: z.looseObject({
    person: personSchema.nullable().optional(),
    waterfall: z.looseObject({ status: z.string(), message: z.string().optional() }).optional(),
    request_id: z.union([z.number(), z.string()]).optional(),
  }),
  examples: [
    { first_name: 'Tim', last_name: 'Zheng', domain: 'apollo.io' },
    { email: 'example@email.com', reveal_personal_emails: true },
    { id: '587cf802f65125cad923a266' },
    { linkedin_url: 'http://www.linkedin.com/in/tim-zheng-677ba010' },
    {
      name: 'Tim Zheng',
      organization_name: 'Apollo',
      hashed_email: '8d935115b9ff4489f2d1f9249503cadf',
    },
    {
      id: '587cf802f65125cad923a266',
      reveal_phone_number: 'true',
      webhook_url: 'https://example.com/apollo/webhook',
    },
  ],
  description:
    'Find one person in Apollo and return their full profile: name, title, employer, work email ' +
    'and LinkedIn URL. Identify them as precisely as you can: an Apollo id from a people search, ' +
    'an email, a LinkedIn URL, or a name with a company domain. Costs 1 credit when a match is ' +
    'found (nothing when not). Revealing personal emails, phone numbers (+8 credits) or running the ' +
    'waterfall needs the people.reveal grant; phones and waterfall results arrive later: fetch them with the request_id of the answer (no webhook_url needed).',
  phrase: 'enriched a person',
  intent: 'enrich a person',
  target: (i) => {
    const reveal = revealWords(i);
    return `by ${identityWords(i)}${reveal ? `, ${reveal}` : ''}`;
  },
  personalFields: [...personalIdentity, 'webhook_url'],
  needsReveal: asksForReveal,
  delivery: matchDelivery,
});

/** The most records one bulk enrichment takes. */
export const bulkMatchLimit = 10;

/** Bulk people enrichment: up to 10 people, charged per person found. */
export const peopleBulkMatch = defineAction({
  id: 'people.bulk_match',
  group: 'people',
  access: 'read',
  effect: 'spend',
  title: 'Enrich up to 10 people',
  method: 'POST',
  path: '/api/v1/people/bulk_match',
  keyScope: 'api/v1/people/bulk_match',
  oauthScope: 'people_bulk_match',
  rateClass: 'bulk_enrichment',
  credits: { kind: 'per_record', perRecord: 1, mobilePhone: 8, personalEmail: 1, waterfall: 10 },
  queryParams: Object.keys(revealFlags),
  input: z
    .object({
      details: z
        .array(z.object(identity))
        .min(1, 'invalid request, missing details')
        .max(bulkMatchLimit, `cannot enrich more than ${bulkMatchLimit} in a single request`)
        .describe(
          'The people to enrich, 1 to 10, each identified as for people.match (id, email, LinkedIn URL, or a name with a domain), e.g. [{"email": "tim@apollo.io"}, {"first_name": "Ada", "last_name": "Lovelace", "domain": "example.com"}].',
        ),
      ...revealFlags,
    })
    .superRefine((i, ctx) => {
      const flag = webhookRequired(i);
      if (flag)
        ctx.addIssue({ code: 'custom', path: ['webhook_url'], message: webhookIssue(flag) });
    }),
  output: z.looseObject({
    status: z.string(),
    error_code: z.string().nullable().optional(),
    error_message: z.string().nullable().optional(),
    total_requested_enrichments: z.number(),
    unique_enriched_records: z.number().optional(),
    missing_records: z.number().optional(),
    credits_consumed: z.number().optional(),
    matches: z.array(personSchema.nullable()),
    waterfall: z.looseObject({ status: z.string() }).optional(),
    phone_enrichment: z.looseObject({ status: z.string() }).optional(),
    request_id: z.union([z.number(), z.string()]).optional(),
  }),
  examples: [
    {
      details: [
        { first_name: 'Tim', last_name: 'Zheng', domain: 'apollo.io' },
        { email: 'example@email.com' },
        { id: '587cf802f65125cad923a266' },
      ],
      reveal_personal_emails: 'false',
    },
    {
      details: [{ linkedin_url: 'http://www.linkedin.com/in/tim-zheng-677ba010' }],
      run_waterfall_email: true,
      webhook_url: 'https://example.com/apollo/webhook',
    },
  ],
  description:
    'Enrich up to 10 people in one call, each identified as for people.match (id, email, LinkedIn ' +
    'URL, or name with company domain). Costs 1 credit per person found. Results are in matches[]; ' +
    'do not assume they line up with the order of details[]: join on id or email. Reveal and ' +
    'waterfall options need the people.reveal grant and deliver results later: fetch them with the request_id of the answer (no webhook_url needed).',
  phrase: 'enriched people in bulk',
  intent: 'enrich people in bulk',
  target: (i) => {
    const details = Array.isArray(i.details) ? (i.details as Record<string, unknown>[]) : [];
    if (details.length === 0) return '(no details given)';
    const shown = details.slice(0, 3).map(identityWords).join('; ');
    const more = details.length > 3 ? `; and ${details.length - 3} more` : '';
    const reveal = revealWords(i);
    return `(${details.length} ${details.length === 1 ? 'person' : 'people'}: ${shown}${more})${reveal ? `, ${reveal}` : ''}`;
  },
  personalFields: [...personalIdentity, 'webhook_url'],
  needsReveal: asksForReveal,
  delivery: matchDelivery,
});
