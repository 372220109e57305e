// Pins the exact audit sentence for every catalog action and for every decision and outcome.
import { describe as group, expect, it } from 'vitest';

import { getAction } from '../../catalog/index.js';
import { decide } from '../policy/decide.js';
import type { Grant } from '../policy/grant.js';
import { maskInput } from '../redact.js';

import { describe, type DescribeInput } from './describe.js';

const ID = '66a1b2c3d4e5f60718293a4b';
const ID2 = '66a1b2c3d4e5f60718293a4c';
const ID3 = '5f2a0c9e8b3d4a0012345678';

/** A record-like input for an action called with raw params, masked as the pipeline would. */
function call(
  action: string,
  raw: Record<string, unknown>,
  rest: Omit<DescribeInput, 'action' | 'params'>,
): DescribeInput {
  const spec = getAction(action);
  return { agentName: 'Outreach bot', action, params: spec ? maskInput(spec, raw) : raw, ...rest };
}

/** Completed and allowed, Apollo answered 200. */
const ok = (rule: string, durationMs: number, credits: number) =>
  ({
    decision: 'allowed',
    rule,
    upstreamStatus: 200,
    durationMs,
    credits,
    completed: true,
  }) as const;

const denial = (grants: Grant[], actionId: string, input: Record<string, unknown>) => {
  const d = decide({ grants, actionId, input });
  if (d.kind !== 'deny') throw new Error(`expected a denial, got ${d.kind}`);
  return { decision: 'denied', rule: d.rule, reason: d.reason, errorCode: 'not_granted' } as const;
};

