// Signing in to the console with the team's identity provider (OpenID Connect), in a real browser
// against a local provider (oidc-provider, with its development login form). The provider proves
// the email; Gatehouse decides: a console person added with --no-password signs in with their
// role, someone who is not a console person and an unverified email are refused with a sentence,
// and a callback nobody started is refused. Screenshots go to test-artifacts/console/.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Provider from 'oidc-provider';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { startGatehouse, type StartedGatehouse } from '../../src/app/start.js';
import { loadConfig } from '../../src/config/config.js';
import { ensureChromium } from '../helpers/chromium.js';
import { runCliWith } from '../helpers/cli.js';

const artifacts = join(process.cwd(), 'test-artifacts', 'console');
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-oidc-'));
const env = { GATEHOUSE_DB: join(dir, 'g.db'), GATEHOUSE_KEY_FILE: join(dir, 'k'), USER: 'olivia' };
const clientSecret = 'oidc-client-secret-0123456789abcdefghij';
let idp: Server;
let g: StartedGatehouse;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  const executablePath = ensureChromium();
  mkdirSync(artifacts, { recursive: true });
  // The provider's address first (Gatehouse is configured with it), its handler once Gatehouse's
  // address (the redirect URI) is known.
  let handler: ((req: never, res: never) => void) | null = null;
  idp = createServer((req, res) => handler!(req as never, res as never));
  await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
  g = await startGatehouse(
    loadConfig({
      flags: {
        db: env.GATEHOUSE_DB,
        keyFile: env.GATEHOUSE_KEY_FILE,
        port: 0,
        sandbox: true,
        oidcIssuer: issuer,
        oidcClientId: 'gatehouse',
        oidcClientSecret: clientSecret,
        oidcName: 'Test IdP',
      },
    }),
    { logger: createLogger({ level: 'silent' }), createDemoAgent: false },
  );
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'gatehouse',
        client_secret: clientSecret,
        redirect_uris: [`${g.url}/admin/oidc/callback`],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    claims: { email: ['email', 'email_verified'] },
    // The development login form takes any name: the name is the email here.
    async findAccount(_ctx, id) {
      return {
        accountId: id,
        claims: () => ({ sub: id, email: id, email_verified: !id.startsWith('unverified') }),
      };
    },
  });
  provider.silent = true;
  handler = provider.callback() as never;
  const added = await runCliWith(env, [
    'admin',
    'add',
    'ana@example.com',
    '--role',
    'approver',
    '--no-password',
  ]);
  expect(added.code, added.err).toBe(0);
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
}, 600_000);

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await g?.close();
  idp?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts from the console's button, signs in at the provider as `login`, consents. */
async function viaProvider(login: string): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(g.url);
  await page.getByRole('link', { name: 'Sign in with Test IdP' }).click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('anything');
  await page.locator('button[type="submit"]').click();
  // The provider asks for consent once per client.
  const consent = page.locator('button[type="submit"]', { hasText: /continue/i });
  await Promise.race([
    consent.waitFor().then(() => consent.click()),
    page.waitForURL((u) => u.href.startsWith(`${g.url}/`)),
  ]);
  await page.waitForURL((u) => u.href.startsWith(`${g.url}/`));
  return page;
}

describe('signing in with the identity provider', () => {
  it('signs a console person in with their role', async () => {
    const page = await viaProvider('ana@example.com');
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(await page.getByTestId('signed-in-as').textContent()).toBe('ana@example.com (approver)');
    await page.screenshot({ path: join(artifacts, 'oidc-signed-in.png'), fullPage: true });
    const people = JSON.parse((await runCliWith(env, ['admin', 'list', '--json'])).out) as {
      people: Array<{ email: string; last_login_at: string | null; password: boolean }>;
    };
    expect(people.people[0]).toMatchObject({ email: 'ana@example.com', password: false });
    expect(people.people[0]!.last_login_at).not.toBeNull();
  });

  it('refuses someone the provider knows but Gatehouse does not, saying what to do', async () => {
    const page = await viaProvider('bob@example.com');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(
      /bob@example\.com signed in with Test IdP, but is not a Gatehouse console person\. Ask a Gatehouse admin to add you: gatehouse admin add bob@example\.com --role viewer --no-password/,
    );
    await page.screenshot({ path: join(artifacts, 'oidc-refused.png'), fullPage: true });
  });

  it('refuses an email the provider has not verified', async () => {
    const page = await viaProvider('unverified.ana@example.com');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/has not verified unverified\.ana@example\.com/);
  });

  it('refuses a callback that was not started here, and says it is on', async () => {
    const forged = await fetch(`${g.url}/admin/oidc/callback?code=abc&state=xyz`);
    expect(forged.status).toBe(400);
    expect(await forged.text()).toMatch(/was not started here/);
    const tampered = await fetch(`${g.url}/admin/oidc/callback?code=abc&state=xyz`, {
      headers: { cookie: 'gh_oidc=eyJzdGF0ZSI6IngifQ' },
    });
    expect(tampered.status).toBe(400);
    const config = (await (await fetch(`${g.url}/admin/oidc/config`)).json()) as unknown;
    expect(config).toEqual({ enabled: true, name: 'Test IdP' });
  });
});
