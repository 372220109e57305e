// A small fixed list of widely known companies. The generated database holds only invented
// companies, but client test suites often probe a famous one ("enrich google.com") and expect
// a record; these answer with synthetic but plausible figures. They live beside the generated
// index: ids of their own, found by domain, website, LinkedIn URL or exact name.

import { famousRows, type FamousOrg } from './famous-data.js';
import { DAY_MS, isoOffset, printed } from './format.js';
import { hash, hex8 } from './hash.js';
import { bareDomain, type OrgIndex } from './orgs.js';
import { industries } from './vocab/industries.js';
import { technologies } from './vocab/technologies.js';

export type { FamousOrg } from './famous-data.js';

/** The famous companies, in a fixed order. */
export const famousOrgs: readonly FamousOrg[] = Object.freeze(
  famousRows.map((r, k) => Object.freeze({ ...r, k })),
);

// Distinct from the generated ids (organizations start 54–59, people and CRM records elsewhere).
const FAMOUS_ID_BASE = 0x4f3a0000;
const FAMOUS_SALT = 0x46414d;

/** The 24-hex id of a famous company in this world. */
export function famousId(index: OrgIndex, f: FamousOrg): string {
  return (
    hex8(FAMOUS_ID_BASE + f.k) +
    hex8(hash(index.seed, FAMOUS_SALT, f.k, 1)) +
    hex8(hash(index.seed, FAMOUS_SALT, f.k, 2))
  );
}

/** The famous company an id names, if any. */
export function famousById(index: OrgIndex, id: string): FamousOrg | undefined {
  const lower = id.trim().toLowerCase();
  const k = parseInt(lower.slice(0, 8), 16) - FAMOUS_ID_BASE;
  const f = k >= 0 && /^[0-9a-f]{24}$/.test(lower) ? famousOrgs[k] : undefined;
  return f && famousId(index, f) === lower ? f : undefined;
}

/** The famous company on a domain (or any URL or email on it), if any. */
export function famousByDomain(domain: string): FamousOrg | undefined {
  const d = bareDomain(domain);
  return famousOrgs.find((f) => f.domain === d || f.aliases.includes(d));
}

