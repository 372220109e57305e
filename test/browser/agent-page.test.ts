// The agent page (#/agents/<name>) in a real browser (playwright-core driving Debian's Chromium)
// against a running Gatehouse on the sandbox: create an agent through the form with grants and land
// on its page with the token shown once; see its calls with their decisions and its alerts; set a
// daily budget and see the spend against it; rotate the token and the old one stops; a viewer sees
// the page with its controls disabled; revoke; an unknown name says so. Screenshots (also at 390 px,
// where nothing scrolls sideways) go to test-artifacts/console/.
import { type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { StartedGatehouse } from '../../src/app/start.js';
import { getAction } from '../../src/catalog/index.js';
import { runCliWith } from '../helpers/cli.js';
import { startConsoleRun, type ConsoleRun } from '../helpers/console-browser.js';

const adminToken = 'agent-page-admin-token-0123456789abcdef';
// A name with a space: its page is #/agents/lead%20finder.
const name = 'lead finder';
const hash = '#/agents/lead%20finder';
let run: ConsoleRun;
let g: StartedGatehouse;
let env: Record<string, string>;
let page: Page;

beforeAll(async () => {
  run = await startConsoleRun('agent-page', { adminToken });
  ({ g, env } = run);
  const added = await runCliWith(
    env,
    ['admin', 'add', 'vic@example.com', '--role', 'viewer'],
    'vic@example.com password\n',
  );
  expect(added.code, added.err).toBe(0);
  page = await (await run.browser.newContext()).newPage();
  // A step that does not happen fails with its own message, before the test's time is up.
  page.setDefaultTimeout(10_000);
}, 600_000);

afterAll(async () => {
  await run?.close();
});

const call = (token: string, action: string, body: unknown) =>
  fetch(`${g.url}${getAction(action)!.path}`, {
    method: 'POST',
    headers: { 'x-api-key': token, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const search = (token: string) => call(token, 'people.search', { person_titles: ['VP Sales'] });
const callRow = (p: Page, action: string) =>
  p.getByTestId('agent-calls').locator('tr', { hasText: action });
/** A link of the console's header (other pages may link to "Agents" too). */
const navLink = (p: Page, name: string) =>
  p.getByRole('navigation', { name: 'Console pages' }).getByRole('link', { name, exact: true });
const noSidewaysScroll = (p: Page) =>
  p.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');

describe('the agent page', () => {
  let token = '';

  it('creates an agent with grants through the form and lands on its page, token shown once', async () => {
    await page.goto(g.url);
    await page.getByLabel('Admin token').fill(adminToken);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await navLink(page, 'Agents').click();
    await page.getByLabel('New agent name').fill(name);
    await page.getByLabel('Description (optional)').fill('Finds leads for the SDR team');
    const level = (group: string, to: 'Off' | 'Read' | 'Full') =>
      page
        .getByRole('radiogroup', { name: `New agent: ${group}`, exact: true })
        .getByRole('radio', { name: to, exact: true })
        .click();
    await level('people', 'Read');
    // Reads on contacts too: trying to create one is then a write without a grant (an alert).
    await level('contacts', 'Full');
    // One tab stop per group, arrow keys choose: Full → Read.
    await page.keyboard.press('ArrowLeft');
    await expect
      .poll(() => page.getByTestId('new-grants').textContent())
      .toBe('people=read, contacts=read');
    await page.getByLabel('New agent: people needs approval').check();
    await page.getByLabel('New agent: people needs approval').uncheck();
    await run.shot(page, 'agent-create');
    await page.getByRole('button', { name: 'Create agent' }).click();

    await page.getByRole('heading', { level: 2, name, exact: true }).waitFor();
    expect(new URL(page.url()).hash).toBe(hash);
    token = (await page.getByTestId('issued-token').textContent()) ?? '';
    expect(token).toMatch(/^gh_agent_/);
    expect(await page.getByText('Finds leads for the SDR team').count()).toBe(1);
    expect(await page.getByTestId('agent-status').textContent()).toBe('active');
    expect(await page.getByTestId('token-age').textContent()).toMatch(
      /^issued (just now|\d+ sec\.? ago)$/,
    );
    expect(await page.getByTestId('token-age').locator('time').getAttribute('title')).toMatch(
      /\d{1,2}:\d{2}:\d{2}/,
    );
    // The nav keeps "Agents" current.
    expect(await navLink(page, 'Agents').getAttribute('aria-current')).toBe('page');
    const grants = page.getByRole('table', { name: `Grants of ${name}` });
    const people = grants
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: 'people', exact: true }) });
    expect(await people.textContent()).toMatch(
      /^peopleread\d+ of \d+ actions callable; \d+ inherit read$/,
    );
    expect(await grants.getByRole('rowheader', { name: 'contacts', exact: true }).count()).toBe(1);
    // Shown once: gone after Done, and not shown again when the page is opened again.
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByTestId('issued-token').count()).toBe(0);
  });

  it('shows its last calls with their decisions, and its alert', async () => {
    expect((await search(token)).status).toBe(200);
    expect((await call(token, 'contacts.create', { first_name: 'Eve' })).status).toBe(403);
    await callRow(page, 'people.search').locator('td.decision-allowed').waitFor();
    await callRow(page, 'contacts.create').locator('td.decision-denied').waitFor();
    expect(await callRow(page, 'contacts.create').textContent()).toMatch(/denied/);
    // The creation itself is an admin change to it.
    expect(await callRow(page, 'admin.').first().locator('td.decision').textContent()).toBe(
      'admin change',
    );
    // A call opens with everything about it.
    await callRow(page, 'contacts.create')
      .getByRole('button', { name: /^Details of aud_/ })
      .click();
    const drawer = page.getByRole('dialog', { name: /^Audit record aud_/ });
    await drawer.getByTestId('audit-detail').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => drawer.count()).toBe(0);

    const alerts = page.getByRole('list', { name: `Alerts about ${name}` });
    const alert = alerts.locator('li', { hasText: 'write without grant' });
    await alert.waitFor({ timeout: 20_000 });
    expect(await alert.textContent()).toMatch(/not acknowledged/);
    await alert.getByRole('button', { name: /^Acknowledge alert alr_/ }).click();
    await expect.poll(() => alert.textContent()).toMatch(/acknowledged by admin:console/);
  }, 60_000);

  it('sets a daily budget through the limits form and shows the spend against it', async () => {
    const form = page.getByRole('form', { name: `Limits of ${name}` });
    await form.getByLabel('Credits per day').fill('5');
    await form.getByLabel('Redact fields').fill('email');
    await form.getByRole('button', { name: 'Save limits' }).click();
    const budgets = page.getByTestId('agent-budgets');
    await expect.poll(() => budgets.textContent()).toMatch(/Credits today\s*\d+ of 5 credits/);
    expect(await budgets.textContent()).toMatch(/no monthly budget/);
    expect(await budgets.textContent()).toMatch(/removes email from its answers/);
    const today = page.getByRole('meter', { name: 'Credits today' });
    expect(await today.getAttribute('max')).toBe('5');
    const spent = (await g.store.audit.query({ limit: 50 })).records
      .filter((r) => r.agentName === name)
      .reduce((sum, r) => sum + r.credits, 0);
    expect(await today.getAttribute('value')).toBe(String(spent));
    // The form holds what was saved.
    expect(await form.getByLabel('Credits per day').inputValue()).toBe('5');
    await run.shot(page, 'agent-page');
  });

  it('fits a 390 px screen without scrolling sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId('agent-calls').waitFor();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      390,
    );
    await run.shot(page, 'agent-page-390');
    // The create form with its grants, too.
    await navLink(page, 'Agents').click();
    await page.getByRole('radiogroup', { name: 'New agent: people' }).waitFor();
    expect(await noSidewaysScroll(page)).toBe(true);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('opens from the agent list, and rotating the token stops the old one', async () => {
    await page.getByRole('link', { name, exact: true }).click();
    await page.getByRole('heading', { level: 2, name, exact: true }).waitFor();
    expect(new URL(page.url()).hash).toBe(hash);
    // The creation's token is not shown again.
    expect(await page.getByTestId('issued-token').count()).toBe(0);
    await page.getByRole('button', { name: 'Rotate token' }).click();
    const fresh = (await page.getByTestId('issued-token').textContent()) ?? '';
    expect(fresh).toMatch(/^gh_agent_/);
    expect(fresh).not.toBe(token);
    expect((await search(token)).status).toBe(401);
    expect((await search(fresh)).status).toBe(200);
    token = fresh;
  });

  it('shows a viewer the page with its controls disabled', async () => {
    const context = await run.browser.newContext();
    try {
      const viewer = await context.newPage();
      await viewer.goto(`${g.url}/${hash}`);
      await viewer.getByLabel('Email').fill('vic@example.com');
      await viewer.getByLabel('Password').fill('vic@example.com password');
      await viewer.getByRole('button', { name: 'Sign in' }).click();
      // The link opened before signing in still leads to the agent.
      await viewer.getByRole('heading', { level: 2, name, exact: true }).waitFor();
      expect(await viewer.getByRole('note').first().textContent()).toMatch(
        /viewer role: rotating or revoking its token, or changing its limits needs the admin role/,
      );
      expect(await viewer.getByRole('button', { name: 'Rotate token' }).isDisabled()).toBe(true);
      expect(await viewer.getByRole('button', { name: 'Revoke' }).isDisabled()).toBe(true);
      expect(await viewer.getByRole('button', { name: 'Save limits' }).isDisabled()).toBe(true);
      expect(await viewer.getByLabel('Credits per day').isDisabled()).toBe(true);
      expect(await viewer.getByTestId('issued-token').count()).toBe(0);
      // It reads everything: spend, calls, alerts.
      await expect
        .poll(() => viewer.getByTestId('agent-budgets').textContent())
        .toMatch(/of 5 credits/);
      await callRow(viewer, 'contacts.create').locator('td.decision-denied').waitFor();
      await viewer.getByRole('list', { name: `Alerts about ${name}` }).waitFor();
      await run.shot(viewer, 'agent-page-viewer');
    } finally {
      await context.close();
    }
  });

  it('revokes after a confirmation, and the token stops', async () => {
    page.once('dialog', (d) => void d.dismiss());
    await page.getByRole('button', { name: 'Revoke' }).click();
    expect(await page.getByTestId('agent-status').textContent()).toBe('active');
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => page.getByTestId('agent-status').textContent()).toMatch(/^revoked /);
    expect(await page.getByRole('button', { name: 'Rotate token' }).count()).toBe(0);
    expect((await search(token)).status).toBe(401);
    await page.getByText('Revoked: no call is allowed.').waitFor();
  });

  it('says so for an unknown name, with a way back', async () => {
    await page.goto(`${g.url}/#/agents/nobody%20here`);
    await page.getByRole('heading', { name: 'No agent named “nobody here”' }).waitFor();
    await page.getByRole('link', { name: 'Back to the agent list' }).click();
    await page.getByRole('heading', { level: 2, name: 'Agents', exact: true }).waitFor();
  });
});