const allowedGoldens: Array<[string, Record<string, unknown>, ReturnType<typeof ok>, string]> = [
  [
    'people.search',
    { person_titles: ['VP Sales'], person_locations: ['Germany'], page: 2, per_page: 25 },
    ok('people=read', 181, 0),
    "Outreach bot searched the people database for titles 'VP Sales', in 'Germany' (page 2, 25 per page): allowed by people=read. Apollo answered 200 in 181 ms; no credits spent.",
  ],
  [
    'people.match',
    { email: 'jane.doe@acme.com' },
    ok('people=read', 95, 1),
    'Outreach bot enriched a person by email j***@acme.com: allowed by people=read. Apollo answered 200 in 95 ms; 1 credit spent.',
  ],
  [
    'people.bulk_match',
    {
      details: [
        { email: 'jane.doe@acme.com' },
        { first_name: 'Omar', last_name: 'Haddad', domain: 'globex.com' },
        { linkedin_url: 'https://www.linkedin.com/in/priya-nair' },
        { id: ID3 },
      ],
    },
    ok('people=read', 412, 2.5),
    'Outreach bot enriched people in bulk (4 people: email j***@acme.com; name O*** H*** at globex.com; LinkedIn linkedin.com/in/p***; and 1 more): allowed by people=read. Apollo answered 200 in 412 ms; 2.5 credits spent.',
  ],
  [
    'organizations.search',
    {
      q_organization_keyword_tags: ['saas'],
      organization_locations: ['Germany'],
      organization_num_employees_ranges: ['250,500'],
      per_page: 100,
    },
    ok('organizations=read', 240, 1),
    // Catalog wording, reported for a fix: "for with headquarters", "'250,500' employees".
    "Outreach bot searched the company database for companies headquartered in 'Germany', with 250–500 employees, tagged 'saas' (page 1, 100 per page): allowed by organizations=read. Apollo answered 200 in 240 ms; 1 credit spent.",
  ],
  [
    'organizations.enrich',
    { domain: 'apollo.io' },
    ok('organizations=read', 120, 1),
    'Outreach bot enriched a company by domain apollo.io: allowed by organizations=read. Apollo answered 200 in 120 ms; 1 credit spent.',
  ],
  [
    'contacts.search',
    { q_keywords: 'Acme', contact_stage_ids: [ID], per_page: 50 },
    ok('contacts=read', 88, 0),
    "Outreach bot searched the team's contacts for keywords 'Acme', in stages '66a1b2c3d4e5f60718293a4b' (page 1, 50 per page): allowed by contacts=read. Apollo answered 200 in 88 ms; no credits spent.",
  ],
  [
    'contacts.create',
    {
      first_name: 'Jane',
      last_name: 'Doe',
      title: 'VP Sales',
      organization_name: 'Acme',
      email: 'jane.doe@acme.com',
      mobile_phone: '+1 415 555 4567',
      run_dedupe: true,
    },
    ok('contacts=full', 150, 0),
    "Outreach bot created a contact 'Jane Doe' (VP Sales) at Acme, email j***@acme.com, deduplicating: allowed by contacts=full. Apollo answered 200 in 150 ms; no credits spent.",
  ],
  [
    'contacts.update',
    { contact_id: ID, title: 'CRO', mobile_phone: '+1 415 555 4567' },
    ok('contacts=full', 133, 0),
    'Outreach bot updated contact 66a1b2c3d4e5f60718293a4b (title, mobile_phone): allowed by contacts=full. Apollo answered 200 in 133 ms; no credits spent.',
  ],
  [
    'accounts.search',
    { q_organization_name: 'Acme' },
    ok('accounts=read', 76, 0),
    // Catalog wording, reported for a fix: "for named like".
    "Outreach bot searched the team's accounts for names like 'Acme' (page 1, 25 per page): allowed by accounts=read. Apollo answered 200 in 76 ms; no credits spent.",
  ],
  [
    'accounts.create',
    { name: 'Acme', domain: 'acme.com' },
    ok('accounts=full', 140, 0),
    "Outreach bot created an account 'Acme' (acme.com): allowed by accounts=full. Apollo answered 200 in 140 ms; no credits spent.",
  ],
  [
    'accounts.update',
    { account_id: ID, account_stage_id: ID2, owner_id: ID3 },
    ok('accounts=full', 99, 0),
    'Outreach bot updated account 66a1b2c3d4e5f60718293a4b (account_stage_id, owner_id): allowed by accounts=full. Apollo answered 200 in 99 ms; no credits spent.',
  ],
  [
    'sequences.search',
    { q_name: 'Q3 outbound' },
    ok('sequences=read', 70, 0),
    "Outreach bot searched the team's sequences for names like 'Q3 outbound' (page 1, 25 per page): allowed by sequences=read. Apollo answered 200 in 70 ms; no credits spent.",
  ],
  [
    'sequences.add_contacts',
    { sequence_id: ID, contact_ids: [ID, ID2, ID3], send_email_from_email_account_id: ID2 },
    ok('sequences=full', 310, 0),
    'Outreach bot added contacts to sequence 66a1b2c3d4e5f60718293a4b (3 contacts): allowed by sequences=full. Apollo answered 200 in 310 ms; no credits spent.',
  ],
  [
    'tasks.search',
    { contact_id: ID, priority: 'high' },
    ok('tasks=read', 64, 0),
    // Catalog wording, reported for a fix: "for for contact".
    "Outreach bot searched the team's tasks for contact 66a1b2c3d4e5f60718293a4b, with priority high (page 1, 25 per page): allowed by tasks=read. Apollo answered 200 in 64 ms; no credits spent.",
  ],
  [
    'tasks.create',
    {
      user_id: ID2,
      contact_id: ID,
      type: 'call',
      status: 'scheduled',
      due_at: '2026-09-01T09:00:00Z',
      priority: 'high',
    },
    ok('tasks=full', 118, 0),
    'Outreach bot created a task (call, scheduled) for contact 66a1b2c3d4e5f60718293a4b, due 2026-09-01T09:00:00Z: allowed by tasks=full. Apollo answered 200 in 118 ms; no credits spent.',
  ],
  [
    'deals.list',
    { sort_by_field: 'amount', sort_ascending: false },
    ok('deals=read', 81, 0),
    // Catalog wording, reported for a fix: "for sorted by".
    "Outreach bot listed the team's deals sorted by amount (page 1, 25 per page): allowed by deals=read. Apollo answered 200 in 81 ms; no credits spent.",
  ],
  [
    'deals.create',
    { name: 'Acme renewal', amount: '50000', account_id: ID },
    ok('deals=full', 160, 0),
    "Outreach bot created a deal 'Acme renewal', amount 50000, for account 66a1b2c3d4e5f60718293a4b: allowed by deals=full. Apollo answered 200 in 160 ms; no credits spent.",
  ],
  [
    'deals.update',
    { opportunity_id: ID, amount: '60000', is_won: true, is_closed: true },
    ok('deals=full', 140, 0),
    'Outreach bot updated deal 66a1b2c3d4e5f60718293a4b (amount, is_won, is_closed): allowed by deals=full. Apollo answered 200 in 140 ms; no credits spent.',
  ],
  [
    'users.list',
    {},
    ok('admin=read', 55, 0),
    "Outreach bot listed the team's Apollo users with no filters (page 1, 25 per page): allowed by admin=read. Apollo answered 200 in 55 ms; no credits spent.",
  ],
  [
    'usage.stats',
    {},
    ok('admin=read', 60, 0),
    "Outreach bot viewed the team's API usage and rate limits: allowed by admin=read. Apollo answered 200 in 60 ms; no credits spent.",
  ],
];

