// Pins reports.sync over the seeded team: all-time email counts add up to the sequences' own
// history, user buckets add up to the total, sorts and limits apply to buckets, date ranges cut
// the data, ratios carry their denominator, and Apollo's 400s for unknown metrics and missing
// ranges.
import { describe, expect, it } from 'vitest';

import { call, newWorld, type Called } from '../../../test/helpers/sandbox/world-call.js';

const creditsOf = (r: Called) => (r.ok ? r.credits : Number.NaN);

const world = newWorld(21);

const base = {
  metrics: [{ value: 'num_emails_delivered' }],
  group_by: [] as Array<Record<string, unknown>>,
  sorts: [] as Array<Record<string, unknown>>,
  filters: {} as Record<string, unknown>,
  group_by_totals_selected: false,
  pivot_group_by_totals_selected: false,
  date_ranges: [{ modality: 'all_time' }],
};

const delivered = (
  call(world, 'sequences.search', { per_page: 100 }).json.emailer_campaigns as Array<{
    unique_delivered: number;
  }>
).reduce((n, q) => n + q.unique_delivered, 0);

describe('reports.sync', () => {
  it("counts all-time emails as the sequences' history does, for free", () => {
    const r = call(world, 'reports.sync', base);
    expect(creditsOf(r)).toBe(0);
    expect(r.json.response.table_response).toEqual({ num_emails_delivered: delivered });
    expect(r.json.response.group_by_total_response).toEqual({});
    expect(r.json.goals).toEqual([]);
  });

  it('splits by user into buckets that add up to the total, sorted and limited as asked', () => {
    const r = call(world, 'reports.sync', {
      ...base,
      group_by: [{ name: 'smart_user_id' }],
      sorts: [{ asc: false, metric: { value: 'num_emails_delivered' } }],
      group_by_totals_selected: true,
    }).json.response;
    const buckets = r.table_response.smart_user_id.buckets as Array<{
      key: string;
      readable_key: string;
      num_emails_delivered: number;
    }>;
    expect(buckets.length).toBeGreaterThan(1);
    expect(buckets.reduce((n, b) => n + b.num_emails_delivered, 0)).toBe(delivered);
    const values = buckets.map((b) => b.num_emails_delivered);
    expect([...values].sort((a, b) => b - a)).toEqual(values);
    expect(r.group_by_total_response.smart_user_id.buckets).toEqual([
      { key: 'total', readable_key: 'Total', num_emails_delivered: delivered },
    ]);
    const top = call(world, 'reports.sync', {
      ...base,
      group_by: [{ name: 'smart_user_id', limit: 1 }],
      sorts: [{ asc: false, metric: { value: 'num_emails_delivered' } }],
    }).json.response.table_response.smart_user_id.buckets;
    expect(top).toEqual([buckets[0]]);
  });

  it('cuts the data by date range and keeps ratios with their denominator', () => {
    const recent = call(world, 'reports.sync', {
      ...base,
      date_ranges: [{ modality: 'last_30_days' }],
    }).json.response.table_response.num_emails_delivered;
    expect(recent).toBeGreaterThan(0);
    expect(recent).toBeLessThan(delivered);
    const rate = call(world, 'reports.sync', {
      ...base,
      metrics: [{ value: 'email_open_rate' }],
    }).json.response.table_response;
    expect(rate.email_open_rate_denominator).toBe(delivered);
    expect(rate.email_open_rate).toBeGreaterThan(0);
    expect(rate.email_open_rate).toBeLessThan(1);
  });

  it('gives no data for a smart reference it does not know, as Apollo does', () => {
    const r = call(world, 'reports.sync', {
      ...base,
      metrics: [{ value: 'num_emails_delivered', smart_datetime_reference: 'nonsense' }],
    });
    expect(r.json.response.table_response).toEqual({ num_emails_delivered: 0 });
  });

  it('answers 400 for an unknown metric and for a custom range without its dates', () => {
    expect(
      call(world, 'reports.sync', { ...base, metrics: [{ value: 'num_unicorns' }] }),
    ).toMatchObject({ ok: false, status: 400, body: { error: 'Invalid metric type' } });
    expect(
      call(world, 'reports.sync', { ...base, date_ranges: [{ modality: 'custom_range' }] }),
    ).toMatchObject({ ok: false, status: 400 });
    const custom = call(world, 'reports.sync', {
      ...base,
      date_ranges: [{ modality: 'custom_range' }],
      filters: { smart_datetime_range: { min: '1990-01-01', max: '2100-01-01' } },
    });
    expect(custom.json.response.table_response.num_emails_delivered).toBe(delivered);
  });
});
