// Each anomaly rule with the clock in hand: it fires when it should, names the audit records that
// triggered it, stays quiet for ordinary traffic, does not repeat itself within the quiet time
// (its own or one another evaluator raised), and keys each alert by kind, agent and quiet window.
import { describe, expect, it } from 'vitest';

import type { AuditEvent } from '../ports/alerts.js';

import { alertKey, createAlertDetector, newAddressAlert } from './detector.js';

const t0 = Date.parse('2026-11-23T12:00:00Z');
let n = 0;
const rec = (over: Partial<AuditEvent>): AuditEvent => ({
  id: `aud_${++n}`,
  time: t0,
  agentId: 'agt_1',
  agentName: 'scout',
  action: 'people.search',
  decision: 'allowed',
  rule: 'people=read',
  credits: 0,
  completedAt: null,
  ...over,
});
const denial = (over: Partial<AuditEvent> = {}) =>
  rec({
    decision: 'denied',
    rule: 'no grant for deals',
    action: 'deals.list',
    completedAt: over.time ?? t0,
    ...over,
  });

describe('alert detector', () => {
  it('flags an agent with read that tries a write, once per quiet period', () => {
    const d = createAlertDetector();
    const write = rec({
      action: 'contacts.create',
      decision: 'denied',
      rule: 'contacts=read',
      completedAt: t0,
    });
    const [alert] = d.opened(write);
    expect(alert).toMatchObject({
      kind: 'write_without_grant',
      agentId: 'agt_1',
      agentName: 'scout',
      auditIds: [write.id],
      time: t0,
      key: alertKey('write_without_grant', 'agt_1', t0, 15 * 60_000),
    });
    expect(alert!.message).toMatch(/scout may only read but tried to create a contact/);
    expect(d.opened({ ...write, id: 'aud_x', time: t0 + 60_000 })).toEqual([]);
    // A write denied for having no grant at all is not this alert.
    const other = createAlertDetector();
    expect(
      other.opened(
        rec({
          action: 'contacts.create',
          decision: 'denied',
          rule: 'no grant for contacts',
          completedAt: t0,
        }),
      ),
    ).toEqual([]);
  });

  it('flags five denials within five minutes with all five records', () => {
    const d = createAlertDetector();
    const raised = [];
    for (let i = 0; i < 5; i++) raised.push(...d.opened(denial({ time: t0 + i * 50_000 })));
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ kind: 'denial_burst' });
    expect(raised[0]!.auditIds).toHaveLength(5);
    expect(raised[0]!.message).toBe('scout was denied 5 times in 5 minutes.');
    const slow = createAlertDetector();
    for (let i = 0; i < 5; i++) expect(slow.opened(denial({ time: t0 + i * 90_000 }))).toEqual([]);
  });

  it('stays quiet after an alert another evaluator raised within the quiet time', () => {
    const d = createAlertDetector();
    d.noteRaised('denial_burst', 'agt_1', t0 - 60_000);
    d.noteRaised('not_a_kind', 'agt_1', t0);
    for (let i = 0; i < 6; i++) expect(d.opened(denial({ time: t0 + i * 1000 }))).toEqual([]);
    // Past the quiet time it speaks again.
    const later = t0 + 15 * 60_000;
    const raised = [];
    for (let i = 0; i < 5; i++) raised.push(...d.opened(denial({ time: later + i * 1000 })));
    expect(raised.map((a) => a.kind)).toEqual(['denial_burst']);
  });

  it('flags a burst far above the agent’s own baseline, not a steady busy agent', () => {
    const d = createAlertDetector();
    // An hour at 2 calls a minute, then 40 in one minute.
    for (let m = 0; m < 60; m++) {
      for (let k = 0; k < 2; k++) expect(d.opened(rec({ time: t0 + m * 60_000 + k }))).toEqual([]);
    }
    const burst = [];
    for (let k = 0; k < 40; k++) burst.push(...d.opened(rec({ time: t0 + 60 * 60_000 + k * 100 })));
    expect(burst.map((a) => a.kind)).toEqual(['call_burst']);

    const steady = createAlertDetector();
    for (let m = 0; m < 61; m++) {
      for (let k = 0; k < 40; k++)
        expect(steady.opened(rec({ time: t0 + m * 60_000 + k * 100 }))).toEqual([]);
    }
  });

  it('says in words when a token was used from a new address, keyed per quiet window', () => {
    const alert = newAddressAlert({ id: 'agt_1', name: 'scout' }, '203.0.113.9', t0);
    expect(alert).toMatchObject({ kind: 'new_ip', agentId: 'agt_1', auditIds: [] });
    expect(alert.message).toBe(
      "scout's token was used from a new address, 203.0.113.9. If that is not expected, rotate the token.",
    );
    expect(newAddressAlert({ id: 'agt_1', name: 'scout' }, '198.51.100.1', t0 + 1).key).toBe(
      alert.key,
    );
    expect(
      newAddressAlert({ id: 'agt_1', name: 'scout' }, '198.51.100.1', t0 + 15 * 60_000).key,
    ).not.toBe(alert.key);
  });

  it('flags credits spent much faster than the daily budget allows', () => {
    const d = createAlertDetector();
    const at3 = Date.parse('2026-11-23T03:00:00Z'); // 1/8 of the day gone
    const done = rec({ time: at3 - 500, completedAt: at3, credits: 9, action: 'people.match' });
    expect(d.completed(done, { day: 100, spentToday: 10 })).toEqual([]); // pace 80: fine
    expect(d.completed(done, { day: null, spentToday: 400 })).toEqual([]); // no budget
    expect(d.completed({ ...done, credits: 0 }, { day: 100, spentToday: 40 })).toEqual([]);
    const [alert] = d.completed({ ...done, id: 'aud_y' }, { day: 100, spentToday: 40 });
    expect(alert).toMatchObject({ kind: 'credit_pace', time: at3, auditIds: ['aud_y'] });
    expect(alert!.message).toMatch(
      /spent 40 of its 100 daily credits by 03:00 UTC: at this pace it would need 320/,
    );
  });

  it('refuses a quiet time that is not positive (keys are made from it)', () => {
    expect(() => createAlertDetector({ quietMs: 0 })).toThrow(/quietMs/);
  });
});
