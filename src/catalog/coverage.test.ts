// Every operation of Apollo's public API is in the catalog exactly once: the 20 of SPEC.md and the
// 63 rows of ENDPOINTS.md's summary table (kept in test/fixtures, and compared with the reference
// itself when it sits beside the repository). A missing operation is one an agent would need the
// raw Apollo key for.
import { existsSync, readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { actions, effects, findActionByRoute, webhookResult, type ActionSpec } from './index.js';

const fixture = new URL('../../test/fixtures/endpoints-summary.md', import.meta.url);
const reference = new URL('../../../shared/apollo-api/ENDPOINTS.md', import.meta.url);

interface Row {
  readonly n: number;
  readonly method: string;
  readonly path: string;
  readonly effect: string;
}

function rows(text: string): Row[] {
  return text
    .split('\n')
    .filter((l) => /^\| \d+ \|/.test(l))
    .map((l) => {
      const cells = l.split('|').map((c) => c.trim());
      return {
        n: Number(cells[1]),
        method: cells[2]!,
        path: /`([^`]+)`/.exec(cells[3]!)![1]!,
        effect: cells[5]!.replace(/\*/g, ''),
      };
    });
}

/** The action id (or Gatehouse-served endpoint) for each numbered row of ENDPOINTS.md. */
const expected: Record<number, string> = {
  1: 'people.get',
  2: 'people.search_legacy',
  3: 'organizations.get',
  4: 'organizations.job_postings',
  5: 'organizations.bulk_enrich',
  6: 'news.search',
  7: 'organizations.search',
  8: 'contacts.get',
  9: 'contacts.deals',
  10: 'contacts.bulk_create',
  11: 'contacts.bulk_update',
  12: 'contacts.update_stages',
  13: 'contacts.update_owners',
  14: 'contacts.stages',
  15: 'accounts.get',
  16: 'accounts.bulk_create',
  17: 'accounts.bulk_update',
  18: 'accounts.update_owners',
  19: 'accounts.stages',
  20: 'deals.get',
  21: 'deals.stages',
  22: 'deals.list_legacy',
  23: 'labels.list',
  24: 'labels.create',
  25: 'labels.update',
  26: 'labels.add_records',
  27: 'labels.remove_records',
  28: 'fields.list',
  29: 'fields.create',
  30: 'fields.update',
  31: 'fields.list_typed',
  32: 'notes.list',
  33: 'calls.create',
  34: 'calls.search',
  35: 'calls.update',
  36: 'conversations.search',
  37: 'conversations.get',
  38: 'conversations.export',
  39: 'conversations.export_status',
  40: 'emails.create',
  41: 'emails.send_now',
  42: 'emails.send_status',
  43: 'emails.search',
  44: 'emails.content',
  45: 'emails.activities',
  46: 'emails.accounts',
  47: 'emails.schedules',
  48: 'sequences.create',
  49: 'sequences.update',
  50: 'sequences.approve',
  51: 'sequences.abort',
  52: 'sequences.archive',
  53: 'sequences.remove_contacts',
  54: 'sequences.activity_feed',
  55: 'tasks.get',
  56: 'tasks.update',
  57: 'tasks.complete',
  58: 'tasks.skip',
  59: 'tasks.bulk_create',
  60: 'users.profile',
  61: 'usage.credits',
  62: 'reports.sync',
  // Answered by Gatehouse from the deliveries it received for the asking agent, never forwarded.
  63: webhookResult.id,
};

/** SPEC.md's 20, by method and path. */
const spec20: Record<string, string> = {
  'POST /mixed_people/api_search': 'people.search',
  'POST /people/match': 'people.match',
  'POST /people/bulk_match': 'people.bulk_match',
  'POST /mixed_companies/search': 'organizations.search',
  'GET /organizations/enrich': 'organizations.enrich',
  'POST /contacts/search': 'contacts.search',
  'POST /contacts': 'contacts.create',
  'PATCH /contacts/{contact_id}': 'contacts.update',
  'POST /accounts/search': 'accounts.search',
  'POST /accounts': 'accounts.create',
  'PATCH /accounts/{account_id}': 'accounts.update',
  'POST /emailer_campaigns/search': 'sequences.search',
  'POST /emailer_campaigns/{sequence_id}/add_contact_ids': 'sequences.add_contacts',
  'POST /tasks/search': 'tasks.search',
  'POST /tasks': 'tasks.create',
  'GET /opportunities/search': 'deals.list',
  'POST /opportunities': 'deals.create',
  'PATCH /opportunities/{opportunity_id}': 'deals.update',
  'POST /users/search': 'users.list',
  'POST /usage_stats/api_usage_stats': 'usage.stats',
};

const effectName = (e: string) => (e === 'write-crm' ? 'write' : e.replace('-', '_'));
const concrete = (path: string) =>
  `/api/v1${path.replace(/\{[a-z_]+\}/g, '64a0f0b1c2d3e4f5a6b7c8d9')}`;

function served(method: string, path: string): string | undefined {
  if (method === webhookResult.method && path === webhookResult.path.replace('/api/v1', '')) {
    return webhookResult.id;
  }
  return findActionByRoute(method, concrete(path))?.action.id;
}

describe("the catalog covers Apollo's whole public API", () => {
  const table = rows(readFileSync(fixture, 'utf8'));

  it('keeps the fixture equal to ENDPOINTS.md where the reference is present', () => {
    expect(table.map((r) => r.n)).toEqual(Array.from({ length: 63 }, (_, i) => i + 1));
    if (existsSync(reference)) expect(rows(readFileSync(reference, 'utf8'))).toEqual(table);
  });

  it.each(rows(readFileSync(fixture, 'utf8')))(
    'serves #$n $method $path as its own action',
    ({ n, method, path, effect }) => {
      expect(served(method, path)).toBe(expected[n]);
      const action = actions.find((a) => a.id === expected[n]) as ActionSpec | undefined;
      if (action && n !== 7) expect(action.effect).toBe(effectName(effect));
    },
  );

  it("serves SPEC.md's 20 on their documented method and path", () => {
    for (const [route, id] of Object.entries(spec20)) {
      const [method, path] = route.split(' ') as [string, string];
      expect(served(method, path), route).toBe(id);
    }
  });

  it('lists every operation once: 20 + 63 rows = 81 actions, one alias, one served by Gatehouse', () => {
    const ids = actions.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    const wanted = new Set([...Object.values(spec20), ...Object.values(expected)]);
    wanted.delete(webhookResult.id);
    expect(new Set(ids)).toEqual(wanted);
    expect(ids).toHaveLength(81);
    for (const a of actions) expect(effects).toContain(a.effect);
  });

  it('holds outbound actions for approval by default, and nothing else', () => {
    const held = actions
      .filter((a) => a.approvalByDefault)
      .map((a) => a.id)
      .sort();
    expect(held).toEqual(
      ['emails.send_now', 'sequences.add_contacts', 'sequences.approve', 'sequences.update'].sort(),
    );
  });
});
