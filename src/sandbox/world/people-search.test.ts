// Pins the people search: every returned row satisfies every filter given (checked through the
// person's enrichment), totals agree with paging, and rows stop at 50,000 reachable.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { call, newWorld } from '../../../test/helpers/sandbox/world-call.js';

/* eslint-disable @typescript-eslint/no-explicit-any */

const world = newWorld(11);

const titleTerms = [
  'sales',
  'engineer',
  'Chief',
  'manager',
  'VP of Marketing',
  'VP Sales',
  'director',
  'nurse',
];
const seniorities = ['c_suite', 'vp', 'director', 'manager', 'senior', 'entry', 'founder', 'head'];
const departments = ['sales', 'master_engineering_technical', 'marketing', 'c_suite', 'finance'];
const locations = ['United States', 'Germany', 'California', 'London', 'Texas', 'India', 'Canada'];
const statuses = ['verified', 'unverified', 'likely to engage', 'unavailable'];
const employeeRanges = ['1,10', '11,50', '51,200', '201,1000', '1001,5000', '5001,'];
const keywordTags = ['saas', 'logistics', 'banking', 'consulting', 'media', 'health'];
const techs = ['salesforce', 'hubspot', 'wordpress_org', 'amazon_aws', 'shopify'];
const words = ['sales', 'engineer', 'software', 'fintech', 'bank', 'labs'];

const filterArb = fc.record(
  {
    person_titles: fc.subarray(titleTerms, { minLength: 1, maxLength: 2 }),
    person_seniorities: fc.subarray(seniorities, { minLength: 1, maxLength: 3 }),
    person_departments: fc.subarray(departments, { minLength: 1, maxLength: 2 }),
    person_locations: fc.subarray(locations, { minLength: 1, maxLength: 2 }),
    contact_email_status: fc.subarray(statuses, { minLength: 1, maxLength: 2 }),
    q_keywords: fc.constantFrom(...words),
    organization_num_employees_ranges: fc.subarray(employeeRanges, { minLength: 1, maxLength: 2 }),
    organization_locations: fc.subarray(locations, { minLength: 1, maxLength: 2 }),
    q_organization_keyword_tags: fc.subarray(keywordTags, { minLength: 1, maxLength: 2 }),
    currently_using_any_of_technology_uids: fc.subarray(techs, { minLength: 1, maxLength: 2 }),
    revenue_range: fc.constantFrom({ min: 1_000_000 }, { max: 50_000_000 }, { min: 5e6, max: 5e8 }),
  },
  { requiredKeys: [] },
);

type Filters = Partial<Record<string, unknown>> & Record<string, any>;

const lc = (s: unknown) => String(s ?? '').toLowerCase();

