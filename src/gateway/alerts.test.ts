// Each anomaly rule with the clock in hand: it fires when it should, names the audit records that
// triggered it, stays quiet for ordinary traffic, and does not repeat itself within the quiet time.
import { describe, expect, it } from 'vitest';

import { createAlertDetector, type ObservedRecord } from './alerts.js';

const t0 = Date.parse('2026-11-23T12:00:00Z');
let n = 0;
const rec = (over: Partial<ObservedRecord>): ObservedRecord => ({
  id: `aud_${++n}`,
  time: t0,
  agentId: 'agt_1',
  agentName: 'scout',
  action: 'people.search',
  decision: 'allowed',
  rule: 'people=read',
  credits: null,
  completed: false,
  ...over,
});

describe('alert detector', () => {
  it('flags an agent with read that tries a write, once per quiet period', () => {
    const d = createAlertDetector();
    const write = rec({
      action: 'contacts.create',
      decision: 'denied',
      rule: 'contacts=read',
      completed: true,
    });
    const [alert] = d.observeRecord(write);
    expect(alert).toMatchObject({
      kind: 'write_without_grant',
      agentName: 'scout',
      auditIds: [write.id],
    });
    expect(alert!.message).toMatch(/scout may only read but tried to create a contact/);
    expect(d.observeRecord({ ...write, id: 'aud_x', time: t0 + 60_000 })).toEqual([]);
    // A write denied for having no grant at all is not this alert.
    const other = createAlertDetector();
    expect(
      other.observeRecord(
        rec({
          action: 'contacts.create',
          decision: 'denied',
          rule: 'no grant for contacts',
          completed: true,
        }),
      ),
    ).toEqual([]);
  });

  it('flags five denials within five minutes with all five records', () => {
    const d = createAlertDetector();
    const raised = [];
    for (let i = 0; i < 5; i++) {
      raised.push(
        ...d.observeRecord(
          rec({
            decision: 'denied',
            rule: 'no grant for deals',
            action: 'deals.list',
            completed: true,
            time: t0 + i * 50_000,
          }),
        ),
      );
    }
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ kind: 'denial_burst' });
    expect(raised[0]!.auditIds).toHaveLength(5);
    const slow = createAlertDetector();
    for (let i = 0; i < 5; i++) {
      expect(
        slow.observeRecord(rec({ decision: 'denied', completed: true, time: t0 + i * 90_000 })),
      ).toEqual([]);
    }
  });

  it('flags a burst far above the agent’s own baseline, not a steady busy agent', () => {
    const d = createAlertDetector();
    // An hour at 2 calls a minute, then 40 in one minute.
    for (let m = 0; m < 60; m++) {
      for (let k = 0; k < 2; k++)
        expect(d.observeRecord(rec({ time: t0 + m * 60_000 + k }))).toEqual([]);
    }
    const burst = [];
    for (let k = 0; k < 40; k++)
      burst.push(...d.observeRecord(rec({ time: t0 + 60 * 60_000 + k * 100 })));
    expect(burst.map((a) => a.kind)).toEqual(['call_burst']);

    const steady = createAlertDetector();
    for (let m = 0; m < 61; m++) {
      for (let k = 0; k < 40; k++)
        expect(steady.observeRecord(rec({ time: t0 + m * 60_000 + k * 100 }))).toEqual([]);
    }
  });

  it('flags a token used from a new address, but not the first or a known one', () => {
    const d = createAlertDetector();
    d.knowIp('agt_1', '10.0.0.1');
    expect(d.observeUse('agt_1', 'scout', '10.0.0.1', t0)).toEqual([]);
    const [alert] = d.observeUse('agt_1', 'scout', '203.0.113.9', t0 + 1);
    expect(alert).toMatchObject({ kind: 'new_ip' });
    expect(alert!.message).toContain('203.0.113.9');
    expect(createAlertDetector().observeUse('agt_2', 'fresh', '10.0.0.2', t0)).toEqual([]);
  });

  it('flags credits spent much faster than the daily budget allows', () => {
    const d = createAlertDetector();
    const at3 = Date.parse('2026-11-23T03:00:00Z'); // 1/8 of the day gone
    const done = rec({ time: at3, completed: true, credits: 9, action: 'people.match' });
    expect(d.observeRecord(done, { day: 100, spentToday: 10 })).toEqual([]); // pace 80: fine
    const [alert] = d.observeRecord({ ...done, id: 'aud_y' }, { day: 100, spentToday: 40 });
    expect(alert).toMatchObject({ kind: 'credit_pace' });
    expect(alert!.message).toMatch(
      /spent 40 of its 100 daily credits by 03:00 UTC: at this pace it would need 320/,
    );
  });

  it('lists alerts newest first and keeps a bounded number', () => {
    const d = createAlertDetector({ keep: 3, quietMs: 0 });
    for (let i = 0; i < 5; i++) d.observeUse('agt_1', 'scout', `10.0.0.${i}`, t0 + i);
    expect(d.list().map((a) => a.message.match(/10\.0\.0\.\d/)![0])).toEqual([
      '10.0.0.4',
      '10.0.0.3',
      '10.0.0.2',
    ]);
  });
});
