// organizations.get, organizations.job_postings and organizations.bulk_enrich,
// and the lookup organizations.enrich shares with them: a generated company or a famous one.

import { MAX_OFFICES } from './composition.js';
import { accountJson } from './crm/json.js';
import type { CrmContext } from './crm/state.js';
import {
  famousById,
  famousByDomain,
  famousId,
  famousOrganization,
  findFamous,
  type FamousOrg,
} from './famous.js';
import { DAY_MS, isoDate, isoOffset } from './format.js';
import { hash, hex8, salt } from './hash.js';
import { organizationFull } from './org-json.js';
import { domainOf, findOrg, orgFromId, orgId, titlesOf, type OrgIndex } from './orgs.js';
import { DEFAULT_PER_PAGE } from './people-search.js';
import { success, type WorldResult } from './result.js';
import { places } from './vocab/locations.js';
import { titles } from './vocab/titles.js';

/** A company of the database: generated (its index) or famous. */
export type FoundOrg = { kind: 'generated'; o: number } | { kind: 'famous'; f: FamousOrg };

/** How a request names a company. */
export interface OrgIdentifiers {
  domain?: string;
  website?: string;
  linkedin_url?: string;
  name?: string;
}

/** The company the identifiers name: a famous one first, then the generated database. */
export function lookupOrg(ctx: CrmContext, by: OrgIdentifiers): FoundOrg | null {
  const query = {
    ...(by.domain ? { domain: by.domain } : {}),
    ...(by.website ? { website: by.website } : {}),
    ...(by.linkedin_url ? { linkedinUrl: by.linkedin_url } : {}),
    ...(by.name ? { name: by.name } : {}),
  };
  const f = findFamous(query);
  if (f) return { kind: 'famous', f };
  const o = findOrg(ctx.index, query);
  return o >= 0 ? { kind: 'generated', o } : null;
}

/** The company an Apollo organization id names. */
export function orgById(ctx: CrmContext, id: string): FoundOrg | null {
  const f = famousById(ctx.index, id);
  if (f) return { kind: 'famous', f };
  const o = orgFromId(ctx.index, id.trim());
  return o >= 0 ? { kind: 'generated', o } : null;
}

/** The organization id of a found company. */
export function foundId(index: OrgIndex, found: FoundOrg): string {
  return found.kind === 'famous' ? famousId(index, found.f) : orgId(index, found.o);
}

/** The full organization object, with the team's account embedded when it saved the company. */
export function organizationObject(ctx: CrmContext, found: FoundOrg): Record<string, unknown> {
  if (found.kind === 'famous') {
    const parentOrg = found.f.ownedBy ? famousByDomain(found.f.ownedBy) : undefined;
    const parent = parentOrg ? famousOrganization(ctx.index, parentOrg) : undefined;
    return famousOrganization(ctx.index, found.f, parent);
  }
  const accountId = ctx.crm.accountByOrg.get(orgId(ctx.index, found.o));
  const account = accountId ? ctx.crm.accounts.get(accountId) : undefined;
  return organizationFull(
    ctx.index,
    found.o,
    account ? { id: account.id, object: accountJson(ctx, account) } : undefined,
  );
}

/**
 * Monthly headcount flows per department for the last 12 months (Apollo's employee_metrics on
 * GET /organizations/{id}): derived from the current departmental headcount and growth, so the
 * numbers add up to the company as it is today.
 */
function employeeMetrics(
  index: OrgIndex,
  org: Record<string, unknown>,
  seedOf: number,
): Array<Record<string, unknown>> {
  const heads = (org.departmental_head_count ?? {}) as Record<string, number>;
  const growth = Number(org.organization_headcount_twelve_month_growth ?? 0);
  const anchor = new Date(index.anchorDay * DAY_MS);
  const out: Array<Record<string, unknown>> = [];
  for (let m = 12; m >= 1; m--) {
    const start = Date.UTC(anchor.getUTCFullYear(), anchor.getUTCMonth() - m, 1);
    const departments = Object.entries(heads)
      .filter(([, n]) => n > 0)
      .map(([fn, n], i) => {
        const size = Math.max(1, Math.round(n * (1 - (growth * m) / 12)));
        const churned = Math.round(size * (0.008 + (hash(index.seed, seedOf, m, i) % 10) / 1000));
        const added = Math.max(0, churned + Math.round((size * growth) / 12));
        return { functions: fn, new: added, retained: size - churned, churned };
      });
    out.push({ start_date: isoDate(start), departments });
  }
  return out;
}

const notValid = (param: string): WorldResult => ({
  ok: false,
  status: 422,
  body: { error: `Parameters misconfigured. ${param} is not a valid ID` },
});

/** organizations.get: `{organization}` with employee metrics, 1 credit; 422 for an unknown id. */
export function organizationsGet(ctx: CrmContext, input: { id: string }): WorldResult {
  const found = orgById(ctx, input.id);
  if (!found) return notValid('id');
  const org = organizationObject(ctx, found);
  const seedOf = found.kind === 'famous' ? 0x7000 + found.f.k : found.o;
  return success(
    {
      organization: {
        ...org,
        employee_metrics: employeeMetrics(ctx.index, org, seedOf),
        generic_org_insights: null,
        detail_view_loaded: true,
      },
    },
    1,
  );
}