/** The oracle: an independent reading of each filter against the enriched person. */
function violations(f: Filters, person: any): string[] {
  const org = person.organization;
  const out: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) out.push(what);
  };
  const place = (term: string, city: string, state: string | null, country: string) =>
    [city, state, country].some((x) => lc(x) === lc(term));
  if (f.person_titles)
    check(
      f.person_titles.some((t: string) =>
        lc(t)
          .split(/[^a-z0-9&+#]+/)
          .filter(Boolean)
          .every((w) =>
            lc(person.title)
              .split(/[^a-z0-9&+#]+/)
              .some((x) => x.startsWith(w)),
          ),
      ),
      'title',
    );
  if (f.person_seniorities) check(f.person_seniorities.includes(person.seniority), 'seniority');
  if (f.person_departments)
    check(
      f.person_departments.some((d: string) =>
        person.departments
          .map((x: string) => x.replace(/^master_/, ''))
          .includes(d.replace(/^master_/, '')),
      ),
      'department',
    );
  if (f.person_locations)
    check(
      f.person_locations.some((l: string) => place(l, person.city, person.state, person.country)),
      'location',
    );
  if (f.contact_email_status)
    check(f.contact_email_status.includes(person.email_status), 'email status');
  if (f.q_keywords) {
    const hay = [person.title, org.name, ...org.keywords, org.industry].map(lc).join(' | ');
    check(
      lc(f.q_keywords)
        .split(/\s+/)
        .every((w) => hay.includes(w)),
      'keywords',
    );
  }
  if (f.organization_num_employees_ranges)
    check(
      f.organization_num_employees_ranges.some((r: string) => {
        const [lo, hi] = r.split(',');
        const n = org.estimated_num_employees;
        return n >= Number(lo) && (hi === '' || n <= Number(hi));
      }),
      'employees',
    );
  if (f.organization_locations)
    check(
      f.organization_locations.some((l: string) => place(l, org.city, org.state, org.country)),
      'hq',
    );
  if (f.q_organization_keyword_tags)
    check(
      f.q_organization_keyword_tags.some(
        (t: string) => org.keywords.some((k: string) => k.includes(t)) || org.industry.includes(t),
      ),
      'keyword tags',
    );
  if (f.currently_using_any_of_technology_uids)
    check(
      org.current_technologies.some((t: { uid: string }) =>
        f.currently_using_any_of_technology_uids.includes(t.uid),
      ),
      'technology',
    );
  if (f.revenue_range) {
    const r = f.revenue_range;
    const v = org.annual_revenue;
    check(
      v !== null && (r.min === undefined || v >= r.min) && (r.max === undefined || v <= r.max),
      'revenue',
    );
  }
  return out;
}

describe('people search', () => {
  it('reports hundreds of millions of people for a broad search, 25 rows by default', () => {
    const r = call(world, 'people.search', {});
    expect(r.json.total_entries).toBeGreaterThan(100_000_000);
    expect(r.json.people).toHaveLength(25);
    expect(r.json).not.toHaveProperty('pagination');
    const row = r.json.people[0];
    expect(row.last_name_obfuscated).toMatch(/^.{2}\*\*\*.$/);
    expect(['Yes', 'Maybe: please request direct dial via people/bulk_match']).toContain(
      row.has_direct_phone,
    );
    expect(row.organization).toHaveProperty('has_employee_count');
  });

  it('returns only rows that satisfy every filter given', () => {
    fc.assert(
      fc.property(filterArb, fc.integer({ min: 1, max: 3 }), (filters, page) => {
        const r = call(world, 'people.search', { ...filters, per_page: 4, page });
        expect(r.json.people.length).toBeLessThanOrEqual(4);
        if (r.json.total_entries === 0) expect(r.json.people).toEqual([]);
        for (const row of r.json.people) {
          const m = call(world, 'people.match', { id: row.id });
          expect(m.json.person.id).toBe(row.id);
          expect(violations(filters, m.json.person), JSON.stringify(filters)).toEqual([]);
        }
      }),
      { numRuns: 40, seed: 20261123 },
    );
  });

  it('matches titles word by word, as Apollo does: "VP Sales" finds "VP of Sales"', () => {
    const r = call(world, 'people.search', { person_titles: ['VP Sales'], per_page: 20 }).json;
    expect(r.total_entries).toBeGreaterThan(0);
    const titles: string[] = r.people.map((p: { title: string }) => p.title);
    expect(titles).toContain('VP of Sales');
    for (const t of titles) expect(t.toLowerCase()).toMatch(/\bvp\b.*\bsales|\bsales.*\bvp\b/);
  });

  it('matches exact titles only when include_similar_titles is false', () => {
    const fuzzy = call(world, 'people.search', { person_titles: ['Software Engineer'] }).json;
    const exact = call(world, 'people.search', {
      person_titles: ['software engineer'],
      include_similar_titles: false,
      per_page: 50,
    }).json;
    expect(exact.total_entries).toBeGreaterThan(0);
    expect(exact.total_entries).toBeLessThan(fuzzy.total_entries);
    expect(new Set(exact.people.map((p: { title: string }) => p.title))).toEqual(
      new Set(['Software Engineer']),
    );
  });

  it('restricts by employer domain, organization id and job postings', () => {
    const org = call(world, 'organizations.search', { per_page: 1 }).json.organizations[0];
    const byDomain = call(world, 'people.search', {
      q_organization_domains_list: [org.primary_domain],
      per_page: 100,
    }).json;
    const byId = call(world, 'people.search', { organization_ids: [org.id], per_page: 100 }).json;
    expect(byDomain.total_entries).toBeGreaterThan(0);
    expect(byId.total_entries).toBe(byDomain.total_entries);
    expect(new Set(byDomain.people.map((p: any) => p.organization.name))).toEqual(
      new Set([org.name]),
    );
    const all = call(world, 'people.search', {}).json.total_entries;
    const hiring = call(world, 'people.search', { q_organization_job_titles: ['engineer'] }).json
      .total_entries;
    expect(hiring).toBeGreaterThan(0);
    expect(hiring).toBeLessThan(all);
    const unknown = call(world, 'people.search', {
      q_organization_domains_list: ['no-such-company.example'],
    });
    expect(unknown.json).toEqual({ total_entries: 0, people: [] });
  });

  it('pages through a narrow filter to exactly total_entries distinct rows', () => {
    // One filter on each factor: titles, offices and email-status variants.
    const filters = {
      person_titles: ['VP of Sales'],
      person_locations: ['Denver'],
      contact_email_status: ['verified', 'likely to engage'],
    };
    const total = call(world, 'people.search', filters).json.total_entries;
    expect(total).toBeGreaterThan(100);
    expect(total).toBeLessThan(3000);
    const ids: string[] = [];
    for (let page = 1; ; page++) {
      const rows = call(world, 'people.search', { ...filters, per_page: 100, page }).json.people;
      expect(rows.length).toBeLessThanOrEqual(100);
      if (rows.length === 0) break;
      ids.push(...rows.map((r: { id: string }) => r.id));
    }
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
  });

  it('reaches at most 50,000 rows: page 500 is full, beyond it and beyond the total are empty', () => {
    const last = call(world, 'people.search', { page: 500, per_page: 100 }).json;
    expect(last.people).toHaveLength(100);
    // The catalog refuses page 501; the world guards it too.
    const beyond = world.run(
      'people.search',
      { page: 501, per_page: 100 },
      { userId: world.team.ownerUserId },
    );
    expect(beyond.ok && (beyond.body as { people: unknown[] }).people).toEqual([]);
    const narrow = { person_titles: ['Chief Medical Officer'], organization_locations: ['Austin'] };
    const total = call(world, 'people.search', narrow).json.total_entries;
    const past = call(world, 'people.search', {
      ...narrow,
      page: Math.ceil(total / 10) + 1,
      per_page: 10,
    }).json;
    expect(past).toEqual({ total_entries: total, people: [] });
  });
});
