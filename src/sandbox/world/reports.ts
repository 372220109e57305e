// reports.sync: Apollo analytics over the team's seeded activity. Email metrics
// come from each sequence's history, spread evenly over the time it was in use; contact, task and
// deal metrics from the records' own dates. Groups: by user, month, sequence or contact stage.

import { DAY_MS } from './format.js';
import type { CrmContext, SequenceRecord } from './crm/state.js';
import { success, type WorldResult } from './result.js';

interface MetricInput {
  value: string;
  smart_datetime_reference?: string;
  smart_user_id_reference?: string;
}

/** reports.sync's parsed input (the parts the sandbox reads). */
export interface ReportInput {
  metrics: MetricInput[];
  group_by: Array<{ name: string; limit?: number }>;
  sorts: Array<{ asc?: boolean; metric?: { value?: string } }>;
  filters: Record<string, unknown>;
  group_by_totals_selected: boolean;
  pivot_group_by_totals_selected: boolean;
  date_ranges: Array<{ modality: string }>;
  pivot_group_by?: Array<{ name: string; limit?: number }>;
  skip_group_by_values?: string[];
  min_ratio_denominator?: number;
}

/** One unit of activity a metric counts, with its time, user, sequence and stage. */
interface Fact {
  at: number;
  userId: string;
  sequenceId: string | null;
  stageId: string | null;
  counts: Record<string, number>;
}

const historyMetrics: Record<string, (h: Record<string, number>) => number> = {
  num_emails_sent: (h) => (h.unique_delivered ?? 0) + (h.unique_bounced ?? 0),
  num_emails_delivered: (h) => h.unique_delivered ?? 0,
  num_emails_opened: (h) => h.unique_opened ?? 0,
  num_emails_clicked: (h) => h.unique_clicked ?? 0,
  num_emails_replied: (h) => h.unique_replied ?? 0,
  num_emails_bounced: (h) => h.unique_bounced ?? 0,
  num_emails_unsubscribed: (h) => h.unique_unsubscribed ?? 0,
  num_emails_spam_blocked: (h) => h.unique_spam_blocked ?? 0,
  num_meetings_booked: (h) => h.unique_demoed ?? 0,
};

const recordMetrics = [
  'num_contacts_created',
  'num_tasks_completed',
  'num_opportunities_created',
  'num_opportunities_won',
];

/** Ratio metrics: numerator and denominator counts. */
const ratios: Record<string, [string, string]> = {
  email_open_rate: ['num_emails_opened', 'num_emails_delivered'],
  email_click_rate: ['num_emails_clicked', 'num_emails_delivered'],
  email_reply_rate: ['num_emails_replied', 'num_emails_delivered'],
  email_bounce_rate: ['num_emails_bounced', 'num_emails_sent'],
};

const datetimeRefs = new Set(['activity_datetime', 'created_at', 'completed_at', 'sent_at']);
const userRefs = new Set(['user_id', 'owner_id', 'created_by_id']);

function known(metric: string): boolean {
  return (
    metric in historyMetrics ||
    metric in ratios ||
    recordMetrics.includes(metric) ||
    /^custom_metric_[0-9a-f]+$/i.test(metric)
  );
}

