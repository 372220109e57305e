// `gatehouse enrich`: enriches the people of a CSV file through the gateway, as one agent. Every
// row is one people.match call through Gateway.handle (surface 'cli'), so the agent's grants,
// redactions and budgets, the enrichment cache, auto-batching, pacing and the audit apply exactly
// as they do to the agent's own calls. Finished rows are appended (and fsynced) to a progress file
// next to the output, so an interrupted or capped run resumes without paying for them again.
import { createHash } from 'node:crypto';
import { open, readFile, realpath, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

import type { GatehouseApp } from '../../app/create-app.js';
import type { StoreServices } from '../../app/services.js';
import { openGateway } from '../../app/start.js';
import { personRequestKeys, normalizeDomain, normalizeLinkedInUrl } from '../../cache/index.js';
import { estimateCredits, getAction } from '../../catalog/index.js';
import { apolloId, domainParam, emailParam, urlParam } from '../../catalog/params.js';
import { formatWait } from '../../core/format.js';
import type { GatewayOutcome } from '../../gateway/pipeline.js';
import { readAgentToken, refuseTokenOnArgv } from '../agent-token.js';
import { csvLine } from '../../core/csv.js';
import { CsvError, isBlankRecord, readCsvFile } from '../csv.js';
import { CliError, parse, processIO, type CliIO } from '../io.js';
import { commandConfig, commandLogger, storeOptions } from '../with-store.js';

const help = `Usage: gatehouse enrich <in.csv> --out <out.csv> --as <agent> [options]

Enriches every person in a CSV file with Apollo's people match, acting as one agent: each row goes
through the gateway like the agent's own calls (its grants, redactions and credit budgets, the
enrichment cache, batching, pacing, and one audit record per row, surface 'cli').

The agent's token comes from --token-file or GATEHOUSE_AGENT_TOKEN (never from the command line)
and must belong to the --as agent: Gatehouse keeps only token hashes and never rotates a token for
this command.

Columns are found by their headers (email, e-mail, work email, linkedin, linkedin_url, first name,
last name, name, company, organization, domain, website, apollo id, id); --columns overrides them,
e.g. --columns email=Work Email,linkedin_url=Profile,domain= (an empty header turns a column off).
Fields: id, email, linkedin_url, first_name, last_name, name, organization_name, domain.
A row needs an email, a LinkedIn URL, an Apollo id, or a name with a domain or company.

The output holds the input columns plus apollo_id, name, title, email, linkedin_url,
organization, domain, status, credits and audit_id (and personal_emails with
--reveal-personal-emails), in input order.

Finished rows are saved in <out.csv>.progress as they finish: after Ctrl-C, a budget refusal or
--max-credits, run the same command again to continue; finished rows are not sent again.

Options:
  --out <file>                 where to write the enriched CSV (required; not the input)
  --as <agent>                 the agent to act as (required)
  --token-file <path>          file holding that agent's token (else GATEHOUSE_AGENT_TOKEN)
  --max-credits <n>            stop before this run could spend more than n credits
  --columns <field=Header,…>   map columns by hand
  --reveal-personal-emails     ask for personal emails too (needs the people.reveal grant)
  --concurrency <n>            calls in flight (default 8, at most 32)
  --db  --sandbox  --json  --help

Exit status: 0 done (per-row denials and errors are in the status column), 2 bad input,
3 stopped early by --max-credits or the agent's credit budget (resumable), 130 interrupted.`;

/** The people.match fields a column can feed. */
export const identityFields = [
  'id',
  'email',
  'linkedin_url',
  'first_name',
  'last_name',
  'name',
  'organization_name',
  'domain',
] as const;
export type IdentityField = (typeof identityFields)[number];

/** Headers recognised for each field (compared lower-case, letters and digits only), best first. */
const headerNames: Record<IdentityField, readonly string[]> = {
  id: ['apolloid', 'apollopersonid', 'personid', 'apolloidentifier', 'id'],
  email: [
    'email',
    'workemail',
    'emailaddress',
    'workemailaddress',
    'businessemail',
    'contactemail',
    'personemail',
  ],
  linkedin_url: [
    'linkedinurl',
    'linkedin',
    'linkedinprofile',
    'linkedinprofileurl',
    'personlinkedinurl',
    'linkedinlink',
  ],
  first_name: ['firstname', 'first', 'givenname', 'forename'],
  last_name: ['lastname', 'last', 'surname', 'familyname'],
  name: ['name', 'fullname', 'contactname', 'personname', 'contact'],
  organization_name: [
    'organizationname',
    'organisationname',
    'organization',
    'organisation',
    'companyname',
    'company',
    'accountname',
    'account',
    'employer',
  ],
  domain: [
    'domain',
    'companydomain',
    'organizationdomain',
    'emaildomain',
    'website',
    'companywebsite',
    'websiteurl',
    'companyurl',
    'web',
  ],
};

/** Names --columns accepts for each field. */
const fieldAliases: Record<string, IdentityField> = {
  id: 'id',
  apollo_id: 'id',
  email: 'email',
  linkedin_url: 'linkedin_url',
  linkedin: 'linkedin_url',
  first_name: 'first_name',
  last_name: 'last_name',
  name: 'name',
  organization_name: 'organization_name',
  organization: 'organization_name',
  company: 'organization_name',
  domain: 'domain',
  website: 'domain',
};

/** Which input column (by index) feeds each field. */
export type ColumnMap = Partial<Record<IdentityField, number>>;

const squash = (header: string) => header.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Maps columns from the headers, then applies --columns; throws a CliError (exit 2) when wrong. */
export function mapColumns(header: readonly string[], columns?: string): ColumnMap {
  const map: ColumnMap = {};
  const squashed = header.map(squash);
  const taken = new Set<number>();
  for (const field of identityFields) {
    for (const name of headerNames[field]) {
      const i = squashed.findIndex((h, j) => h === name && !taken.has(j));
      if (i >= 0) {
        map[field] = i;
        taken.add(i);
        break;
      }
    }
  }
  if (columns !== undefined) {
    const seen = new Set<IdentityField>();
    const shown = header.map((h) => `'${h}'`).join(', ');
    for (const pair of columns.split(',')) {
      const eq = pair.indexOf('=');
      if (eq <= 0)
        throw new CliError(
          `--columns: expected field=Header pairs separated by commas, got '${pair.trim()}'`,
          2,
        );
      const key = pair.slice(0, eq).trim().toLowerCase();
      const wanted = pair.slice(eq + 1).trim();
      const field = fieldAliases[key];
      if (!field)
        throw new CliError(
          `--columns: unknown field '${key}' (fields: ${identityFields.join(', ')})`,
          2,
        );
      if (seen.has(field)) throw new CliError(`--columns: ${field} is given twice`, 2);
      seen.add(field);
      if (wanted === '') {
        delete map[field];
        continue;
      }
      let i = header.indexOf(wanted);
      if (i < 0) {
        const loose = header.flatMap((h, j) =>
          h.trim().toLowerCase() === wanted.toLowerCase() ? [j] : [],
        );
        if (loose.length === 1) i = loose[0]!;
      }
      if (i < 0)
        throw new CliError(`--columns: the input has no column '${wanted}' (it has ${shown})`, 2);
      map[field] = i;
    }
  }
  const has = (f: IdentityField) => map[f] !== undefined;
  const named = has('name') || (has('first_name') && has('last_name'));
  const employer = has('domain') || has('organization_name');
  if (!has('id') && !has('email') && !has('linkedin_url') && !(named && employer)) {
    throw new CliError(
      `found no column with an email, a LinkedIn URL, an Apollo id, or a name with a domain or company (columns: ${header.map((h) => `'${h}'`).join(', ')}); map them with --columns email=<header>,…`,
      2,
    );
  }
  return map;
}

/** The people.match input for a row, or null when it names nobody Apollo could match. */
export function identityOf(
  cells: readonly string[],
  map: ColumnMap,
  reveal = false,
): Record<string, unknown> | null {
  const raw = (f: IdentityField) => {
    const i = map[f];
    return i === undefined ? '' : (cells[i] ?? '').trim();
  };
  const input: Record<string, unknown> = {};
  const id = raw('id');
  if (apolloId.safeParse(id).success) input.id = id.toLowerCase();
  const email = raw('email');
  if (email && emailParam.safeParse(email).success) input.email = email;
  let linkedin = raw('linkedin_url');
  if (linkedin && !/^https?:\/\//i.test(linkedin))
    linkedin = `https://${linkedin.replace(/^\/\//, '')}`;
  if (
    linkedin &&
    normalizeLinkedInUrl(linkedin) !== undefined &&
    urlParam.safeParse(linkedin).success
  )
    input.linkedin_url = linkedin;
  for (const f of ['first_name', 'last_name', 'name', 'organization_name'] as const) {
    const v = raw(f);
    if (v && v.length <= 200) input[f] = v;
  }
  const domain = normalizeDomain(raw('domain'));
  if (domain && domainParam.safeParse(domain).success) input.domain = domain;
  const named = input.name !== undefined || (input.first_name && input.last_name);
  const employer = input.domain !== undefined || input.organization_name !== undefined;
  if (!input.id && !input.email && !input.linkedin_url && !(named && employer)) return null;
  if (reveal) input.reveal_personal_emails = true;
  return input;
}

/** The columns appended to every row. */
export const enrichedColumns = [
  'apollo_id',
  'name',
  'title',
  'email',
  'linkedin_url',
  'organization',
  'domain',
  'status',
  'credits',
  'audit_id',
] as const;

export const skippedStatus = 'skipped: no email, LinkedIn URL, id or name+domain';

type Outcome = 'matched' | 'cache' | 'not_found' | 'denied' | 'error' | 'skipped';

/** A finished row as the progress file keeps it. */
interface Finished {
  readonly row: number;
  /** A digest of the row's input cells: a row edited since is enriched again. */
  readonly hash: string;
  readonly outcome: Outcome;
  readonly credits: number;
  /** The appended cells, in {@link enrichedColumns} order (+ personal_emails). */
  readonly cells: string[];
  /** A passing failure (pacing, Apollo unreachable): sent again on the next run. */
  readonly retry?: boolean;
}

/** Why a run stopped before the end. */
type Stop =
  | { kind: 'cap' }
  | { kind: 'budget'; message: string }
  | { kind: 'refused'; message: string }
  | { kind: 'signal'; signal: 'SIGINT' | 'SIGTERM' }
  | { kind: 'fatal'; error: unknown };

const rowHash = (cells: readonly string[]) =>
  createHash('sha256').update(JSON.stringify(cells)).digest('base64url').slice(0, 22);

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2 });
const plural = (n: number, one: string, many = `${one}s`) => `${fmt(n)} ${n === 1 ? one : many}`;

