// MCP authorization end to end, with the official SDK client's OAuth flow against a listening
// Gatehouse: discovery from the 401 (RFC 9728), dynamic registration (RFC 7591), authorization with
// PKCE S256 through the admin's consent in the console's API (the browser emulated with literal
// HTTP requests and a cookie jar), the token, tools/list filtered to the chosen agent's grants as
// its static token sees them, a forced refresh (rotation), and revocation ending the session with
// a 401: of the token (RFC 7009) and of the agent. Plus the hostile cases: another resource, no
// PKCE, plain PKCE, an unregistered redirect_uri, consent without an admin login, a revoked
// agent's token, an OAuth token on the REST API.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { auth, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { startGatehouse, type StartedGatehouse } from '../../src/app/start.js';
import { loadConfig } from '../../src/config/config.js';
import { createConsolePeople } from '../../src/services/admin/people.js';
import { e2eDatabase } from '../helpers/e2e-db.js';

const adminToken = 'admin-token-for-the-mcp-oauth-test-0123456789';
const redirectUrl = 'http://127.0.0.1:1/callback';
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-mcp-oauth-'));
let g: StartedGatehouse;
let drop: () => Promise<void>;
let reader: { id: string; token: string };
let writer: { id: string; token: string };

beforeAll(async () => {
  const database = await e2eDatabase(dir);
  drop = () => database.drop();
  const config = loadConfig({
    flags: {
      db: database.url,
      keyFile: join(dir, 'k'),
      port: 0,
      sandbox: true,
      singleReplica: true,
      adminToken,
    },
  });
  g = await startGatehouse(config, {
    logger: createLogger({ level: process.env.GH_TEST_LOG ?? 'silent' } as never),
    createDemoAgent: false,
  });
  const read = (target: string) => ({ target, level: 'read' as const, requiresApproval: false });
  const a = await g.store.agents.create({
    name: 'reader',
    grants: [read('people'), read('organizations')],
  });
  const b = await g.store.agents.create({
    name: 'writer',
    grants: [{ target: 'contacts', level: 'full', requiresApproval: false }],
  });
  if (!a.ok || !b.ok) throw new Error('agents not created');
  reader = { id: a.value.agent.id, token: a.value.token };
  writer = { id: b.value.agent.id, token: b.value.token };
});
afterAll(async () => {
  await g?.close();
  await drop?.();
  rmSync(dir, { recursive: true, force: true });
});

