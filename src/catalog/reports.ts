import { z } from 'zod';

import { clauses, defineAction, quoted } from './define.js';
import { boolParam, intParam, text } from './params.js';

/** The date ranges a report can cover (`date_ranges[].modality`). */
export const reportDateModalities = [
  'today',
  'yesterday',
  'current_week',
  'current_month',
  'current_quarter',
  'current_year',
  'last_7_days',
  'last_2_weeks',
  'last_30_days',
  'last_3_months',
  'last_6_months',
  'last_12_months',
  'last_4_quarters',
  'last_2_years',
  'previous_week',
  'previous_month',
  'previous_quarter',
  'previous_year',
  'all_time',
  'custom_range',
] as const;

const metric = z.looseObject({
  value: text(200).describe(
    'The metric name, e.g. "num_emails_sent", "num_emails_replied" or "custom_metric_<id>".',
  ),
  smart_datetime_reference: text(200)
    .optional()
    .describe('Which date the metric is counted on, e.g. "activity_datetime".'),
  smart_user_id_reference: text(200)
    .optional()
    .describe('Which user the metric is attributed to, e.g. "user_id".'),
  display_name: text(200).optional().describe('A label for the column, e.g. "Emails sent".'),
});

const groupBy = z.looseObject({
  name: text(200).describe(
    'The dimension, e.g. "smart_user_id", "smart_datetime_month" or "contact_stage_id".',
  ),
  limit: intParam(1, 10_000, 'limit').optional().describe('How many buckets to keep, e.g. 10.'),
});

/** Apollo analytics: one report, computed synchronously. */
export const reportsSync = defineAction({
  id: 'reports.sync',
  group: 'reports',
  access: 'read',
  effect: 'read',
  title: 'Run an analytics report',
  method: 'POST',
  path: '/api/v1/reports/sync_report',
  // Apollo's reference: the key must have this endpoint ticked explicitly, and a key without it
  // is refused with 422 rather than the usual 403.
  keyScope: 'api/v1/reports/sync_report',
  oauthScope: 'report_sync',
  rateClass: 'report',
  credits: { kind: 'none' },
  input: z.object({
    metrics: z
      .array(metric)
      .max(50, 'must list at most 50 metrics')
      .describe(
        'The metrics to compute, each {value, smart_datetime_reference, smart_user_id_reference, display_name?}; [] is allowed. Wrong smart references silently give no data. E.g. [{"value": "num_emails_sent", "smart_datetime_reference": "activity_datetime", "smart_user_id_reference": "user_id"}].',
      ),
    group_by: z
      .array(groupBy)
      .max(1, 'group_by takes at most one dimension')
      .describe(
        'At most one dimension to group by, or [], e.g. [{"name": "smart_user_id", "limit": 10}].',
      ),
    sorts: z
      .array(z.looseObject({ asc: boolParam.optional(), metric: metric.optional() }))
      .describe(
        'Sort order; only the first entry is used and only metrics can be sorted on, e.g. [{"asc": false, "metric": {"value": "num_emails_sent"}}], or [].',
      ),
    filters: z
      .record(z.string(), z.unknown())
      .describe(
        'Filters by dimension, e.g. {"smart_user_id": ["current"], "emailer_campaign_ids": ["…"], "smart_datetime_range": {"min": "2025-01-01", "max": "2025-01-31"}} (the range is required with custom_range), or {}.',
      ),
    group_by_totals_selected: boolParam.describe(
      'Whether to also compute the totals row of group_by. true or false.',
    ),
    pivot_group_by_totals_selected: boolParam.describe(
      'Whether to also compute the totals of pivot_group_by. true or false.',
    ),
    date_ranges: z
      .array(z.looseObject({ modality: z.enum(reportDateModalities) }))
      .max(1, 'date_ranges takes at most one range')
      .describe(
        `At most one date range as {modality}: ${reportDateModalities.join(', ')}. E.g. [{"modality": "last_30_days"}].`,
      ),
    pivot_group_by: z
      .array(groupBy)
      .max(1, 'pivot_group_by takes at most one dimension')
      .optional()
      .describe(
        'At most one second dimension to pivot on, e.g. [{"name": "smart_datetime_month"}].',
      ),
    skip_group_by_values: z
      .array(text(200))
      .max(500, 'must list at most 500 values')
      .optional()
      .describe('Bucket keys to leave out of the grouping, up to 500, e.g. ["unknown"].'),
    min_ratio_denominator: intParam(0, 1_000_000_000, 'min_ratio_denominator')
      .optional()
      .describe('Ratios with a smaller denominator are left out (default 0), e.g. 10.'),
  }),
  output: z.looseObject({
    response: z.looseObject({
      table_response: z.unknown(),
      group_by_total_response: z.unknown().optional(),
      pivot_group_by_total_response: z.unknown().optional(),
    }),
    incompatible_filters: z.record(z.string(), z.unknown()).optional(),
    goals: z.array(z.unknown()).optional(),
  }),
  examples: [
    {
      metrics: [
        {
          value: 'num_emails_sent',
          smart_datetime_reference: 'activity_datetime',
          smart_user_id_reference: 'user_id',
        },
      ],
      group_by: [{ name: 'smart_user_id', limit: 10 }],
      sorts: [{ asc: false, metric: { value: 'num_emails_sent' } }],
      filters: { smart_user_id: ['current'] },
      group_by_totals_selected: true,
      pivot_group_by_totals_selected: false,
      date_ranges: [{ modality: 'last_30_days' }],
    },
    {
      metrics: [],
      group_by: [],
      sorts: [],
      filters: {},
      group_by_totals_selected: 'false',
      pivot_group_by_totals_selected: 'false',
      date_ranges: [{ modality: 'all_time' }],
      min_ratio_denominator: 0,
    },
  ],
  description:
    "Run an Apollo analytics report over the team's activity: metrics such as emails sent, " +
    'opened or replied, optionally grouped by user, month or stage, over a date range. Free. ' +
    'Returns a table of metric values (with buckets per group), and totals when asked.',
  phrase: 'ran an analytics report',
  intent: 'run an analytics report',
  target: (i) => {
    const metrics = Array.isArray(i.metrics)
      ? i.metrics.map((m) => String((m as { value?: unknown }).value ?? '?'))
      : [];
    const group = Array.isArray(i.group_by)
      ? (i.group_by[0] as { name?: unknown } | undefined)
      : undefined;
    const range = Array.isArray(i.date_ranges)
      ? (i.date_ranges[0] as { modality?: unknown } | undefined)
      : undefined;
    return clauses([
      metrics.length ? `of ${quoted(metrics, 'and')}` : 'with no metrics',
      group?.name ? `by ${String(group.name)}` : undefined,
      range?.modality ? `over ${String(range.modality).replace(/_/g, ' ')}` : undefined,
    ]);
  },
});