/** The [start, end) of a date range modality, relative to `now` (UTC days). */
function rangeOf(
  modality: string,
  now: number,
  filters: Record<string, unknown>,
): [number, number] {
  const day = Math.floor(now / DAY_MS) * DAY_MS;
  const d = new Date(day);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const q = Math.floor(m / 3) * 3;
  const weekStart = day - ((d.getUTCDay() + 6) % 7) * DAY_MS;
  const back = (days: number): [number, number] => [day - (days - 1) * DAY_MS, day + DAY_MS];
  switch (modality) {
    case 'today':
      return [day, day + DAY_MS];
    case 'yesterday':
      return [day - DAY_MS, day];
    case 'current_week':
      return [weekStart, day + DAY_MS];
    case 'current_month':
      return [Date.UTC(y, m, 1), day + DAY_MS];
    case 'current_quarter':
      return [Date.UTC(y, q, 1), day + DAY_MS];
    case 'current_year':
      return [Date.UTC(y, 0, 1), day + DAY_MS];
    case 'last_7_days':
      return back(7);
    case 'last_2_weeks':
      return back(14);
    case 'last_30_days':
      return back(30);
    case 'last_3_months':
      return [Date.UTC(y, m - 3, d.getUTCDate()), day + DAY_MS];
    case 'last_6_months':
      return [Date.UTC(y, m - 6, d.getUTCDate()), day + DAY_MS];
    case 'last_12_months':
    case 'last_4_quarters':
      return [Date.UTC(y - 1, m, d.getUTCDate()), day + DAY_MS];
    case 'last_2_years':
      return [Date.UTC(y - 2, m, d.getUTCDate()), day + DAY_MS];
    case 'previous_week':
      return [weekStart - 7 * DAY_MS, weekStart];
    case 'previous_month':
      return [Date.UTC(y, m - 1, 1), Date.UTC(y, m, 1)];
    case 'previous_quarter':
      return [Date.UTC(y, q - 3, 1), Date.UTC(y, q, 1)];
    case 'previous_year':
      return [Date.UTC(y - 1, 0, 1), Date.UTC(y, 0, 1)];
    case 'custom_range': {
      const r = (filters.smart_datetime_range ?? {}) as { min?: unknown; max?: unknown };
      const min = typeof r.min === 'string' ? Date.parse(r.min) : NaN;
      const max = typeof r.max === 'string' ? Date.parse(r.max) : NaN;
      return [
        Number.isFinite(min) ? min : 0,
        Number.isFinite(max) ? max + DAY_MS : Number.MAX_SAFE_INTEGER,
      ];
    }
    default:
      return [0, Number.MAX_SAFE_INTEGER];
  }
}

/** A sequence's history as one fact per month it was in use, each holding its share. */
function sequenceFacts(q: SequenceRecord, now: number): Fact[] {
  const end = q.lastUsedAt ?? now;
  const months = Math.max(1, Math.ceil((end - q.createdAt) / (30 * DAY_MS)));
  const out: Fact[] = [];
  for (let k = 0; k < months; k++) {
    const counts: Record<string, number> = {};
    for (const [name, read] of Object.entries(historyMetrics)) {
      const total = read(q.history);
      // Even shares, the remainder in the first months, so the shares add up to the total.
      counts[name] = Math.floor(total / months) + (k < total % months ? 1 : 0);
    }
    const at = q.createdAt + Math.floor(((end - q.createdAt) * (k + 0.5)) / months);
    out.push({ at, userId: q.userId, sequenceId: q.id, stageId: null, counts });
  }
  return out;
}

function allFacts(ctx: CrmContext): Fact[] {
  const now = ctx.now();
  const { crm } = ctx;
  const facts = [...crm.sequences.values()].flatMap((q) => sequenceFacts(q, now));
  for (const c of crm.contacts.values()) {
    facts.push({
      at: c.createdAt,
      userId: c.ownerId ?? '',
      sequenceId: null,
      stageId: c.stageId,
      counts: { num_contacts_created: 1 },
    });
  }
  for (const t of crm.tasks.values()) {
    if (t.completedAt === null) continue;
    facts.push({
      at: t.completedAt,
      userId: t.userId,
      sequenceId: t.sequenceId,
      stageId: null,
      counts: { num_tasks_completed: 1 },
    });
  }
  for (const d of crm.deals.values()) {
    facts.push({
      at: d.createdAt,
      userId: d.ownerId,
      sequenceId: null,
      stageId: d.stageId,
      counts: { num_opportunities_created: 1, num_opportunities_won: d.isWon ? 1 : 0 },
    });
  }
  return facts;
}

function keyOf(ctx: CrmContext, dimension: string, f: Fact): [string, string] | null {
  switch (dimension) {
    case 'smart_user_id':
    case 'user_id': {
      const u = ctx.crm.users.get(f.userId);
      return u ? [u.id, `${u.firstName} ${u.lastName}`] : null;
    }
    case 'smart_datetime_month': {
      const month = new Date(f.at).toISOString().slice(0, 7);
      return [month, month];
    }
    case 'emailer_campaign_id':
    case 'smart_emailer_campaign_id': {
      const q = f.sequenceId ? ctx.crm.sequences.get(f.sequenceId) : undefined;
      return q ? [q.id, q.name] : null;
    }
    case 'contact_stage_id': {
      const s = ctx.crm.contactStages.find((x) => x.id === f.stageId);
      return s ? [s.id, s.name] : null;
    }
    default:
      return null;
  }
}

type Row = Record<string, number>;

