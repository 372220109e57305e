// Pins the organization endpoints beyond search and enrich: a company by id (the record enrich
// returns, plus monthly employee metrics) for 1 credit; its job postings, as many as the search
// filters count and with the titles they match, 1 credit per page; bulk enrichment's counters
// and per-company charge; news per company, newest first, 25 a page; and the famous companies
// that answer with a synthetic record wherever a company can be named.
import { describe, expect, it } from 'vitest';

import { call, newWorld, type Called } from '../../../test/helpers/sandbox/world-call.js';

const creditsOf = (r: Called) => (r.ok ? r.credits : Number.NaN);

const world = newWorld(9);

function hiringCompany(min: number) {
  const r = call(world, 'organizations.search', {
    organization_num_jobs_range: { min },
    per_page: 1,
  });
  return r.json.organizations[0] ?? r.json.accounts[0];
}

describe('organizations.get', () => {
  it('answers the record enrichment returns, with monthly employee metrics, for 1 credit', () => {
    const row = call(world, 'organizations.search', { per_page: 1 }).json.organizations[0];
    const enriched = call(world, 'organizations.enrich', { domain: row.primary_domain }).json
      .organization;
    const r = call(world, 'organizations.get', { id: row.id });
    expect(creditsOf(r)).toBe(1);
    const { employee_metrics: metrics, ...org } = r.json.organization;
    expect(org).toMatchObject(enriched);
    expect(metrics).toHaveLength(12);
    expect(metrics[0].start_date).toMatch(/^\d{4}-\d{2}-01$/);
    expect(metrics[0].departments[0]).toEqual(
      expect.objectContaining({
        functions: expect.any(String),
        new: expect.any(Number),
        retained: expect.any(Number),
        churned: expect.any(Number),
      }),
    );
  });

  it('answers 422 "id is not a valid ID" for an id it does not know', () => {
    expect(call(world, 'organizations.get', { id: '0123456789abcdef01234567' })).toMatchObject({
      ok: false,
      status: 422,
      body: { error: 'Parameters misconfigured. id is not a valid ID' },
    });
  });
});

describe('organizations.job_postings', () => {
  it('lists as many postings as the job-count filter counts, newest first, 1 credit per page', () => {
    const org = hiringCompany(30);
    const all: Array<{ posted_at: string; city: string; title: string }> = [];
    for (let page = 1; ; page++) {
      const r = call(world, 'organizations.job_postings', {
        organization_id: org.id,
        page,
        per_page: 25,
      });
      expect(creditsOf(r)).toBe(1);
      all.push(...r.json.organization_job_postings);
      if (r.json.organization_job_postings.length < 25) break;
    }
    const exact = call(world, 'organizations.search', {
      organization_ids: [org.id],
      organization_num_jobs_range: { min: all.length, max: all.length },
    }).json.pagination.total_entries;
    expect(exact).toBe(1);
    const dates = all.map((p) => p.posted_at);
    expect([...dates].sort().reverse()).toEqual(dates);
    // The first postings carry the titles the job-title filter matches on.
    const title = all[0]!.title;
    const byTitle = call(world, 'organizations.search', {
      organization_ids: [org.id],
      q_organization_job_titles: [title],
    }).json.pagination.total_entries;
    expect(byTitle).toBe(1);
  });

  it('answers 422 for an unknown organization, charging nothing', () => {
    expect(
      call(world, 'organizations.job_postings', { organization_id: '0123456789abcdef01234567' }),
    ).toMatchObject({
      ok: false,
      status: 422,
      body: { error: 'Parameters misconfigured. organization_id is not a valid ID' },
    });
  });
});

describe('organizations.bulk_enrich', () => {
  it('enriches each company once, counting the requested, unique and missing ones', () => {
    const rows = call(world, 'organizations.search', { per_page: 2 }).json.organizations;
    const domains = [rows[0].primary_domain, rows[1].primary_domain, rows[0].primary_domain];
    const r = call(world, 'organizations.bulk_enrich', {
      domains: [...domains, 'none.example'],
    });
    expect(creditsOf(r)).toBe(2);
    expect(r.json).toMatchObject({
      status: 'success',
      error_code: null,
      total_requested_domains: 4,
      unique_domains: 3,
      unique_enriched_records: 2,
      missing_records: 1,
      total_requested_records: null,
    });
    expect(r.json.organizations.map((o: { id: string }) => o.id)).toEqual([rows[0].id, rows[1].id]);
    expect(r.json.organizations[0].subsidiary_rollups).toMatchObject({
      total_estimated_employee_count: r.json.organizations[0].estimated_num_employees,
    });
  });

  it('reads details over domains', () => {
    const r = call(world, 'organizations.bulk_enrich', {
      domains: ['none.example'],
      details: [{ name: 'Stripe' }, { website: 'https://www.apollo.io/about' }],
    });
    expect(r.json.total_requested_records).toBe(2);
    expect(r.json.total_requested_domains).toBeNull();
    expect(r.json.organizations.map((o: { name: string }) => o.name)).toEqual([
      'Stripe',
      'Apollo.io',
    ]);
  });
});