/** An MCP client's OAuth state, kept in memory; the redirect is captured, not followed. */
class MemoryProvider implements OAuthClientProvider {
  info: OAuthClientInformationMixed | undefined;
  saved: OAuthTokens | undefined;
  verifier = '';
  authorizationUrl: URL | null = null;
  get redirectUrl() {
    return redirectUrl;
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'E2E connector',
      redirect_uris: [redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  clientInformation() {
    return this.info;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.info = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
}

/** A browser: a cookie jar (by path), redirects not followed. */
class Browser {
  private readonly jar = new Map<string, { value: string; path: string }>();
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url, g.url);
    const cookies = [...this.jar]
      .filter(([, c]) => target.pathname.startsWith(c.path))
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ');
    const headers = new Headers(init.headers);
    if (cookies) headers.set('cookie', cookies);
    const res = await fetch(target, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';').map((p) => p.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const path = attrs.find((a) => /^path=/i.test(a))?.slice(5) ?? '/';
      const expired = attrs.some((a) => /^expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || pair.slice(eq + 1) === '') this.jar.delete(name);
      else this.jar.set(name, { value: pair.slice(eq + 1), path });
    }
    return res;
  }
  /** Logs in to the console as the admin; returns the session's CSRF token. */
  async login(credentials: object = { token: adminToken }): Promise<string> {
    const res = await this.fetch('/admin/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(credentials),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { csrf: string }).csrf;
  }
}

const location = (res: Response) => new URL(res.headers.get('location') ?? '', g.url);

/** Follows the authorization URL to the console's Connect page; returns the interaction's uid. */
async function openConsent(browser: Browser, authorizationUrl: URL): Promise<string> {
  const first = await browser.fetch(authorizationUrl.href);
  expect(first.status).toBe(303);
  const interaction = location(first);
  expect(interaction.pathname).toMatch(/^\/oauth\/interaction\/[\w-]+$/);
  const page = await browser.fetch(interaction.href);
  expect(page.status).toBe(303);
  const hash = location(page).hash;
  expect(hash).toMatch(/^#\/connect\/[\w-]+$/);
  return hash.slice('#/connect/'.length);
}

/** The admin approves (or denies) in the console; returns the redirect back to the app. */
async function answer(
  browser: Browser,
  uid: string,
  csrf: string,
  body: Record<string, string>,
): Promise<URL> {
  const res = await browser.fetch(`/oauth/interaction/${uid}/decision`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  const { redirect_to } = (await res.json()) as { redirect_to: string };
  const resumed = await browser.fetch(redirect_to);
  expect(resumed.status).toBe(303);
  return location(resumed);
}

/** The SDK's whole flow for one app: 401, discovery, registration, consent as `agentId`, token. */
async function connectWithOAuth(agentId: string) {
  const provider = new MemoryProvider();
  const serverUrl = new URL(`${g.url}/mcp`);
  const first = new StreamableHTTPClientTransport(serverUrl, { authProvider: provider });
  await expect(new Client({ name: 'e2e', version: '1' }).connect(first)).rejects.toThrow(
    /unauthorized/i,
  );
  expect(provider.info?.client_id).toBeTruthy(); // registered dynamically
  const url = provider.authorizationUrl!;
  expect(url.searchParams.get('code_challenge_method')).toBe('S256');
  expect(url.searchParams.get('resource')).toBe(`${g.url}/mcp`);

  const browser = new Browser();
  const uid = await openConsent(browser, url);
  const csrf = await browser.login();
  const details = await browser.fetch(`/oauth/interaction/${uid}/details`);
  expect(details.status).toBe(200);
  expect(await details.json()).toMatchObject({
    client_name: 'E2E connector',
    redirect_uri: redirectUrl,
    resource: `${g.url}/mcp`,
  });
  const back = await answer(browser, uid, csrf, { decision: 'approve', agent_id: agentId });
  expect(back.origin + back.pathname).toBe(redirectUrl);
  const code = back.searchParams.get('code');
  expect(code).toBeTruthy();
  await first.finishAuth(code!);
  expect(provider.saved?.refresh_token).toBeTruthy();

  const transport = new StreamableHTTPClientTransport(serverUrl, { authProvider: provider });
  const client = new Client({ name: 'e2e', version: '1' });
  await client.connect(transport);
  return { provider, client, transport, serverUrl };
}

async function staticTools(token: string) {
  const transport = new StreamableHTTPClientTransport(new URL(`${g.url}/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: 'static', version: '1' });
  await client.connect(transport);
  const names = (await client.listTools()).tools.map((t) => t.name).sort();
  await client.close();
  return names;
}

const rawMcp = (token: string) =>
  fetch(`${g.url}/mcp`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'raw', version: '1' },
      },
    }),
  });

const revoke = (provider: MemoryProvider, token: string) =>
  fetch(`${g.url}/oauth/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, client_id: provider.info!.client_id }).toString(),
  });

describe('MCP authorization with the SDK client', () => {
  it('answers a 401 that leads to the resource metadata and the authorization server', async () => {
    const res = await fetch(`${g.url}/mcp`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
    const challenge = res.headers.get('www-authenticate') ?? '';
    expect(challenge).toContain('realm="gatehouse"');
    expect(challenge).toContain(
      `resource_metadata="${g.url}/.well-known/oauth-protected-resource/mcp"`,
    );
    for (const path of [
      '/.well-known/oauth-protected-resource/mcp',
      '/.well-known/oauth-protected-resource',
    ]) {
      const prm = (await (await fetch(`${g.url}${path}`)).json()) as Record<string, unknown>;
      expect(prm).toMatchObject({ resource: `${g.url}/mcp`, authorization_servers: [g.url] });
    }
    const as = (await (
      await fetch(`${g.url}/.well-known/oauth-authorization-server`)
    ).json()) as Record<string, unknown>;
    expect(as).toMatchObject({
      issuer: g.url,
      code_challenge_methods_supported: ['S256'],
      registration_endpoint: `${g.url}/oauth/register`,
      revocation_endpoint: `${g.url}/oauth/revoke`,
      client_id_metadata_document_supported: true,
    });
  });

  it('connects as the agent the admin chose, with exactly its tools; refreshes; a revoked token ends it', async () => {
    const { provider, client, serverUrl } = await connectWithOAuth(reader.id);
    const names = (await client.listTools()).tools.map((t) => t.name).sort();
    expect(names).toEqual(await staticTools(reader.token));
    expect(names).toContain('apollo_mixed_people_api_search');
    expect(names).not.toContain('apollo_contacts_create');

    const call = await client.callTool({
      name: 'apollo_mixed_people_api_search',
      arguments: { person_titles: ['VP Sales'], per_page: 2 },
    });
    expect(call.isError).toBeFalsy();
    const audit = await g.store.audit.query({ agentId: reader.id, limit: 20 });
    const searched = audit.records.find((r) => r.action === 'people.search');
    expect(searched?.surface).toBe('mcp');
    expect(searched?.agentName).toBe('reader');
    expect(searched?.sentence).toContain('OAuth access token');
    const approved = audit.records.find((r) => r.action === 'admin.mcp_connect');
    expect(approved?.rule).toBe('admin:console');
    expect(approved?.sentence).toContain('"E2E connector"');
    expect(approved?.sentence).toContain('as reader');

    // Refresh, forced: a new access token and a rotated refresh token, and the client goes on.
    const before = provider.saved!;
    expect(await auth(provider, { serverUrl })).toBe('AUTHORIZED');
    const after = provider.saved!;
    expect(after.access_token).not.toBe(before.access_token);
    expect(after.refresh_token).toBeTruthy();
    expect(after.refresh_token).not.toBe(before.refresh_token);
    expect((await rawMcp(after.access_token)).status).toBe(200);
    expect((await client.listTools()).tools.length).toBe(names.length);

    // An OAuth token is for /mcp only: the REST API refuses it, saying why.
    const rest = await fetch(`${g.url}/api/v1/mixed_people/api_search`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${after.access_token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ per_page: 1 }),
    });
    expect(rest.status).toBe(401);
    expect(((await rest.json()) as { error: string }).error).toContain('issued for');

    // Revocation (RFC 7009) of the access token ends the grant: the session gets a 401, and the
    // client's own refresh is refused too.
    expect((await revoke(provider, after.access_token)).status).toBe(200);
    const refused = await rawMcp(after.access_token);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(JSON.stringify(await refused.json())).toContain('live OAuth access token');
    await expect(client.listTools()).rejects.toThrow();
    await client.close().catch(() => undefined);
  });

  it("refuses a revoked agent's token with a 401 that names the agent", async () => {
    const { provider, client } = await connectWithOAuth(writer.id);
    const names = (await client.listTools()).tools.map((t) => t.name).sort();
    expect(names).toEqual(await staticTools(writer.token));
    const revoked = await fetch(`${g.url}/admin/api/agents/${writer.id}/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(revoked.status).toBe(200);
    const res = await rawMcp(provider.saved!.access_token);
    expect(res.status).toBe(401);
    expect(JSON.stringify(await res.json())).toContain(
      'acts as the agent writer, which an admin revoked',
    );
    await expect(client.listTools()).rejects.toThrow();
    const audit = await g.store.audit.query({ agentId: writer.id, limit: 5 });
    expect(audit.records[0]).toMatchObject({ agentName: 'writer', rule: 'revoked token' });
    await client.close().catch(() => undefined);
  });
});

describe('hostile authorization requests', () => {
  let clientId: string;
  beforeAll(async () => {
    const res = await fetch(`${g.url}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(new MemoryProvider().clientMetadata),
    });
    expect(res.status).toBe(201);
    clientId = ((await res.json()) as { client_id: string }).client_id;
  });

  const authorize = (params: Record<string, string | null>) => {
    const url = new URL(`${g.url}/oauth/authorize`);
    const all: Record<string, string | null> = {
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUrl,
      scope: 'mcp',
      state: 'st',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
      resource: `${g.url}/mcp`,
      ...params,
    };
    for (const [k, v] of Object.entries(all)) if (v !== null) url.searchParams.set(k, v);
    return fetch(url, { redirect: 'manual' });
  };
  const errorOf = async (res: Response) => {
    expect(res.status).toBe(303);
    const back = location(res);
    expect(back.origin + back.pathname).toBe(redirectUrl);
    return {
      error: back.searchParams.get('error'),
      description: back.searchParams.get('error_description'),
    };
  };

  it('refuses a token for another resource (audience)', async () => {
    expect(
      await errorOf(await authorize({ resource: 'https://elsewhere.example/mcp' })),
    ).toMatchObject({
      error: 'invalid_target',
    });
  });

  it('refuses an authorization request without PKCE, and with the plain method', async () => {
    const missing = await errorOf(
      await authorize({ code_challenge: null, code_challenge_method: null }),
    );
    expect(missing.error).toBe('invalid_request');
    expect(missing.description).toMatch(/PKCE/);
    const plain = await errorOf(
      await authorize({ code_challenge: 'x'.repeat(43), code_challenge_method: 'plain' }),
    );
    expect(plain.error).toBe('invalid_request');
    expect(plain.description).toMatch(/code_challenge_method/);
  });

  it('never redirects to a redirect_uri the client did not register', async () => {
    const res = await authorize({ redirect_uri: 'https://attacker.example/steal' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('redirect_uri');
  });

  it('refuses consent without an admin login, and an answer without the CSRF token', async () => {
    const browser = new Browser();
    const uid = await openConsent(browser, new URL((await authorize({})).url));
    const details = await browser.fetch(`/oauth/interaction/${uid}/details`);
    expect(details.status).toBe(401);
    expect(((await details.json()) as { error: string }).error).toContain(
      'Only a Gatehouse admin can approve an app connection',
    );
    const decided = await browser.fetch(`/oauth/interaction/${uid}/decision`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'approve', agent_id: reader.id }),
    });
    expect(decided.status).toBe(401);
    await browser.login();
    const noCsrf = await browser.fetch(`/oauth/interaction/${uid}/decision`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'approve', agent_id: reader.id }),
    });
    expect(noCsrf.status).toBe(403);
    // Another browser (no interaction cookie) cannot answer it even as an admin.
    const other = new Browser();
    const otherCsrf = await other.login();
    const foreign = await other.fetch(`/oauth/interaction/${uid}/decision`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': otherCsrf },
      body: JSON.stringify({ decision: 'approve', agent_id: reader.id }),
    });
    expect(foreign.status).toBe(404);
  });

  it('refuses a console person without the admin role, recorded; an admin person is named', async () => {
    const people = createConsolePeople({ store: g.store });
    for (const [email, role] of [
      ['appr@example.com', 'approver'],
      ['boss@example.com', 'admin'],
    ] as const) {
      expect((await people.add({ email, role, password: `${email} password` }, 'cli:t')).ok).toBe(
        true,
      );
    }
    const approver = new Browser();
    const uid = await openConsent(approver, new URL((await authorize({})).url));
    const csrf = await approver.login({
      email: 'appr@example.com',
      password: 'appr@example.com password',
    });
    const details = await approver.fetch(`/oauth/interaction/${uid}/details`);
    expect(details.status).toBe(403);
    expect(((await details.json()) as { error: string }).error).toMatch(
      /appr@example\.com signed in as approver: ask an admin/,
    );
    const refused = await approver.fetch(`/oauth/interaction/${uid}/decision`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify({ decision: 'approve', agent_id: reader.id }),
    });
    expect(refused.status).toBe(403);
    const audit = await g.store.audit.query({ action: 'admin.refused', limit: 10 });
    expect(audit.records[0]?.sentence).toMatch(/^appr@example\.com \(approver\) was refused POST/);

    const boss = new Browser();
    const bossUid = await openConsent(boss, new URL((await authorize({})).url));
    const bossCsrf = await boss.login({
      email: 'boss@example.com',
      password: 'boss@example.com password',
    });
    const back = await answer(boss, bossUid, bossCsrf, { decision: 'deny' });
    expect(back.searchParams.get('error')).toBe('access_denied');
    const denial = (await g.store.audit.query({ action: 'admin.mcp_connect_deny', limit: 1 }))
      .records[0];
    expect(denial?.rule ?? denial?.sentence).toMatch(/boss@example\.com/);
  });

  it('lets the admin deny: the app is told access_denied, and the denial is audited', async () => {
    const browser = new Browser();
    const uid = await openConsent(browser, new URL((await authorize({})).url));
    const csrf = await browser.login();
    const back = await answer(browser, uid, csrf, { decision: 'deny' });
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('code')).toBeNull();
    const audit = await g.store.audit.query({ limit: 50 });
    expect(audit.records.some((r) => r.action === 'admin.mcp_connect_deny')).toBe(true);
  });
});