group('describe: every catalog action, allowed', () => {
  it('covers all 20 actions', () => {
    expect(new Set(allowedGoldens.map(([id]) => id)).size).toBe(20);
  });

  it.each(allowedGoldens)('words an allowed %s call', (action, raw, outcome, sentence) => {
    expect(describe(call(action, raw, outcome))).toBe(sentence);
  });
});

group('describe: refusals and approvals', () => {
  it('words a write denied under read, with the why but not the advice', () => {
    const raw = {
      first_name: 'Jane',
      last_name: 'Doe',
      title: 'VP Sales',
      organization_name: 'Acme',
    };
    const r = call(
      'contacts.create',
      raw,
      denial(
        [{ target: 'contacts', level: 'read', requiresApproval: false }],
        'contacts.create',
        raw,
      ),
    );
    // The catalog puts a comma before "at Acme"; reported for a fix.
    expect(describe(r)).toBe(
      "Outreach bot tried to create a contact 'Jane Doe' (VP Sales) at Acme: denied by contacts=read. This agent may read contacts but not create them.",
    );
  });

  it('puts a rule that is not a grant in brackets', () => {
    const raw = { person_titles: ['CFO'] };
    expect(describe(call('people.search', raw, denial([], 'people.search', raw)))).toBe(
      "Outreach bot tried to search the people database for titles 'CFO' (page 1, 25 per page): denied (no grant for people). No grant covers people.search; Gatehouse denies by default.",
    );
    const reveal = { email: 'jane@acme.com', reveal_personal_emails: true };
    expect(
      describe(
        call(
          'people.match',
          reveal,
          denial(
            [{ target: 'people', level: 'read', requiresApproval: false }],
            'people.match',
            reveal,
          ),
        ),
      ),
    ).toBe(
      'Outreach bot tried to enrich a person by email j***@acme.com, revealing personal emails: denied (people.reveal not granted). Revealing personal emails, phone numbers or running waterfall enrichment needs the people.reveal grant.',
    );
  });

  it('words a held call', () => {
    const raw = {
      sequence_id: ID,
      contact_ids: [ID, ID2, ID3],
      send_email_from_email_account_id: ID2,
    };
    expect(
      describe(
        call('sequences.add_contacts', raw, { decision: 'pending', rule: 'sequences=full' }),
      ),
    ).toBe(
      'Outreach bot asked to add contacts to sequence 66a1b2c3d4e5f60718293a4b (3 contacts): held for approval under sequences=full.',
    );
  });

  it("words a rejected call with the admin's note, and an expired one", () => {
    const raw = { name: 'Acme renewal', amount: '50000' };
    expect(
      describe(
        call('deals.create', raw, {
          decision: 'rejected',
          rule: 'deals=full',
          reason: 'Wrong account. Use Acme GmbH.',
          errorCode: 'approval_rejected',
        }),
      ),
    ).toBe(
      "Outreach bot asked to create a deal 'Acme renewal', amount 50000: held under deals=full and rejected by an admin. Wrong account.",
    );
    expect(
      describe(
        call('deals.create', raw, {
          decision: 'expired',
          rule: 'deals=full',
          errorCode: 'approval_expired',
        }),
      ),
    ).toBe(
      "Outreach bot asked to create a deal 'Acme renewal', amount 50000: held under deals=full; nobody answered in time, so it expired.",
    );
  });

  it('words an approved call waiting for Apollo, then answered', () => {
    const raw = {
      sequence_id: ID,
      label_names: ['Hot leads'],
      send_email_from_email_account_id: ID2,
    };
    const approved = { decision: 'approved', rule: 'sequences=full' } as const;
    expect(describe(call('sequences.add_contacts', raw, { ...approved, completed: false }))).toBe(
      "Outreach bot asked to add contacts to sequence 66a1b2c3d4e5f60718293a4b (lists 'Hot leads'): approved under sequences=full; waiting for Apollo.",
    );
    expect(
      describe(
        call('sequences.add_contacts', raw, {
          ...approved,
          upstreamStatus: 200,
          durationMs: 290,
          credits: 0,
        }),
      ),
    ).toBe(
      "Outreach bot added contacts to sequence 66a1b2c3d4e5f60718293a4b (lists 'Hot leads'): approved under sequences=full. Apollo answered 200 in 290 ms; no credits spent.",
    );
  });

  it('words an unknown token calling an unknown route', () => {
    expect(
      describe({
        agentId: null,
        agentName: null,
        action: 'POST /api/v1/foo',
        decision: 'denied',
        rule: 'unauthenticated',
        errorCode: 'unauthenticated',
      }),
    ).toBe('An unknown token tried to call POST /api/v1/foo: denied (unauthenticated).');
  });

  it('words an unknown token calling a known action, using the fallback target without params', () => {
    expect(
      describe({
        action: 'people.search',
        target: '',
        params: null,
        decision: 'denied',
        rule: 'unauthenticated',
      }),
    ).toBe('An unknown token tried to search the people database: denied (unauthenticated).');
  });

  it('words a known agent calling an unknown action', () => {
    expect(
      describe({
        agentName: 'Outreach bot',
        action: 'contacts.delete',
        decision: 'denied',
        rule: 'unknown action',
        errorCode: 'unknown_action',
      }),
    ).toBe('Outreach bot tried to call contacts.delete: denied (unknown action).');
  });

  it('names an agent by id when it has no name', () => {
    expect(
      describe({ agentId: 'agt_7', action: 'usage.stats', params: {}, ...ok('admin=read', 12, 0) }),
    ).toBe(
      "Agent agt_7 viewed the team's API usage and rate limits: allowed by admin=read. Apollo answered 200 in 12 ms; no credits spent.",
    );
  });

  it('words invalid input, budget and rate-limit refusals with the rule the pipeline gives', () => {
    const search = { person_titles: ['CFO'], per_page: 500 };
    expect(
      describe(
        call('people.search', search, {
          decision: 'denied',
          rule: 'invalid input',
          reason:
            'The request is invalid: per_page: must be at most 100. Fix these fields and try again.',
          errorCode: 'invalid_input',
        }),
      ),
    ).toBe(
      "Outreach bot tried to search the people database for titles 'CFO' (page 1, 500 per page): denied (invalid input). The request is invalid: per_page: must be at most 100.",
    );
    expect(
      describe(
        call(
          'people.match',
          { email: 'jane@acme.com' },
          {
            decision: 'denied',
            rule: 'daily budget 100 credits',
            reason: "This agent's daily credit budget is spent: 100 credits of 100 used.",
            errorCode: 'budget_exhausted',
          },
        ),
      ),
    ).toBe(
      "Outreach bot tried to enrich a person by email j***@acme.com: denied (daily budget 100 credits). This agent's daily credit budget is spent: 100 credits of 100 used.",
    );
    expect(
      describe(
        call(
          'users.list',
          {},
          { decision: 'denied', rule: '30 requests per minute', errorCode: 'rate_limited' },
        ),
      ),
    ).toBe(
      "Outreach bot tried to list the team's Apollo users with no filters (page 1, 25 per page): denied (30 requests per minute).",
    );
  });
});

