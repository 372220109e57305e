import { readFile } from 'node:fs/promises';

import {
  defaultOAuthScopes,
  describeUser,
  finishAuthorization,
  parseScopes,
} from '../../services/oauth/connect.js';
import { actions, getAction, type ActionSpec } from '../../catalog/index.js';
import { ageInDays } from '../../core/index.js';
import {
  buildAuthorizationUrl,
  createApolloClient,
  newAuthorizationSecrets,
  oauthEndpoints,
} from '../../upstream/index.js';
import { CliError, parse, type CliIO } from '../io.js';
import { openLoopbackCallback } from '../loopback-callback.js';
import { storeOptions, withStore } from '../with-store.js';

const help = `Usage: gatehouse connect status
       gatehouse connect apikey [--file <path>]
       gatehouse connect oauth --client-id <id> [--client-secret-file <path>] [--scopes a,b]
                               [--callback-port <port>] [--timeout 5m] [--no-browser]

Connects Gatehouse to Apollo; the credential is sealed (AES-256-GCM) in the database. Secrets are
read from standard input or a file, never from the command line, where shells and process lists
keep them.

status   What Gatehouse is connected with: kind, Apollo user, key type and reach, age, token
         expiry, the last refresh failure, and a rotation warning past GATEHOUSE_MAX_SECRET_AGE_DAYS.

apikey   An Apollo API key, verified with Apollo and checked for master or scoped access.
           echo "$APOLLO_KEY" | gatehouse connect apikey
           gatehouse connect apikey --file /run/secrets/apollo-key

oauth    Your Apollo OAuth app (Settings > Integrations > API > OAuth registration). Gatehouse
         prints the authorization URL (it never opens a browser itself), waits for Apollo's
         redirect on http://127.0.0.1:<port>/oauth/callback, exchanges the code (PKCE S256, a
         random state checked on return), asks Apollo who granted access, and seals the tokens.
         Gatehouse refreshes the access token a day before its 30 days run out.
           gatehouse connect oauth --client-id <id> --client-secret-file /run/secrets/apollo-oauth
  --client-id            the app's client id
  --client-secret-file   file holding the client secret (default: standard input)
  --scopes               comma-separated Apollo scopes (default: every scope Gatehouse's actions use)
  --callback-port        port of the loopback callback (default 0: any free port); register
                         http://127.0.0.1:<port>/oauth/callback as a redirect URL of the app
  --timeout              how long to wait for the redirect: 300, 90s, 5m (default 5m)
  --no-browser           accepted for scripts; the URL is always printed and nothing opened

The upstream is GATEHOUSE_UPSTREAM_URL (default https://api.apollo.io).
Options: --db  --json  --help`;

/** `gatehouse connect apikey|oauth` */
export async function connectCommand(args: string[], io: CliIO): Promise<number> {
  const [kind, ...rest] = args;
  if (!kind || kind === '--help' || kind === '-h') {
    io.out(help);
    return kind ? 0 : 2;
  }
  if (kind === 'status') return connectionStatus(rest, io);
  if (kind === 'apikey') return connectApiKey(rest, io);
  if (kind === 'oauth') return connectOAuth(rest, io);
  throw new CliError(
    `unknown connection kind '${kind}': use apikey or oauth (see gatehouse connect --help)`,
    2,
  );
}

async function connectionStatus(rest: string[], io: CliIO): Promise<number> {
  const { values } = parse('connect status', rest, storeOptions, false);
  if (values.help) {
    io.out(help);
    return 0;
  }
  return withStore(io, values, async (store, config) => {
    const info = await store.connection.info();
    if (!info) {
      if (values.json) io.out(JSON.stringify({ connected: false }));
      else
        io.out(
          'Not connected to Apollo: gatehouse start uses the embedded sandbox. Connect with gatehouse connect apikey or oauth.',
        );
      return 3;
    }
    const m = info.metadata;
    const ageDays = ageInDays(info.createdAt, Date.now());
    const refreshError = m.refreshError as { message?: string; at?: number } | undefined;
    const doc = {
      connected: true,
      kind: info.kind,
      user: (m.oauthUser as { email?: string } | undefined)?.email ?? m.user ?? null,
      key_type: m.keyType ?? null,
      reachable_actions: m.reachableActions ?? null,
      unreachable_actions: m.unreachableActions ?? null,
      connected_at: new Date(info.createdAt).toISOString(),
      age_days: ageDays,
      expires_at: typeof m.expiresAt === 'number' ? new Date(m.expiresAt).toISOString() : null,
      refresh_error: refreshError?.message ?? null,
      rotate: info.kind === 'apikey' && ageDays > config.maxSecretAgeDays,
    };
    if (values.json) {
      io.out(JSON.stringify(doc));
      return 0;
    }
    io.out(
      [
        `Connected with ${info.kind === 'apikey' ? `an API key${doc.key_type ? ` (${String(doc.key_type)})` : ''}` : 'OAuth'}${doc.user ? ` as ${String(doc.user)}` : ''}, ${ageDays} days ago.`,
        doc.expires_at ? `  access token expires ${doc.expires_at} (refreshed a day before)` : '',
        Array.isArray(doc.unreachable_actions) && doc.unreachable_actions.length
          ? `  the key cannot reach: ${doc.unreachable_actions.join(', ')}`
          : '',
        doc.refresh_error ? `  last refresh FAILED: ${doc.refresh_error}` : '',
        doc.rotate
          ? `  the key is older than ${config.maxSecretAgeDays} days: make a new one in Apollo and run gatehouse connect apikey`
          : '',
      ]
        .filter(Boolean)
        .join('\n'),
    );
    return 0;
  });
}

