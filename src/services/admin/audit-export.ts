// One audit export format for the CLI (`gatehouse audit export`) and the admin API: the same
// columns, CSV cells that could run as spreadsheet formulas neutralised, or one JSON object a line.
import { csvLine } from '../../core/csv.js';
import type { AuditRecord } from '../../store/index.js';

const columns = [
  'id',
  'time',
  'agent',
  'surface',
  'action',
  'target',
  'decision',
  'rule',
  'reason',
  'upstream_status',
  'credits',
  'duration_ms',
  'error_code',
  'sentence',
  'request_id',
] as const;

/** One record as the export columns show it. */
export function row(r: AuditRecord): Record<(typeof columns)[number], string | number | null> {
  return {
    id: r.id,
    time: new Date(r.time).toISOString(),
    agent: r.agentName,
    surface: r.surface,
    action: r.action,
    target: r.target,
    decision: r.decision,
    rule: r.rule,
    reason: r.reason,
    upstream_status: r.upstreamStatus,
    credits: r.credits,
    duration_ms: r.durationMs,
    error_code: r.errorCode,
    sentence: r.sentence,
    request_id: r.requestId,
  };
}

/** The export line for a record in either format. */
export function exportLine(r: AuditRecord, format: 'csv' | 'jsonl'): string {
  const data = row(r);
  if (format === 'jsonl')
    return `${JSON.stringify({ ...data, params: r.params, completed_at: r.completedAt ? new Date(r.completedAt).toISOString() : null })}\n`;
  return csvLine(
    columns.map((c) => data[c]),
    '\n',
  );
}

/** The CSV header line. */
export const csvHeader = csvLine(columns, '\n');
