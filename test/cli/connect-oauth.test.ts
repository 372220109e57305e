// `gatehouse connect oauth` against a listening sandbox, walking the redirect over real HTTP: the
// connection is saved sealed with the user identified, and a gateway started on it calls Apollo
// with the OAuth token. Every bad input or refused authorization ends in one clear line, a
// non-zero exit, and nothing saved.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { openStore } from '../../src/store/open-store.js';
import { startGatehouse } from '../../src/app/start.js';
import { getAction, oauthAuthorize } from '../../src/catalog/index.js';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/config.js';
import { createSandbox, type Sandbox, type SandboxServer } from '../../src/sandbox/index.js';
import { manualClock, type ManualClock } from '../helpers/sandbox/clock.js';
import { createWorld } from '../../src/sandbox/world/index.js';

const root = mkdtempSync(join(tmpdir(), 'gatehouse-oauth-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const silent = createLogger({ level: 'silent' });

let n = 0;
let env: Record<string, string>;
let sandbox: Sandbox;
let server: SandboxServer;
let clock: ManualClock;
let secretFile: string;

beforeEach(async () => {
  n += 1;
  clock = manualClock(Date.now());
  sandbox = createSandbox({ seed: 3, createWorld, clock });
  server = await sandbox.listen(0, '127.0.0.1');
  env = {
    GATEHOUSE_DB: join(root, `c${n}.db`),
    GATEHOUSE_KEY_FILE: join(root, `k${n}`),
    GATEHOUSE_UPSTREAM_URL: server.url,
    GATEHOUSE_LOG_LEVEL: 'silent',
  };
  // An existing installation: the data key exists, so stderr holds nothing but the outcome.
  await (await openStore(loadConfig({ env }), silent)).close();
  secretFile = join(root, `secret${n}`);
  writeFileSync(secretFile, `${sandbox.oauthClients[0]!.clientSecret}\n`, { mode: 0o600 });
});

afterEach(async () => {
  await server.close();
  sandbox.close();
});

const client = () => sandbox.oauthClients[0]!;
const owner = () => sandbox.world.profile(sandbox.world.team.ownerUserId)!;

/** Runs the CLI without waiting: the test plays the browser meanwhile. */
function startCli(args: string[], stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    readStdin: async () => stdin,
    env,
  };
  const done = runCli(args, io).then((code) => ({
    code,
    out: out.join('\n'),
    err: err.join('\n'),
  }));
  const printedUrl = async (): Promise<URL> => {
    for (let i = 0; i < 500; i++) {
      const printed = [...out, ...err].join('\n').match(/http:\/\/\S+/g) ?? [];
      const url = printed.map((u) => new URL(u)).find((u) => u.pathname === oauthAuthorize.path);
      if (url) return url;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no authorization URL printed: ${out.join('\n')} ${err.join('\n')}`);
  };
  return { done, printedUrl };
}

const oauthArgs = (...extra: string[]) => [
  'connect',
  'oauth',
  '--client-id',
  client().clientId,
  '--client-secret-file',
  secretFile,
  '--no-browser',
  ...extra,
];

/** The browser's part: open the authorization URL, follow Apollo's redirect to the callback. */
async function walk(url: URL): Promise<{ location: URL; page: Response }> {
  const authorized = await fetch(url, { redirect: 'manual' });
  expect(authorized.status).toBe(302);
  const location = new URL(authorized.headers.get('location')!);
  return { location, page: await fetch(location) };
}

async function storedConnection() {
  const store = await openStore(loadConfig({ env }), silent);
  try {
    const loaded = await store.connection.load();
    if (!loaded.ok) throw new Error(loaded.error.message);
    return loaded.value;
  } finally {
    await store.close();
  }
}

describe('gatehouse connect oauth', () => {
  it('connects through the loopback callback, seals the tokens, and a gateway then calls Apollo with them', async () => {
    const cli = startCli(oauthArgs());
    const url = await cli.printedUrl();
    expect(`${url.origin}${url.pathname}`).toBe(`${server.url}${oauthAuthorize.path}`);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('state')).toMatch(/^[\w-]{43}$/);
    const redirectUri = new URL(url.searchParams.get('redirect_uri')!);
    expect(redirectUri.hostname).toBe('127.0.0.1');
    expect(redirectUri.pathname).toBe('/oauth/callback');

    const { location, page } = await walk(url);
    expect(location.origin).toBe(redirectUri.origin);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`connected to Apollo as ${owner().name}`);
    const result = await cli.done;
    expect(result.code).toBe(0);
    expect(result.out).toContain(`with OAuth as ${owner().name} <${owner().email}>`);
    expect(result.out).toMatch(/The access token expires at \d{4}-\d\d-\d\dT/);

    const saved = await storedConnection();
    expect(saved?.kind).toBe('oauth');
    expect(saved?.metadata.oauthUser).toEqual({
      id: owner().id,
      name: owner().name,
      email: owner().email,
    });
    const credential = saved!.credential as Record<string, string | number>;
    expect(credential).toMatchObject({ clientId: client().clientId });
    expect(credential.expiresAt).toBe(saved!.metadata.expiresAt);
    const expiresIn = (credential.expiresAt as number) - Date.now();
    expect(expiresIn).toBeGreaterThan(29.9 * 24 * 3600_000);
    expect(expiresIn).toBeLessThanOrEqual(30 * 24 * 3600_000);
    expect(saved!.metadata.scopes).toContain('mixed_people_api_search');
    // Sealed at rest; never printed.
    const db = readFileSync(env.GATEHOUSE_DB!);
    const printed = `${result.out}\n${result.err}`;
    for (const secret of [
      credential.accessToken as string,
      credential.refreshToken as string,
      client().clientSecret,
      location.searchParams.get('code')!,
    ]) {
      expect(db.includes(Buffer.from(secret))).toBe(false);
      expect(printed).not.toContain(secret);
    }

    // The gateway chooses the OAuth credential source for this connection and calls with it.
    const adminToken = 'connect-oauth-admin-token-0123456789abcdef';
    const config = loadConfig({
      env: { ...env, GATEHOUSE_ADMIN_TOKEN: adminToken },
      flags: { port: 0 },
    });
    const setup = await openStore(config, silent);
    const agent = await setup.agents.create({
      name: 'bot',
      grants: [{ target: 'people', level: 'read', requiresApproval: false }],
    });
    await setup.close();
    if (!agent.ok) throw new Error(agent.error.message);
    const g = await startGatehouse(config, { logger: silent });
    try {
      expect(g.sandbox).toBeNull();
      const res = await fetch(`${g.url}${getAction('people.search').path}`, {
        method: 'POST',
        headers: { 'x-api-key': agent.value.token, 'content-type': 'application/json' },
        body: JSON.stringify({ per_page: 1 }),
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { people: unknown[] }).people).toHaveLength(1);
      // Who connected and when the token expires are for the admin only.
      const anonymous = await (await fetch(`${g.url}/readyz`)).text();
      expect(JSON.parse(anonymous)).toEqual({ status: 'ready', reasons: [] });
      expect(anonymous).not.toContain(owner().email);
      const ready = (await (
        await fetch(`${g.url}/readyz`, { headers: { authorization: `Bearer ${adminToken}` } })
      ).json()) as {
        checks: Array<{ name: string; detail: string; warning?: string }>;
      };
      const upstream = ready.checks.find((c) => c.name === 'upstream');
      expect(upstream?.detail).toContain(`with OAuth (as ${owner().email}, token expires 20`);
      expect(upstream?.warning).toBeUndefined();
    } finally {
      await g.close();
    }
  });

  it('prints only one JSON document on stdout with --json, the URL going to stderr', async () => {
    const cli = startCli([...oauthArgs('--json', '--scopes', 'people_match,contacts_search')]);
    const url = await cli.printedUrl();
    expect(url.searchParams.get('scope')).toBe('read_user_profile people_match contacts_search');
    await walk(url);
    const result = await cli.done;
    expect(result.code).toBe(0);
    expect(result.err).toContain(`${oauthAuthorize.path}?`);
    const doc = JSON.parse(result.out) as Record<string, unknown>;
    expect(doc).toMatchObject({
      connected: true,
      kind: 'oauth',
      user: { email: owner().email },
      upstream: server.url,
    });
    expect(doc.scopes).toEqual(
      expect.arrayContaining(['read_user_profile', 'people_match', 'contacts_search']),
    );
  });

  it('refuses a redirect whose state is not the one it sent, even with a valid code', async () => {
    const cli = startCli(oauthArgs());
    const url = await cli.printedUrl();
    url.searchParams.set('state', 'a-state-this-cli-never-issued');
    const { page } = await walk(url);
    expect(page.status).toBe(400);
    const result = await cli.done;
    expect(result.code).toBe(1);
    expect(result.err.split('\n')).toHaveLength(1);
    expect(result.err).toMatch(/state does not match this authorization.*nothing was saved/);
    expect(await storedConnection()).toBeUndefined();
  });

  it('reports access_denied from the authorization page and saves nothing', async () => {
    const cli = startCli(oauthArgs());
    const url = await cli.printedUrl();
    // The sandbox always consents, so the browser plays a refusal: Apollo's redirect with the error.
    const callback = new URL(url.searchParams.get('redirect_uri')!);
    callback.searchParams.set('error', 'access_denied');
    callback.searchParams.set('error_description', 'The user denied access');
    callback.searchParams.set('state', url.searchParams.get('state')!);
    const page = await fetch(callback);
    expect(page.status).toBe(400);
    expect(await page.text()).toMatch(/not connected: access was denied/);
    const result = await cli.done;
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/access was denied on Apollo's authorization page/);
    expect(await storedConnection()).toBeUndefined();
  });

  it("reports Apollo's own error parameters on the redirect (status_code, error_message)", async () => {
    const cli = startCli(oauthArgs());
    const url = await cli.printedUrl();
    url.searchParams.set('scope', 'read_user_profile launch_missiles');
    await walk(url);
    const result = await cli.done;
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /Apollo refused the authorization \(403\): Invalid scope: launch_missiles/,
    );
    expect(await storedConnection()).toBeUndefined();
  });

  it('reports invalid_client for a wrong client secret and invalid_grant for an expired code', async () => {
    writeFileSync(secretFile, 'not-the-secret');
    const wrong = startCli(oauthArgs());
    await walk(await wrong.printedUrl());
    const refused = await wrong.done;
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(
      /Apollo refused the code exchange: invalid_client.*check the client id and secret/,
    );

    writeFileSync(secretFile, client().clientSecret);
    const slow = startCli(oauthArgs());
    const url = await slow.printedUrl();
    const authorized = await fetch(url, { redirect: 'manual' });
    clock.advance(11 * 60_000); // Apollo's codes live 10 minutes
    await fetch(authorized.headers.get('location')!);
    const expired = await slow.done;
    expect(expired.code).toBe(1);
    expect(expired.err).toMatch(/invalid_grant, The authorization code has expired/);
    expect(await storedConnection()).toBeUndefined();
  });

  it('gives up after --timeout with a clear error', async () => {
    const result = await startCli(oauthArgs('--timeout', '150ms')).done;
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/no redirect from Apollo within 150 ms.*nothing was saved/);
    expect(await storedConnection()).toBeUndefined();
  });

  it('refuses bad input before listening, without echoing a secret', async () => {
    const cases: Array<{ args: string[]; stdin?: string; message: RegExp }> = [
      { args: ['connect', 'oauth', '--client-id', 'x', '--colour'], message: /Unknown option/ },
      { args: ['connect', 'oauth'], stdin: 's', message: /--client-id is required/ },
      { args: ['connect', 'oauth', '--client-id', 'x'], message: /no client secret given/ },
      {
        args: ['connect', 'oauth', '--client-id', 'x', '--client-secret', 'hunter2-secret'],
        message: /never taken from the command line/,
      },
      {
        args: ['connect', 'oauth', '--client-id', 'x', '--client-secret=hunter2-secret'],
        message: /never taken from the command line/,
      },
      {
        args: ['connect', 'oauth', '--client-id', 'x', '--scopes', 'people_match,launch_missiles'],
        stdin: 's',
        message: /unknown OAuth scope: launch_missiles/,
      },
      {
        args: ['connect', 'oauth', '--client-id', 'x', '--callback-port', '70000'],
        stdin: 's',
        message: /--callback-port must be a port number/,
      },
      {
        args: ['connect', 'oauth', '--client-id', 'x', '--timeout', 'soon'],
        stdin: 's',
        message: /--timeout must be a duration/,
      },
      { args: ['connect', 'carrier-pigeon'], message: /unknown connection kind 'carrier-pigeon'/ },
    ];
    for (const c of cases) {
      const result = await startCli(c.args, c.stdin ?? '').done;
      expect(result.code, c.args.join(' ')).toBe(2);
      expect(result.err.split('\n'), c.args.join(' ')).toHaveLength(1);
      expect(result.err).toMatch(c.message);
      expect(result.err).not.toContain('hunter2');
    }
    expect(await storedConnection()).toBeUndefined();
  });
});