/** The appended cells for a gateway answer, or a stop when the run cannot go on. */
function finish(
  row: number,
  hash: string,
  outcome: GatewayOutcome,
  reveal: boolean,
): Finished | Stop {
  const blank = (status: string, auditId: string, kind: Outcome, retry = false): Finished => ({
    row,
    hash,
    outcome: kind,
    credits: 0,
    cells: [
      ...enrichedColumns.map((c) =>
        c === 'status' ? status : c === 'credits' ? '0' : c === 'audit_id' ? auditId : '',
      ),
      ...(reveal ? [''] : []),
    ],
    ...(retry ? { retry } : {}),
  });
  if (!outcome.ok) {
    const { error, auditId } = outcome.error;
    switch (error.code) {
      case 'budget_exhausted':
        return { kind: 'budget', message: error.message };
      case 'unauthenticated':
      case 'credential_missing':
        return { kind: 'refused', message: error.message };
      case 'not_granted':
      case 'approval_pending':
      case 'approval_rejected':
      case 'approval_expired':
        return blank(`denied: ${error.message}`, auditId, 'denied');
      case 'rate_limited':
      case 'upstream_unreachable':
      case 'internal':
        return blank(`error: ${error.message}`, auditId, 'error', true);
      case 'upstream_error':
        return blank(`error: ${error.message}`, auditId, 'error', error.upstream.status >= 500);
      default:
        return blank(`error: ${error.message}`, auditId, 'error');
    }
  }
  const { body, auditId, credits, cache } = outcome.value;
  const person = (body as { person?: Record<string, unknown> | null } | null)?.person;
  if (!person) return blank('not found', auditId, 'not_found');
  const org = (person.organization ?? {}) as Record<string, unknown>;
  const fromCache = cache?.hit === 'full';
  const values: Record<(typeof enrichedColumns)[number], string> = {
    apollo_id: str(person.id),
    name:
      str(person.name) || [str(person.first_name), str(person.last_name)].filter(Boolean).join(' '),
    title: str(person.title),
    email: str(person.email),
    linkedin_url: str(person.linkedin_url),
    organization: str(org.name),
    domain: str(org.primary_domain) || (normalizeDomain(str(org.website_url)) ?? ''),
    status: fromCache ? 'matched (from cache)' : 'matched',
    credits: String(credits),
    audit_id: auditId,
  };
  const personal = Array.isArray(person.personal_emails)
    ? person.personal_emails.map(str).filter(Boolean).join('; ')
    : '';
  return {
    row,
    hash,
    outcome: fromCache ? 'cache' : 'matched',
    credits,
    cells: [...enrichedColumns.map((c) => values[c]), ...(reveal ? [personal] : [])],
  };
}

