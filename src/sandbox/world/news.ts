// news.search: articles about companies, drawn per company from its own facts (a
// funding round is reported as an investment, open jobs as hires), newest first, 1 credit a page.

import { DAY_MS, isoOffset, printed } from './format.js';
import { hash, hex8 } from './hash.js';
import { foundId, orgById, type FoundOrg } from './org-records.js';
import { domainOf, nameOf, type OrgIndex } from './orgs.js';
import type { CrmContext } from './crm/state.js';
import { paginate } from './crm/paging.js';
import { success, type WorldResult } from './result.js';

const NEWS_SALT = 0x4e455753;

/** Apollo's news event categories (the ones its examples and CLI name, and their neighbours). */
export const newsCategories = [
  'hires',
  'investment',
  'contract',
  'partnership',
  'launches',
  'expansion',
  'award',
  'acquisition',
] as const;

const publishers = [
  'bizwire.example',
  'techdaily.example',
  'marketnews.example',
  'industry.example',
];

interface Article {
  id: string;
  url: string;
  domain: string;
  title: string;
  snippet: string;
  organization_ids: string[];
  published_at: string;
  event_categories: string[];
  day: number;
}

function titleFor(category: string, company: string, k: number, facts: Facts): string {
  switch (category) {
    case 'investment':
      return facts.funding
        ? `${company} raises ${facts.funding} in ${facts.stage ?? 'new funding'}`
        : `${company} announces a strategic investment`;
    case 'hires':
      return `${company} is hiring: ${facts.jobs} open roles`;
    case 'contract':
      return `${company} wins a multi-year contract`;
    case 'partnership':
      return `${company} announces a partnership to expand its reach`;
    case 'launches':
      return `${company} launches a new product line`;
    case 'expansion':
      return `${company} opens a new office`;
    case 'award':
      return `${company} named a top workplace for the ${k % 2 ? 'second' : 'third'} year`;
    default:
      return `${company} acquires a smaller rival`;
  }
}

interface Facts {
  name: string;
  domain: string;
  jobs: number;
  funding: string | null;
  stage: string | null;
  fundingDay: number | null;
  /** How many articles Apollo holds about the company. */
  count: number;
}

function factsOf(index: OrgIndex, found: FoundOrg): Facts {
  if (found.kind === 'famous') {
    const f = found.f;
    return {
      name: f.name,
      domain: f.domain,
      jobs: f.jobs,
      funding: f.funding ? `$${printed(f.funding.latest)}` : null,
      stage: f.funding?.stage ?? null,
      fundingDay: f.funding ? index.anchorDay - f.funding.daysAgo : null,
      count: 40 + (f.k % 5) * 7,
    };
  }
  const o = found.o;
  const funded = index.totalFunding[o]! > 0;
  return {
    name: nameOf(index, o),
    domain: domainOf(index, o),
    jobs: index.numJobs[o]!,
    funding: funded ? `$${printed(index.latestFunding[o]!)}` : null,
    stage: null,
    fundingDay: funded ? index.latestFundingDay[o]! : null,
    count: hash(index.seed, NEWS_SALT, o) % (3 + index.bucket[o]! * 3),
  };
}

function articlesOf(index: OrgIndex, found: FoundOrg): Article[] {
  const facts = factsOf(index, found);
  const orgIdText = foundId(index, found);
  const seedOf = found.kind === 'famous' ? 0x7000 + found.f.k : found.o;
  const out: Article[] = [];
  for (let k = 0; k < facts.count; k++) {
    const h = hash(index.seed, NEWS_SALT, seedOf, k + 1);
    let category: string = newsCategories[h % newsCategories.length]!;
    if (category === 'hires' && facts.jobs === 0) category = 'contract';
    if (category === 'investment' && !facts.funding) category = 'partnership';
    const day =
      k === 0 && facts.fundingDay !== null
        ? facts.fundingDay
        : index.anchorDay - 1 - ((h >>> 4) % 720);
    if (k === 0 && facts.fundingDay !== null) category = 'investment';
    const id = hex8(0x6c000000 + (h % 0x01000000)) + hex8(seedOf) + hex8(k);
    const publisher = publishers[(h >>> 12) % publishers.length]!;
    const title = titleFor(category, facts.name, k, facts);
    out.push({
      id,
      url: `https://${publisher}/news/${id}`,
      domain: publisher,
      title,
      snippet: `${title}. ${facts.name} (${facts.domain}) shared the news on ${isoOffset(day * DAY_MS).slice(0, 10)}.`,
      organization_ids: [orgIdText],
      published_at: isoOffset(day * DAY_MS + ((h >>> 16) % 86_400) * 1000),
      event_categories: [category],
      day,
    });
  }
  return out;
}

/** news.search: `{pagination, news_articles}`, 1 credit per page; unknown ids add nothing. */
export function newsSearch(
  ctx: CrmContext,
  input: {
    organization_ids: string[];
    categories?: string[];
    published_at?: { min?: string; max?: string };
    page?: number;
    per_page?: number;
  },
): WorldResult {
  const wanted = input.categories?.map((c) => c.trim().toLowerCase());
  const min = input.published_at?.min;
  const max = input.published_at?.max;
  const seen = new Set<string>();
  const rows: Article[] = [];
  for (const id of input.organization_ids) {
    const found = orgById(ctx, id);
    if (!found || seen.has(foundId(ctx.index, found))) continue;
    seen.add(foundId(ctx.index, found));
    for (const a of articlesOf(ctx.index, found)) {
      const date = a.published_at.slice(0, 10);
      if (wanted && !a.event_categories.some((c) => wanted.includes(c))) continue;
      if (min !== undefined && date < min) continue;
      if (max !== undefined && date > max) continue;
      rows.push(a);
    }
  }
  rows.sort((a, b) => b.published_at.localeCompare(a.published_at) || a.id.localeCompare(b.id));
  const { rows: page, pagination } = paginate(rows, input.page, input.per_page);
  return success(
    { pagination, news_articles: page.map(({ day: _day, ...article }) => article) },
    1,
  );
}