group('describe: what Apollo answered', () => {
  const search = { person_titles: ['VP Sales'] };
  const target = "search the people database for titles 'VP Sales' (page 1, 25 per page)";

  it("says a 403 API_INACCESSIBLE is the team's key, not the agent's grant", () => {
    expect(
      describe(
        call('people.search', search, {
          decision: 'allowed',
          rule: 'people=read',
          upstreamStatus: 403,
          upstreamErrorCode: 'API_INACCESSIBLE',
          durationMs: 40,
          credits: 0,
        }),
      ),
    ).toBe(
      `Outreach bot tried to ${target}: allowed by people=read. Apollo answered 403 API_INACCESSIBLE in 40 ms: the team's Apollo key cannot reach this endpoint (not this agent's grant); no credits spent.`,
    );
  });

  it("reads an Apollo code passed as errorCode (not a Gatehouse code) as Apollo's", () => {
    expect(
      describe(
        call('people.search', search, {
          decision: 'allowed',
          rule: 'people=read',
          upstreamStatus: 403,
          errorCode: 'API_INACCESSIBLE',
          durationMs: 40,
          credits: 0,
          completed: true,
        }),
      ),
    ).toContain('Apollo answered 403 API_INACCESSIBLE in 40 ms');
    expect(
      describe(
        call('people.search', search, {
          decision: 'allowed',
          rule: 'people=read',
          upstreamStatus: 500,
          errorCode: 'upstream_error',
          durationMs: 40,
          credits: 0,
        }),
      ),
    ).toContain('Apollo answered 500 in 40 ms: Apollo failed on its side');
  });

  it.each([
    [401, "Apollo refused the team's credential (not this agent's token)"],
    [404, 'Apollo found no such record'],
    [422, 'Apollo rejected the request as invalid'],
    [429, "Apollo's rate limit was reached"],
    [503, 'Apollo failed on its side'],
  ])('explains an Apollo %i', (status, meaning) => {
    expect(
      describe(
        call('people.search', search, {
          decision: 'allowed',
          rule: 'people=read',
          upstreamStatus: status,
          durationMs: 30,
          credits: 0,
        }),
      ),
    ).toBe(
      `Outreach bot tried to ${target}: allowed by people=read. Apollo answered ${status} in 30 ms: ${meaning}; no credits spent.`,
    );
  });

  it.each([
    ['upstream_unreachable', 30000, 'Apollo could not be reached (gave up after 30.0 s)'],
    ['credential_missing', null, 'no Apollo credential is connected'],
    ['rate_limited', 5, "Apollo's rate windows had no room left"],
    [
      'gatehouse_busy',
      5,
      "Gatehouse kept it back to stay within Apollo's rate windows (its queue was full or the wait too long), so Apollo was never called",
    ],
    [
      'shared_state_unavailable',
      5,
      'Gatehouse could not reach the state its replicas share (Redis) and refused it, so Apollo was never called',
    ],
    [
      'gatehouse_shutting_down',
      5,
      'Gatehouse was shutting down and refused it, so Apollo was never called',
    ],
    ['budget_exhausted', 5, "the agent's credit budget ran out"],
    ['internal', 5, 'Gatehouse failed internally'],
  ] as const)('words a call that got no answer because of %s', (errorCode, durationMs, words) => {
    expect(
      describe(
        call('people.search', search, {
          decision: 'allowed',
          rule: 'people=read',
          errorCode,
          durationMs,
          credits: 0,
          completed: true,
        }),
      ),
    ).toBe(
      `Outreach bot tried to ${target}: allowed by people=read, but ${words}; no credits spent.`,
    );
  });

  it('records a write whose answer was lost as an unknown outcome, never a plain failure', () => {
    const contact = { first_name: 'Ann', last_name: 'Lee', email: 'ann@acme.io' };
    const base = {
      decision: 'allowed',
      rule: 'contacts=full',
      credits: 0,
      completed: true,
    } as const;
    const timedOut = describe(
      call('contacts.create', contact, {
        ...base,
        errorCode: 'write_outcome_unknown',
        durationMs: 30_000,
      }),
    );
    expect(timedOut).toMatch(
      /^Outreach bot tried to create a contact .*: allowed by contacts=full, but the outcome is unknown: Apollo's answer was lost \(none after 30\.0 s\), so it may have taken effect; no credits spent\.$/,
    );
    const cutOff = describe(
      call('contacts.create', contact, {
        ...base,
        errorCode: 'write_outcome_unknown',
        upstreamStatus: 200,
        durationMs: 40,
      }),
    );
    expect(cutOff).toMatch(
      /but the outcome is unknown: Apollo's answer \(200\) was cut off or unreadable, so it may have taken effect/,
    );
    expect(cutOff).not.toMatch(/Apollo answered 200/);
  });

  it('says how long a call waited for which Apollo window', () => {
    const base = {
      decision: 'allowed',
      rule: 'people=read',
      upstreamStatus: 200,
      durationMs: 181,
      credits: 0,
    } as const;
    expect(
      describe(call('people.search', search, { ...base, waitedMs: 12_000, waitedFor: 'minute' })),
    ).toBe(
      `Outreach bot searched the people database for titles 'VP Sales' (page 1, 25 per page): allowed by people=read. Apollo answered 200 in 181 ms after waiting 12 s for Apollo's per-minute window; no credits spent.`,
    );
    expect(describe(call('people.search', search, { ...base, waitedMs: 450 }))).toContain(
      "in 181 ms after waiting 450 ms for Apollo's rate window;",
    );
    expect(
      describe(call('people.search', search, { ...base, waitedMs: 300_000, waitedFor: 'hour' })),
    ).toContain("after waiting 5 min for Apollo's hourly window;");
  });

  it('words a cache hit with the credits it saved', () => {
    const hit = { decision: 'allowed', rule: 'people=read', cacheHit: true } as const;
    expect(
      describe(call('people.match', { email: 'jane@acme.com' }, { ...hit, savedCredits: 1 })),
    ).toBe(
      'Outreach bot enriched a person by email j***@acme.com: allowed by people=read; served from cache, saved 1 credit.',
    );
    expect(describe(call('people.search', search, { ...hit, savedCredits: 0 }))).toBe(
      "Outreach bot searched the people database for titles 'VP Sales' (page 1, 25 per page): allowed by people=read; served from cache; no credits spent.",
    );
  });

  it('words an open record as waiting for Apollo', () => {
    expect(
      describe(call('people.search', search, { decision: 'allowed', rule: 'people=read' })),
    ).toBe(`Outreach bot asked to ${target}: allowed by people=read; waiting for Apollo.`);
  });

  it('counts credits in the singular, plural and fractions, and long durations in seconds', () => {
    const m = (credits: number, durationMs = 95) =>
      describe(
        call('people.match', { email: 'jane@acme.com' }, ok('people=read', durationMs, credits)),
      );
    expect(m(1)).toMatch(/; 1 credit spent\.$/);
    expect(m(3)).toMatch(/; 3 credits spent\.$/);
    expect(m(2.5)).toMatch(/; 2\.5 credits spent\.$/);
    expect(m(1 / 3)).toMatch(/; 0\.33 credits spent\.$/);
    expect(m(1, 12_345)).toContain('Apollo answered 200 in 12.3 s; 1 credit spent.');
  });

  it('renders the target from the masked params, never the raw ones', () => {
    const s = describe(
      call(
        'people.bulk_match',
        {
          details: [
            { email: 'jane.doe@acme.com' },
            { linkedin_url: 'https://linkedin.com/in/janedoe' },
          ],
        },
        ok('people=read', 200, 2),
      ),
    );
    expect(s).not.toContain('jane.doe@');
    expect(s).not.toContain('janedoe');
  });

  it('falls back to the recorded target when the catalog cannot render the params', () => {
    expect(
      describe({
        agentName: 'Outreach bot',
        action: 'people.search',
        params: ['not', 'an', 'object'],
        target: 'something',
        decision: 'denied',
        rule: 'invalid input',
      }),
    ).toBe('Outreach bot tried to search the people database something: denied (invalid input).');
  });
});
