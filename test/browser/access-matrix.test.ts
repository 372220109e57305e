// The access matrix as a security admin reads it, in a real browser (playwright-core driving
// Debian's Chromium) against a running Gatehouse on the sandbox: an action inside a granted group
// reads "inherits read", never "Off"; each cell is a keyboard-operable Off / Read / Full radio
// group; a change is stored and audited; one agent's whole policy reads as a list; and at a phone's
// width (390 px) no page of the console scrolls sideways. Screenshots go to test-artifacts/console/.
import { type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { StartedGatehouse } from '../../src/app/start.js';
import { getAction } from '../../src/catalog/index.js';
import type { AdminResponse } from '../../src/surfaces/admin/contracts.js';
import { startConsoleRun, type ConsoleRun } from '../helpers/console-browser.js';

const adminToken = 'access-matrix-admin-token-0123456789abc';
let g: StartedGatehouse;
let run: ConsoleRun;
let page: Page;
const tokens: Record<string, string> = {};

const admin = async (method: string, path: string, body?: unknown): Promise<unknown> => {
  const res = await fetch(`${g.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${adminToken}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
};
type Matrix = AdminResponse<'GET /admin/api/matrix'>;
type AuditPage = AdminResponse<'GET /admin/api/audit'>;
/** The stored grant of an agent on a target, as the admin API reads it back. */
const storedGrant = async (agent: string, target: string) => {
  const m = (await admin('GET', '/admin/api/matrix')) as Matrix;
  return m.agents.find((a) => a.name === agent)?.grants[target] ?? null;
};
const agentCall = (agent: string, action: string, body: unknown) =>
  fetch(`${g.url}${getAction(action)!.path}`, {
    method: 'POST',
    headers: { 'x-api-key': tokens[agent]!, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const shot = (name: string) => run.shot(page, name);
const cellControl = (name: string) => page.getByRole('radiogroup', { name, exact: true });
/** The table cell that holds a control. */
const cellOf = (control: Locator) => control.locator('xpath=ancestor::td[1]');
const radio = (control: Locator, name: 'Off' | 'Read' | 'Full') =>
  control.getByRole('radio', { name, exact: true });
const checkedIn = async (control: Locator) =>
  (await control.locator('[role="radio"][aria-checked="true"]').allTextContents()).join('|');

beforeAll(async () => {
  run = await startConsoleRun('access', { adminToken });
  g = run.g;
  for (const [name, grants] of [
    ['scout', [{ target: 'people', level: 'read' }]],
    ['closer', [{ target: 'contacts', level: 'full', approval: true }]],
  ] as const) {
    const made = (await admin('POST', '/admin/api/agents', { name, grants })) as {
      token: string;
    };
    tokens[name] = made.token;
  }
  page = await (await run.browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
}, 600_000);

afterAll(async () => {
  await run?.close();
});

describe('the access matrix', () => {
  it('logs in and opens the matrix', async () => {
    await page.goto(g.url);
    await page.getByLabel('Admin token').fill(adminToken);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByRole('link', { name: 'Access matrix' }).click();
    await cellControl('scout: people').waitFor();
  });

  it('shows an action inside a granted group as "inherits read", never as Off', async () => {
    // The group row: scout's own grant, read, as the checked segment.
    const group = cellControl('scout: people');
    expect(await checkedIn(group)).toBe('Read');
    expect(await group.getAttribute('class')).not.toMatch(/inherited/);

    await page.getByRole('button', { name: /^▸ people \(\d+ actions\)/ }).click();
    const search = cellControl('scout: people.search');
    await search.waitFor();
    const cell = cellOf(search);
    expect(await cell.textContent()).toContain('inherits read');
    expect(await cell.getAttribute('class')).toMatch(/\binherited\b/);
    expect(await radio(search, 'Off').isChecked()).toBe(false);
    expect(await radio(search, 'Read').isChecked()).toBe(true);
    // Off can be chosen inside a granted group: it would deny this one action.
    expect(await radio(search, 'Off').getAttribute('aria-disabled')).toBeNull();
    // The inheritance is the control's description, for screen readers.
    const describedBy = await search.getAttribute('aria-describedby');
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toMatch(
      /^inherits read from the group people$/,
    );

    // An agent with nothing on the group: a plain Off, no inheritance.
    const closer = cellControl('closer: people.search');
    expect(await checkedIn(closer)).toBe('Off');
    expect(await cellOf(closer).textContent()).not.toContain('inherits');
    expect(await radio(closer, 'Off').getAttribute('aria-disabled')).toBeNull();

    // Effect badges on the action rows.
    expect(
      await page
        .getByRole('rowheader', { name: /people\.match/ })
        .locator('.badge')
        .allTextContents(),
    ).toEqual(['spend']);
    await shot('access');
  });

  it('stores a click on Full, audits it, and falls back to the group when removed', async () => {
    const search = cellControl('scout: people.search');
    await radio(search, 'Full').click();
    await expect.poll(() => storedGrant('scout', 'people.search')).toMatchObject({ level: 'full' });
    await expect.poll(() => checkedIn(search)).toBe('Full');
    expect(await cellOf(search).textContent()).not.toContain('inherits');
    const audit = (await admin('GET', '/admin/api/audit?action=admin.grant')) as AuditPage;
    expect(
      audit.records.some(
        (r) =>
          r.action === 'admin.grant' && r.target === 'scout' && /people\.search/.test(r.sentence),
      ),
    ).toBe(true);

    // Off inside the granted group is an explicit deny: the agent's next search is refused while
    // the rest of the group still answers; "use group" removes the deny again.
    await radio(search, 'Off').click();
    await expect.poll(() => storedGrant('scout', 'people.search')).toMatchObject({ level: 'off' });
    await expect
      .poll(() => cellOf(search).textContent())
      .toContain('denied here, though people grants read');
    expect((await agentCall('scout', 'people.search', { person_titles: ['CFO'] })).status).toBe(
      403,
    );
    await page
      .getByRole('button', { name: "scout: people.search: use the group's level (read)" })
      .click();
    await expect.poll(() => storedGrant('scout', 'people.search')).toBeNull();
    await expect.poll(async () => cellOf(search).textContent()).toContain('inherits read');
    expect(await radio(search, 'Off').isChecked()).toBe(false);
    expect((await agentCall('scout', 'people.search', { person_titles: ['CFO'] })).status).toBe(
      200,
    );
  });

  it('moves with the arrow keys, with one tab stop per cell', async () => {
    const match = cellControl('scout: people.match');
    expect(await match.locator('[tabindex="0"]').allTextContents()).toEqual(['Read']);
    await radio(match, 'Read').focus();
    // Read → Full → back to Read.
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => storedGrant('scout', 'people.match')).toMatchObject({ level: 'full' });
    await expect.poll(() => match.locator('[tabindex="0"]').allTextContents()).toEqual(['Full']);
    expect(await page.evaluate<string | undefined>('document.activeElement?.textContent')).toBe(
      'Full',
    );
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => storedGrant('scout', 'people.match')).toMatchObject({ level: 'read' });
    await expect.poll(() => checkedIn(match)).toBe('Read');
    // Read is now the action's own grant, not inherited.
    expect(await cellOf(match).textContent()).not.toContain('inherits');

    // Off on an action whose group grants nothing removes its own grant: a real off.
    const closerGet = cellControl('closer: people.get');
    await radio(closerGet, 'Read').click();
    await expect.poll(() => storedGrant('closer', 'people.get')).toMatchObject({ level: 'read' });
    await radio(closerGet, 'Off').click();
    await expect.poll(() => storedGrant('closer', 'people.get')).toBeNull();
    await expect.poll(() => checkedIn(closerGet)).toBe('Off');
  });

  it('holds one inherited action for approval, and shows outbound actions as held by default', async () => {
    await page.getByLabel('scout: people.bulk_match needs approval').check();
    await expect
      .poll(() => storedGrant('scout', 'people.bulk_match'))
      .toMatchObject({ level: 'read', approval: true });
    await expect
      .poll(() => page.getByLabel('scout: people.bulk_match needs approval').isChecked())
      .toBe(true);

    await page.getByLabel('Find an action').fill('send_now');
    const sendNow = page.getByRole('rowheader', { name: /emails\.send_now/ });
    await sendNow.waitFor();
    expect(await sendNow.locator('.badge').allTextContents()).toEqual([
      'outbound',
      'held by default',
    ]);
    await page.getByLabel('Find an action').fill('');
  });

  it("reads one agent's whole policy as a list", async () => {
    await page.getByLabel('Show one agent').selectOption({ label: 'scout' });
    const policy = page.getByRole('region', { name: 'What scout can do' });
    await policy.waitFor();
    // The matrix narrows to the one agent's column.
    expect(await page.getByRole('columnheader').allTextContents()).toEqual([
      'Group / action',
      'scout',
    ]);
    const people = policy.getByRole('list', { name: 'scout: people' });
    const line = (id: string) =>
      people.getByRole('listitem').filter({
        has: page.locator('code', { hasText: new RegExp(`^${id.replace('.', '\\.')}$`) }),
      });
    expect(await line('people.search').textContent()).toMatch(
      /people\.searchreadfrom group grant people=readruns without approval/,
    );
    expect(await line('people.bulk_match').textContent()).toMatch(
      /people\.bulk_matchreadfrom own grant people\.bulk_match=readneeds approval/,
    );
    expect(await policy.textContent()).toMatch(/5 of \d+ actions callable, 1 of them held/);
    await shot('agent-policy');
    // Only what it can reach, unless asked for the rest.
    expect(await policy.getByText('contacts.create').count()).toBe(0);
    await policy.getByLabel('Also list the actions it cannot call').check();
    await policy.getByText('contacts.create').waitFor();
    expect(
      await policy
        .getByRole('listitem')
        .filter({ hasText: /^contacts\.create/ })
        .textContent(),
    ).toMatch(/denied.*no grant covers it/);
    await page.getByLabel('Show one agent').selectOption({ label: 'All agents' });
    await expect.poll(() => page.getByRole('columnheader').count()).toBe(3);
  });

  it('does not scroll sideways on a 390 px screen, on any page', async () => {
    // Something on every page: an allowed, a denied and a held call.
    expect(
      (await agentCall('scout', 'people.search', { person_titles: ['VP Sales'] })).status,
    ).toBe(200);
    expect((await agentCall('scout', 'contacts.search', {})).status).toBe(403);
    expect(
      (await agentCall('closer', 'contacts.create', { first_name: 'Ada', last_name: 'Byron' }))
        .status,
    ).toBe(202);

    await page.setViewportSize({ width: 390, height: 844 });
    const pages: [string, string, () => Promise<void>][] = [
      ['overview', 'Overview', () => page.getByTestId('calls-today').waitFor()],
      ['agents', 'Agents', () => page.getByRole('cell', { name: 'closer' }).waitFor()],
      ['access', 'Access matrix', () => cellControl('closer: people').waitFor()],
      [
        'audit',
        'Audit',
        () =>
          page
            .getByTestId('audit-feed')
            .getByText(/closer/)
            .first()
            .waitFor(),
      ],
      ['approvals', 'Approvals', () => page.getByRole('region', { name: /^Held call / }).waitFor()],
      [
        'usage',
        'Usage',
        () => page.getByTestId('usage-table').getByText('scout').first().waitFor(),
      ],
    ];
    const widths: Record<string, [number, number]> = {};
    for (const [hash, title, loaded] of pages) {
      await page.goto(`${g.url}/#/${hash}`);
      await page.getByRole('heading', { name: title, exact: true }).waitFor();
      await loaded();
      if (hash === 'access') {
        await page.getByRole('button', { name: /^▸ people \(\d+ actions\)/ }).click();
        await cellControl('scout: people.search').waitFor();
        expect(await cellOf(cellControl('scout: people.search')).textContent()).toContain(
          'inherits read',
        );
      }
      // scrollWidth is wider than clientWidth when the page itself scrolls sideways.
      widths[hash] = await page.evaluate<[number, number]>(
        '[document.documentElement.scrollWidth, document.documentElement.clientWidth]',
      );
      await shot(`${hash}-390`);
    }
    for (const [hash, [scroll, client]] of Object.entries(widths)) {
      expect({ hash, fits: scroll <= client, scroll, client }).toMatchObject({ hash, fits: true });
    }
    expect(widths.access?.[1]).toBe(390);
    // The tables that scroll inside themselves are still tables to a screen reader.
    await page.goto(`${g.url}/#/agents`);
    await page.getByRole('cell', { name: 'closer' }).waitFor();
    expect(await page.getByRole('table').count()).toBeGreaterThan(0);
  });
  it('applies a role template in one click: the matrix changes and the audit records it', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('link', { name: 'Access matrix' }).click();
    const templates = page.getByRole('region', { name: 'Role templates' });
    await templates.getByLabel('Agent').selectOption({ label: 'closer' });
    await templates.getByLabel('Template').selectOption({ label: 'Researcher' });
    expect(await templates.textContent()).toMatch(
      /Grants: people read, organizations read, news read\. Applying replaces closer's current grants/,
    );
    await templates.getByRole('button', { name: 'Apply Researcher to closer' }).click();
    await templates
      .getByRole('status')
      .filter({ hasText: 'closer now has the Researcher grants' })
      .waitFor();
    // The matrix shows it: closer reads people, and its contacts grant is gone.
    await expect.poll(() => checkedIn(cellControl('closer: people'))).toBe('Read');
    expect(await checkedIn(cellControl('closer: contacts'))).toBe('Off');
    expect(await storedGrant('closer', 'contacts')).toBeNull();
    expect(await storedGrant('closer', 'organizations')).toMatchObject({ level: 'read' });
    const audit = (await admin('GET', '/admin/api/audit?action=admin&limit=20')) as AuditPage;
    const sentences = audit.records.map((r) => r.sentence);
    expect(sentences).toContain(
      'An admin (admin:console) applied the role template Researcher to closer: people=read, organizations=read, news=read.',
    );
    expect(sentences).toContain("An admin (admin:console) set closer's grant to contacts=off.");
    await shot('access-template');
  });
});
