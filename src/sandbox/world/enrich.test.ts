// Pins enrichment credits and async results: 1 per person found, +1 for revealed personal emails
// (never in GDPR regions), phones only by webhook for 8 credits (none without a number), the
// waterfall's fractional charge, and bulk_match's counters in both response shapes.
import { describe, expect, it } from 'vitest';

import { RawNumber, toJson } from '../json.js';
import type { AsyncDelivery } from './index.js';
import { call, newWorld } from '../../../test/helpers/sandbox/world-call.js';

const world = newWorld(3);
const hook = 'https://hooks.example.com/apollo';
type Row = { id: string; has_direct_phone: string };

function people(filters: Record<string, unknown>): Row[] {
  return call(world, 'people.search', { ...filters, per_page: 100 }).json.people;
}

function ok(r: ReturnType<typeof call>) {
  if (!r.ok) throw new Error(`expected 200, got ${r.status}`);
  return r;
}

describe('people.match credits', () => {
  it('charges 1 when found and 0 when not', () => {
    const [row] = people({ person_titles: ['engineer'] });
    expect(ok(call(world, 'people.match', { id: row!.id })).credits).toBe(1);
    expect(ok(call(world, 'people.match', { email: 'ghost.person@nowhere.example' })).credits).toBe(
      0,
    );
  });

  it('reveals personal emails for +1 credit outside GDPR regions, never inside them', () => {
    const us = people({ person_locations: ['United States'] }).map((r) =>
      ok(call(world, 'people.match', { id: r.id, reveal_personal_emails: true })),
    );
    const withEmail = us.find((r) => r.json.person.personal_emails.length > 0)!;
    const without = us.find((r) => r.json.person.personal_emails.length === 0)!;
    expect(withEmail.credits).toBe(2);
    expect(without.credits).toBe(1);
    for (const row of people({ person_locations: ['Germany', 'France', 'United Kingdom'] })) {
      const r = ok(call(world, 'people.match', { id: row.id, reveal_personal_emails: true }));
      expect(r.json.person.personal_emails).toEqual([]);
      expect(r.credits).toBe(1);
    }
    const plain = ok(call(world, 'people.match', { id: withEmail.json.person.id }));
    expect(plain.json.person).not.toHaveProperty('personal_emails');
  });

  it('delivers a revealed phone only by webhook, for 8 credits, and nothing for people without a number', () => {
    const rows = people({ person_titles: ['director'] });
    const yes = rows.find((r) => r.has_direct_phone === 'Yes')!;
    const maybe = rows.find((r) => r.has_direct_phone !== 'Yes')!;
    const r = ok(
      call(world, 'people.match', { id: yes.id, reveal_phone_number: true, webhook_url: hook }),
    );
    expect(r.credits).toBe(1);
    expect(r.json.person).not.toHaveProperty('phone_numbers');
    expect(r.body).toHaveProperty('request_id');
    expect((r.body as { request_id: unknown }).request_id).toBeInstanceOf(RawNumber);
    const [d] = r.async as AsyncDelivery[];
    expect(r.async).toHaveLength(1);
    expect(d!.credits).toBe(8);
    expect(d!.webhookUrl).toBe(hook);
    expect(d!.requestId).toBe((r.body as { request_id: RawNumber }).request_id.digits);
    expect(d!.delayMs).toBeGreaterThanOrEqual(100);
    expect(d!.delayMs).toBeLessThan(1000);
    const payload = d!.payload as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(payload).toMatchObject({
      status: 'success',
      credits_consumed: 8,
      unique_enriched_records: 1,
    });
    expect(payload.people[0].id).toBe(yes.id);
    expect(payload.people[0].phone_numbers[0].sanitized_number).toMatch(/^\+\d{8,15}$/);
    const none = ok(
      call(world, 'people.match', { id: maybe.id, reveal_phone_number: true, webhook_url: hook }),
    );
    expect(none.async ?? []).toEqual([]);
    expect(none.credits).toBe(1);
  });

  it('runs the email waterfall asynchronously, omitting the email and charging fractionally', () => {
    const [row] = people({ person_titles: ['marketing'] });
    const r = ok(
      call(world, 'people.match', {
        id: row!.id,
        run_waterfall_email: true,
        run_waterfall_phone: true,
        webhook_url: hook,
      }),
    );
    expect(r.json.person).not.toHaveProperty('email');
    expect(r.json.person).not.toHaveProperty('email_status');
    expect(r.json.waterfall).toMatchObject({ status: 'accepted' });
    const [d] = r.async!;
    const payload = d!.payload as {
      credits_consumed: number;
      request_id: unknown;
      target_fields: string[];
      total_requested_enrichments: number;
      records_enriched: number;
      email_records_enriched: number;
      email_records_not_found: number;
      mobile_records_enriched: number;
      mobile_records_not_found: number;
      request_initiated: string;
      request_completed: string;
      people: Array<{
        id: string;
        emails: Array<{ email: string; email_status_cd: string }>;
        waterfall: { emails: Array<{ vendors: Array<{ emails: unknown[]; status: string }> }> };
      }>;
    };
    expect(payload.credits_consumed).toBe(d!.credits);
    expect([1, 1.5, 3, 3.5]).toContain(d!.credits);
    // Apollo's reference shape: the request id echoed as a string, the fields as Apollo names them.
    expect(payload.request_id).toBe(d!.requestId);
    expect(payload.target_fields).toEqual(['emails', 'phone_numbers']);
    expect(payload.total_requested_enrichments).toBe(1);
    expect(payload.email_records_enriched + payload.email_records_not_found).toBe(1);
    expect(payload.mobile_records_enriched + payload.mobile_records_not_found).toBe(1);
    expect(Date.parse(payload.request_completed)).toBeGreaterThan(
      Date.parse(payload.request_initiated),
    );
    expect(payload.people[0]!.id).toBe(row!.id);
    const vendorEmails = payload.people[0]!.waterfall.emails[0]!.vendors[0]!.emails;
    for (const e of vendorEmails) expect(typeof e).toBe('string');
    if (payload.email_records_enriched === 1) {
      expect(payload.people[0]!.emails[0]).toMatchObject({ email_status_cd: 'Verified' });
      expect(vendorEmails).toEqual([payload.people[0]!.emails[0]!.email]);
    }
    const phoneOnly = ok(
      call(world, 'people.match', { id: row!.id, run_waterfall_phone: true, webhook_url: hook }),
    );
    expect(phoneOnly.json.person).toHaveProperty('email_status');
    expect([0.5, 2.5]).toContain(phoneOnly.async![0]!.credits);
  });

  it('issues signed 64-bit request ids, often negative, the same for the same seed', () => {
    const ids = (w: ReturnType<typeof newWorld>) => {
      const [row] = people({ person_titles: ['engineer'] });
      return Array.from({ length: 12 }, () => {
        const r = ok(
          call(w, 'people.match', { id: row!.id, reveal_phone_number: true, webhook_url: hook }),
        );
        return (r.body as { request_id: RawNumber }).request_id.digits;
      });
    };
    const a = ids(newWorld(3));
    expect(ids(newWorld(3))).toEqual(a);
    expect(new Set(a).size).toBe(12);
    expect(a.some((d) => d.startsWith('-'))).toBe(true);
    for (const d of a) expect(BigInt.asIntN(64, BigInt(d))).toBe(BigInt(d));
  });
});

