import { z } from 'zod';

import { clauses, defineAction, quoted, rangeText, searchTarget } from './define.js';
import { paginationSchema } from './objects.js';
import { apolloId, dateParam, intParam, list, range, text } from './params.js';
import type { PaginationRule } from './types.js';

/** The most articles one page of a news search holds. */
export const newsPerPage = 25;

// Apollo documents 25 articles per page; the page cap is not documented, so we assume the 500
// pages of its other searches.
const newsPagination: PaginationRule = {
  maxPerPage: newsPerPage,
  maxPage: 500,
  maxRecords: newsPerPage * 500,
  style: 'pagination_object',
  rowsKey: 'news_articles',
};

/** News articles about given companies. */
export const newsSearch = defineAction({
  id: 'news.search',
  group: 'news',
  access: 'read',
  effect: 'spend',
  title: 'Search news about companies',
  method: 'POST',
  path: '/api/v1/news_articles/search',
  keyScope: 'api/v1/news_articles/search',
  oauthScope: 'organizations_news_articles',
  rateClass: 'search',
  credits: { kind: 'per_page', perPage: 1 },
  pagination: newsPagination,
  input: z.object({
    organization_ids: list(apolloId).describe(
      'Apollo organization ids (24 hexadecimal characters) of the companies, required. Use an organization id (organization_id of an account), not an account id. E.g. ["5e66b6381e05b4008c8331b8"].',
    ),
    categories: list(text(100))
      .optional()
      .describe(
        'News categories to keep, any one matches, e.g. ["hires", "investment", "contract"].',
      ),
    published_at: range(dateParam)
      .optional()
      .describe(
        'Publication dates as {min, max} YYYY-MM-DD (query form published_at[min]=…), e.g. {"min": "2025-01-01", "max": "2025-06-30"}.',
      ),
    page: intParam(1, 500, 'page')
      .optional()
      .describe('Page to return, from 1 (default 1); each page costs 1 credit. E.g. 2.'),
    per_page: intParam(1, newsPerPage, 'per_page')
      .optional()
      .describe(`Articles per page, 1 to ${newsPerPage}, e.g. 10.`),
  }),
  output: z.looseObject({
    pagination: paginationSchema,
    news_articles: z.array(
      z.looseObject({
        id: z.string(),
        url: z.string().nullable().optional(),
        domain: z.string().nullable().optional(),
        title: z.string().nullable().optional(),
        snippet: z.string().nullable().optional(),
        organization_ids: z.array(z.string()).optional(),
        published_at: z.string().nullable().optional(),
        event_categories: z.array(z.string()).optional(),
      }),
    ),
  }),
  examples: [
    { organization_ids: ['5e66b6381e05b4008c8331b8'], page: 1, per_page: 10 },
    {
      organization_ids: ['5e66b6381e05b4008c8331b8'],
      categories: ['hires', 'investment'],
      published_at: { min: '2025-01-01', max: '2025-06-30' },
    },
  ],
  description:
    'Search news articles about given companies (by Apollo organization id), optionally by ' +
    'category (hires, investment, contract…) and publication date. Costs 1 credit per page, up to ' +
    '25 articles per page; each article has its URL, title, snippet, date and event categories.',
  phrase: 'searched news about companies',
  intent: 'search news about companies',
  target: (i) =>
    searchTarget(
      clauses([
        i.organization_ids ? `for organizations ${quoted(i.organization_ids)}` : undefined,
        i.categories ? `in categories ${quoted(i.categories)}` : undefined,
        i.published_at ? `published ${rangeText(i.published_at)}` : undefined,
      ]),
      i,
    ),
});