/** The progress line shown on a terminal. */
export function formatProgress(p: {
  done: number;
  total: number;
  perSecond: number;
  credits: number;
}): string {
  const left = p.total - p.done;
  const eta =
    left <= 0 ? 'done' : p.perSecond > 0 ? `ETA ${formatWait(left / p.perSecond)}` : 'ETA …';
  return `Enriching: ${fmt(p.done)} of ${fmt(p.total)} rows · ${p.perSecond.toFixed(1)} rows/s · ${eta} · ${plural(p.credits, 'credit')} spent`;
}

interface Tally {
  matched: number;
  cache: number;
  notFound: number;
  denied: number;
  failed: number;
  skipped: number;
  credits: number;
}

/** "Enriched 812 of 1,000 rows (150 from cache, 38 not found, 0 denied)" and the credits. */
export function formatSummary(t: Tally, total: number, extra = '', verb = 'Enriched'): string {
  const more = [
    t.skipped ? `${fmt(t.skipped)} skipped` : '',
    t.failed ? `${fmt(t.failed)} failed` : '',
  ].filter(Boolean);
  return `${verb} ${fmt(t.matched + t.cache)} of ${plural(total, 'row')} (${fmt(t.cache)} from cache, ${fmt(t.notFound)} not found, ${fmt(t.denied)} denied${more.length ? `, ${more.join(', ')}` : ''}); ${plural(t.credits, 'credit')} spent${extra}`;
}