function measure(metrics: MetricInput[], facts: Fact[], minDenominator: number): Row {
  const sum = (name: string) => facts.reduce((n, f) => n + (f.counts[name] ?? 0), 0);
  const out: Row = {};
  for (const m of metrics) {
    const silent =
      (m.smart_datetime_reference !== undefined && !datetimeRefs.has(m.smart_datetime_reference)) ||
      (m.smart_user_id_reference !== undefined && !userRefs.has(m.smart_user_id_reference));
    const ratio = ratios[m.value];
    if (ratio) {
      const num = silent ? 0 : sum(ratio[0]);
      const den = silent ? 0 : sum(ratio[1]);
      out[m.value] =
        den > 0 && den >= minDenominator ? Math.round((num / den) * 10_000) / 10_000 : 0;
      out[`${m.value}_denominator`] = den;
    } else {
      out[m.value] = silent ? 0 : sum(m.value);
    }
  }
  return out;
}

function grouped(
  ctx: CrmContext,
  input: ReportInput,
  facts: Fact[],
  dims: Array<{ name: string; limit?: number }>,
): unknown {
  const minDen = input.min_ratio_denominator ?? 0;
  const [dim, ...rest] = dims;
  if (!dim) return measure(input.metrics, facts, minDen);
  const skip = new Set(input.skip_group_by_values ?? []);
  const buckets = new Map<string, { readable: string; facts: Fact[] }>();
  for (const f of facts) {
    const key = keyOf(ctx, dim.name, f);
    if (!key || skip.has(key[0])) continue;
    const b = buckets.get(key[0]) ?? { readable: key[1], facts: [] };
    b.facts.push(f);
    buckets.set(key[0], b);
  }
  const sort = input.sorts[0];
  const by = sort?.metric?.value;
  let rows = [...buckets.entries()].map(([key, b]) => ({
    key,
    readable_key: b.readable,
    ...measure(input.metrics, b.facts, minDen),
    ...(rest.length ? { [rest[0]!.name]: grouped(ctx, input, b.facts, rest) } : {}),
  }));
  rows.sort((a, b) => a.key.localeCompare(b.key));
  if (by) {
    const value = (r: Record<string, unknown>) => Number(r[by] ?? 0);
    rows.sort((a, b) => (sort.asc ? value(a) - value(b) : value(b) - value(a)));
  }
  if (dim.limit !== undefined) rows = rows.slice(0, dim.limit);
  return { [dim.name]: { buckets: rows } };
}

function totals(input: ReportInput, facts: Fact[], dim: string | undefined): unknown {
  if (!dim) return {};
  const row = { key: 'total', readable_key: 'Total', ...measure(input.metrics, facts, 0) };
  return { [dim]: { buckets: [row] } };
}

/** reports.sync: the report table, totals when asked; free. */
export function syncReport(ctx: CrmContext, input: ReportInput, userId: string): WorldResult {
  const unknown = input.metrics.find((m) => !known(m.value));
  if (unknown) return { ok: false, status: 400, body: { error: 'Invalid metric type' } };
  const modality = input.date_ranges[0]?.modality ?? 'all_time';
  if (modality === 'custom_range' && !input.filters.smart_datetime_range) {
    return {
      ok: false,
      status: 400,
      body: { error: 'param is missing or the value is empty: smart_datetime_range' },
    };
  }
  const [start, end] = rangeOf(modality, ctx.now(), input.filters);
  const users = Array.isArray(input.filters.smart_user_id)
    ? (input.filters.smart_user_id as unknown[]).map((u) => (u === 'current' ? userId : String(u)))
    : null;
  const sequences = Array.isArray(input.filters.emailer_campaign_ids)
    ? (input.filters.emailer_campaign_ids as unknown[]).map(String)
    : null;
  const facts = allFacts(ctx).filter(
    (f) =>
      f.at >= start &&
      f.at < end &&
      (!users || users.includes(f.userId)) &&
      (!sequences || (f.sequenceId !== null && sequences.includes(f.sequenceId))),
  );
  const dims = [...input.group_by.slice(0, 1), ...(input.pivot_group_by ?? []).slice(0, 1)];
  return success(
    {
      response: {
        table_response: grouped(ctx, input, facts, dims),
        group_by_total_response: input.group_by_totals_selected
          ? totals(input, facts, input.group_by[0]?.name)
          : {},
        pivot_group_by_total_response: input.pivot_group_by_totals_selected
          ? totals(input, facts, input.pivot_group_by?.[0]?.name)
          : {},
      },
      incompatible_filters: {},
      goals: [],
    },
    0,
  );
}