describe('people.bulk_match', () => {
  const rows = people({ person_titles: ['sales'] });
  const withPhone = rows.filter((r) => r.has_direct_phone === 'Yes');
  const noPhone = rows.filter((r) => r.has_direct_phone !== 'Yes');

  it('counts requested, enriched, missing and credits; unmatched entries are null; duplicates charge once', () => {
    const details = [
      { id: rows[0]!.id },
      { id: rows[1]!.id },
      { id: rows[0]!.id },
      { first_name: 'No', last_name: 'Body' },
    ];
    const r = ok(call(world, 'people.bulk_match', { details }));
    expect(r.json).toMatchObject({
      status: 'success',
      error_code: null,
      total_requested_enrichments: 4,
      unique_enriched_records: 2,
      missing_records: 1,
      credits_consumed: 2,
    });
    expect(r.credits).toBe(2);
    expect(r.json.matches).toHaveLength(4);
    expect(r.json.matches[3]).toBeNull();
    expect(r.json.matches[2].id).toBe(rows[0]!.id);
    expect(r.json).not.toHaveProperty('phone_enrichment');
  });

  it('answers "success" with zero matches', () => {
    const r = ok(call(world, 'people.bulk_match', { details: [{ email: 'x.y@nowhere.example' }] }));
    expect(r.json).toMatchObject({
      status: 'success',
      unique_enriched_records: 0,
      missing_records: 1,
      credits_consumed: 0,
    });
  });

  it('queues one phone delivery for the people with numbers, or reports it skipped', () => {
    const r = ok(
      call(world, 'people.bulk_match', {
        details: [{ id: withPhone[0]!.id }, { id: withPhone[1]!.id }, { id: noPhone[0]!.id }],
        reveal_phone_number: true,
        webhook_url: hook,
      }),
    );
    expect(r.json.phone_enrichment.status).toBe('pending');
    expect(r.async).toHaveLength(1);
    expect(r.async![0]!.credits).toBe(16);
    // The answer's request_id (a 64-bit integer on the wire, written exactly) names the delivery
    // that was queued. (r.json went through JSON.parse, which rounds it; the wire text does not.)
    const requestId = r.async![0]!.requestId;
    expect(requestId).toMatch(/^-?\d+$/);
    expect(toJson(r.body)).toContain(`"request_id":${requestId}`);
    const skipped = ok(
      call(world, 'people.bulk_match', {
        details: [{ id: noPhone[0]!.id }],
        reveal_phone_number: true,
        webhook_url: hook,
      }),
    );
    expect(skipped.json.phone_enrichment).toMatchObject({ status: 'skipped' });
    expect(skipped.json.phone_enrichment).not.toHaveProperty('request_id');
    expect(skipped.async ?? []).toEqual([]);
  });

  it('uses the waterfall shape: no counters, emails omitted, unmatched entries listed as unprocessed', () => {
    const r = ok(
      call(world, 'people.bulk_match', {
        details: [{ id: rows[0]!.id }, { id: rows[1]!.id }, { email: 'x.y@nowhere.example' }],
        run_waterfall_email: true,
        webhook_url: hook,
      }),
    );
    for (const key of ['unique_enriched_records', 'missing_records', 'credits_consumed'])
      expect(r.json).not.toHaveProperty(key);
    expect(r.json.total_requested_enrichments).toBe(3);
    expect(r.json.matches[0]).not.toHaveProperty('email');
    expect(r.json.waterfall.status).toBe('accepted');
    expect(r.json.waterfall.unprocessed_attributes).toEqual([{ email: 'x.y@nowhere.example' }]);
    expect(r.credits).toBe(2);
    const payload = r.async![0]!.payload as { credits_consumed: number; people: unknown[] };
    expect(payload.people).toHaveLength(2);
    expect(payload.credits_consumed).toBe(r.async![0]!.credits);
  });
});