async function connectApiKey(rest: string[], io: CliIO): Promise<number> {
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
  const key = await readSecret(io, values.file, 'API key');

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
    // A master-only endpoint tells master keys from scoped ones: a scoped key gets 403
    // API_INACCESSIBLE. Apollo documents its phone-call search as master-key only (users/search,
    // once used here, is open to scoped keys that have it ticked).
    const probe = await client.call(getAction('calls.search')!, { per_page: 1 }, credential);
    const keyType = probe.ok ? 'master' : probe.error.kind === 'forbidden' ? 'scoped' : undefined;
    // A scoped key reaches only the endpoints ticked in Apollo. Probe the free, read-only ones
    // (no credits, no side effects); the rest are learned from the first real call.
    const reachableActions: string[] = [];
    const unreachableActions: string[] = [];
    if (keyType === 'scoped') {
      for (const action of actions as readonly ActionSpec[]) {
        // Free reads that need no record id; master-only ones are out of a scoped key's reach.
        if (action.access !== 'read' || action.credits.kind !== 'none') continue;
        if (action.pathParams.length > 0 || action.masterKeyOnly) continue;
        const answer = await client.call(
          action,
          action.pagination ? { per_page: 1 } : {},
          credential,
        );
        // Apollo refuses an unticked endpoint with API_INACCESSIBLE: 403, or 422 on reports.
        // Any other answer (even "a parameter is missing") means the key got past the check.
        const refused =
          !answer.ok &&
          (answer.error.kind === 'forbidden' || answer.error.kind === 'invalid_request') &&
          answer.error.errorCode === 'API_INACCESSIBLE';
        (refused ? unreachableActions : reachableActions).push(action.id);
      }
    }
    const profile = await client.profile(credential);
    const user = profile.ok ? (profile.value.body as Record<string, unknown>) : null;
    const who = user && typeof user.email === 'string' ? user.email : null;
    const saved = await store.connection.save({
      kind: 'apikey',
      credential: { key },
      metadata: {
        keyType,
        ...(keyType === 'scoped' ? { reachableActions, unreachableActions } : {}),
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
          ...(keyType === 'scoped'
            ? { reachable_actions: reachableActions, unreachable_actions: unreachableActions }
            : {}),
          user: who,
          upstream: config.upstreamUrl,
        }),
      );
    else
      io.out(
        [
          `Connected to ${config.upstreamUrl} with a ${keyType ?? 'verified'} API key${who ? ` (acting as ${who})` : ''}. The key is sealed in the database; restart gatehouse start to use it.`,
          ...(keyType === 'scoped'
            ? [
                `It is a scoped key. Reaches: ${reachableActions.join(', ') || 'none of the free read endpoints'}.`,
                ...(unreachableActions.length
                  ? [`Refused by Apollo: ${unreachableActions.join(', ')}.`]
                  : []),
                'Other endpoints are learned from the first call (gatehouse explain shows what is known).',
              ]
            : []),
        ].join('\n'),
      );
    return 0;
  });
}

/** How long `connect oauth` waits for the redirect unless told otherwise. */
export const defaultCallbackTimeoutMs = 5 * 60_000;

