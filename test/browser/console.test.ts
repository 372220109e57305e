// The admin console in a real browser (playwright-core driving Debian's Chromium) against a
// running Gatehouse on the sandbox: log in; create an agent; flip a cell of the access matrix and
// see the agent's next call go from denied to allowed; approve a held call and see it complete;
// filter the audit; export CSV; see the usage chart; and a CSRF-less POST refused. Screenshots of
// each page are saved under test-artifacts/console/.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { startGatehouse, type StartedGatehouse } from '../../src/app/start.js';
import { getAction } from '../../src/catalog/index.js';
import { loadConfig } from '../../src/config/config.js';
import { createSandbox } from '../../src/sandbox/index.js';
import { createWorld } from '../../src/sandbox/world/index.js';
import { ensureChromium } from '../helpers/chromium.js';
import { runCliWith } from '../helpers/cli.js';

const adminToken = 'browser-admin-token-0123456789abcdefgh';
const artifacts = join(process.cwd(), 'test-artifacts', 'console');
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-console-'));
let g: StartedGatehouse;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  const executablePath = ensureChromium();
  mkdirSync(artifacts, { recursive: true });
  g = await startGatehouse(
    loadConfig({
      flags: {
        db: join(dir, 'g.db'),
        keyFile: join(dir, 'k'),
        port: 0,
        sandbox: true,
        adminToken,
      },
    }),
    { logger: createLogger({ level: 'silent' }), createDemoAgent: false },
  );
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  page = await (await browser.newContext({ acceptDownloads: true })).newPage();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await g?.close();
  rmSync(dir, { recursive: true, force: true });
});

const shot = (name: string) =>
  page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
