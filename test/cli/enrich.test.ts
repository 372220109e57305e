// Pins `gatehouse enrich`: every row goes through the gateway as the named agent (surface 'cli',
// one audit record per row sent), repeats are paid once, a row without identity costs nothing,
// denials are reported per row, --max-credits / budgets / Ctrl-C stop cleanly and a rerun resumes
// without paying for finished rows, and bad input fails with one line, exit 2 and no files.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { openStore } from '../../src/store/open-store.js';
import { getAction } from '../../src/catalog/index.js';
import { parseCsv } from '../../src/cli/csv.js';
import { mapColumns } from '../../src/cli/enrich/columns.js';
import { identityOf } from '../../src/cli/enrich/identity.js';
import { enrichedColumns, skippedStatus } from '../../src/cli/enrich/outcome.js';
import { formatProgress, formatSummary } from '../../src/cli/enrich/report.js';
import { csvCell, csvLine } from '../../src/core/csv.js';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/config.js';
import { createSandbox } from '../../src/sandbox/index.js';
import { createWorld } from '../../src/sandbox/world/index.js';
import { startSandboxServer } from '../helpers/sandbox-server.js';

const root = mkdtempSync(join(tmpdir(), 'gatehouse-enrich-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Person {
  id: string;
  name: string;
  first_name: string;
  last_name: string;
  email: string;
  linkedin_url: string;
  title: string;
  domain: string;
  company: string;
}

/** Real people of the embedded sandbox (seed 1, the default), from a sandbox of our own. */
let people: Person[] = [];

beforeAll(async () => {
  const sandbox = createSandbox({ seed: 1, createWorld });
  const key = sandbox.keys.master[0]!;
  const call = async (path: string, body: unknown) => {
    const res = await sandbox.app.request(path, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  };
  const found = await call(getAction('people.search').path, {
    person_titles: ['Director'],
    per_page: 60,
  });
  const ids = (found.people as Array<{ id: string }>).map((p) => p.id);
  for (const id of ids) {
    const { person } = (await call(getAction('people.match').path, { id })) as {
      person: Record<string, unknown> & { organization?: Record<string, unknown> };
    };
    people.push({
      id,
      name: String(person.name),
      first_name: String(person.first_name),
      last_name: String(person.last_name),
      email: String(person.email ?? ''),
      linkedin_url: String(person.linkedin_url ?? ''),
      title: String(person.title ?? ''),
      domain: String(person.organization?.primary_domain ?? ''),
      company: String(person.organization?.name ?? ''),
    });
  }
  people = people.filter((p) => p.email && p.linkedin_url && p.domain);
  expect(new Set(people.map((p) => p.id)).size).toBeGreaterThanOrEqual(45);
  sandbox.close();
});

let dir: string;
let env: Record<string, string>;

let server: Awaited<ReturnType<typeof startSandboxServer>> | undefined;

beforeEach(async () => {
  dir = mkdtempSync(join(root, 't'));
  env = {
    GATEHOUSE_DB: join(dir, 'g.db'),
    GATEHOUSE_KEY_FILE: join(dir, 'key'),
    GATEHOUSE_LOG_LEVEL: 'silent',
    GATEHOUSE_SANDBOX: 'true',
  };
  // The running server's sandbox is the one the command enriches from.
  server = await startSandboxServer(env);
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function withStore<T>(fn: (store: Awaited<ReturnType<typeof openStore>>) => Promise<T>) {
  const store = await openStore(loadConfig({ env }), createLogger({ level: 'silent' }));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Creates an agent with grants like 'people=read'; returns its token. */
async function agent(name: string, grants: string[], budgetDay?: number): Promise<string> {
  return withStore(async (store) => {
    const created = await store.agents.create({
      name,
      grants: grants.map((g) => {
        const [target, level] = g.split('=') as [string, 'off' | 'read' | 'full'];
        return { target, level, requiresApproval: false };
      }),
    });
    if (!created.ok) throw new Error(created.error.message);
    if (budgetDay !== undefined) await store.agents.setLimits(name, { creditBudgetDay: budgetDay });
    return created.value.token;
  });
}

async function run(args: string[], token?: string, during?: () => void) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    out: (t) => void out.push(t),
    err: (t) => {
      err.push(t);
      during?.();
    },
    readStdin: async () => '',
    env: token === undefined ? env : { ...env, GATEHOUSE_AGENT_TOKEN: token },
  };
  const code = await runCli(['enrich', ...args], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function readCsv(path: string): Promise<string[][]> {
  const rows: string[][] = [];
  for await (const r of parseCsv([readFileSync(path)])) rows.push(r.fields);
  return rows;
}

function write(name: string, header: string[], rows: string[][]): string {
  const path = join(dir, name);
  writeFileSync(path, [header, ...rows].map((r) => csvLine(r)).join(''));
  return path;
}

async function matchRecords() {
  return withStore(
    async (store) => (await store.audit.query({ action: 'people.match', limit: 1000 })).records,
  );
}

describe('csv', () => {
  it('reads quoted commas, doubled quotes and line breaks across any chunking', async () => {
    const text =
      '\uFEFFa,b,c\r\n1,"x, y","say ""hi"""\r\n2,"two\r\nlines",\n\n3,plain"quote,"last"';
    const expected = [
      ['a', 'b', 'c'],
      ['1', 'x, y', 'say "hi"'],
      ['2', 'two\r\nlines', ''],
      [''],
      ['3', 'plain"quote', 'last'],
    ];
    for (const size of [1, 2, 3, 7, 1000]) {
      const bytes = Buffer.from(text);
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      const rows: string[][] = [];
      for await (const r of parseCsv(chunks)) rows.push(r.fields);
      expect(rows).toEqual(expected);
    }
  });

  it('refuses what cannot be CSV', async () => {
    const read = async (t: string) => {
      for await (const r of parseCsv([t])) void r;
    };
    await expect(read('a,b\n"open,1')).rejects.toThrow(/never closed/);
    await expect(read('a,b\n"x"y,1')).rejects.toThrow(/after a closing quote.*line 2/);
    await expect(read('PK\u0003\u0004\u0000\u0000')).rejects.toThrow(/NUL/);
  });

  it('writes RFC 4180 and neutralises formulas', () => {
    expect(csvLine(['a', 'b,c', 'd"e', 'f\ng'])).toBe('a,"b,c","d""e","f\ng"\r\n');
    expect(['=1+2', '+44 20', '-x', '@SUM(A1)', 'ok'].map(csvCell)).toEqual([
      "'=1+2",
      "'+44 20",
      "'-x",
      "'@SUM(A1)",
      'ok',
    ]);
  });
});

describe('column mapping', () => {
  it('detects common headers and takes --columns overrides', () => {
    expect(
      mapColumns(['Full Name', 'E-mail', 'LinkedIn URL', 'Company', 'Website', 'Apollo ID']),
    ).toEqual({ name: 0, email: 1, linkedin_url: 2, organization_name: 3, domain: 4, id: 5 });
    expect(mapColumns(['First Name', 'Last Name', 'Domain', 'Work Email'])).toEqual({
      first_name: 0,
      last_name: 1,
      domain: 2,
      email: 3,
    });
    expect(mapColumns(['Mail', 'Who'], 'email=Mail,name=who')).toEqual({ email: 0, name: 1 });
    expect(mapColumns(['email', 'id'], 'id=')).toEqual({ email: 0 });
    expect(() => mapColumns(['Notes'])).toThrow(/no column with an email/);
    expect(() => mapColumns(['email'], 'phone=email')).toThrow(/unknown field 'phone'/);
    expect(() => mapColumns(['email'], 'email=Mail')).toThrow(/no column 'Mail'/);
    expect(() => mapColumns(['email'], 'email')).toThrow(/field=Header/);
  });

  it('refuses --columns names an object inherits as unknown fields', () => {
    for (const name of ['constructor', '__proto__'])
      expect(() => mapColumns(['email'], `${name}=email`)).toThrow(`unknown field '${name}'`);
  });

  it('builds the match input from usable values only', () => {
    const map = mapColumns(['id', 'email', 'linkedin', 'name', 'website', 'company']);
    expect(identityOf(['123', 'n/a', '', 'Ann Lee', 'https://www.Acme.io/about', ''], map)).toEqual(
      { name: 'Ann Lee', domain: 'acme.io' },
    );
    expect(identityOf(['', '', 'linkedin.com/in/ann', '', '', ''], map, true)).toEqual({
      linkedin_url: 'https://linkedin.com/in/ann',
      reveal_personal_emails: true,
    });
    expect(identityOf(['', '', '', 'Ann Lee', '', ''], map)).toBeNull();
  });

  it('formats the progress and summary lines', () => {
    expect(formatProgress({ done: 120, total: 1000, perSecond: 8, credits: 95 })).toBe(
      'Enriching: 120 of 1,000 rows · 8.0 rows/s · ETA about 2 min · 95 credits spent',
    );
    expect(
      formatSummary(
        {
          matched: 662,
          cache: 150,
          notFound: 38,
          denied: 0,
          failed: 0,
          skipped: 150,
          credits: 662,
        },
        1000,
      ),
    ).toBe(
      'Enriched 812 of 1,000 rows (150 from cache, 38 not found, 0 denied, 150 skipped); 662 credits spent',
    );
  });
});

const header = ['Full Name', 'Work Email', 'Apollo ID', 'LinkedIn', 'Website', 'Notes'];

describe('gatehouse enrich', () => {
  it('enriches through the gateway as the agent, paying once per person', async () => {
    const token = await agent('enricher', ['people=read']);
    const p = people;
    const rows: string[][] = [
      ...p.slice(0, 10).map((x, i) => ['', '', x.id, '', '', `id row ${i}`]),
      ['', '', p[0]!.id, '', '', 'repeat of row 1, same id'],
      ...p.slice(10, 16).map((x) => ['', x.email, '', '', '', 'by email, "quoted", with commas']),
      ['', p[10]!.email.toUpperCase(), '', '', '', 'repeat by email, other case'],
      ...p.slice(16, 20).map((x) => ['', '', '', x.linkedin_url, '', 'line one\nline two']),
      ...p.slice(20, 23).map((x) => [x.name, '', '', '', `https://www.${x.domain}/`, '']),
      ['', '', '', '', '', 'no identity at all'],
      ['Someone', 'nobody@nowhere-gatehouse.example', '', '', '', '=HYPERLINK("x")'],
      ['', '', p[1]!.id, '', '', 'repeat of row 2'],
      ['', '', p[2]!.id, '', '', 'repeat of row 3'],
      ['', p[3]!.email, '', '', '', 'row 4 again, by email, much later'],
    ];
    const input = write('in.csv', header, rows);
    const out = join(dir, 'out.csv');
    const res = await run([input, '--out', out, '--as', 'enricher'], token);
    expect(res.err).toBe(
      `Enriched 28 of 30 rows (5 from cache, 1 not found, 0 denied, 1 skipped); 23 credits spent; wrote ${out}`,
    );
    expect(res.code).toBe(0);
    expect(existsSync(`${out}.progress`)).toBe(false);

    const [head, ...body] = await readCsv(out);
    expect(head).toEqual([...header, ...enrichedColumns]);
    expect(body).toHaveLength(rows.length);
    const col = (name: string) => head!.indexOf(name);
    // Input columns come back as they were, in input order (formulas neutralised).
    body.forEach((r, i) => {
      const note = rows[i]![5]!;
      expect(r[5]).toBe(note.startsWith('=') ? `'${note}` : note);
    });
    const byStatus = (s: string) => body.filter((r) => r[col('status')] === s).length;
    expect(byStatus('matched')).toBe(23);
    expect(byStatus('matched (from cache)')).toBe(5);
    expect(byStatus('not found')).toBe(1);
    expect(byStatus(skippedStatus)).toBe(1);
    expect(body[0]![col('apollo_id')]).toBe(p[0]!.id);
    expect(body[0]![col('email')]).toBe(p[0]!.email);
    expect(body[0]![col('title')]).toBe(p[0]!.title);
    expect(body[0]![col('domain')]).toBe(p[0]!.domain);
    expect(body[10]![col('apollo_id')]).toBe(p[0]!.id);
    expect(body[10]![col('credits')]).toBe('0');
    expect(body[22]![col('apollo_id')]).toBe(p[20]!.id);
    expect(body[25]![col('audit_id')]).toBe('');
    const credits = body.reduce((s, r) => s + Number(r[col('credits')]), 0);
    expect(credits).toBe(23); // the unique people found

    const records = await matchRecords();
    expect(records).toHaveLength(rows.length - 1);
    expect(records.every((r) => r.surface === 'cli' && r.agentName === 'enricher')).toBe(true);
    expect(records.reduce((s, r) => s + (r.credits ?? 0), 0)).toBe(23);
    expect(new Set(body.map((r) => r[col('audit_id')]).filter(Boolean))).toEqual(
      new Set(records.map((r) => r.id)),
    );
  });
});

describe('gatehouse enrich stops cleanly and resumes', () => {
  it('stops at --max-credits without writing the output; a rerun pays only for the rest', async () => {
    const token = await agent('capped', ['people=read']);
    const rows = people.slice(0, 12).map((x, i) => ['', '', x.id, '', '', `row ${i + 1}`]);
    const input = write('in.csv', header, rows);
    const out = join(dir, 'out.csv');
    const args = [input, '--out', out, '--as', 'capped'];

    const first = await run([...args, '--max-credits', '5'], token);
    expect(first.code).toBe(3);
    expect(first.err).toMatch(
      /^Stopped after enriching 5 of 12 rows \(0 from cache, 0 not found, 0 denied\); 5 credits spent; 7 rows not done\.\nStopped: the next row could take this run past --max-credits 5\. Progress is saved in .*out\.csv\.progress; run the same command again to resume/,
    );
    expect(existsSync(out)).toBe(false);
    const saved = readFileSync(`${out}.progress`, 'utf8').trim().split('\n');
    expect(saved).toHaveLength(1 + 5);
    const firstRecords = await matchRecords();
    expect(firstRecords).toHaveLength(5);
    expect(firstRecords.reduce((s, r) => s + (r.credits ?? 0), 0)).toBe(5);

    const second = await run(args, token);
    expect(second.code).toBe(0);
    expect(second.err).toBe(
      `Enriched 12 of 12 rows (0 from cache, 0 not found, 0 denied); 12 credits spent (7 in this run); wrote ${out}`,
    );
    const records = await matchRecords();
    expect(records).toHaveLength(12); // the 5 finished rows were not sent again
    expect(records.reduce((s, r) => s + (r.credits ?? 0), 0)).toBe(12);
    const [head, ...body] = await readCsv(out);
    const col = (name: string) => head!.indexOf(name);
    expect(body.map((r) => r[col('apollo_id')])).toEqual(people.slice(0, 12).map((x) => x.id));
    expect(body.map((r) => r[5])).toEqual(rows.map((r) => r[5]));
    expect(new Set(body.map((r) => r[col('audit_id')]))).toEqual(new Set(records.map((r) => r.id)));
    expect(existsSync(`${out}.progress`)).toBe(false);
  });

  it("stops when the agent's credit budget refuses, keeping the rows already paid", async () => {
    const token = await agent('budgeted', ['people=read'], 3);
    const rows = people.slice(0, 10).map((x) => ['', '', x.id, '', '', '']);
    const input = write('in.csv', header, rows);
    const out = join(dir, 'out.csv');
    const res = await run([input, '--out', out, '--as', 'budgeted'], token);
    expect(res.code).toBe(3);
    expect(res.err).toMatch(/3 credits spent; 7 rows not done/);
    expect(res.err).toMatch(
      /Stopped: agent 'budgeted' is out of credit budget: .*daily credit budget/,
    );
    expect(existsSync(out)).toBe(false);
    expect(readFileSync(`${out}.progress`, 'utf8').trim().split('\n')).toHaveLength(1 + 3);
    const records = await matchRecords();
    expect(records.filter((r) => r.decision === 'allowed')).toHaveLength(3);
    expect(records.filter((r) => r.decision === 'denied').length).toBeGreaterThan(0);
    expect(records.filter((r) => r.decision === 'denied').length).toBeLessThanOrEqual(8);
  });

  it('saves progress on Ctrl-C, exits 130, and the rerun sends only the unfinished rows', async () => {
    const token = await agent('interrupted', ['people=read']);
    const rows = people.slice(0, 40).map((x) => ['', '', x.id, '', '', '']);
    const input = write('in.csv', header, rows);
    const out = join(dir, 'out.csv');
    const args = [input, '--out', out, '--as', 'interrupted', '--concurrency', '1'];
    const progress = `${out}.progress`;
    let sent = false;
    const timer = setInterval(() => {
      if (sent || !existsSync(progress)) return;
      if (readFileSync(progress, 'utf8').trim().split('\n').length >= 4) {
        sent = true;
        process.emit('SIGINT');
      }
    }, 2);
    const first = await run(args, token).finally(() => clearInterval(timer));
    expect(sent).toBe(true);
    expect(first.code).toBe(130);
    expect(first.err).toMatch(
      /Stopped: interrupted\. Progress is saved in .*; run the same command again to resume/,
    );
    expect(existsSync(out)).toBe(false);
    const finished = readFileSync(progress, 'utf8').trim().split('\n').length - 1;
    expect(finished).toBeGreaterThanOrEqual(3);
    expect(finished).toBeLessThan(40);
    expect(await matchRecords()).toHaveLength(finished);

    const second = await run(args, token);
    expect(second.code).toBe(0);
    const records = await matchRecords();
    expect(records).toHaveLength(40);
    expect(records.reduce((s, r) => s + (r.credits ?? 0), 0)).toBe(40);
    expect((await readCsv(out)).length).toBe(41);
  });
});

describe('gatehouse enrich reports denials per row', () => {
  it('writes each denied row with the reason and spends nothing', async () => {
    const token = await agent('orgs-only', ['organizations=read']);
    const rows = [
      ['', '', people[0]!.id, '', '', ''],
      ['', people[1]!.email, '', '', '', ''],
      ['', '', '', '', '', 'nobody'],
    ];
    const input = write('in.csv', header, rows);
    const out = join(dir, 'out.csv');
    const res = await run([input, '--out', out, '--as', 'orgs-only'], token);
    expect(res.code).toBe(0);
    expect(res.err).toBe(
      `Enriched 0 of 3 rows (0 from cache, 0 not found, 2 denied, 1 skipped); 0 credits spent; wrote ${out}`,
    );
    const [head, ...body] = await readCsv(out);
    const status = body.map((r) => r[head!.indexOf('status')]);
    expect(status[0]).toMatch(/^denied: .*people\.match/);
    expect(status[1]).toMatch(/^denied: /);
    expect(status[2]).toBe(skippedStatus);
    const records = await matchRecords();
    expect(records).toHaveLength(2);
    expect(records.every((r) => r.decision === 'denied' && r.surface === 'cli')).toBe(true);
  });

  it('denies personal emails without the people.reveal grant', async () => {
    const token = await agent('no-reveal', ['people=read']);
    const input = write('in.csv', header, [['', '', people[0]!.id, '', '', '']]);
    const out = join(dir, 'out.csv');
    const res = await run(
      [input, '--out', out, '--as', 'no-reveal', '--reveal-personal-emails'],
      token,
    );
    expect(res.code).toBe(0);
    const [head, ...body] = await readCsv(out);
    expect(head).toEqual([...header, ...enrichedColumns, 'personal_emails']);
    expect(body[0]![head!.indexOf('status')]).toMatch(/^denied: .*people\.reveal/);
  });
});

describe('gatehouse enrich refuses bad input with one line, exit 2 and no files', () => {
  it.each([
    [
      'a missing file',
      (d: string) => [join(d, 'nope.csv'), '--out', join(d, 'out.csv')],
      /cannot read .*nope\.csv: no such file/,
    ],
    [
      'a binary file',
      (d: string) => [join(d, 'bin.csv'), '--out', join(d, 'out.csv')],
      /not a valid CSV file: contains binary data/,
    ],
    [
      'an unclosed quote',
      (d: string) => [join(d, 'open.csv'), '--out', join(d, 'out.csv')],
      /not a valid CSV file: a quoted field is never closed/,
    ],
    [
      'a ragged row',
      (d: string) => [join(d, 'ragged.csv'), '--out', join(d, 'out.csv')],
      /not a valid CSV file: a row has 3 fields but the header has 2 \(line 3\)/,
    ],
    [
      'no identity column',
      (d: string) => [join(d, 'notes.csv'), '--out', join(d, 'out.csv')],
      /found no column with an email/,
    ],
    [
      'output = input',
      (d: string) => [join(d, 'in.csv'), '--out', join(d, '.', 'in.csv')],
      /--out must not be the input/,
    ],
    [
      'a bad --columns',
      (d: string) => [join(d, 'in.csv'), '--out', join(d, 'out.csv'), '--columns', 'email=Nope'],
      /--columns: the input has no column 'Nope'/,
    ],
    [
      'an unknown --columns field',
      (d: string) => [join(d, 'in.csv'), '--out', join(d, 'out.csv'), '--columns', 'phone=email'],
      /unknown field 'phone'/,
    ],
    [
      'a bad --max-credits',
      (d: string) => [join(d, 'in.csv'), '--out', join(d, 'out.csv'), '--max-credits', 'lots'],
      /--max-credits must be a number/,
    ],
    [
      'a token on the command line',
      (d: string) => [join(d, 'in.csv'), '--out', join(d, 'out.csv'), '--token', 'gh_agent_x'],
      /Do not pass the agent token on the command line/,
    ],
  ])('%s', async (_what, argv, message) => {
    const token = await agent('bot', ['people=read']);
    writeFileSync(join(dir, 'in.csv'), 'email,name\nann@acme.io,Ann\n');
    writeFileSync(join(dir, 'bin.csv'), Buffer.from([0x50, 0x4b, 3, 4, 0, 0, 0x14, 0]));
    writeFileSync(join(dir, 'open.csv'), 'email,name\n"ann@acme.io,Ann\n');
    writeFileSync(join(dir, 'ragged.csv'), 'email,name\nann@acme.io,Ann\nbob@acme.io,Bob,extra\n');
    writeFileSync(join(dir, 'notes.csv'), 'when,notes\nmonday,call back\n');
    const res = await run([...argv(dir), '--as', 'bot'], token);
    expect(res.code).toBe(2);
    expect(res.err.split('\n')).toHaveLength(1);
    expect(res.err).toMatch(message);
    expect(existsSync(join(dir, 'out.csv'))).toBe(false);
    expect(existsSync(join(dir, 'out.csv.progress'))).toBe(false);
    expect(existsSync(join(dir, 'in.csv.progress'))).toBe(false);
    expect(await matchRecords()).toHaveLength(0);
  });

  it('refuses an unknown agent, a missing token, and a token of another agent', async () => {
    const token = await agent('bot', ['people=read']);
    const other = await agent('other', ['people=read']);
    const input = write('in.csv', ['email'], [[people[0]!.email]]);
    const out = join(dir, 'out.csv');
    const unknown = await run([input, '--out', out, '--as', 'nobody'], token);
    expect([unknown.code, unknown.err]).toEqual([
      2,
      "gatehouse enrich: no agent named or with id 'nobody'",
    ]);
    const missing = await run([input, '--out', out, '--as', 'bot']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no token for agent 'bot': pass --token-file/);
    const wrong = await run([input, '--out', out, '--as', 'bot'], other);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/the token belongs to agent 'other', not 'bot'/);
    const tokenFile = join(dir, 'bot.token');
    writeFileSync(tokenFile, `${token}\n`);
    const fromFile = await run([input, '--out', out, '--as', 'bot', '--token-file', tokenFile]);
    expect(fromFile.code).toBe(0);
    expect(existsSync(out)).toBe(true);
  });
});
