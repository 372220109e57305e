// Organization objects as Apollo returns them: search rows, the full enrichment object
// and the flags embedded in people search rows.

import { KINDS } from './composition.js';
import { DAY_MS, isoOffset, phoneIn, printed } from './format.js';
import { hash, hex8, salt, unit } from './hash.js';
import {
  KEYWORD_WORDS,
  TECH_WORDS,
  blockShape,
  domainOf,
  flag,
  fundingStages,
  hasBit,
  hqOf,
  labelOf,
  nameOf,
  orgId,
  titlesOf,
  type OrgIndex,
} from './orgs.js';
import { personId } from './people.js';
import { industries, keywords, nameHeads } from './vocab/industries.js';
import { places, type Place } from './vocab/locations.js';
import { technologies } from './vocab/technologies.js';
import { titles } from './vocab/titles.js';

const streets = [
  'Market St',
  'Main St',
  'Broadway',
  'Mission St',
  'King St',
  'High St',
  'Park Ave',
  'Elm St',
  'Oak St',
  'Pine St',
  'Maple Ave',
  'Cedar St',
  'Lake St',
  'Hill St',
  'Church St',
  'Union St',
  'Spring St',
  'Water St',
  'Bridge St',
  'Harbor Blvd',
];

const languageByCountry: Record<string, string> = {
  Germany: 'German',
  Austria: 'German',
  Switzerland: 'German',
  France: 'French',
  Belgium: 'French',
  Spain: 'Spanish',
  Mexico: 'Spanish',
  Argentina: 'Spanish',
  Colombia: 'Spanish',
  Brazil: 'Portuguese',
  Portugal: 'Portuguese',
  Italy: 'Italian',
  Japan: 'Japanese',
  'South Korea': 'Korean',
  Netherlands: 'Dutch',
  Sweden: 'Swedish',
  Denmark: 'Danish',
  Norway: 'Norwegian',
  Finland: 'Finnish',
  Poland: 'Polish',
  Israel: 'Hebrew',
  'United Arab Emirates': 'Arabic',
};

const headCountKeys = [
  'engineering',
  'operations',
  'support',
  'marketing',
  'human_resources',
  'sales',
  'finance',
  'consulting',
  'legal',
  'arts_and_design',
  'accounting',
  'business_development',
  'information_technology',
  'education',
  'media_and_commmunication',
  'product_management',
  'entrepreneurship',
  'data_science',
  'administrative',
];

function h(index: OrgIndex, o: number, k: number): number {
  return hash(index.seed, salt.orgPhone, o, k);
}

function hqPlace(index: OrgIndex, o: number): Place {
  return places[hqOf(index, o)]!;
}

function phone(index: OrgIndex, o: number): { raw: string; sanitized: string } | null {
  if (!(index.flags[o]! & flag.phone)) return null;
  return phoneIn(hqPlace(index, o), h(index, o, 1));
}

function street(index: OrgIndex, o: number): string {
  return `${100 + (h(index, o, 2) % 9800)} ${streets[h(index, o, 3) % streets.length]!}`;
}

function publicSymbol(index: OrgIndex, o: number): [string, string] | null {
  if (!(index.flags[o]! & flag.public)) return null;
  const letters = labelOf(index, o).replace(/[^a-z]/g, '');
  return [
    letters.slice(0, 3 + (h(index, o, 4) % 2)).toUpperCase(),
    h(index, o, 5) % 2 ? 'nyse' : 'nasdaq',
  ];
}

/** The fields shared by search rows and full objects. */
export function organizationSummary(index: OrgIndex, o: number): Record<string, unknown> {
  const domain = domainOf(index, o);
  const label = labelOf(index, o);
  const ph = phone(index, o);
  const sym = publicSymbol(index, o);
  const country = hqPlace(index, o).country;
  const local = languageByCountry[country];
  const b = index.bucket[o]!;
  return {
    id: orgId(index, o),
    name: nameOf(index, o),
    website_url: `http://www.${domain}`,
    blog_url: null,
    angellist_url: null,
    linkedin_url: `http://www.linkedin.com/company/${label}`,
    twitter_url: index.flags[o]! & flag.twitter ? `https://twitter.com/${label}` : null,
    facebook_url: index.flags[o]! & flag.facebook ? `https://www.facebook.com/${label}` : null,
    primary_phone: ph ? { number: ph.raw, source: 'Account', sanitized_number: ph.sanitized } : {},
    languages: local ? [local, 'English'] : ['English'],
    alexa_ranking: b >= 3 ? 1000 + (h(index, o, 6) % (200_000 * (8 - b))) : null,
    phone: ph?.raw ?? null,
    linkedin_uid: String(1_000_000 + (h(index, o, 7) % 90_000_000)),
    founded_year: index.founded[o]!,
    publicly_traded_symbol: sym?.[0] ?? null,
    publicly_traded_exchange: sym?.[1] ?? null,
    logo_url: `https://logos.sandbox.invalid/${domain}.png`,
    crunchbase_url:
      index.totalFunding[o]! > 0 ? `https://www.crunchbase.com/organization/${label}` : null,
    primary_domain: domain,
    sanitized_phone: ph?.sanitized ?? null,
    owned_by_organization_id: null,
    show_intent: false,
    has_intent_signal_account: false,
    intent_signal_account: null,
  };
}