const agentCall = (token: string, path: string, body: unknown) =>
  fetch(`${g.url}${path}`, {
    method: 'POST',
    headers: { 'x-api-key': token, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('the admin console', () => {
  let token = '';

  it('logs in with the admin token and shows the overview', async () => {
    await page.goto(g.url);
    await page.getByLabel('Admin token').fill('wrong-token');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/not the admin token/);
    await page.getByLabel('Admin token').fill(adminToken);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByText('Calls today').waitFor();
    // The embedded sandbox's data is simulated, and every page says so.
    const banner = page.getByTestId('sandbox-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/simulated by the embedded sandbox/);
    expect(await banner.getAttribute('role')).toBe('status');
    await shot('overview');
  });

  it('serves its favicon (no 404 on every load)', async () => {
    const href = await page.locator('link[rel="icon"]').getAttribute('href');
    expect(href).toBe('/favicon.svg');
    const res = await fetch(`${g.url}${href}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(await res.text()).toMatch(/^<svg /);
  });

  it('creates an agent and shows its token once', async () => {
    const nav = page.getByRole('navigation', { name: 'Console pages' });
    await nav.getByRole('link', { name: 'Agents' }).click();
    await page.getByLabel('New agent name').fill('scout');
    await page.getByRole('button', { name: 'Create agent' }).click();
    // The new agent's page, with its token shown once.
    await page.getByRole('heading', { level: 2, name: 'scout' }).waitFor();
    token = (await page.getByTestId('issued-token').textContent()) ?? '';
    expect(token).toMatch(/^gh_agent_/);
    await shot('agent-created');
    await nav.getByRole('link', { name: 'Agents' }).click();
    await page.getByRole('link', { name: 'scout', exact: true }).waitFor();
    await shot('agents');
  });

  it("flips the access matrix and the agent's next call goes from denied to allowed", async () => {
    const search = getAction('people.search')!.path;
    expect((await agentCall(token, search, { person_titles: ['VP Sales'] })).status).toBe(403);
    await page.getByRole('link', { name: 'Access matrix' }).click();
    const level = (name: string, to: 'Off' | 'Read' | 'Full') =>
      page
        .getByRole('radiogroup', { name, exact: true })
        .getByRole('radio', { name: to, exact: true })
        .click();
    const cell = page.getByRole('radiogroup', { name: 'scout: people', exact: true });
    await cell.waitFor();
    // Labelled and reachable from the keyboard: one tab stop per cell, its checked option.
    await cell.getByRole('radio', { checked: true }).focus();
    expect(
      await page.evaluate(
        "document.activeElement?.closest('[role=radiogroup]')?.getAttribute('aria-label')",
      ),
    ).toBe('scout: people');
    await level('scout: people', 'Read');
    await expect
      .poll(async () => (await agentCall(token, search, { person_titles: ['VP Sales'] })).status)
      .toBe(200);
    await level('scout: contacts', 'Full');
    await page.getByLabel('scout: contacts needs approval').check();
    await expect
      .poll(() => page.getByLabel('scout: contacts needs approval').isChecked())
      .toBe(true);
    // Groups are collapsed to one row each; a search opens the groups holding a match.
    expect(await page.getByRole('rowheader', { name: /emails\.send_now/ }).count()).toBe(0);
    await page.getByLabel('Find an action').fill('send_now');
    const sendNow = page.getByRole('rowheader', { name: /emails\.send_now/ });
    await sendNow.waitFor();
    expect(await sendNow.textContent()).toMatch(/outbound · held by default/);
    expect(await page.getByRole('rowheader', { name: /contacts/ }).count()).toBe(0);
    await page.getByLabel('Find an action').fill('');
    // An outbound group under full can be granted without approval.
    await level('scout: sequences', 'Full');
    await page.getByLabel('scout: sequences sends without approval').check();
    await expect
      .poll(
        async () => await page.getByLabel('scout: sequences sends without approval').isChecked(),
      )
      .toBe(true);
    await page.getByRole('button', { name: /sequences \(\d+ actions\)/ }).click();
    await page.getByRole('rowheader', { name: /sequences\.add_contacts/ }).waitFor();
    await shot('access-matrix');
  });

  it('approves a held call and the agent gets its result', async () => {
    const held = await agentCall(token, getAction('contacts.create')!.path, {
      first_name: 'Ada',
      last_name: 'Byron',
    });
    expect(held.status).toBe(202);
    const { approval_id, poll } = (await held.json()) as { approval_id: string; poll: string };
    await page.getByRole('link', { name: 'Approvals' }).click();
    const card = page.getByRole('region', { name: `Held call ${approval_id}` });
    await card.waitFor();
    await shot('approvals');
    await card.getByRole('button', { name: 'Approve' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `${approval_id}: done` })
      .waitFor();
    const result = await fetch(`${g.url}${poll}`, { headers: { 'x-api-key': token } });
    expect(result.status).toBe(200);
    expect(await result.text()).toContain('Byron');
  });

  it('filters the audit feed and exports it as CSV', async () => {
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByLabel('Decision').selectOption('approved');
    const feed = page.getByTestId('audit-feed');
    await expect.poll(() => feed.locator('tr').count()).toBe(1);
    expect(await feed.textContent()).toMatch(/scout .*approved under contacts=full/);
    // Opened: the parameters as sent, and the approval with who answered it.
    await feed.getByRole('button', { name: /^Details of aud_/ }).click();
    const drawer = page.getByRole('dialog', { name: /^Audit record aud_/ });
    await drawer.getByTestId('audit-approval').waitFor();
    expect(await drawer.getByTestId('audit-approval').textContent()).toMatch(
      /StatedoneHeld.*Answered byadmin:console/,
    );
    expect(await drawer.getByTestId('audit-params').textContent()).toContain('"Byron"');
    expect(await drawer.getByTestId('audit-detail').textContent()).toMatch(
      /Actioncontacts\.create.*Decisionapproved.*Rulecontacts=full/,
    );
    await shot('audit-detail');
    await page.keyboard.press('Escape');
    await expect.poll(() => drawer.count()).toBe(0);
    await page.getByLabel('Decision').selectOption('');
    await expect.poll(() => feed.locator('tr').count()).toBeGreaterThanOrEqual(3);
    expect(await feed.textContent()).toMatch(/scout tried to search the people database.*denied/);
    await shot('audit');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export CSV' }).click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\n')[0]).toMatch(/^id,time,agent,surface,action/);
    expect(csv).toContain('contacts.create');
  });

  it('pages past the first 100 records, filters by group, and colours denials', async () => {
    const made = await g.store.agents.create({ name: 'pager', grants: [] });
    if (!made.ok) throw new Error(made.error.message);
    // 120 refused calls from outside, each one audited.
    const search = getAction('people.search')!.path;
    for (let i = 0; i < 120; i += 1) {
      expect((await agentCall(made.value.token, search, { q_keywords: `p${i}` })).status).toBe(403);
    }
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByLabel('Agent').selectOption({ label: 'pager' });
    const feed = page.getByTestId('audit-feed');
    await expect.poll(() => feed.locator('tr').count()).toBe(100);
    await expect.poll(() => page.getByTestId('audit-page').textContent()).toBe('Page 1 (live)');
    const denied = feed.locator('td.decision-denied');
    expect(await denied.count()).toBe(100);
    expect(
      await page.evaluate(
        "getComputedStyle(document.querySelector('[data-testid=audit-feed] td.decision-denied')).color",
      ),
    ).toBe('rgb(180, 35, 24)');
    // Times read relatively, with the exact time on hover.
    const stamp = feed.locator('tr').first().locator('time');
    expect(await stamp.textContent()).toMatch(/^(just now|\d+ (sec|min)\.? ago)$/);
    expect(await stamp.getAttribute('title')).toMatch(/\d{1,2}:\d{2}:\d{2}/);
    expect(Date.parse((await stamp.getAttribute('datetime'))!)).not.toBeNaN();
    // Rows compared by their record's id: a relative time may move on meanwhile.
    const firstId = () =>
      feed
        .locator('tr')
        .first()
        .getByRole('button', { name: /^Details of / })
        .getAttribute('aria-label');
    const newest = await firstId();
    await page.getByRole('button', { name: 'Older' }).click();
    await expect.poll(() => page.getByTestId('audit-page').textContent()).toBe('Page 2');
    await expect.poll(() => feed.locator('tr').count()).toBe(20);
    expect(await page.getByRole('button', { name: 'Older' }).isDisabled()).toBe(true);
    // The oldest of them: the first search the agent tried.
    expect(await feed.locator('tr').last().textContent()).toMatch(/pager tried to search/);
    await shot('audit-page-2');
    await page.getByRole('button', { name: 'Newer' }).click();
    await expect.poll(firstId).toBe(newest);
    // A group finds its actions; a partial word does not.
    await page.getByLabel('Action or group').fill('people');
    await expect.poll(() => page.getByTestId('audit-page').textContent()).toBe('Page 1 (live)');
    await expect.poll(() => feed.locator('tr').count()).toBe(100);
    await page.getByLabel('Action or group').fill('peop');
    await page.getByText('No records match.').waitFor();
    await page.getByLabel('Action or group').fill('');
    // Live: a new call shows up on its own, told by the server's event stream (no polling).
    await expect.poll(() => page.getByTestId('audit-page').textContent()).toBe('Page 1 (live)');
    const before = await firstId();
    expect((await agentCall(made.value.token, search, { q_keywords: 'live one' })).status).toBe(
      403,
    );
    await expect.poll(firstId, { timeout: 5_000 }).not.toBe(before);
    expect(await feed.locator('tr').count()).toBe(100);
    // A time range: the last hour holds them all; a range in the future holds none.
    await page.getByLabel('When').selectOption('last hour');
    await expect.poll(() => feed.locator('tr').count()).toBe(100);
    await page.getByLabel('When').selectOption('between dates');
    await page.getByLabel('From').fill('2099-01-01T00:00');
    await page.getByText('No records match.').waitFor();
    await page.getByLabel('When').selectOption('any time');
    await page.getByLabel('Agent').selectOption('');
  });

  it('shows usage per agent with a chart, and credits against a budget', async () => {
    // A budget for an agent that has spent credits today: a company search costs one.
    const spender = await g.store.agents.create({
      name: 'spender',
      grants: [{ target: 'organizations', level: 'read', requiresApproval: false }],
    });
    if (!spender.ok) throw new Error(spender.error.message);
    await g.store.agents.setLimits('spender', { creditBudgetDay: 5, creditBudgetMonth: 100 });
    const searched = await agentCall(spender.value.token, getAction('organizations.search')!.path, {
      q_organization_name: 'a',
      per_page: 1,
    });
    expect(searched.status).toBe(200);
    const spent = (await g.store.audit.query({ limit: 1, action: 'organizations.search' }))
      .records[0]!.credits;
    expect(spent).toBeGreaterThan(0);
    await page.getByRole('link', { name: 'Usage' }).click();
    await page.getByRole('img', { name: /Calls and denials per day/ }).waitFor();
    await expect.poll(() => page.getByTestId('usage-table').textContent()).toMatch(/scout/);
    const today = page.getByRole('meter', { name: 'spender: credits today' });
    await today.waitFor();
    expect(await today.getAttribute('max')).toBe('5');
    expect(await today.getAttribute('value')).toBe(String(spent));
    const row = page.getByTestId('usage-table').locator('tr', { hasText: 'spender' });
    expect(await row.textContent()).toContain(`${spent} of 5`);
    expect(await row.textContent()).toContain(`${spent} of 100`);
    // An agent without budgets says so.
    expect(
      await page.getByTestId('usage-table').locator('tr', { hasText: 'scout' }).textContent(),
    ).toMatch(/no budget/);
    await shot('usage');
  });

  it("sets an agent's limits, the agent is held to them, and the audit shows an admin change", async () => {
    await page
      .getByRole('navigation', { name: 'Console pages' })
      .getByRole('link', { name: 'Agents' })
      .click();
    await page
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: 'scout', exact: true }) })
      .getByText(/^Limits: no req\/min/)
      .click();
    const form = page.getByRole('form', { name: 'Limits of scout' });
    await form.getByLabel('Requests per minute').fill('1');
    await form.getByLabel('Redact fields').fill('email');
    await form.getByRole('button', { name: 'Save limits' }).click();
    await page.getByText('Limits: 1 req/min, hides email').waitFor();
    await shot('agent-limits');
    const search = getAction('people.search')!.path;
    const statuses = [];
    for (let i = 0; i < 2; i += 1) {
      statuses.push((await agentCall(token, search, { person_titles: ['VP Sales'] })).status);
    }
    expect(statuses).toEqual([200, 429]);
    await page.getByRole('link', { name: 'Audit' }).click();
    const feed = page.getByTestId('audit-feed');
    const change = feed.locator('tr', { hasText: "set scout's limits" });
    await change.waitFor();
    expect(await change.textContent()).toMatch(
      /admin change.*An admin \(admin:console\) set scout's limits: .*1 request a minute, redacting email\./,
    );
  });

  it("shows the overview's newest denials, budget burn, and the headroom of the actions used", async () => {
    await page.getByRole('link', { name: 'Overview' }).click();
    const denials = page.getByRole('list', { name: 'Recent denials' });
    await denials.waitFor();
    expect(await denials.getByRole('listitem').count()).toBe(5);
    expect(await denials.textContent()).toMatch(/tried to/);
    const burn = page.getByRole('list', { name: 'Budget burn' });
    await expect.poll(() => burn.textContent()).toMatch(/spender.*\d+ of 5 credits today/);
    // Only the actions called in Apollo's windows; the rest behind "Show all".
    const rows = page.locator('table').filter({ hasText: 'Left this minute' }).locator('tbody tr');
    const usedCount = await rows.count();
    expect(usedCount).toBeGreaterThan(0);
    expect(usedCount).toBeLessThan(20);
    expect(await rows.allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^organizations\.search/)]),
    );
    await page.getByRole('button', { name: /^Show all \d+$/ }).click();
    await expect.poll(() => rows.count()).toBeGreaterThan(80);
    await page.getByRole('button', { name: 'Show only the used ones' }).click();
    await expect.poll(() => rows.count()).toBe(usedCount);
    await shot('overview-busy');
  });

  it('shows an alert on the overview and acknowledges it', async () => {
    const made = await g.store.agents.create({
      name: 'nosy',
      grants: [{ target: 'contacts', level: 'read', requiresApproval: false }],
    });
    if (!made.ok) throw new Error(made.error.message);
    const tried = await agentCall(made.value.token, getAction('contacts.create')!.path, {
      first_name: 'Eve',
    });
    expect(tried.status).toBe(403);
    await page.getByRole('link', { name: 'Overview' }).click();
    const alerts = page.getByRole('list', { name: 'Alerts' });
    const item = alerts.locator('li', { hasText: 'nosy' });
    await item.waitFor({ timeout: 15_000 });
    await shot('alerts');
    await item.getByRole('button', { name: /^Acknowledge alert alr_/ }).click();
    await expect.poll(() => alerts.locator('li', { hasText: 'nosy' }).count()).toBe(0);
    const acked = await g.store.audit.query({ limit: 5, action: 'admin.alert_acknowledge' });
    expect(acked.records.map((r) => [r.rule, r.agentName])).toEqual([['admin:console', 'nosy']]);
  });

  it('refuses a state-changing call without the CSRF token', async () => {
    const status = await page.evaluate(async () => {
      const res = await fetch('/admin/api/agents', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'sneaky' }),
      });
      return res.status;
    });
    expect(status).toBe(403);
  });
});

describe('the console on a connected upstream', () => {
  it('shows no sandbox banner when Apollo is connected', async () => {
    const sandbox = createSandbox({ seed: 3, createWorld });
    const upstream = await sandbox.listen(0, '127.0.0.1');
    const connectedDir = mkdtempSync(join(tmpdir(), 'gatehouse-console-connected-'));
    const env = {
      ...(process.env as Record<string, string>),
      GATEHOUSE_DB: join(connectedDir, 'g.db'),
      GATEHOUSE_KEY_FILE: join(connectedDir, 'k'),
      GATEHOUSE_UPSTREAM_URL: upstream.url,
      GATEHOUSE_LOG_LEVEL: 'silent',
    };
    let connected: StartedGatehouse | undefined;
    const context = await browser.newContext();
    try {
      const stored = await runCliWith(env, ['connect', 'apikey'], sandbox.keys.master[0]!);
      expect(stored.code).toBe(0);
      connected = await startGatehouse(
        loadConfig({ env: { ...env, GATEHOUSE_PORT: '0', GATEHOUSE_ADMIN_TOKEN: adminToken } }),
        { logger: createLogger({ level: 'silent' }), createDemoAgent: false },
      );
      const other = await context.newPage();
      await other.goto(connected.url);
      await other.getByLabel('Admin token').fill(adminToken);
      await other.getByRole('button', { name: 'Log in' }).click();
      await other.getByText('Calls today').waitFor();
      await other.getByText('API key').first().waitFor();
      expect(await other.getByTestId('sandbox-banner').count()).toBe(0);
      await other.screenshot({ path: join(artifacts, 'overview-connected.png'), fullPage: true });
    } finally {
      await context.close();
      await connected?.close();
      await upstream.close();
      sandbox.close();
      rmSync(connectedDir, { recursive: true, force: true });
    }
  }, 60_000);
});
