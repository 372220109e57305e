// Pins the audit record lifecycle: open, refuse, settle approval, complete; inputs untouched.
import { describe, expect, it } from 'vitest';

import {
  completeAuditRecord,
  openAuditRecord,
  settleApproval,
  type AuditOpening,
} from './record.js';

const agent = { id: 'agt_1', name: 'Outreach bot' };
const now = Date.UTC(2026, 8, 1, 9, 0, 0);

const opening = (over: Partial<AuditOpening> = {}): AuditOpening => ({
  id: 'aud_1',
  now,
  agent,
  surface: 'mcp',
  action: 'people.match',
  input: { email: 'jane.doe@acme.com', domain: 'acme.com' },
  decision: 'allowed',
  rule: 'people=read',
  ...over,
});

describe('openAuditRecord', () => {
  it('opens an allowed call with masked params, its target and a waiting sentence', () => {
    const r = openAuditRecord(opening());
    expect(r).toEqual({
      id: 'aud_1',
      time: now,
      agentId: 'agt_1',
      agentName: 'Outreach bot',
      surface: 'mcp',
      action: 'people.match',
      target: 'by email j***@acme.com at acme.com',
      params: { email: 'j***@acme.com', domain: 'acme.com' },
      decision: 'allowed',
      rule: 'people=read',
      reason: null,
      upstreamStatus: null,
      upstreamErrorCode: null,
      credits: null,
      durationMs: null,
      errorCode: null,
      completed: false,
      sentence:
        'Outreach bot asked to enrich a person by email j***@acme.com at acme.com: allowed by people=read; waiting for Apollo.',
    });
    expect(JSON.stringify(r)).not.toContain('jane.doe');
  });

  it('keeps personal params only when asked to', () => {
    const r = openAuditRecord(opening({ keepPersonal: true }));
    expect(r.params).toEqual({ email: 'jane.doe@acme.com', domain: 'acme.com' });
    expect(r.sentence).toContain('jane.doe@acme.com');
  });

  it('completes a denial at once, with no credits', () => {
    const r = openAuditRecord(
      opening({
        action: 'contacts.create',
        input: { first_name: 'Jane', last_name: 'Doe' },
        decision: 'denied',
        rule: 'contacts=read',
        reason: 'This agent may read contacts but not create them. Ask an admin for contacts=full.',
        errorCode: 'not_granted',
      }),
    );
    expect(r).toMatchObject({ completed: true, credits: 0, errorCode: 'not_granted' });
    expect(r.sentence).toBe(
      "Outreach bot tried to create a contact 'Jane Doe': denied by contacts=read. This agent may read contacts but not create them.",
    );
  });

  it('keeps no params for an unknown action and records the route as its target', () => {
    const r = openAuditRecord(
      opening({
        agent: null,
        surface: 'rest',
        action: 'POST /api/v1/foo',
        target: 'POST /api/v1/foo',
        input: { email: 'jane.doe@acme.com' },
        decision: 'denied',
        rule: 'unauthenticated',
        errorCode: 'unauthenticated',
      }),
    );
    expect(r).toMatchObject({ params: null, target: 'POST /api/v1/foo', agentId: null });
    expect(r.sentence).toBe(
      'An unknown token tried to call POST /api/v1/foo: denied (unauthenticated).',
    );
  });

  it('does not mutate the input it masks', () => {
    const input = { details: [{ email: 'jane.doe@acme.com' }] };
    openAuditRecord(opening({ action: 'people.bulk_match', input }));
    expect(input).toEqual({ details: [{ email: 'jane.doe@acme.com' }] });
  });
});

describe('completeAuditRecord', () => {
  it("fills Apollo's answer and rewrites the sentence", () => {
    const open = openAuditRecord(opening());
    const done = completeAuditRecord(open, { upstreamStatus: 200, credits: 1, durationMs: 95 });
    expect(done).toMatchObject({
      completed: true,
      upstreamStatus: 200,
      credits: 1,
      durationMs: 95,
    });
    expect(done.sentence).toBe(
      'Outreach bot enriched a person by email j***@acme.com at acme.com: allowed by people=read. Apollo answered 200 in 95 ms; 1 credit spent.',
    );
    expect(open.completed).toBe(false);
  });

  it('records pacing and cache details', () => {
    const done = completeAuditRecord(openAuditRecord(opening()), {
      cacheHit: true,
      savedCredits: 1,
    });
    expect(done).toMatchObject({ cacheHit: true, savedCredits: 1, credits: 0 });
    expect(done.sentence).toMatch(/served from cache, saved 1 credit\.$/);
  });

  it('records a failure before any answer', () => {
    const done = completeAuditRecord(openAuditRecord(opening()), {
      errorCode: 'upstream_unreachable',
      durationMs: 30_000,
    });
    expect(done.sentence).toMatch(
      /but Apollo could not be reached \(gave up after 30\.0 s\); no credits spent\.$/,
    );
  });
});

describe('settleApproval', () => {
  const pending = () =>
    openAuditRecord(
      opening({
        action: 'sequences.add_contacts',
        input: {
          sequence_id: '66a1b2c3d4e5f60718293a4b',
          contact_ids: ['66a1b2c3d4e5f60718293a4c'],
        },
        decision: 'pending',
        rule: 'sequences=full',
        errorCode: 'approval_pending',
        approvalId: 'apr_1',
      }),
    );

  it('keeps a pending record open under its approval id', () => {
    expect(pending()).toMatchObject({ completed: false, approvalId: 'apr_1', credits: null });
  });

  it('leaves an approved call open for Apollo', () => {
    const r = settleApproval(pending(), { decision: 'approved' });
    expect(r).toMatchObject({ decision: 'approved', completed: false, errorCode: null });
    expect(r.sentence).toBe(
      'Outreach bot asked to add contacts to sequence 66a1b2c3d4e5f60718293a4b (1 contact): approved under sequences=full; waiting for Apollo.',
    );
  });

  it('completes a rejected or expired call', () => {
    const rejected = settleApproval(pending(), {
      decision: 'rejected',
      reason: 'Not this week.',
      errorCode: 'approval_rejected',
    });
    expect(rejected).toMatchObject({ completed: true, credits: 0, errorCode: 'approval_rejected' });
    expect(rejected.sentence).toMatch(
      /held under sequences=full and rejected by an admin\. Not this week\.$/,
    );
    const expired = settleApproval(pending(), {
      decision: 'expired',
      errorCode: 'approval_expired',
    });
    expect(expired.sentence).toMatch(/nobody answered in time, so it expired\.$/);
  });
});
