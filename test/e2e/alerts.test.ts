// Anomaly alerts from outside, with Gatehouse instances sharing one database (a SQLite file, or a
// Postgres schema under the e2e-postgres project): an alert survives a restart; a denial burst
// split across two instances raises exactly one alert, which both list and one notifies; and a
// token used from a new address on both at once raises one new-address alert.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { getAction } from '../../src/catalog/index.js';
import { runCliWith } from '../helpers/cli.js';
import { e2eDatabase } from '../helpers/e2e-db.js';
import { createHarness, type Harness } from '../helpers/harness.js';

const adminToken = 'alerts-admin-token-0123456789abcdefgh';
const bearer = { authorization: `Bearer ${adminToken}` };
const open: Harness[] = [];
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
  for (const c of cleanups.splice(0)) await c();
});

interface PublicAlert {
  id: string;
  kind: string;
  agent: { id: string; name: string };
  message: string;
  audit_ids: string[];
}

/** One database and one data key that several Gatehouse instances share. */
async function sharedDatabase() {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-alerts-'));
  const database = await e2eDatabase(dir);
  cleanups.push(async () => {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  const notified: string[] = [];
  const start = async (name: string) => {
    const h = await createHarness({
      config: { db: database.url, keyFile: join(dir, 'secret.key'), adminToken, trustProxy: true },
      notify: async (text) => void notified.push(`${name}: ${text}`),
    });
    open.push(h);
    return h;
  };
  return { start, notified, url: database.url, keyFile: join(dir, 'secret.key') };
}

async function alertsOf(h: Harness): Promise<PublicAlert[]> {
  const res = await h.request('GET', '/admin/api/alerts', { headers: bearer });
  expect(res.status).toBe(200);
  return ((await res.json()) as { alerts: PublicAlert[] }).alerts;
}

/**
 * Waits until the shared evaluation has read every audit record up to `t` (its watermark is past
 * it), whichever instance did it: then nothing more can be raised for those records.
 */
async function evaluatedPast(h: Harness, t: number): Promise<void> {
  await expect
    .poll(
      async () => {
        const rows = await h.store.handle.db
          .selectFrom('alert_evaluation')
          .select('watermark')
          .execute();
        return Math.max(0, ...rows.map((r) => Number(r.watermark ?? 0)));
      },
      { timeout: 10_000, interval: 20 },
    )
    .toBeGreaterThan(t);
}

const call = (h: Harness, token: string, action: string, body: unknown, ip = '10.0.0.1') =>
  h.request('POST', getAction(action)!.path, {
    token,
    body,
    headers: { 'x-forwarded-for': ip },
  });

describe('alerts shared through the database', () => {
  it('are acknowledged once, from the admin API or the CLI, each acknowledgement audited', async () => {
    const db = await sharedDatabase();
    const a = await db.start('a');
    const reader = await a.agent('reader', ['contacts=read']);
    expect((await call(a, reader, 'contacts.create', { first_name: 'Eve' })).status).toBe(403);
    await expect.poll(() => alertsOf(a), { timeout: 10_000 }).toHaveLength(1);
    const [alert] = await alertsOf(a);
    const ack = (id: string, note?: string) =>
      a.request('POST', `/admin/api/alerts/${id}/acknowledge`, {
        headers: bearer,
        body: note ? { note } : {},
      });
    const first = await ack(alert!.id, 'expected: testing the read grant');
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({
      already_acknowledged: false,
      alert: { id: alert!.id, acknowledged_by: 'admin:api' },
    });
    // Acknowledged alerts leave the default list, stay in ?all=true.
    expect(await alertsOf(a)).toEqual([]);
    const all = await a.request('GET', '/admin/api/alerts?all=true', { headers: bearer });
    expect(((await all.json()) as { alerts: unknown[] }).alerts).toHaveLength(1);
    // A second acknowledgement changes nothing and is not recorded again.
    const again = await ack(alert!.id, 'again');
    expect(await again.json()).toMatchObject({
      already_acknowledged: true,
      alert: { acknowledged_note: 'expected: testing the read grant' },
    });
    expect((await ack('alr_nope')).status).toBe(404);
    const records = (await a.store.audit.query({ limit: 10, action: 'admin.alert_acknowledge' }))
      .records;
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ surface: 'admin', rule: 'admin:api', agentName: 'reader' });
    expect(records[0]!.sentence).toMatch(
      /^An admin \(admin:api\) acknowledged the alert alr_\w+ about reader .*noting: "expected: testing the read grant"\.$/,
    );

    // From the CLI, on the same database.
    const env = {
      GATEHOUSE_DB: db.url,
      GATEHOUSE_KEY_FILE: db.keyFile,
      GATEHOUSE_LOG_LEVEL: 'silent',
      USER: 'carol',
    };
    const listed = await runCliWith(env, ['alerts', '--all', '--json']);
    expect(JSON.parse(listed.out).alerts).toHaveLength(1);
    const cliAgain = await runCliWith(env, ['alerts', 'ack', alert!.id]);
    expect(cliAgain.code).toBe(0);
    expect(cliAgain.out).toMatch(/already acknowledged by admin:api/);
    const missing = await runCliWith(env, ['alerts', 'ack', 'alr_nope']);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/No alert has the id alr_nope/);
  });

  it('survive a restart of Gatehouse on the same database', async () => {
    const db = await sharedDatabase();
    const first = await db.start('first');
    const reader = await first.agent('reader', ['contacts=read']);
    const denied = await call(first, reader, 'contacts.create', { first_name: 'Eve' });
    expect(denied.status).toBe(403);
    await expect.poll(() => alertsOf(first), { timeout: 10_000 }).toHaveLength(1);
    const [before] = await alertsOf(first);
    expect(before).toMatchObject({
      kind: 'write_without_grant',
      agent: { name: 'reader' },
      audit_ids: [denied.headers.get('x-gatehouse-audit-id')],
    });
    await first.close();
    open.splice(open.indexOf(first), 1);

    const second = await db.start('second');
    expect(await alertsOf(second)).toEqual([before]);
    // The restarted instance evaluates on from where the first stopped: nothing is raised again.
    await second.app.alerts.evaluateOnce();
    await evaluatedPast(second, Date.now());
    expect(await alertsOf(second)).toEqual([before]);
    expect(db.notified).toEqual([expect.stringMatching(/^first: Gatehouse alert: reader may/)]);
  });

  it('raise one alert for a denial burst split across two instances, which both list', async () => {
    const db = await sharedDatabase();
    const a = await db.start('a');
    const b = await db.start('b');
    const scout = await a.agent('scout', ['people=read']);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await call(i % 2 ? b : a, scout, 'deals.list', {});
      expect(res.status).toBe(403);
      ids.push(res.headers.get('x-gatehouse-audit-id')!);
    }
    await expect
      .poll(async () => (await alertsOf(a)).map((x) => x.kind), { timeout: 10_000 })
      .toEqual(['denial_burst']);
    // Once every record has been evaluated, whichever instance did it, there is still one.
    await evaluatedPast(a, Date.now());
    const [onA, onB] = [await alertsOf(a), await alertsOf(b)];
    expect(onA).toHaveLength(1);
    expect(onB).toEqual(onA);
    expect(onA[0]!.message).toBe('scout was denied 5 times in 5 minutes.');
    expect(onA[0]!.audit_ids).toEqual(ids.slice(0, 5));
    expect(db.notified).toHaveLength(1);
    expect(db.notified[0]).toMatch(/^(a|b): Gatehouse alert: scout was denied 5 times/);
  });

  it('raise a new-address alert once when both instances see the new address at once', async () => {
    const db = await sharedDatabase();
    const a = await db.start('a');
    const b = await db.start('b');
    const scout = await a.agent('scout', ['people=read']);
    const search = { person_titles: ['VP Sales'] };
    expect((await call(a, scout, 'people.search', search, '10.0.0.1')).status).toBe(200);
    await expect
      .poll(async () =>
        (await a.store.handle.db.selectFrom('alert_known_ips').select('ip').execute()).map(
          (r) => r.ip,
        ),
      )
      .toEqual(['10.0.0.1']);
    expect((await call(b, scout, 'people.search', search, '10.0.0.1')).status).toBe(200);
    const both = await Promise.all([
      call(a, scout, 'people.search', search, '203.0.113.9'),
      call(b, scout, 'people.search', search, '203.0.113.9'),
      call(a, scout, 'people.search', search, '203.0.113.9'),
      call(b, scout, 'people.search', search, '203.0.113.9'),
    ]);
    expect(both.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    await expect
      .poll(async () => (await alertsOf(b)).map((x) => x.kind), { timeout: 10_000 })
      .toEqual(['new_ip']);
    expect((await call(b, scout, 'people.search', search, '203.0.113.9')).status).toBe(200);
    await evaluatedPast(a, Date.now());
    const [onA, onB] = [await alertsOf(a), await alertsOf(b)];
    expect(onA).toHaveLength(1);
    expect(onB).toEqual(onA);
    expect(onA[0]!.message).toBe(
      "scout's token was used from a new address, 203.0.113.9. If that is not expected, rotate the token.",
    );
    expect(db.notified).toHaveLength(1);
  });
});