const famousJobTitles = [
  'Software Engineer',
  'Senior Software Engineer',
  'Account Executive',
  'Product Manager',
  'Data Scientist',
  'Customer Success Manager',
  'Sales Development Representative',
  'Site Reliability Engineer',
  'Product Designer',
  'Technical Program Manager',
  'Solutions Engineer',
  'Technical Recruiter',
  'Marketing Manager',
  'Financial Analyst',
];

interface Posting {
  title: string;
  place: number;
  day: number;
  id: string;
}

/** The k-th open job at a generated company; titles agree with the job-title search filter. */
function generatedPosting(index: OrgIndex, o: number, k: number, count: number): Posting {
  const leaders = titlesOf(index, o, 1);
  const staff = titlesOf(index, o, 2);
  const pool = leaders.length + staff.length;
  const at = pool > 0 ? hash(index.seed, salt.orgJobs, o, 100 + k) % pool : 0;
  const t = at < leaders.length ? leaders[at] : staff[at - leaders.length];
  const offices = index.officeCount[o]!;
  const place =
    index.offices[o * MAX_OFFICES + (hash(index.seed, salt.orgJobs, o, 200 + k) % offices)]!;
  return {
    title: t === undefined ? 'Associate' : titles[t]!.title,
    place,
    day: index.latestJobDay[o]! - Math.floor((k * 120) / Math.max(1, count)),
    id:
      hex8(0x6a000000 + (hash(index.seed, salt.orgJobs, o, 300 + k) % 0x01000000)) +
      hex8(o) +
      hex8(k),
  };
}

function famousPosting(index: OrgIndex, f: FamousOrg, k: number): Posting {
  const h = hash(index.seed, salt.orgJobs, 0x7000 + f.k, k);
  const hq = places.findIndex((p) => p.city === f.city);
  return {
    title: famousJobTitles[h % famousJobTitles.length]!,
    place: k % 3 === 0 || hq < 0 ? (h >>> 8) % places.length : hq,
    day: index.anchorDay - 1 - Math.floor((k * 90) / f.jobs),
    id: hex8(0x6b000000 + (h % 0x01000000)) + hex8(0x7000 + f.k) + hex8(k),
  };
}

/**
 * organizations.job_postings: `{organization_job_postings}` newest first, no pagination object;
 * 1 credit per page, empty or not. per_page defaults to 25 (our assumption; Apollo's docs give
 * only the 10,000 cap).
 */
export function organizationsJobPostings(
  ctx: CrmContext,
  input: { organization_id: string; page?: number; per_page?: number },
): WorldResult {
  const found = orgById(ctx, input.organization_id);
  if (!found) return notValid('organization_id');
  const { index } = ctx;
  const count = found.kind === 'famous' ? found.f.jobs : index.numJobs[found.o]!;
  const domain = found.kind === 'famous' ? found.f.domain : domainOf(index, found.o);
  const perPage = input.per_page ?? DEFAULT_PER_PAGE;
  const offset = ((input.page ?? 1) - 1) * perPage;
  const rows: Array<Record<string, unknown>> = [];
  for (let k = offset; k < Math.min(count, offset + perPage); k++) {
    const p =
      found.kind === 'famous'
        ? famousPosting(index, found.f, k)
        : generatedPosting(index, found.o, k, count);
    const place = places[p.place]!;
    const minute = hash(index.seed, salt.orgJobs, p.day, k) % 1440;
    rows.push({
      id: p.id,
      title: p.title,
      url: `https://jobs.sandbox.invalid/${domain}/${p.id}`,
      city: place.city,
      state: place.state,
      country: place.country,
      last_seen_at: isoOffset((index.anchorDay - (k % 3)) * DAY_MS + minute * 60_000),
      posted_at: isoOffset(p.day * DAY_MS + minute * 60_000),
    });
  }
  return success({ organization_job_postings: rows }, 1);
}

/**
 * organizations.bulk_enrich: each company found once, 1 credit each. `details` wins over
 * `domains`; a company named twice is enriched and charged once.
 */
export function organizationsBulkEnrich(
  ctx: CrmContext,
  input: { domains?: string[]; details?: OrgIdentifiers[] },
): WorldResult {
  const byDetails = Boolean(input.details?.length);
  const requests: OrgIdentifiers[] = byDetails
    ? input.details!
    : (input.domains ?? []).map((domain) => ({ domain }));
  const keys = new Set(requests.map((r) => JSON.stringify(r)));
  const missing = new Set<string>();
  const seen = new Set<string>();
  const organizations: Array<Record<string, unknown>> = [];
  for (const r of requests) {
    const found = lookupOrg(ctx, r);
    if (!found) {
      missing.add(JSON.stringify(r));
      continue;
    }
    const id = foundId(ctx.index, found);
    if (seen.has(id)) continue;
    seen.add(id);
    const org = organizationObject(ctx, found);
    organizations.push({
      ...org,
      subsidiary_rollups: {
        total_estimated_employee_count: org.estimated_num_employees,
        countries: [org.country],
        industries: [org.industry],
      },
    });
  }
  return success(
    {
      status: 'success',
      error_code: null,
      error_message: null,
      total_requested_records: byDetails ? requests.length : null,
      total_requested_domains: byDetails ? null : requests.length,
      unique_domains: byDetails ? null : keys.size,
      unique_records: byDetails ? keys.size : null,
      unique_enriched_records: organizations.length,
      missing_records: missing.size,
      organizations,
    },
    organizations.length,
  );
}