/** How many generated people work in each function (Apollo's departmental_head_count). */
function departmentalHeadCount(index: OrgIndex, o: number): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(headCountKeys.map((k) => [k, 0]));
  for (let kind = 0; kind < KINDS; kind++) {
    const [offices, variants] = blockShape(index, o, kind);
    for (const t of titlesOf(index, o, kind)) {
      for (const fn of titles[t]!.functions) {
        if (fn in counts) counts[fn]! += offices * variants;
      }
    }
  }
  return counts;
}

function fundingEvents(index: OrgIndex, o: number): Array<Record<string, unknown>> {
  if (index.totalFunding[o]! <= 0) return [];
  const events: Array<Record<string, unknown>> = [];
  const rounds = 1 + (h(index, o, 8) % 3);
  let amount = index.latestFunding[o]!;
  let day = index.latestFundingDay[o]!;
  let stage = index.fundingStage[o]!;
  for (let i = 0; i < rounds; i++) {
    const investor = `${nameHeads[h(index, o, 20 + i) % nameHeads.length]!} Ventures`;
    events.push({
      id:
        hex8(0x5f000000 + (h(index, o, 30 + i) % 0x0f000000)) + hex8(h(index, o, 40 + i)) + hex8(o),
      date: isoOffset(day * DAY_MS),
      news_url: null,
      type: fundingStages[stage] ?? 'Venture (Round not Specified)',
      investors: investor,
      amount: printed(amount),
      currency: '$',
    });
    amount = Math.max(100_000, Math.round(amount / 3 / 1e5) * 1e5);
    day -= 200 + (h(index, o, 50 + i) % 500);
    stage = Math.max(1, Math.min(stage, 7) - 1);
  }
  return events;
}

/** The full organization object of enrichment. */
export function organizationFull(
  index: OrgIndex,
  o: number,
  account?: { id: string; object: Record<string, unknown> },
): Record<string, unknown> {
  const place = hqPlace(index, o);
  const info = industries[index.industry[o]!]!;
  const kwList = keywords.filter((_, i) => hasBit(index.keywords, KEYWORD_WORDS, o, i));
  const techList = technologies.filter((_, i) => hasBit(index.tech, TECH_WORDS, o, i));
  const name = nameOf(index, o);
  const revenue = index.revenue[o]!;
  const funding = index.totalFunding[o]!;
  const sym = publicSymbol(index, o);
  const zip = index.flags[o]! & flag.zip ? place.postal : null;
  const addr = street(index, o);
  const ceo = titlesOf(index, o, 0).length > 0 ? [personId(index, { o, j: 0 })] : [];
  const growth = (k: number) => Math.round((unit(h(index, o, k)) * 0.3 - 0.05) * 1000) / 1000;
  const description =
    `${name} is a ${info.name} company headquartered in ${place.city}, ${place.country}. ` +
    `It focuses on ${kwList.slice(0, 3).join(', ')}.`;
  const retail = info.family === 'retail' ? 1 + (h(index, o, 9) % (5 * (index.bucket[o]! + 1))) : 0;
  return {
    ...organizationSummary(index, o),
    market_cap: sym ? printed(revenue * (2 + unit(h(index, o, 10)) * 6)) : null,
    industry: info.name,
    industries: [info.name],
    secondary_industries: [],
    industry_tag_id: info.tagId,
    industry_tag_hash: { [info.name]: info.tagId },
    keywords: kwList,
    estimated_num_employees: index.employees[o]!,
    snippets_loaded: true,
    retail_location_count: retail,
    num_retail_locations: retail,
    raw_address: [addr, place.city, [place.state, zip].filter(Boolean).join(' '), place.country]
      .filter(Boolean)
      .join(', '),
    street_address: addr,
    city: place.city,
    state: place.state,
    postal_code: zip,
    country: place.country,
    owned_by_organization: null,
    ultimate_parent_organization: null,
    owned_by_chain: [],
    suborganizations: [],
    num_suborganizations: 0,
    seo_description: description,
    short_description: description,
    annual_revenue_printed: revenue > 0 ? printed(revenue) : null,
    annual_revenue: revenue > 0 ? revenue : null,
    total_funding: funding > 0 ? funding : null,
    total_funding_printed: funding > 0 ? printed(funding) : null,
    latest_funding_round_date: funding > 0 ? isoOffset(index.latestFundingDay[o]! * DAY_MS) : null,
    latest_funding_stage: funding > 0 ? fundingStages[index.fundingStage[o]!] : null,
    funding_events: fundingEvents(index, o),
    technology_names: techList.map((t) => t.name),
    current_technologies: techList.map((t) => ({ uid: t.uid, name: t.name, category: t.category })),
    org_chart_root_people_ids: ceo,
    org_chart_sector: null,
    org_chart_removed: false,
    org_chart_show_department_filter: true,
    departmental_head_count: departmentalHeadCount(index, o),
    organization_headcount_six_month_growth: growth(11),
    organization_headcount_twelve_month_growth: growth(12),
    organization_headcount_twenty_four_month_growth: growth(13),
    num_languages: 1,
    ...(account ? { account_id: account.id, account: account.object } : {}),
  };
}

/** The organization flags of a people search row. */
export function organizationFlags(index: OrgIndex, o: number): Record<string, unknown> {
  const place = hqPlace(index, o);
  return {
    name: nameOf(index, o),
    has_industry: true,
    has_phone: (index.flags[o]! & flag.phone) !== 0,
    has_city: true,
    has_state: place.state !== null,
    has_country: true,
    has_zip_code: (index.flags[o]! & flag.zip) !== 0,
    has_revenue: index.revenue[o]! > 0,
    has_employee_count: true,
  };
}
