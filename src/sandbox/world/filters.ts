// Search filters compiled against the organization index. Employer filters become a predicate on a
// company index (plus, for id-like filters, an explicit candidate list); person filters become
// per-title, per-place and per-status acceptance tables so that people-search.ts can count the
// matching people of a company arithmetically.

import { MAX_OFFICES } from './composition.js';
import { dayOf, printed } from './format.js';
import { hash, salt } from './hash.js';
import {
  KEYWORD_WORDS,
  TECH_WORDS,
  findOrg,
  hasBit,
  nameOf,
  orgByDomain,
  orgFromId,
  titlesOf,
  type OrgIndex,
} from './orgs.js';
import { industries, keywords } from './vocab/industries.js';
import { placeMatches, places } from './vocab/locations.js';
import { technologies, technologyIndex } from './vocab/technologies.js';
import { departmentKey, titles } from './vocab/titles.js';

/** One applied filter value, as searches echo them. */
export interface Breadcrumb {
  label: string;
  signal_field_name: string;
  value: unknown;
  display_name: string;
}

type Range<T> = { min?: T; max?: T };

/** The employer filters any search may carry (already parsed by the catalog). */
export interface EmployerInput {
  organization_locations?: string[];
  organization_not_locations?: string[];
  q_organization_domains_list?: string[];
  organization_ids?: string[];
  organization_linkedin_url?: string;
  organization_num_employees_ranges?: string[];
  revenue_range?: Range<number>;
  currently_using_any_of_technology_uids?: string[];
  currently_using_all_of_technology_uids?: string[];
  currently_not_using_any_of_technology_uids?: string[];
  q_organization_job_titles?: string[];
  organization_job_locations?: string[];
  organization_num_jobs_range?: Range<number>;
  organization_job_posted_at_range?: Range<string>;
  q_organization_keyword_tags?: string[];
  q_organization_name?: string;
  organization_industry_tag_ids?: string[];
  latest_funding_amount_range?: Range<number>;
  total_funding_range?: Range<number>;
  latest_funding_date_range?: Range<string>;
}

/** A compiled employer filter. */
export interface EmployerFilter {
  /** Companies to consider, ascending, when an id-like filter narrows them; null means all. */
  readonly candidates: Int32Array | null;
  readonly test: (o: number) => boolean;
  readonly breadcrumbs: Breadcrumb[];
}

const JOB_SAMPLE = 5;

/**
 * True when one of a company's open job postings has an accepted title. Job postings are
 * approximated: up to five titles drawn from the company's own leader and staff titles, present
 * only while it has open jobs.
 */
export function hasJobTitle(index: OrgIndex, o: number, ok: Uint8Array): boolean {
  const n = Math.min(index.numJobs[o]!, JOB_SAMPLE);
  if (n === 0) return false;
  const leaders = titlesOf(index, o, 1);
  const staff = titlesOf(index, o, 2);
  const pool = leaders.length + staff.length;
  for (let k = 0; k < n; k++) {
    const at = hash(index.seed, salt.orgJobs, o, 100 + k) % pool;
    if (ok[at < leaders.length ? leaders[at]! : staff[at - leaders.length]!]) return true;
  }
  return false;
}

function placeTable(terms: string[] | undefined): Uint8Array | null {
  if (!terms) return null;
  const ok = new Uint8Array(places.length);
  places.forEach((p, i) => {
    if (terms.some((t) => placeMatches(p, t))) ok[i] = 1;
  });
  return ok;
}

function techMask(uids: string[]): { mask: Uint32Array; unknown: boolean } {
  const mask = new Uint32Array(TECH_WORDS);
  let unknown = false;
  for (const uid of uids) {
    const i = technologyIndex.get(uid.trim().toLowerCase());
    if (i === undefined) unknown = true;
    else mask[i >> 5]! |= 1 << (i & 31);
  }
  return { mask, unknown };
}

