import { readFile } from 'node:fs/promises';

import { getAction } from '../../catalog/index.js';
import { createApolloClient } from '../../upstream/index.js';
import { CliError, parse, type CliIO } from '../io.js';
import { storeOptions, withStore } from '../with-store.js';

const help = `Usage: gatehouse connect apikey [--file <path>]

Connects Gatehouse to Apollo with an API key, read from standard input or a file (never from the
command line, where shells and process lists keep it). The key is verified with Apollo, checked
for master or scoped access, then sealed (AES-256-GCM) in the database.

  echo "$APOLLO_KEY" | gatehouse connect apikey
  gatehouse connect apikey --file /run/secrets/apollo-key

The upstream is GATEHOUSE_UPSTREAM_URL (default https://api.apollo.io).
Options: --file  --db  --json  --help`;

/** `gatehouse connect apikey` */
export async function connectCommand(args: string[], io: CliIO): Promise<number> {
  const [kind, ...rest] = args;
  if (!kind || kind === '--help' || kind === '-h') {
    io.out(help);
    return kind ? 0 : 2;
  }
  if (kind !== 'apikey') {
    throw new CliError(
      `gatehouse connect ${kind}: only 'apikey' is available in this version (see gatehouse connect --help)`,
      2,
    );
  }
  const { values } = parse(
    'connect apikey',
    rest,
    { ...storeOptions, file: { type: 'string' } },
    false,
  );
  if (values.help) {
    io.out(help);
    return 0;
  }
  let raw: string;
  if (values.file) {
    raw = await readFile(values.file, 'utf8').catch((e: Error) => {
      throw new CliError(`cannot read ${values.file}: ${e.message}`);
    });
  } else {
    raw = await io.readStdin();
  }
  const key = raw.trim();
  if (!key)
    throw new CliError('no API key given: pipe it on standard input or pass --file <path>', 2);
  if (/\s/.test(key)) throw new CliError('the API key must be a single line with no spaces');

  return withStore(io, values, async (store, config) => {
    const client = createApolloClient({
      baseUrl: config.upstreamUrl,
      timeoutMs: config.upstreamTimeoutMs,
    });
    const credential = { kind: 'apikey', key } as const;
    const health = await client.health(credential);
    if (!health.ok)
      throw new CliError(
        `could not verify the key with ${config.upstreamUrl}: ${health.error.message}`,
      );
    const body = health.value.body as { is_logged_in?: unknown };
    if (body.is_logged_in === false)
      throw new CliError(`Apollo at ${config.upstreamUrl} does not accept this API key`);
    // A master-only endpoint tells master keys from scoped ones: a scoped key gets 403 API_INACCESSIBLE.
    const probe = await client.call(getAction('users.list')!, { per_page: 1 }, credential);
    const keyType = probe.ok ? 'master' : probe.error.kind === 'forbidden' ? 'scoped' : undefined;
    const profile = await client.profile(credential);
    const user = profile.ok ? (profile.value.body as Record<string, unknown>) : null;
    const who = user && typeof user.email === 'string' ? user.email : null;
    const saved = await store.connection.save({
      kind: 'apikey',
      credential: { key },
      metadata: {
        keyType,
        user: who,
        upstreamUrl: config.upstreamUrl,
        verifiedAt: new Date().toISOString(),
      },
    });
    if (!saved.ok) throw new CliError(saved.error.message);
    if (values.json)
      io.out(
        JSON.stringify({
          connected: true,
          kind: 'apikey',
          key_type: keyType ?? 'unknown',
          user: who,
          upstream: config.upstreamUrl,
        }),
      );
    else
      io.out(
        `Connected to ${config.upstreamUrl} with a ${keyType ?? 'verified'} API key${who ? ` (acting as ${who})` : ''}. The key is sealed in the database; restart gatehouse start to use it.`,
      );
    return 0;
  });
}