describe('famous companies', () => {
  it('answers google.com, microsoft.com, apollo.io, salesforce.com and stripe.com with plausible records', () => {
    const names: Record<string, string> = {
      'google.com': 'Google',
      'microsoft.com': 'Microsoft',
      'apollo.io': 'Apollo.io',
      'salesforce.com': 'Salesforce',
      'www.stripe.com': 'Stripe',
    };
    for (const [domain, name] of Object.entries(names)) {
      const r = call(world, 'organizations.enrich', { domain });
      expect(creditsOf(r), domain).toBe(1);
      const org = r.json.organization;
      expect(org.name).toBe(name);
      expect(org.primary_domain).toBe(domain.replace(/^www\./, ''));
      expect(org.estimated_num_employees).toBeGreaterThan(500);
      expect(org.founded_year).toBeGreaterThan(1900);
      expect(org.id).toMatch(/^[0-9a-f]{24}$/);
      expect(call(world, 'organizations.get', { id: org.id }).json.organization.name).toBe(name);
    }
  });

  it('finds them by website, LinkedIn URL, name and alias domain, the same id every way', () => {
    const id = call(world, 'organizations.enrich', { domain: 'meta.com' }).json.organization.id;
    for (const by of [
      { website: 'https://www.facebook.com/' },
      { linkedin_url: 'https://www.linkedin.com/company/meta' },
      { name: 'meta' },
    ]) {
      expect(call(world, 'organizations.enrich', by).json.organization.id).toBe(id);
    }
    // The same seed gives the same ids.
    expect(call(newWorld(9), 'organizations.enrich', { domain: 'meta.com' }).json).toEqual(
      call(world, 'organizations.enrich', { domain: 'meta.com' }).json,
    );
    const linkedin = call(world, 'organizations.enrich', { domain: 'linkedin.com' }).json
      .organization;
    expect(linkedin.owned_by_organization.name).toBe('Microsoft');
  });

  it('have job postings and news', () => {
    const id = call(world, 'organizations.enrich', { domain: 'apollo.io' }).json.organization.id;
    const jobs = call(world, 'organizations.job_postings', { organization_id: id, per_page: 100 });
    expect(jobs.json.organization_job_postings.length).toBeGreaterThan(10);
    const news = call(world, 'news.search', { organization_ids: [id], per_page: 25 }).json;
    expect(news.pagination.total_entries).toBeGreaterThan(25);
    expect(news.news_articles.some((a: { title: string }) => a.title.includes('Apollo.io'))).toBe(
      true,
    );
  });
});

describe('news.search', () => {
  const funded = call(world, 'organizations.search', {
    total_funding_range: { min: 1_000_000 },
    organization_num_employees_ranges: ['1000,'],
    per_page: 1,
  }).json;
  const org = funded.organizations[0] ?? funded.accounts[0];

  it('reports a funded company’s latest round as an investment, newest first, 1 credit a page', () => {
    const r = call(world, 'news.search', { organization_ids: [org.id] });
    expect(creditsOf(r)).toBe(1);
    const articles = r.json.news_articles as Array<{
      published_at: string;
      event_categories: string[];
      organization_ids: string[];
    }>;
    expect(articles.length).toBeGreaterThan(0);
    const dates = articles.map((a) => a.published_at);
    expect([...dates].sort().reverse()).toEqual(dates);
    for (const a of articles) expect(a.organization_ids).toEqual([org.id]);
    const investments = call(world, 'news.search', {
      organization_ids: [org.id],
      categories: ['investment'],
    }).json.news_articles;
    expect(investments.length).toBeGreaterThan(0);
    for (const a of investments) expect(a.event_categories).toEqual(['investment']);
  });

  it('filters by publication date and pages at most 25 articles', () => {
    const id = call(world, 'organizations.enrich', { domain: 'google.com' }).json.organization.id;
    const all = call(world, 'news.search', { organization_ids: [id], per_page: 25 }).json;
    expect(all.news_articles).toHaveLength(25);
    expect(all.pagination.per_page).toBe(25);
    const mid = all.news_articles[10].published_at.slice(0, 10);
    const recent = call(world, 'news.search', {
      organization_ids: [id],
      published_at: { min: mid },
      per_page: 25,
    }).json.news_articles as Array<{ published_at: string }>;
    expect(recent.length).toBeGreaterThan(0);
    for (const a of recent) expect(a.published_at.slice(0, 10) >= mid).toBe(true);
  });

  it('answers an empty page for ids it does not know, still for a credit', () => {
    const r = call(world, 'news.search', { organization_ids: ['0123456789abcdef01234567'] });
    expect(creditsOf(r)).toBe(1);
    expect(r.json.news_articles).toEqual([]);
    expect(r.json.pagination.total_entries).toBe(0);
  });
});
