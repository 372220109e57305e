// Pins the catalog's invariants: every other part of Gatehouse is generated from this data, so a
// duplicate id, a path parameter missing from the schema or an unsafe tool name breaks them all.
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';

import {
  actions,
  endpoints,
  estimateCredits,
  findActionByRoute,
  getAction,
  groups,
  planLimits,
  plans,
  toolName,
  usageKey,
} from './index.js';

const designActions = {
  people: { read: ['people.search', 'people.match', 'people.bulk_match'], write: [] },
  organizations: { read: ['organizations.search', 'organizations.enrich'], write: [] },
  contacts: { read: ['contacts.search'], write: ['contacts.create', 'contacts.update'] },
  accounts: { read: ['accounts.search'], write: ['accounts.create', 'accounts.update'] },
  sequences: { read: ['sequences.search'], write: ['sequences.add_contacts'] },
  tasks: { read: ['tasks.search'], write: ['tasks.create'] },
  deals: { read: ['deals.list'], write: ['deals.create', 'deals.update'] },
  admin: { read: ['users.list', 'usage.stats'], write: [] },
} as const;

describe('catalog', () => {
  it("keeps design.md's 20 actions, each in its group with its access", () => {
    for (const [group, byAccess] of Object.entries(designActions)) {
      for (const [access, ids] of Object.entries(byAccess)) {
        for (const id of ids) {
          const a = getAction(id);
          expect(a, id).toBeDefined();
          expect(a?.group).toBe(group);
          expect(a?.access).toBe(access);
        }
      }
    }
    for (const a of actions) expect(groups).toContain(a.group);
  });

  it('has unique ids, unique method+path pairs and unique tool names', () => {
    const ids = actions.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    const routes = actions.map((a) => `${a.method} ${a.path}`);
    expect(new Set(routes).size).toBe(routes.length);
    const tools = actions.map(toolName);
    expect(new Set(tools).size).toBe(tools.length);
  });

  it('ids are group.verb with the group as prefix (or a documented admin id)', () => {
    for (const a of actions) {
      expect(a.id).toMatch(/^[a-z]+\.[a-z_]+$/);
      if (a.group !== 'admin') expect(a.id.startsWith(`${a.group}.`)).toBe(true);
    }
  });

  it('declares every path parameter as a required input field', () => {
    for (const a of actions) {
      const shape = (a.input as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
      for (const p of a.pathParams) {
        expect(Object.keys(shape), `${a.id} lacks ${p}`).toContain(p);
        expect(shape[p]?.safeParse(undefined).success, `${a.id}.${p} must be required`).toBe(false);
      }
      expect(a.path.startsWith('/api/v1/')).toBe(true);
    }
  });

  it('charges credits exactly for spend actions, and hints writes as not read-only', () => {
    for (const a of actions) {
      expect(a.credits.kind !== 'none', `${a.id} (${a.effect}, ${a.credits.kind})`).toBe(
        a.effect === 'spend',
      );
    }
    for (const a of actions.filter((x) => x.access === 'write')) {
      expect(a.hints.readOnly, a.id).toBe(false);
    }
    for (const a of actions.filter((x) => x.access === 'read')) {
      expect(a.hints.readOnly).toBe(true);
      expect(a.hints.destructive).toBe(false);
    }
  });

  it('derives MCP-safe tool names, matching Apollo’s own MCP server where it has one', () => {
    for (const a of actions) {
      const name = toolName(a);
      expect(name).toMatch(/^[a-z0-9_]{1,64}$/);
    }
    const apolloNames: Record<string, string> = {
      'people.search': 'apollo_mixed_people_api_search',
      'people.match': 'apollo_people_match',
      'people.bulk_match': 'apollo_people_bulk_match',
      'organizations.search': 'apollo_mixed_companies_search',
      'organizations.enrich': 'apollo_organizations_enrich',
      'contacts.create': 'apollo_contacts_create',
      'sequences.search': 'apollo_emailer_campaigns_search',
      'sequences.add_contacts': 'apollo_emailer_campaigns_add_contact_ids',
      'contacts.update': 'apollo_contacts_update',
      'deals.create': 'apollo_opportunities_create',
      'usage.stats': 'apollo_usage_stats_api_usage_stats',
    };
    for (const [id, name] of Object.entries(apolloNames))
      expect(toolName(getAction(id)!)).toBe(name);
  });

  it('writes a description for models that states the cost, and a phrase and title', () => {
    for (const a of actions) {
      expect(a.description.length).toBeGreaterThan(80);
      expect(a.description).toMatch(/credit|Free/);
      expect(a.phrase).toMatch(/^[a-z]/);
      expect(a.title.length).toBeGreaterThan(3);
    }
  });

  it('routes every documented method and alias back to its action', () => {
    for (const a of actions) {
      const concrete = a.path.replace(/\{[a-z_]+\}/g, '0123456789abcdef01234567');
      for (const m of [a.method, ...a.altMethods]) {
        expect(findActionByRoute(m, concrete)?.action.id).toBe(a.id);
      }
    }
    expect(
      findActionByRoute('DELETE', '/api/v1/contacts/0123456789abcdef01234567'),
    ).toBeUndefined();
    expect(findActionByRoute('POST', '/api/v1/nope')).toBeUndefined();
    expect(findActionByRoute('PATCH', '/api/v1/contacts/abc%2Fdef')?.params).toEqual({
      contact_id: 'abc/def',
    });
  });

  it('keeps search pagination within Apollo’s caps', () => {
    for (const a of actions.filter((x) => x.pagination)) {
      expect(a.pagination!.maxPerPage).toBeLessThanOrEqual(100);
      expect(a.pagination!.maxPerPage * a.pagination!.maxPage).toBe(a.pagination!.maxRecords);
      const shape = (a.input as unknown as { shape: Record<string, z.ZodType> }).shape;
      expect(shape.per_page?.safeParse(a.pagination!.maxPerPage + 1).success).toBe(false);
      expect(shape.page?.safeParse(a.pagination!.maxPage + 1).success).toBe(false);
      expect(shape.page?.safeParse('2').success).toBe(true);
    }
  });

  it('names non-action endpoints and their usage keys', () => {
    expect(endpoints.map((e) => e.id)).toEqual([
      'oauth.authorize',
      'oauth.token',
      'users.api_profile',
      'auth.health',
      'webhook_result',
    ]);
    expect(usageKey(getAction('contacts.search')!)).toBe('["api/v1/contacts", "search"]');
    expect(usageKey(getAction('deals.create')!)).toBe('["api/v1/opportunities", "create"]');
  });

  it('has limits for every plan and rate class', () => {
    for (const plan of plans) {
      for (const a of actions) expect(planLimits[plan][a.rateClass]).toBeDefined();
    }
  });

  it('estimates reveal costs above the plain match cost', () => {
    const match = getAction('people.match')!;
    expect(estimateCredits(match, { email: 'a@b.co' })).toBe(1);
    expect(estimateCredits(match, { email: 'a@b.co', reveal_phone_number: true })).toBe(9);
    const bulk = getAction('people.bulk_match')!;
    expect(estimateCredits(bulk, { details: [{}, {}, {}] })).toBe(3);
    expect(estimateCredits(getAction('contacts.create')!, {})).toBe(0);
    expect(estimateCredits(getAction('organizations.search')!, {})).toBe(1);
  });
});

describe('audit phrases', () => {
  it('gives every action a past-tense phrase and an infinitive intent that share their object', () => {
    for (const a of actions) {
      expect(a.intent).toMatch(/^[a-z]/);
      const object = (s: string) => s.split(' ').slice(1).join(' ');
      expect(object(a.phrase), a.id).toBe(object(a.intent));
    }
  });
});
