// `gatehouse enrich`: enriches the people of a CSV file through the gateway, as one agent. Every
// row is one people.match call through Gateway.handle (surface 'cli'), so the agent's grants,
// redactions and budgets, the enrichment cache, auto-batching, pacing and the audit apply exactly
// as they do to the agent's own calls. This file reads the arguments, refuses bad input before
// anything is opened or written, checks the token belongs to the agent, and hands over to the run.
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

import { openGateway } from '../../app/start.js';
import { readAgentToken, refuseTokenOnArgv } from '../agent-token.js';
import { CliError, parse, type CliIO } from '../io.js';
import { commandConfig, commandLogger, storeOptions } from '../with-store.js';

import { mapColumns } from './columns.js';
import { inputError, sameFile, scanInput } from './input.js';
import { loadProgress, type ProgressHeader } from './progress-file.js';
import { runEnrichment } from './runner.js';

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

/** The arguments, checked; throws a CliError (exit 2) naming what is wrong. */
function readArguments(args: string[]) {
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
  if (values.help) return { help: true as const };
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
  return {
    help: false as const,
    values,
    input,
    out,
    agentName,
    maxCredits,
    concurrency,
    reveal: values['reveal-personal-emails'] === true,
  };
}

/** Refuses an output that is the input, is a folder, or has no folder to go in. */
async function checkOutput(input: string, out: string): Promise<void> {
  if (await sameFile(input, out))
    throw new CliError('--out must not be the input file: write the enriched copy elsewhere', 2);
  const folder = dirname(resolve(out));
  try {
    if (!(await stat(folder)).isDirectory()) throw new Error('not a folder');
  } catch {
    throw new CliError(`cannot write ${out}: its folder ${folder} does not exist`, 2);
  }
  const isFolder = await stat(out).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (isFolder) throw new CliError(`cannot write ${out}: it is a folder`, 2);
}

/** `gatehouse enrich` */
export async function enrichCommand(args: string[], io: CliIO): Promise<number> {
  refuseTokenOnArgv(args, 2);
  const a = readArguments(args);
  if (a.help) {
    io.out(help);
    return 0;
  }
  const { values, input, out, agentName, reveal } = a;

  // Bad input is refused before anything is opened or written.
  await checkOutput(input, out);
  const scanned = await scanInput(input).catch((e: unknown) => {
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
    return await runEnrichment({
      io,
      app,
      token,
      input,
      out,
      progressPath,
      header,
      saved: saved?.rows ?? new Map(),
      total: scanned.total,
      maxCredits: a.maxCredits,
      concurrency: a.concurrency,
      agentName: agent.name,
      json: values.json === true,
    });
  } finally {
    await gateway.close();
  }
}
