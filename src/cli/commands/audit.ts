import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

import {
  auditDecisions,
  type AuditDecision,
  type AuditFilters,
  type AuditRecord,
} from '../../store/index.js';
import { CliError, parse, type CliIO } from '../io.js';
import { storeOptions, withStore } from '../with-store.js';
import { csvHeader, exportLine, row } from '../../services/admin/audit-export.js';

const help = `Usage: gatehouse audit <tail|search|export> [filters]

  audit tail [-n 20] [--follow]          the latest records, oldest first; --follow waits for more
  audit search [--limit 50]              records matching the filters, newest first
  audit export --format csv|jsonl [--output file]
                                         every matching record, oldest first, streamed

Filters: --agent <name|id>  --action <id|group>  --decision <allowed|denied|pending|approved|rejected|expired>
         --since <time>  --until <time>  --text <words>
Times are ISO-8601 (2026-11-23, 2026-11-23T10:00:00Z) or relative (30m, 24h, 7d).
Options: --db  --json  --help`;

/** Parses an ISO time or a relative one ("24h" = 24 hours ago) into epoch ms. */
export function parseTime(text: string, now = Date.now()): number {
  const rel = /^(\d+)\s*(s|m|h|d|w)$/.exec(text.trim());
  if (rel) {
    const unit = { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7, w: 6.048e8 }[
      rel[2] as 's' | 'm' | 'h' | 'd' | 'w'
    ];
    return now - Number(rel[1]) * unit;
  }
  const t = Date.parse(text);
  if (Number.isNaN(t))
    throw new CliError(
      `cannot read the time '${text}': use ISO-8601 (2026-11-23T10:00:00Z) or 30m, 24h, 7d`,
      2,
    );
  return t;
}

function show(r: AuditRecord): string {
  return `${new Date(r.time).toISOString()}  ${r.decision.padEnd(8)} ${r.sentence}`;
}

/** `gatehouse audit …` */
export async function auditCommand(args: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === '-h') {
    io.out(help);
    return sub ? 0 : 2;
  }
  const { values } = parse(
    `audit ${sub}`,
    rest,
    {
      ...storeOptions,
      agent: { type: 'string' },
      action: { type: 'string' },
      decision: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      text: { type: 'string' },
      limit: { type: 'string' },
      n: { type: 'string', short: 'n' },
      follow: { type: 'boolean', short: 'f', default: false },
      format: { type: 'string' },
      output: { type: 'string', short: 'o' },
    },
    false,
  );
  if (values.help) {
    io.out(help);
    return 0;
  }
  if (values.decision && !auditDecisions.includes(values.decision as AuditDecision)) {
    throw new CliError(`--decision must be one of ${auditDecisions.join(', ')}`, 2);
  }
  const count = (text: string | undefined, fallback: number, flag: string) => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1 || n > 1000)
      throw new CliError(`${flag} must be a whole number from 1 to 1000`, 2);
    return n;
  };
  return withStore(io, values, async (store) => {
    const filters: AuditFilters = {};
    if (values.agent) {
      const agent = await store.agents.get(values.agent);
      if (!agent) throw new CliError(`no agent named or with id '${values.agent}'`);
      filters.agentId = agent.id;
    }
    if (values.action) filters.action = values.action;
    if (values.decision) filters.decision = values.decision as AuditDecision;
    if (values.since) filters.since = parseTime(values.since);
    if (values.until) filters.until = parseTime(values.until);
    if (values.text) filters.text = values.text;

    switch (sub) {
      case 'tail': {
        const page = await store.audit.query({ ...filters, limit: count(values.n, 20, '-n') });
        const records = [...page.records].reverse();
        for (const r of records) io.out(values.json ? JSON.stringify(row(r)) : show(r));
        if (!values.follow) return 0;
        let last = records.at(-1)?.id ?? '';
        let since = records.at(-1)?.time ?? Date.now();
        for (;;) {
          await new Promise((r) => setTimeout(r, 1000));
          const fresh = (await store.audit.query({ ...filters, since, limit: 1000 })).records
            .filter((r) => r.id > last)
            .reverse();
          for (const r of fresh) io.out(values.json ? JSON.stringify(row(r)) : show(r));
          if (fresh.length) {
            last = fresh.at(-1)!.id;
            since = fresh.at(-1)!.time;
          }
        }
      }
      case 'search': {
        const page = await store.audit.query({
          ...filters,
          limit: count(values.limit, 50, '--limit'),
        });
        if (values.json) io.out(JSON.stringify(page.records.map(row)));
        else if (!page.records.length) io.out('No audit records match.');
        else for (const r of page.records) io.out(show(r));
        return 0;
      }
      case 'export': {
        const format = values.format;
        if (format !== 'csv' && format !== 'jsonl')
          throw new CliError('audit export needs --format csv or --format jsonl', 2);
        const file = values.output
          ? createWriteStream(values.output, { flags: 'wx', mode: 0o600 })
          : null;
        if (file)
          await once(file, 'open').catch((e: Error) => {
            throw new CliError(`cannot write ${values.output}: ${e.message}`);
          });
        const write = async (text: string) => {
          if (!file) return io.write ? io.write(text) : io.out(text.replace(/\n$/, ''));
          if (!file.write(text)) await once(file, 'drain');
        };
        if (format === 'csv') await write(csvHeader);
        let n = 0;
        for await (const r of store.audit.stream(filters)) {
          await write(exportLine(r, format));
          n += 1;
        }
        if (file) {
          file.end();
          await once(file, 'finish');
          io.err(`Exported ${n} audit record${n === 1 ? '' : 's'} to ${values.output}.`);
        }
        return 0;
      }
      default:
        throw new CliError(`unknown subcommand 'audit ${sub}' (see gatehouse audit --help)`, 2);
    }
  });
}
