// Pins the organization database: a broad search over 100,000+ companies, filters that filter
// with one breadcrumb per value, saved accounts split out, 1 credit per page, and enrichment by
// domain, website, name or LinkedIn URL (unknown ⇒ {} for free).
import { describe, expect, it } from 'vitest';

import { call, newWorld } from '../../../test/helpers/sandbox/world-call.js';

const world = newWorld(9);

describe('organizations.search', () => {
  it('reports more than 50,000 companies for a broad search, at 1 credit per page', () => {
    const r = call(world, 'organizations.search', {});
    expect(r.ok && r.credits).toBe(1);
    expect(r.json.pagination).toMatchObject({ page: 1, per_page: 25 });
    expect(r.json.pagination.total_entries).toBeGreaterThanOrEqual(100_000);
    expect(r.json.pagination.total_pages).toBe(Math.ceil(r.json.pagination.total_entries / 25));
    expect(r.json.accounts.length + r.json.organizations.length).toBe(25);
    expect(r.json.model_ids).toHaveLength(25);
    expect(r.json).toMatchObject({
      breadcrumbs: [],
      partial_results_only: false,
      has_join: false,
      disable_eu_prospecting: false,
      num_fetch_result: null,
      derived_params: null,
    });
  });

  it('filters by size, location, keyword tag and technology, with one breadcrumb per value', () => {
    const filters = {
      organization_num_employees_ranges: ['51,200', '1001,5000'],
      organization_locations: ['California'],
      q_organization_keyword_tags: ['saas'],
      currently_using_any_of_technology_uids: ['salesforce', 'hubspot'],
      per_page: 20,
    };
    const r = call(world, 'organizations.search', filters).json;
    expect(r.pagination.total_entries).toBeGreaterThan(0);
    expect(r.breadcrumbs.map((b: { signal_field_name: string }) => b.signal_field_name)).toEqual([
      'organization_locations',
      'organization_num_employees_ranges',
      'organization_num_employees_ranges',
      'currently_using_any_of_technology_uids',
      'currently_using_any_of_technology_uids',
      'q_organization_keyword_tags',
    ]);
    expect(r.breadcrumbs[1]).toMatchObject({
      label: '# Employees',
      value: '51,200',
      display_name: '51-200',
    });
    for (const row of r.organizations) {
      const org = call(world, 'organizations.enrich', { domain: row.primary_domain }).json
        .organization;
      expect(org.id).toBe(row.id);
      const n = org.estimated_num_employees;
      expect((n >= 51 && n <= 200) || (n >= 1001 && n <= 5000)).toBe(true);
      expect(org.state).toBe('California');
      expect(
        org.keywords.some((k: string) => k.includes('saas')) || org.industry.includes('saas'),
      ).toBe(true);
      expect(
        org.current_technologies.some((t: { uid: string }) =>
          ['salesforce', 'hubspot'].includes(t.uid),
        ),
      ).toBe(true);
    }
  });

  it('lists companies saved as team accounts under accounts', () => {
    const saved = call(world, 'accounts.search', { per_page: 100 }).json.accounts.filter(
      (a: { organization_id: string | null }) => a.organization_id,
    );
    expect(saved.length).toBeGreaterThan(10);
    const ids = saved.slice(0, 3).map((a: { organization_id: string }) => a.organization_id);
    const r = call(world, 'organizations.search', { organization_ids: ids }).json;
    expect(r.pagination.total_entries).toBe(3);
    expect(r.organizations).toEqual([]);
    expect(r.accounts.map((a: { organization_id: string }) => a.organization_id).sort()).toEqual(
      [...ids].sort(),
    );
    expect(r.model_ids).toEqual(r.accounts.map((a: { id: string }) => a.id));
  });

  it('filters by partial company name, industry tag, funding and revenue', () => {
    const first = call(world, 'organizations.enrich', {
      domain: call(world, 'organizations.search', { per_page: 1 }).json.organizations[0]
        .primary_domain,
    }).json.organization;
    const byName = call(world, 'organizations.search', {
      q_organization_name: first.name.slice(0, 6),
      per_page: 100,
    }).json;
    for (const o of byName.organizations)
      expect(o.name.toLowerCase()).toContain(first.name.slice(0, 6).toLowerCase());
    const byIndustry = call(world, 'organizations.search', {
      organization_industry_tag_ids: [first.industry_tag_id],
    }).json;
    expect(byIndustry.pagination.total_entries).toBeGreaterThan(100);
    expect(byIndustry.pagination.total_entries).toBeLessThan(60_000);
    const funded = call(world, 'organizations.search', {
      total_funding_range: { min: 50_000_000 },
      per_page: 5,
    }).json;
    for (const o of funded.organizations) {
      const full = call(world, 'organizations.enrich', { domain: o.primary_domain }).json
        .organization;
      expect(full.total_funding).toBeGreaterThanOrEqual(50_000_000);
    }
    const rich = call(world, 'organizations.search', { revenue_range: { min: 1e9 } }).json
      .pagination.total_entries;
    const all = call(world, 'organizations.search', {}).json.pagination.total_entries;
    expect(rich).toBeGreaterThan(0);
    expect(rich).toBeLessThan(all / 10);
  });
});

describe('organizations.enrich', () => {
  const row = call(world, 'organizations.search', { per_page: 1, page: 3 }).json.organizations[0];

  it('finds a company by domain, website, exact name or LinkedIn URL for 1 credit', () => {
    const byDomain = call(world, 'organizations.enrich', { domain: row.primary_domain });
    expect(byDomain.ok && byDomain.credits).toBe(1);
    const org = byDomain.json.organization;
    expect(org).toMatchObject({ id: row.id, name: row.name, primary_domain: row.primary_domain });
    for (const key of [
      'industry',
      'keywords',
      'estimated_num_employees',
      'city',
      'country',
      'departmental_head_count',
    ])
      expect(org).toHaveProperty(key);
    expect(
      call(world, 'organizations.enrich', { website: `https://www.${row.primary_domain}/about` })
        .json.organization.id,
    ).toBe(row.id);
    expect(
      call(world, 'organizations.enrich', { name: row.name.toUpperCase() }).json.organization.id,
    ).toBe(row.id);
    expect(
      call(world, 'organizations.enrich', { linkedin_url: row.linkedin_url }).json.organization.id,
    ).toBe(row.id);
  });

  it('answers {} for free for an unknown company', () => {
    const r = call(world, 'organizations.enrich', { domain: 'no-such-company.example' });
    expect(r.json).toEqual({});
    expect(r.ok && r.credits).toBe(0);
  });
});