function parseEmployeeRange(text: string): [number, number] {
  const [lo, hi] = text.split(',');
  return [Number(lo), hi === undefined || hi.trim() === '' ? Infinity : Number(hi)];
}

function inRange(v: number, r: Range<number>): boolean {
  return (r.min === undefined || v >= r.min) && (r.max === undefined || v <= r.max);
}

function dayRange(r: Range<string>): Range<number> {
  return {
    ...(r.min !== undefined ? { min: dayOf(r.min) } : {}),
    ...(r.max !== undefined ? { max: dayOf(r.max) } : {}),
  };
}

function money(r: Range<number>): string {
  const lo = r.min !== undefined ? `$${printed(r.min)}` : '';
  const hi = r.max !== undefined ? `$${printed(r.max)}` : '';
  return lo && hi ? `${lo} - ${hi}` : lo ? `${lo}+` : `up to ${hi}`;
}

function span(r: Range<unknown>): string {
  const lo = r.min !== undefined ? String(r.min) : '';
  const hi = r.max !== undefined ? String(r.max) : '';
  return lo && hi ? `${lo} - ${hi}` : lo ? `${lo}+` : `up to ${hi}`;
}

/** Title acceptance for fuzzy (contains) or exact title terms. */
export function titleTable(terms: string[], similar: boolean): Uint8Array {
  const lower = terms.map((t) => t.trim().toLowerCase());
  // Apollo's title filter is fuzzy: "VP Sales" finds "VP of Sales" and "Sales VP". We match a term
  // when each of its words begins a word of the title (assumption: Apollo's exact rules are not
  // published). include_similar_titles=false asks for the exact title.
  const termWords = lower.map((term) => term.split(/[^a-z0-9&+#]+/).filter(Boolean));
  return Uint8Array.from(titles, (t) => {
    if (!similar) return lower.includes(t.lower) ? 1 : 0;
    const words = t.lower.split(/[^a-z0-9&+#]+/).filter(Boolean);
    return termWords.some(
      (tw) => tw.length > 0 && tw.every((w) => words.some((x) => x.startsWith(w))),
    )
      ? 1
      : 0;
  });
}

function sortedUnique(list: number[]): Int32Array {
  return Int32Array.from([...new Set(list)].filter((o) => o >= 0).sort((a, b) => a - b));
}

function intersect(a: Int32Array | null, b: Int32Array): Int32Array {
  if (!a) return b;
  const set = new Set(b);
  return a.filter((o) => set.has(o));
}

/** Compiles the employer filters; unknown domains, ids and technology uids match nothing. */
export function compileEmployerFilter(index: OrgIndex, input: EmployerInput): EmployerFilter {
  const tests: Array<(o: number) => boolean> = [];
  const crumbs: Breadcrumb[] = [];
  const crumb = (label: string, field: string, value: unknown, display: string) =>
    crumbs.push({ label, signal_field_name: field, value, display_name: display });
  let candidates: Int32Array | null = null;
  const offices = index.offices;
  const M = MAX_OFFICES;

  if (input.q_organization_domains_list) {
    candidates = intersect(
      candidates,
      sortedUnique(input.q_organization_domains_list.map((d) => orgByDomain(index, d))),
    );
    for (const d of input.q_organization_domains_list)
      crumb('Company Domains', 'q_organization_domains_list', d, d);
  }
  if (input.organization_ids) {
    candidates = intersect(
      candidates,
      sortedUnique(input.organization_ids.map((id) => orgFromId(index, id))),
    );
    for (const id of input.organization_ids) {
      const o = orgFromId(index, id);
      crumb('Companies', 'organization_ids', id, o >= 0 ? nameOf(index, o) : id);
    }
  }
  if (input.organization_linkedin_url) {
    candidates = intersect(
      candidates,
      sortedUnique([findOrg(index, { linkedinUrl: input.organization_linkedin_url })]),
    );
    crumb(
      'Company LinkedIn URL',
      'organization_linkedin_url',
      input.organization_linkedin_url,
      input.organization_linkedin_url,
    );
  }
  if (input.organization_locations) {
    const ok = placeTable(input.organization_locations)!;
    tests.push((o) => ok[offices[o * M]!] === 1);
    for (const l of input.organization_locations)
      crumb('Company Locations', 'organization_locations', l, l);
  }
  if (input.organization_not_locations) {
    const bad = placeTable(input.organization_not_locations)!;
    tests.push((o) => bad[offices[o * M]!] !== 1);
    for (const l of input.organization_not_locations)
      crumb('Excluded Company Locations', 'organization_not_locations', l, l);
  }
  if (input.organization_num_employees_ranges) {
    const ranges = input.organization_num_employees_ranges.map(parseEmployeeRange);
    const emp = index.employees;
    tests.push((o) => {
      const e = emp[o]!;
      for (const [lo, hi] of ranges) if (e >= lo && e <= hi) return true;
      return false;
    });
    for (const r of input.organization_num_employees_ranges) {
      const [lo, hi] = parseEmployeeRange(r);
      crumb(
        '# Employees',
        'organization_num_employees_ranges',
        r,
        hi === Infinity ? `${lo}+` : `${lo}-${hi}`,
      );
    }
  }
  if (input.revenue_range) {
    const r = input.revenue_range;
    const rev = index.revenue;
    tests.push((o) => rev[o]! > 0 && inRange(rev[o]!, r));
    crumb('Revenue', 'revenue_range', r, money(r));
  }
  const tech = index.tech;
  if (input.currently_using_any_of_technology_uids) {
    const { mask } = techMask(input.currently_using_any_of_technology_uids);
    tests.push((o) => {
      for (let w = 0; w < TECH_WORDS; w++) if (tech[o * TECH_WORDS + w]! & mask[w]!) return true;
      return false;
    });
    for (const uid of input.currently_using_any_of_technology_uids) {
      const t = technologies[technologyIndex.get(uid.toLowerCase()) ?? -1];
      crumb('Technologies', 'currently_using_any_of_technology_uids', uid, t?.name ?? uid);
    }
  }
  if (input.currently_using_all_of_technology_uids) {
    const { mask, unknown } = techMask(input.currently_using_all_of_technology_uids);
    tests.push((o) => {
      if (unknown) return false;
      for (let w = 0; w < TECH_WORDS; w++)
        if ((tech[o * TECH_WORDS + w]! & mask[w]!) >>> 0 !== mask[w]) return false;
      return true;
    });
    for (const uid of input.currently_using_all_of_technology_uids)
      crumb('Technologies (all of)', 'currently_using_all_of_technology_uids', uid, uid);
  }
  if (input.currently_not_using_any_of_technology_uids) {
    const { mask } = techMask(input.currently_not_using_any_of_technology_uids);
    tests.push((o) => {
      for (let w = 0; w < TECH_WORDS; w++) if (tech[o * TECH_WORDS + w]! & mask[w]!) return false;
      return true;
    });
    for (const uid of input.currently_not_using_any_of_technology_uids)
      crumb('Excluded Technologies', 'currently_not_using_any_of_technology_uids', uid, uid);
  }
  if (input.q_organization_keyword_tags) {
    const tags = input.q_organization_keyword_tags.map((t) => t.trim().toLowerCase());
    const mask = new Uint32Array(KEYWORD_WORDS);
    keywords.forEach((k, i) => {
      if (tags.some((t) => k.includes(t))) mask[i >> 5]! |= 1 << (i & 31);
    });
    const industryOk = Uint8Array.from(industries, (ind) =>
      tags.some((t) => ind.name.includes(t)) ? 1 : 0,
    );
    const kw = index.keywords;
    const ind = index.industry;
    tests.push((o) => {
      if (industryOk[ind[o]!]) return true;
      for (let w = 0; w < KEYWORD_WORDS; w++)
        if (kw[o * KEYWORD_WORDS + w]! & mask[w]!) return true;
      return false;
    });
    for (const t of input.q_organization_keyword_tags)
      crumb('Keywords', 'q_organization_keyword_tags', t, t);
  }
  if (input.q_organization_name) {
    const hits = index.nameHits(input.q_organization_name.trim().toLowerCase());
    tests.push((o) => hits[o] === 1);
    crumb(
      'Company Name',
      'q_organization_name',
      input.q_organization_name,
      input.q_organization_name,
    );
  }
  if (input.organization_industry_tag_ids) {
    const ids = new Set(input.organization_industry_tag_ids.map((t) => t.toLowerCase()));
    const ok = Uint8Array.from(industries, (i) => (ids.has(i.tagId) ? 1 : 0));
    const ind = index.industry;
    tests.push((o) => ok[ind[o]!] === 1);
    for (const id of input.organization_industry_tag_ids) {
      const i = industries.find((x) => x.tagId === id.toLowerCase());
      crumb('Industry', 'organization_industry_tag_ids', id, i?.name ?? id);
    }
  }
  if (input.total_funding_range) {
    const r = input.total_funding_range;
    const f = index.totalFunding;
    tests.push((o) => f[o]! > 0 && inRange(f[o]!, r));
    crumb('Total Funding', 'total_funding_range', r, money(r));
  }
  if (input.latest_funding_amount_range) {
    const r = input.latest_funding_amount_range;
    const f = index.latestFunding;
    tests.push((o) => f[o]! > 0 && inRange(f[o]!, r));
    crumb('Latest Funding Amount', 'latest_funding_amount_range', r, money(r));
  }
  if (input.latest_funding_date_range) {
    const r = dayRange(input.latest_funding_date_range);
    const f = index.totalFunding;
    const d = index.latestFundingDay;
    tests.push((o) => f[o]! > 0 && inRange(d[o]!, r));
    crumb(
      'Latest Funding Date',
      'latest_funding_date_range',
      input.latest_funding_date_range,
      span(input.latest_funding_date_range),
    );
  }
  const jobs = index.numJobs;
  if (input.q_organization_job_titles) {
    const ok = titleTable(input.q_organization_job_titles, true);
    tests.push((o) => hasJobTitle(index, o, ok));
    for (const t of input.q_organization_job_titles)
      crumb('Job Titles (Job Postings)', 'q_organization_job_titles', t, t);
  }
  if (input.organization_job_locations) {
    const ok = placeTable(input.organization_job_locations)!;
    const count = index.officeCount;
    tests.push((o) => {
      if (jobs[o] === 0) return false;
      for (let k = 0; k < count[o]!; k++) if (ok[offices[o * M + k]!]) return true;
      return false;
    });
    for (const l of input.organization_job_locations)
      crumb('Job Locations (Job Postings)', 'organization_job_locations', l, l);
  }
  if (input.organization_num_jobs_range) {
    const r = input.organization_num_jobs_range;
    tests.push((o) => inRange(jobs[o]!, r));
    crumb('# Active Job Postings', 'organization_num_jobs_range', r, span(r));
  }
  if (input.organization_job_posted_at_range) {
    const r = dayRange(input.organization_job_posted_at_range);
    const d = index.latestJobDay;
    tests.push((o) => jobs[o]! > 0 && inRange(d[o]!, r));
    crumb(
      'Job Posted At',
      'organization_job_posted_at_range',
      input.organization_job_posted_at_range,
      span(input.organization_job_posted_at_range),
    );
  }

  const test =
    tests.length === 0
      ? () => true
      : tests.length === 1
        ? tests[0]!
        : (o: number) => {
            for (const t of tests) if (!t(o)) return false;
            return true;
          };
  return { candidates, test, breadcrumbs: crumbs };
}

/** The person-level filters of the people search. */
export interface PersonInput {
  person_titles?: string[];
  include_similar_titles?: boolean;
  person_seniorities?: string[];
  person_departments?: string[];
  person_locations?: string[];
  contact_email_status?: string[];
  q_keywords?: string;
}

/** A compiled person filter. */
export interface PersonFilter {
  /** True when no person-level filter applies: every person of a passing company matches. */
  readonly none: boolean;
  /** Title acceptance from titles, seniorities and departments. */
  readonly titleOk: Uint8Array;
  /** Keyword words (each must appear in the title or the employer); empty when none. */
  readonly words: readonly string[];
  /** Bit set of the words a company's name, keyword tags or industry contain. */
  readonly orgWords: (o: number) => number;
  readonly placeOk: Uint8Array | null;
  readonly statusOk: Uint8Array | null;
  /** Positions (within the slot's title list) of acceptable titles, given the words still needed. */
  readonly titlePositions: (slot: number, needed: number) => Int16Array;
}

const MAX_WORDS = 8;

/** Compiles the person-level filters. */
export function compilePersonFilter(
  index: OrgIndex,
  input: PersonInput,
  titleListAt: (slot: number) => Int16Array,
): PersonFilter {
  const titleOk = new Uint8Array(titles.length).fill(1);
  if (input.person_titles) {
    const ok = titleTable(input.person_titles, input.include_similar_titles !== false);
    for (let i = 0; i < titleOk.length; i++) titleOk[i]! &= ok[i]!;
  }
  if (input.person_seniorities) {
    const set = new Set(input.person_seniorities);
    titles.forEach((t, i) => {
      if (!set.has(t.seniority)) titleOk[i] = 0;
    });
  }
  if (input.person_departments) {
    const keys = new Set(input.person_departments.map(departmentKey));
    titles.forEach((t, i) => {
      if (!t.departments.some((d) => keys.has(d))) titleOk[i] = 0;
    });
  }
  const words = input.q_keywords
    ? [...new Set(input.q_keywords.toLowerCase().split(/\s+/).filter(Boolean))].slice(0, MAX_WORDS)
    : [];
  const titleWords = Int32Array.from(titles, (t) =>
    words.reduce((bits, w, i) => (t.lower.includes(w) ? bits | (1 << i) : bits), 0),
  );
  const kwBits = keywords.map((k) =>
    words.reduce((bits, w, i) => (k.includes(w) ? bits | (1 << i) : bits), 0),
  );
  const industryBits = industries.map((ind) =>
    words.reduce((bits, w, i) => (ind.name.includes(w) ? bits | (1 << i) : bits), 0),
  );
  const kwWithBits = kwBits.map((b, i) => [i, b] as const).filter(([, b]) => b !== 0);
  const nameHits = words.map((w) => index.nameHits(w));
  const orgWords = (o: number): number => {
    let bits = industryBits[index.industry[o]!]!;
    for (const [i, b] of kwWithBits) if (hasBit(index.keywords, KEYWORD_WORDS, o, i)) bits |= b;
    for (let i = 0; i < nameHits.length; i++) if (nameHits[i]![o]) bits |= 1 << i;
    return bits;
  };
  const placeOk = placeTable(input.person_locations);
  let statusOk: Uint8Array | null = null;
  if (input.contact_email_status) {
    const set = new Set(input.contact_email_status);
    statusOk = Uint8Array.from(
      ['verified', 'unverified', 'likely to engage', 'unavailable'],
      (s) => (set.has(s) ? 1 : 0),
    );
  }
  const cache = new Map<number, Int16Array>();
  const titlePositions = (slotIndex: number, needed: number): Int16Array => {
    const key = slotIndex * 512 + needed;
    let hit = cache.get(key);
    if (!hit) {
      const list = titleListAt(slotIndex);
      const pos: number[] = [];
      list.forEach((t, p) => {
        if (titleOk[t] && (titleWords[t]! & needed) === needed) pos.push(p);
      });
      hit = Int16Array.from(pos);
      cache.set(key, hit);
    }
    return hit;
  };
  const none =
    !input.person_titles &&
    !input.person_seniorities &&
    !input.person_departments &&
    words.length === 0 &&
    !placeOk &&
    !statusOk;
  return { none, titleOk, words, orgWords, placeOk, statusOk, titlePositions };
}