/** The progress file's first line: what the saved rows were made from. */
interface ProgressHeader {
  readonly gatehouse_enrich: 1;
  readonly header: string[];
  readonly columns: ColumnMap;
  readonly reveal: boolean;
  readonly agent: string;
}

/** Reads a progress file: its header and the finished rows (the last entry per row wins). */
async function loadProgress(
  path: string,
): Promise<{ header: ProgressHeader; rows: Map<number, Finished> } | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CliError(`cannot read the progress file ${path}: ${(e as Error).message}`, 2);
  }
  const lines = text.split('\n');
  let header: ProgressHeader;
  try {
    header = JSON.parse(lines[0] ?? '') as ProgressHeader;
    if (header.gatehouse_enrich !== 1) throw new Error('not a progress file');
  } catch {
    throw new CliError(
      `${path} is not a gatehouse enrich progress file; move or delete it to start over`,
      2,
    );
  }
  const rows = new Map<number, Finished>();
  for (const line of lines.slice(1)) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as Finished;
      if (Number.isInteger(entry.row) && Array.isArray(entry.cells)) rows.set(entry.row, entry);
    } catch {
      // A line cut short by a crash: that row is simply enriched again (the cache makes it free).
    }
  }
  return { header, rows };
}

/** Appends finished rows to the progress file, fsyncing each batch before it resolves. */
class ProgressLog {
  private pending: Array<{ line: string; done: () => void; fail: (e: unknown) => void }> = [];
  private flushing: Promise<void> | null = null;
  private constructor(private readonly file: FileHandle) {}

  static async open(path: string, header: ProgressHeader | null): Promise<ProgressLog> {
    const file = await open(path, header ? 'w' : 'a', 0o600);
    if (header) {
      await file.write(`${JSON.stringify(header)}\n`);
      await file.sync();
    }
    return new ProgressLog(file);
  }