async function connectOAuth(rest: string[], io: CliIO): Promise<number> {
  // Refused by name, so the error never echoes what followed the flag.
  if (rest.some((a) => a === '--client-secret' || a.startsWith('--client-secret='))) {
    throw new CliError(
      'the client secret is never taken from the command line: use --client-secret-file <path> or standard input',
      2,
    );
  }
  const { values } = parse(
    'connect oauth',
    rest,
    {
      ...storeOptions,
      'client-id': { type: 'string' },
      'client-secret-file': { type: 'string' },
      scopes: { type: 'string' },
      'callback-port': { type: 'string', default: '0' },
      timeout: { type: 'string' },
      'no-browser': { type: 'boolean', default: false },
    },
    false,
  );
  if (values.help) {
    io.out(help);
    return 0;
  }
  const clientId = values['client-id']?.trim();
  if (!clientId)
    throw new CliError('--client-id is required (the Apollo OAuth app’s client id)', 2);
  let scopes = [...defaultOAuthScopes];
  if (values.scopes !== undefined) {
    const parsed = parseScopes(values.scopes);
    if (!parsed.ok) throw new CliError(`${parsed.error} (see gatehouse connect --help)`, 2);
    scopes = parsed.value;
  }
  const port = parsePort(values['callback-port']);
  const timeoutMs =
    values.timeout === undefined ? defaultCallbackTimeoutMs : parseDuration(values.timeout);
  const clientSecret = await readSecret(io, values['client-secret-file'], 'client secret');

  return withStore(io, values, async (store, config) => {
    // ASSUMPTION: Apollo accepts a loopback http redirect for the app. Apollo's documentation says
    // its registration form takes HTTPS redirect URLs; if it refuses http://127.0.0.1, connect from
    // the console, whose /oauth/callback is served on Gatehouse's own (HTTPS) address.
    const callback = await openLoopbackCallback(port).catch((e: Error) => {
      throw new CliError(`cannot listen for the callback on 127.0.0.1:${port}: ${e.message}`);
    });
    try {
      const secrets = await newAuthorizationSecrets();
      const url = buildAuthorizationUrl(oauthEndpoints(config.upstreamUrl), {
        clientId,
        redirectUri: callback.redirectUri,
        scopes,
        state: secrets.state,
        codeChallenge: secrets.codeChallenge,
      });
      // With --json, stdout holds only the final document, so the instructions go to stderr.
      const say = values.json ? io.err.bind(io) : io.out.bind(io);
      say(
        `Open this URL in a browser and allow Gatehouse to use Apollo (waiting ${formatDuration(timeoutMs)} for the redirect to ${callback.redirectUri}):\n\n  ${url}\n`,
      );
      const received = await callback
        .next(
          timeoutMs,
          `no redirect from Apollo within ${formatDuration(timeoutMs)}: open the URL and allow access, or pass a longer --timeout; nothing was saved`,
        )
        .catch((e: Error) => {
          throw new CliError(e.message);
        });
      const done = await finishAuthorization(
        { store, timeoutMs: config.upstreamTimeoutMs },
        {
          upstreamUrl: config.upstreamUrl,
          clientId,
          clientSecret,
          redirectUri: callback.redirectUri,
          state: secrets.state,
          codeVerifier: secrets.codeVerifier,
          scopes,
        },
        received.params,
      );
      if (!done.ok) {
        received.respond(400, `Gatehouse was not connected: ${done.error.message}.`);
        throw new CliError(done.error.message);
      }
      const { user, expiresAt } = done.value;
      const expires = new Date(expiresAt).toISOString();
      received.respond(
        200,
        `Gatehouse is connected to Apollo as ${describeUser(user)}. You can close this tab.`,
      );
      if (values.json) {
        io.out(
          JSON.stringify({
            connected: true,
            kind: 'oauth',
            user,
            expires_at: expires,
            scopes: done.value.scopes,
            upstream: config.upstreamUrl,
          }),
        );
      } else {
        io.out(
          `Connected to ${config.upstreamUrl} with OAuth as ${describeUser(user)}. The access token expires at ${expires}; Gatehouse refreshes it a day before. The tokens are sealed in the database; restart gatehouse start to use them.`,
        );
      }
      return 0;
    } finally {
      await callback.close();
    }
  });
}

/** A secret from a file or standard input: one line, no spaces. */
async function readSecret(io: CliIO, file: string | undefined, what: string): Promise<string> {
  const raw = file
    ? await readFile(file, 'utf8').catch((e: Error) => {
        throw new CliError(`cannot read ${file}: ${e.message}`);
      })
    : await io.readStdin();
  const secret = raw.trim();
  if (!secret) {
    const flag = what === 'API key' ? '--file' : '--client-secret-file';
    throw new CliError(`no ${what} given: pipe it on standard input or pass ${flag} <path>`, 2);
  }
  if (/\s/.test(secret)) throw new CliError(`the ${what} must be a single line with no spaces`);
  return secret;
}

function parsePort(text: string): number {
  const port = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(port >= 0 && port <= 65_535)) {
    throw new CliError(`--callback-port must be a port number from 0 to 65535, not '${text}'`, 2);
  }
  return port;
}

/** "300" (seconds), "90s", "5m", "500ms" → milliseconds. */
export function parseDuration(text: string): number {
  // eslint-disable-next-line security/detect-unsafe-regex -- no nested repetition; the operator's own argument
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  const ms = m ? Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1000) : NaN;
  if (!(ms > 0) || ms > 24 * 3600_000) {
    throw new CliError(`--timeout must be a duration like 300, 90s or 5m, not '${text}'`, 2);
  }
  return Math.round(ms);
}

function formatDuration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}
