// Two people with different roles sign in to the console in a real browser (playwright-core
// driving Debian's Chromium) against a running Gatehouse on the sandbox. The approver sees the
// matrix with its controls disabled and a note saying why, approves a held call, and the call's
// record names them; the viewer cannot answer. Screenshots go to test-artifacts/console/.
import { type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { StartedGatehouse } from '../../src/app/start.js';
import { getAction } from '../../src/catalog/index.js';
import { runCliWith } from '../helpers/cli.js';
import { startConsoleRun, type ConsoleRun } from '../helpers/console-browser.js';

const adminToken = 'people-admin-token-0123456789abcdefgh';
let run: ConsoleRun;
let g: StartedGatehouse;
let env: Record<string, string>;
const contexts: BrowserContext[] = [];
let token = '';

beforeAll(async () => {
  run = await startConsoleRun('people-browser', { adminToken });
  ({ g, env } = run);
  for (const [email, role] of [
    ['ana@example.com', 'approver'],
    ['vic@example.com', 'viewer'],
  ]) {
    const added = await runCliWith(
      env,
      ['admin', 'add', email!, '--role', role!],
      `${email} password\n`,
    );
    expect(added.code, added.err).toBe(0);
  }
  const created = await fetch(`${g.url}/admin/api/agents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'scout',
      grants: [
        { target: 'people', level: 'read' },
        { target: 'contacts', level: 'full', approval: true },
      ],
    }),
  });
  token = ((await created.json()) as { token: string }).token;
}, 600_000);

afterAll(async () => {
  for (const c of contexts) await c.close();
  await run?.close();
});

/** A fresh browser (its own cookies) signed in as `email`. */
async function signIn(email: string): Promise<Page> {
  const context = await run.browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(g.url);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect
    .poll(() => page.getByRole('alert').textContent())
    .toMatch(/do not match a console person/);
  await page.getByLabel('Password').fill(`${email} password`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  return page;
}

describe('people in the console', () => {
  it('offers email and password and the admin token, and fits a 390 px screen', async () => {
    const context = await run.browser.newContext({ viewport: { width: 390, height: 844 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(g.url);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await run.shot(page, 'login-390');
  });

  it('an approver sees the matrix read-only and approves a held call, named in its record', async () => {
    const page = await signIn('ana@example.com');
    expect(await page.getByTestId('signed-in-as').textContent()).toBe('ana@example.com (approver)');

    await page.getByRole('link', { name: 'Access matrix' }).click();
    const cell = page.getByRole('radiogroup', { name: 'scout: people', exact: true });
    await cell.waitFor();
    expect(await page.getByRole('note').textContent()).toMatch(
      /ana@example\.com with the approver role: changing a grant needs the admin role/,
    );
    expect(await cell.getByRole('radio', { name: 'Full', exact: true }).isDisabled()).toBe(true);
    await run.shot(page, 'access-approver');

    const held = await fetch(`${g.url}${getAction('contacts.create')!.path}`, {
      method: 'POST',
      headers: { 'x-api-key': token, 'content-type': 'application/json' },
      body: JSON.stringify({ first_name: 'Grace', last_name: 'Hopper' }),
    });
    expect(held.status).toBe(202);
    const { approval_id } = (await held.json()) as { approval_id: string };

    // A viewer sees the held call but cannot answer it.
    const viewer = await signIn('vic@example.com');
    await viewer.getByRole('link', { name: 'Approvals' }).click();
    const seen = viewer.getByRole('region', { name: `Held call ${approval_id}` });
    await seen.waitFor();
    expect(await seen.getByRole('button', { name: 'Approve' }).isDisabled()).toBe(true);
    expect(await viewer.getByRole('note').textContent()).toMatch(/needs the approver role/);
    await run.shot(viewer, 'approvals-viewer');

    await page.getByRole('link', { name: 'Approvals' }).click();
    const card = page.getByRole('region', { name: `Held call ${approval_id}` });
    await card.getByRole('button', { name: 'Approve' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `${approval_id}: done` })
      .waitFor();

    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByLabel('Decision').selectOption('approved');
    const feed = page.getByTestId('audit-feed');
    await expect.poll(() => feed.locator('tr').count()).toBe(1);
    await feed.getByRole('button', { name: /^Details of aud_/ }).click();
    const drawer = page.getByRole('dialog', { name: /^Audit record aud_/ });
    await expect
      .poll(() => drawer.getByTestId('audit-approval').textContent())
      .toMatch(/Answered byadmin:ana@example\.com/);
    await run.shot(page, 'audit-approver');
  });
});