  append(entry: Finished): Promise<void> {
    return new Promise((done, fail) => {
      this.pending.push({ line: `${JSON.stringify(entry)}\n`, done, fail });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0);
      try {
        await this.file.write(batch.map((b) => b.line).join(''));
        await this.file.sync();
        for (const b of batch) b.done();
      } catch (e) {
        for (const b of batch) b.fail(e);
      }
    }
    this.flushing = null;
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.file.close();
  }
}

interface DataRow {
  readonly n: number;
  readonly cells: string[];
}

/** The data rows of the input (blank lines skipped), padded to the header's width. */
async function* dataRows(path: string, width: number): AsyncGenerator<DataRow> {
  let n = 0;
  let header = true;
  for await (const record of readCsvFile(path)) {
    if (isBlankRecord(record.fields)) continue;
    if (header) {
      header = false;
      continue;
    }
    if (record.fields.length > width)
      throw new CsvError(
        `a row has ${record.fields.length} fields but the header has ${width}`,
        record.line,
      );
    n += 1;
    const cells = record.fields;
    while (cells.length < width) cells.push('');
    yield { n, cells };
  }
}

/** Reads the header and counts the rows, checking the whole file parses. */
async function scan(path: string): Promise<{ header: string[]; total: number }> {
  let header: string[] | null = null;
  for await (const record of readCsvFile(path)) {
    if (!isBlankRecord(record.fields)) {
      header = record.fields;
      break;
    }
  }
  if (!header) throw new CliError(`${path} is empty: expected a header row and data rows`, 2);
  let total = 0;
  for await (const row of dataRows(path, header.length)) total = row.n;
  return { header, total };
}

function inputError(path: string, e: unknown): CliError {
  if (e instanceof CliError) return e;
  if (e instanceof CsvError)
    return new CliError(`${path} is not a valid CSV file: ${e.message}`, 2);
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new CliError(`cannot read ${path}: no such file`, 2);
  if (code === 'EISDIR') return new CliError(`cannot read ${path}: it is a folder`, 2);
  return new CliError(`cannot read ${path}: ${(e as Error).message}`, 2);
}

async function sameFile(a: string, b: string): Promise<boolean> {
  if (resolve(a) === resolve(b)) return true;
  try {
    if ((await realpath(a)) === (await realpath(b))) return true;
    const [sa, sb] = await Promise.all([stat(a), stat(b)]);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false; // the output does not exist yet
  }
}