/** The famous company by domain, website, LinkedIn URL or exact name, if any. */
export function findFamous(by: {
  domain?: string;
  website?: string;
  linkedinUrl?: string;
  name?: string;
}): FamousOrg | undefined {
  if (by.domain) return famousByDomain(by.domain);
  if (by.website) return famousByDomain(by.website);
  if (by.linkedinUrl) {
    const m = /linkedin\.com\/company\/([^/?#]+)/i.exec(by.linkedinUrl);
    const slug = m ? decodeURIComponent(m[1]!).toLowerCase() : '';
    return famousOrgs.find((f) => f.linkedin === slug);
  }
  if (by.name) {
    const lower = by.name.trim().toLowerCase();
    return famousOrgs.find((f) => f.name.toLowerCase() === lower);
  }
  return undefined;
}

const headCountShares: Array<[string, number]> = [
  ['engineering', 0.32],
  ['sales', 0.14],
  ['operations', 0.1],
  ['support', 0.08],
  ['marketing', 0.06],
  ['information_technology', 0.06],
  ['business_development', 0.04],
  ['finance', 0.04],
  ['human_resources', 0.035],
  ['product_management', 0.035],
  ['data_science', 0.03],
  ['administrative', 0.02],
  ['legal', 0.015],
  ['arts_and_design', 0.015],
  ['media_and_commmunication', 0.01],
  ['accounting', 0.01],
  ['consulting', 0.005],
  ['education', 0.0],
  ['entrepreneurship', 0.0],
];

/** Headcount per function (Apollo's departmental_head_count), from fixed shares. */
export function famousHeadCount(f: FamousOrg): Record<string, number> {
  return Object.fromEntries(headCountShares.map(([k, s]) => [k, Math.round(f.employees * s)]));
}

function fundingEvents(index: OrgIndex, f: FamousOrg): Array<Record<string, unknown>> {
  if (!f.funding) return [];
  return [
    {
      id: hex8(0x5f7a0000 + f.k) + hex8(hash(index.seed, FAMOUS_SALT, f.k, 3)) + hex8(f.k),
      date: isoOffset((index.anchorDay - f.funding.daysAgo) * DAY_MS),
      news_url: null,
      type: f.funding.stage,
      investors: 'Founders Fund, Sequoia Capital',
      amount: printed(f.funding.latest),
      currency: '$',
    },
  ];
}

/** The full organization object for a famous company, with the keys of a generated one. */
export function famousOrganization(
  index: OrgIndex,
  f: FamousOrg,
  parent?: Record<string, unknown>,
): Record<string, unknown> {
  const industry = industries.find((i) => i.name === f.industry) ?? industries[0]!;
  const tech = technologies.filter((t) => f.tech.includes(t.uid));
  const description = `${f.name} ${f.summary}. It is headquartered in ${f.city}, ${f.country}.`;
  const growth = (salt: number) =>
    Math.round(((hash(index.seed, FAMOUS_SALT, f.k, salt) % 200) / 1000 - 0.03) * 1000) / 1000;
  const funding = f.funding;
  return {
    id: famousId(index, f),
    name: f.name,
    website_url: `http://www.${f.domain}`,
    blog_url: null,
    angellist_url: null,
    linkedin_url: `http://www.linkedin.com/company/${f.linkedin}`,
    twitter_url: `https://twitter.com/${f.linkedin}`,
    facebook_url: `https://www.facebook.com/${f.linkedin}`,
    primary_phone: { number: f.phone, source: 'Owler', sanitized_number: f.sanitizedPhone },
    languages: ['English'],
    alexa_ranking: 1 + (hash(index.seed, FAMOUS_SALT, f.k, 4) % 500),
    phone: f.phone,
    linkedin_uid: String(1_000 + (hash(index.seed, FAMOUS_SALT, f.k, 5) % 9_000_000)),
    founded_year: f.founded,
    publicly_traded_symbol: f.symbol?.[0] ?? null,
    publicly_traded_exchange: f.symbol?.[1] ?? null,
    logo_url: `https://logos.sandbox.invalid/${f.domain}.png`,
    crunchbase_url: `https://www.crunchbase.com/organization/${f.linkedin}`,
    primary_domain: f.domain,
    sanitized_phone: f.sanitizedPhone,
    owned_by_organization_id: parent ? (parent.id as string) : null,
    show_intent: false,
    has_intent_signal_account: false,
    intent_signal_account: null,
    market_cap: f.symbol ? printed(f.revenue * 7) : null,
    industry: industry.name,
    industries: [industry.name],
    secondary_industries: [],
    industry_tag_id: industry.tagId,
    industry_tag_hash: { [industry.name]: industry.tagId },
    keywords: [...f.keywords],
    estimated_num_employees: f.employees,
    snippets_loaded: true,
    retail_location_count: 0,
    num_retail_locations: 0,
    raw_address: [f.street, f.city, [f.state, f.postal].filter(Boolean).join(' '), f.country].join(
      ', ',
    ),
    street_address: f.street,
    city: f.city,
    state: f.state,
    postal_code: f.postal,
    country: f.country,
    owned_by_organization: parent
      ? { id: parent.id, name: parent.name, website_url: parent.website_url }
      : null,
    ultimate_parent_organization: parent
      ? { id: parent.id, name: parent.name, website_url: parent.website_url }
      : null,
    owned_by_chain: parent ? [parent.id] : [],
    suborganizations: [],
    num_suborganizations: 0,
    seo_description: description,
    short_description: description,
    annual_revenue_printed: printed(f.revenue),
    annual_revenue: f.revenue,
    total_funding: funding ? funding.total : null,
    total_funding_printed: funding ? printed(funding.total) : null,
    latest_funding_round_date: funding
      ? isoOffset((index.anchorDay - funding.daysAgo) * DAY_MS)
      : null,
    latest_funding_stage: funding ? funding.stage : null,
    funding_events: fundingEvents(index, f),
    technology_names: tech.map((t) => t.name),
    current_technologies: tech.map((t) => ({ uid: t.uid, name: t.name, category: t.category })),
    org_chart_root_people_ids: [],
    org_chart_sector: null,
    org_chart_removed: false,
    org_chart_show_department_filter: true,
    departmental_head_count: famousHeadCount(f),
    organization_headcount_six_month_growth: growth(6),
    organization_headcount_twelve_month_growth: growth(12),
    organization_headcount_twenty_four_month_growth: growth(24),
    num_languages: 1,
  };
}
