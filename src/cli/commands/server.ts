import { once } from 'node:events';

import { createLogger } from '../../app/logger.js';
import { demoAgent, exampleCurl, startGatehouse } from '../../app/start.js';
import { loadConfig } from '../../config/config.js';
import { CliError, parse, type CliIO } from '../io.js';
import { storeOptions, withStore } from '../with-store.js';

const startHelp = `Usage: gatehouse start [--port 8787] [--host 127.0.0.1] [--sandbox] [--db <path|url>]
                       [--tls-cert <pem> --tls-key <pem>]

Runs the gateway. With no Apollo connection stored (or with --sandbox) it runs against an
embedded Apollo sandbox, creates a demo agent once and prints its token and a curl to try.
Stop with Ctrl-C or SIGTERM: calls in flight finish and the audit is flushed first.

With --tls-cert and --tls-key (or GATEHOUSE_TLS_CERT/GATEHOUSE_TLS_KEY) it serves HTTPS only,
TLS 1.2 or later, with HSTS. Behind a proxy that terminates TLS, set GATEHOUSE_TRUST_PROXY=true.

Options: --port  --host  --sandbox  --db  --tls-cert  --tls-key  --help`;

/** `gatehouse start` */
export async function startCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parse(
    'start',
    args,
    {
      ...storeOptions,
      port: { type: 'string' },
      host: { type: 'string' },
      sandbox: { type: 'boolean' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
    },
    false,
  );
  if (values.help) {
    io.out(startHelp);
    return 0;
  }
  const config = loadConfig({
    env: io.env,
    file: 'gatehouse.config.json',
    flags: {
      port: values.port,
      host: values.host,
      db: values.db,
      sandbox: values.sandbox,
      tlsCert: values['tls-cert'],
      tlsKey: values['tls-key'],
    },
  });
  const logger = createLogger({ level: config.logLevel, replicaId: config.replicaId });
  const started = await startGatehouse(config, { logger });
  const lines = [
    '',
    `Gatehouse is listening on ${started.url}, calling ${started.upstreamLabel}.`,
    `  REST proxy (Apollo's /api/v1 paths): ${started.url}/api/v1`,
    `  Health: ${started.url}/healthz   Readiness: ${started.url}/readyz (details with the admin token)`,
    `  Console: ${started.url}/   Admin API: ${started.url}/admin/api (docs: ${started.url}/admin/docs)`,
  ];
  if (started.mintedAdminToken) {
    lines.push(
      '',
      'No GATEHOUSE_ADMIN_TOKEN is set, so this sandbox run has its own admin token (valid until it stops):',
      `  ${started.mintedAdminToken}`,
    );
  } else if (!config.adminToken) {
    lines.push('', 'The console and admin API are off: set GATEHOUSE_ADMIN_TOKEN to turn them on.');
  }
  if (started.demoToken) {
    lines.push(
      '',
      `Created the demo agent '${demoAgent.name}' with people=read and organizations=read.`,
      'Its token, shown only now:',
      `  ${started.demoToken}`,
      '',
      'Try it:',
      `  ${exampleCurl(started.url, started.demoToken)}`,
    );
  } else if (started.sandbox) {
    lines.push(
      '',
      `The demo agent '${demoAgent.name}' exists; get a new token with: gatehouse agent rotate ${demoAgent.name}`,
    );
  }
  io.out(`${lines.join('\n')}\n`);
  const signal = await Promise.race([once(process, 'SIGTERM'), once(process, 'SIGINT')]);
  void signal;
  io.err('Stopping: finishing calls in flight and flushing the audit…');
  await started.close();
  io.err('Stopped.');
  return 0;
}

const migrateHelp = `Usage: gatehouse migrate [--db <path|url>]

Brings the database schema up to date (start does this too).`;

/** `gatehouse migrate` */
export async function migrateCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parse('migrate', args, storeOptions, false);
  if (values.help) {
    io.out(migrateHelp);
    return 0;
  }
  return withStore(io, values, async (store, config) => {
    const where = store.handle.dialect === 'sqlite' ? config.db : 'Postgres';
    if (values.json)
      io.out(JSON.stringify({ database: store.handle.dialect, applied: store.migrated }));
    else
      io.out(
        store.migrated.length
          ? `Migrated ${where}: ${store.migrated.join(', ')}.`
          : `${where} is up to date.`,
      );
    return 0;
  });
}

export { CliError };
