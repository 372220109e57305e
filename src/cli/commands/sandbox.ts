import { actions, oauthAuthorize, oauthToken, plans, type Plan } from '../../catalog/index.js';
import {
  buildRoutes,
  createSandbox,
  resolveKeyScope,
  type SandboxOptions,
} from '../../sandbox/index.js';
import { randomSecret } from '../../sandbox/random.js';
import { CliError, parse, type CliIO } from '../io.js';

// Examples for the help, taken from the catalog: a bare path, a full key scope, an action id.
const [first, second, third] = actions;
const examples = [first?.keyScope.replace(/^.*?v1\//, ''), second?.keyScope, third?.id].join(',');

export const sandboxHelp = `Usage: gatehouse sandbox [options]

Runs the Apollo API simulator alone: Apollo's paths, auth, rate limits, OAuth and webhooks over
seeded fake data. It is a simulator: no real Apollo account, data or credits are involved.

Options:
  --port <n>                 port to listen on (default 8788; 0 picks a free one)
  --host <host>              interface to bind (default 127.0.0.1)
  --plan <plan>              rate-limit plan: ${plans.join(', ')} (default basic)
  --seed <n>                 seed of the simulated data (default 1)
  --master-key <key>         a master API key (repeatable; default: one random key)
  --scoped-key <key>         a standard API key limited to --scoped-endpoints
  --scoped-endpoints <list>  comma-separated endpoints for --scoped-key, e.g.
                             ${examples}
                             (default: a random key for the read endpoints)
  --json                     print the URL, keys and OAuth client as one JSON document
  -h, --help                 show this help

Control routes (master key in x-api-key): GET /__sandbox/state, GET|POST|DELETE /__sandbox/faults,
POST /__sandbox/deliveries/flush.`;

const flags = {
  port: { type: 'string' },
  host: { type: 'string' },
  plan: { type: 'string' },
  seed: { type: 'string' },
  'master-key': { type: 'string', multiple: true },
  'scoped-key': { type: 'string' },
  'scoped-endpoints': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** What the command will start, from validated flags. */
export interface SandboxSettings {
  port: number;
  host: string;
  plan: Plan;
  seed: number;
  masterKeys: string[];
  scopedKeys: Array<{ key: string; endpoints: string[] }>;
}

const usageError = (message: string) => new CliError(message, 2);

function keyFlag(name: string, value: string): string {
  if (!/^\S+$/.test(value)) throw usageError(`--${name} must be a non-empty key without spaces`);
  return value;
}

/** Validates the flags; throws a CliError (exit 2) naming the first bad one. */
export function readSandboxFlags(values: {
  port?: string | undefined;
  host?: string | undefined;
  plan?: string | undefined;
  seed?: string | undefined;
  'master-key'?: string[] | undefined;
  'scoped-key'?: string | undefined;
  'scoped-endpoints'?: string | undefined;
}): SandboxSettings {
  const portText = values.port ?? '8788';
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 0 && port <= 65_535)) {
    throw usageError(`--port must be a whole number from 0 to 65535, not '${portText}'`);
  }
  const host = values.host ?? '127.0.0.1';
  if (!/^\S+$/.test(host)) throw usageError('--host must not be empty');
  const plan = (values.plan ?? 'basic') as Plan;
  if (!plans.includes(plan)) {
    throw usageError(`--plan must be one of ${plans.join(', ')}, not '${values.plan}'`);
  }
  const seedText = values.seed ?? '1';
  const seed = /^-?\d{1,15}$/.test(seedText) ? Number(seedText) : NaN;
  if (!Number.isSafeInteger(seed))
    throw usageError(`--seed must be a whole number, not '${seedText}'`);

  const masterKeys = (values['master-key'] ?? []).map((k) => keyFlag('master-key', k));
  const scopedKey = values['scoped-key'];
  const scopedList = values['scoped-endpoints'];
  if ((scopedKey === undefined) !== (scopedList === undefined)) {
    throw usageError('--scoped-key and --scoped-endpoints go together: give both or neither');
  }
  const routes = buildRoutes();
  let scopedKeys: SandboxSettings['scopedKeys'];
  if (scopedKey !== undefined && scopedList !== undefined) {
    const names = scopedList
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (names.length === 0) throw usageError('--scoped-endpoints must name at least one endpoint');
    const endpoints = names.map((name) => {
      const scope = resolveKeyScope(routes, name);
      if (!scope) {
        throw usageError(
          `--scoped-endpoints: unknown endpoint '${name}' (use an action id or a key scope, as in ${examples})`,
        );
      }
      return scope;
    });
    scopedKeys = [{ key: keyFlag('scoped-key', scopedKey), endpoints }];
  } else {
    // By default, a standard key ticked for every read endpoint, to try scoped access at once.
    const reads = actions.filter((a) => a.access === 'read' && !a.masterKeyOnly);
    scopedKeys = [{ key: randomSecret(), endpoints: reads.map((a) => a.keyScope) }];
  }
  const all = [...masterKeys, ...scopedKeys.map((k) => k.key)];
  if (new Set(all).size !== all.length) throw usageError('every API key must be different');
  return { port, host, plan, seed, masterKeys, scopedKeys };
}

/** Resolves on SIGINT or SIGTERM. */
function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(signal);
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
  });
}