/** `gatehouse enrich` */
export async function enrichCommand(args: string[], io: CliIO): Promise<number> {
  refuseTokenOnArgv(args, 2);
  const { values, positionals } = parse('enrich', args, {
    ...storeOptions,
    out: { type: 'string', short: 'o' },
    as: { type: 'string' },
    'max-credits': { type: 'string' },
    columns: { type: 'string' },
    'reveal-personal-emails': { type: 'boolean', default: false },
    'token-file': { type: 'string' },
    concurrency: { type: 'string' },
    sandbox: { type: 'boolean' },
  });
  if (values.help) {
    io.out(help);
    return 0;
  }
  const [input, ...extra] = positionals;
  if (!input) throw new CliError('enrich needs an input CSV file (see gatehouse enrich --help)', 2);
  if (extra.length)
    throw new CliError(`enrich takes one input file, got also '${extra.join(' ')}'`, 2);
  const out = values.out;
  if (!out) throw new CliError('enrich needs --out <file> for the enriched CSV', 2);
  const agentName = values.as;
  if (!agentName) throw new CliError('enrich needs --as <agent>: the agent to act as', 2);
  let maxCredits: number | undefined;
  if (values['max-credits'] !== undefined) {
    maxCredits = Number(values['max-credits']);
    if (!Number.isFinite(maxCredits) || maxCredits < 0 || values['max-credits'].trim() === '')
      throw new CliError('--max-credits must be a number of credits, 0 or more', 2);
  }
  let concurrency = 8;
  if (values.concurrency !== undefined) {
    concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32)
      throw new CliError('--concurrency must be a whole number from 1 to 32', 2);
  }
  const reveal = values['reveal-personal-emails'] === true;

  // Bad input is refused before anything is opened or written.
  if (await sameFile(input, out))
    throw new CliError('--out must not be the input file: write the enriched copy elsewhere', 2);
  try {
    if (!(await stat(dirname(resolve(out)))).isDirectory()) throw new Error('not a folder');
  } catch {
    throw new CliError(
      `cannot write ${out}: its folder ${dirname(resolve(out))} does not exist`,
      2,
    );
  }
  if (
    await stat(out).then(
      (s) => s.isDirectory(),
      () => false,
    )
  )
    throw new CliError(`cannot write ${out}: it is a folder`, 2);
  const scanned = await scan(input).catch((e: unknown) => {
    throw inputError(input, e);
  });
  const columns = mapColumns(scanned.header, values.columns);
  const progressPath = `${out}.progress`;
  const saved = await loadProgress(progressPath);

  const token = await readAgentToken(values['token-file'], io.env, 2);

  const config = commandConfig(io, { db: values.db, sandbox: values.sandbox });
  const quiet = ['silent', 'fatal', 'error'].includes(config.logLevel);
  const logger = commandLogger(io, quiet ? config.logLevel : 'warn');
  const gateway = await openGateway(config, logger);
  const { app, store } = gateway;
  try {
    const agent = await store.agents.get(agentName);
    if (!agent) throw new CliError(`no agent named or with id '${agentName}'`, 2);
    if (!token)
      throw new CliError(
        `no token for agent '${agent.name}': pass --token-file <path> or set GATEHOUSE_AGENT_TOKEN (its token was printed when it was created or last rotated)`,
        2,
      );
    const identity = await app.gateway.identify(token);
    if (!identity)
      throw new CliError(
        `the token is not recognised (rotated or revoked?); use agent '${agent.name}'s current token`,
        2,
      );
    if (identity.id !== agent.id)
      throw new CliError(
        `the token belongs to agent '${identity.name}', not '${agent.name}': pass --as ${identity.name} or that agent's token`,
        2,
      );
    const header: ProgressHeader = {
      gatehouse_enrich: 1,
      header: scanned.header,
      columns,
      reveal,
      agent: agent.id,
    };
    if (saved && JSON.stringify({ ...saved.header }) !== JSON.stringify(header)) {
      throw new CliError(
        `${progressPath} was saved for another input, column mapping, agent or --reveal-personal-emails; run with those, or delete it to start over`,
        2,
      );
    }
    return await run({
      io,
      app,
      store,
      token,
      input,
      out,
      progressPath,
      header,
      saved: saved?.rows ?? new Map(),
      total: scanned.total,
      maxCredits,
      concurrency,
      agentName: agent.name,
      json: values.json === true,
    });
  } finally {
    await gateway.close();
  }
}

interface RunOptions {
  readonly io: CliIO;
  readonly app: GatehouseApp;
  readonly store: StoreServices;
  readonly token: string;
  readonly input: string;
  readonly out: string;
  readonly progressPath: string;
  readonly header: ProgressHeader;
  readonly saved: Map<number, Finished>;
  readonly total: number;
  readonly maxCredits: number | undefined;
  readonly concurrency: number;
  readonly agentName: string;
  readonly json: boolean;
}

