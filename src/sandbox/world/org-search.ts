// Organization search: the employer filters over the organization index.

import { compileEmployerFilter, type Breadcrumb, type EmployerInput } from './filters.js';
import type { OrgIndex } from './orgs.js';
import { DEFAULT_PER_PAGE, REACHABLE_ROWS } from './people-search.js';

export interface OrgSearchInput extends EmployerInput {
  page?: number;
  per_page?: number;
}

/** The number of matching companies, the page's companies and the applied-filter breadcrumbs. */
export interface OrgSearchResult {
  total: number;
  orgs: number[];
  page: number;
  perPage: number;
  breadcrumbs: Breadcrumb[];
}

/** Runs an organization search; pages beyond 50,000 rows come back empty. */
export function searchOrgs(index: OrgIndex, input: OrgSearchInput): OrgSearchResult {
  const filter = compileEmployerFilter(index, input);
  const perPage = input.per_page ?? DEFAULT_PER_PAGE;
  const page = input.page ?? 1;
  const offset = (page - 1) * perPage;
  const end = Math.min(offset + perPage, REACHABLE_ROWS);
  const orgs: number[] = [];
  let total = 0;
  const visit = (o: number) => {
    if (!filter.test(o)) return;
    if (total >= offset && total < end) orgs.push(o);
    total++;
  };
  if (filter.candidates) for (const o of filter.candidates) visit(o);
  else for (let o = 0; o < index.count; o++) visit(o);
  return { total, orgs, page, perPage, breadcrumbs: filter.breadcrumbs };
}