export interface SandboxCommandOptions {
  /** Resolves when the sandbox should stop; default: SIGINT or SIGTERM. */
  shutdown?: Promise<unknown>;
  /** Extra sandbox options (tests pass a world or a clock). */
  sandbox?: SandboxOptions;
}

/** `gatehouse sandbox`: starts the simulator, prints how to reach it, runs until stopped. */
export async function sandboxCommand(
  args: string[],
  io: CliIO,
  options: SandboxCommandOptions = {},
): Promise<number> {
  const { values } = parse('sandbox', args, flags, false);
  if (values.help) {
    io.out(sandboxHelp);
    return 0;
  }
  const settings = readSandboxFlags(values);
  const sandbox = createSandbox({
    ...options.sandbox,
    seed: settings.seed,
    plan: settings.plan,
    ...(settings.masterKeys.length > 0 ? { masterKeys: settings.masterKeys } : {}),
    scopedKeys: settings.scopedKeys,
  });
  let server;
  try {
    server = await sandbox.listen(settings.port, settings.host);
  } catch (err) {
    sandbox.close();
    const code = (err as { code?: string }).code;
    const why = code === 'EADDRINUSE' ? 'the address is already in use' : (err as Error).message;
    throw new CliError(`cannot listen on ${settings.host}:${settings.port}: ${why}`, 1);
  }

  const facts = {
    simulator: true,
    url: server.url,
    plan: sandbox.plan,
    seed: settings.seed,
    masterKeys: sandbox.keys.master,
    scopedKeys: sandbox.keys.scoped,
    oauth: {
      authorizeUrl: `${server.url}${oauthAuthorize.path}`,
      tokenUrl: `${server.url}${oauthToken.path}`,
      clients: sandbox.oauthClients.map((c) => ({
        clientId: c.clientId,
        clientSecret: c.clientSecret,
        redirectUris: [...c.redirectUris],
      })),
    },
  };
  if (values.json) {
    io.out(JSON.stringify(facts));
  } else {
    const client = facts.oauth.clients[0];
    io.out(
      [
        `Apollo sandbox listening on ${server.url}`,
        'This is a simulator: fake seeded data, no real Apollo account, no real credits.',
        `  plan ${facts.plan}, seed ${facts.seed}`,
        ...facts.masterKeys.map((k) => `  master key:   ${k}`),
        ...facts.scopedKeys.flatMap((k) => [
          `  scoped key:   ${k.key}`,
          `    endpoints:  ${k.endpoints.join(', ')}`,
        ]),
        `  OAuth client: ${client?.clientId ?? '(none)'}`,
        `    secret:     ${client?.clientSecret ?? ''}`,
        `    redirects:  ${client?.redirectUris.join(' ') ?? ''}`,
        `    authorize:  ${facts.oauth.authorizeUrl}`,
        `    token:      ${facts.oauth.tokenUrl}`,
        `Try: curl -s -X POST ${server.url}${actions[0]?.path ?? ''} -H 'x-api-key: ${facts.masterKeys[0] ?? ''}' -H 'content-type: application/json' -d '{"per_page":2}'`,
      ].join('\n'),
    );
    io.err('Press Ctrl+C to stop.');
  }

  await (options.shutdown ?? untilSignal());
  sandbox.close();
  await server.close();
  if (!values.json) io.err('Sandbox stopped.');
  return 0;
}