async function run(o: RunOptions): Promise<number> {
  const { io, app, header, total, maxCredits, concurrency } = o;
  const reveal = header.reveal;
  const columns = header.columns;
  const action = getAction('people.match');
  const results = new Map<number, Finished>();
  const resumed = o.saved.size > 0;
  const progress = await ProgressLog.open(o.progressPath, resumed ? null : header).catch(
    (e: Error) => {
      throw new CliError(`cannot write the progress file ${o.progressPath}: ${e.message}`, 2);
    },
  );

  const state: { stop: Stop | null } = { stop: null };
  const stopped = () => state.stop !== null;
  const halt = (s: Stop) => {
    state.stop ??= s;
  };
  let spentRun = 0;
  let reserved = 0;
  let doneRun = 0;
  const started = performance.now();

  // Rows that share an identity wait for the first: it pays, and they are answered from the cache.
  const busy = new Map<string, Promise<void>>();
  const inflight = new Set<Promise<void>>();

  const tty = io === processIO && process.stderr.isTTY === true;
  // Ctrl-C stops sending; calls in flight finish and are saved. A second one leaves at once
  // (every finished row is already on disk).
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    if (stopped() && state.stop?.kind === 'signal') {
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    halt({ kind: 'signal', signal });
    if (tty) process.stderr.write('\r\x1b[2K');
    io.err(`Stopping: waiting for ${inflight.size} call(s) in flight, then saving progress…`);
  };
  const onInt = () => onSignal('SIGINT');
  const onTerm = () => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);

  const finishedCount = () => results.size;
  const draw = () => {
    const seconds = (performance.now() - started) / 1000;
    process.stderr.write(
      `\r\x1b[2K${formatProgress({
        done: finishedCount(),
        total,
        perSecond: seconds > 0 ? doneRun / seconds : 0,
        credits: spentRun,
      })}`,
    );
  };
  const ticker = tty ? setInterval(draw, 250) : null;
  ticker?.unref();

  const cacheOn = app.enrichment.enabled;
  const estimate = async (input: Record<string, unknown>) => {
    if (cacheOn) {
      const known = await app.enrichment
        .lookup(action.id, input, Date.now())
        .catch(() => ({ kind: 'miss' as const }));
      if (known.kind === 'hit') return 0;
    }
    return estimateCredits(action, input);
  };
  // The pipeline files a paid answer in the cache without waiting; a row waiting on the same
  // person goes once it is there (or after a second, when the cache refuses it).
  const settled = async (input: Record<string, unknown>) => {
    for (let waited = 0; waited < 1000; waited += 10) {
      const known = await app.enrichment.lookup(action.id, input, Date.now()).catch(() => null);
      if (!known || known.kind === 'hit') return;
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  const enrichRow = async (row: DataRow, hash: string, input: Record<string, unknown>) => {
    const keys = personRequestKeys(input);
    const before = [...new Set(keys.map((k) => busy.get(k)).filter((p) => p !== undefined))];
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    for (const k of keys) busy.set(k, mine);
    try {
      if (before.length) await Promise.all(before);
      if (stopped()) return;
      const outcome = await app.gateway.handle({
        surface: 'cli',
        token: o.token,
        ip: null,
        actionId: action.id,
        input,
      });
      const done = finish(row.n, hash, outcome, reveal);
      if ('kind' in done) {
        halt(done);
        return;
      }
      results.set(row.n, done);
      spentRun += done.credits;
      doneRun += 1;
      await progress.append(done);
      if (
        cacheOn &&
        done.outcome === 'matched' &&
        keys.some((k) => busy.get(k) !== undefined && busy.get(k) !== mine)
      ) {
        await settled(input);
      }
    } catch (error) {
      halt({ kind: 'fatal', error });
    } finally {
      release();
      for (const k of keys) if (busy.get(k) === mine) busy.delete(k);
    }
  };

  const launch = (task: Promise<void>) => {
    const tracked: Promise<void> = task.finally(() => inflight.delete(tracked));
    inflight.add(tracked);
  };

  try {
    for await (const row of dataRows(o.input, header.header.length)) {
      if (stopped()) break;
      const hash = rowHash(row.cells);
      const before = o.saved.get(row.n);
      if (before && before.hash === hash && !before.retry) {
        results.set(row.n, before);
        continue;
      }
      const input = identityOf(row.cells, columns, reveal);
      if (!input) {
        results.set(row.n, {
          row: row.n,
          hash,
          outcome: 'skipped',
          credits: 0,
          cells: [
            ...enrichedColumns.map((c) =>
              c === 'status' ? skippedStatus : c === 'credits' ? '0' : '',
            ),
            ...(reveal ? [''] : []),
          ],
        });
        continue;
      }
      while (inflight.size >= concurrency && !stopped()) await Promise.race(inflight);
      if (stopped()) break;
      let cost = 0;
      if (maxCredits !== undefined) {
        cost = await estimate(input);
        // Near the cap, wait for calls in flight: what they really cost (a miss costs nothing),
        // and what they put in the cache, decide whether this row still fits.
        while (spentRun + reserved + cost > maxCredits + 1e-9 && !stopped()) {
          if (inflight.size === 0) {
            halt({ kind: 'cap' });
            break;
          }
          await Promise.race(inflight);
          cost = await estimate(input);
        }
        if (stopped()) break;
      }
      reserved += cost;
      launch(enrichRow(row, hash, input).finally(() => (reserved -= cost)));
    }
  } catch (e) {
    halt({ kind: 'fatal', error: e instanceof CsvError ? inputError(o.input, e) : e });
  } finally {
    await Promise.all(inflight);
    await progress.close();
    if (ticker) {
      clearInterval(ticker);
      process.stderr.write('\r\x1b[2K');
    }
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }

  const tally: Tally = {
    matched: 0,
    cache: 0,
    notFound: 0,
    denied: 0,
    failed: 0,
    skipped: 0,
    credits: 0,
  };
  for (const r of results.values()) {
    tally.credits += r.credits;
    if (r.outcome === 'matched') tally.matched += 1;
    else if (r.outcome === 'cache') tally.cache += 1;
    else if (r.outcome === 'not_found') tally.notFound += 1;
    else if (r.outcome === 'denied') tally.denied += 1;
    else if (r.outcome === 'error') tally.failed += 1;
    else tally.skipped += 1;
  }
  tally.credits = Math.round(tally.credits * 100) / 100;
  const thisRun = resumed && tally.credits !== spentRun ? ` (${fmt(spentRun)} in this run)` : '';
  const json = (doc: Record<string, unknown>) => {
    if (!o.json) return;
    io.out(
      JSON.stringify({
        rows: total,
        enriched: tally.matched + tally.cache,
        from_cache: tally.cache,
        not_found: tally.notFound,
        denied: tally.denied,
        failed: tally.failed,
        skipped: tally.skipped,
        credits: tally.credits,
        credits_this_run: spentRun,
        ...doc,
      }),
    );
  };

  const stop = state.stop as Stop | null;
  if (stop) {
    if (stop.kind === 'fatal') throw stop.error;
    const left = total - results.size;
    io.err(
      `${formatSummary(tally, total, thisRun, 'Stopped after enriching')}; ${plural(left, 'row')} not done.`,
    );
    const why =
      stop.kind === 'cap'
        ? `the next row could take this run past --max-credits ${fmt(maxCredits ?? 0)}`
        : stop.kind === 'budget'
          ? `agent '${o.agentName}' is out of credit budget: ${stop.message}`
          : stop.kind === 'refused'
            ? `the gateway refused the agent: ${stop.message}`
            : 'interrupted';
    io.err(
      `Stopped: ${why}. Progress is saved in ${o.progressPath}; run the same command again to resume (finished rows are not sent again).`,
    );
    json({ output: null, progress: o.progressPath, stopped: stop.kind, not_done: left });
    if (stop.kind === 'signal') return stop.signal === 'SIGINT' ? 130 : 143;
    return stop.kind === 'refused' ? 1 : 3;
  }

  // Every row is finished: write the output in input order, atomically, and drop the progress.
  const temp = `${o.out}.tmp-${process.pid}`;
  const file = await open(temp, 'w', 0o600).catch((e: Error) => {
    throw new CliError(`cannot write ${o.out}: ${e.message}`);
  });
  try {
    const names = [...enrichedColumns, ...(reveal ? ['personal_emails'] : [])];
    let chunk = csvLine([...header.header, ...names]);
    for await (const row of dataRows(o.input, header.header.length)) {
      const r = results.get(row.n);
      if (!r) throw new CliError(`${o.input} changed while it was being enriched; run again`);
      chunk += csvLine([...row.cells, ...r.cells]);
      if (chunk.length >= 64 * 1024) {
        await file.write(chunk);
        chunk = '';
      }
    }
    await file.write(chunk);
    await file.sync();
    await file.close();
    await rename(temp, o.out);
  } catch (e) {
    await file.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw e instanceof CsvError ? inputError(o.input, e) : e;
  }
  await rm(o.progressPath, { force: true });
  io.err(`${formatSummary(tally, total, thisRun)}; wrote ${o.out}`);
  json({ output: o.out, progress: null, stopped: null, not_done: 0 });
  return 0;
}
