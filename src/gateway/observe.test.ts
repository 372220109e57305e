// Pins the gateway's metric hooks: a request is counted once, when its record is first written,
// with that decision; completions report credits, cache savings and held calls' answers; Apollo's
// answers report status or failure kind, and a call the pacer never sent is not an answer.
import { describe, expect, it } from 'vitest';

import type { AuditRecord } from '../core/index.js';
import { err, ok } from '../core/result.js';
import type { ActionSpec } from '../catalog/index.js';
import type { AuditSink, Upstream } from '../ports/index.js';
import type { GatewayObserver } from '../ports/observer.js';

import { observeAuditSink, observeUpstream } from './observe.js';

function recording() {
  const events: unknown[][] = [];
  const observer = new Proxy({} as GatewayObserver, {
    get:
      (_, name) =>
      (...args: unknown[]) => {
        if (name !== 'auditWritten') events.push([name, ...args]);
      },
  });
  return { events, observer };
}

const sink: AuditSink = { open: async () => 'aud_1', complete: async () => undefined };
const record = (over: Partial<AuditRecord>): AuditRecord =>
  ({
    id: '',
    surface: 'rest',
    action: 'people.match',
    decision: 'allowed',
    agentName: 'bot',
    credits: null,
    ...over,
  }) as AuditRecord;

describe('observeAuditSink', () => {
  it('counts a request on its first write only, and reads completions', async () => {
    const { events, observer } = recording();
    const audit = observeAuditSink(sink, observer, { monotonic: () => 0, countRequests: true });
    await audit.open(record({}));
    await audit.complete('aud_1', record({ credits: 2 }));
    await audit.complete('aud_2', record({ credits: 0, cacheHit: true, savedCredits: 1 }));
    await audit.complete('aud_3', record({ decision: 'expired', credits: 0 }));
    expect(events).toEqual([
      ['requestRecorded', 'rest', 'people.match', 'allowed'],
      ['creditsSpent', 'bot', 2],
      ['cacheServed', 'people.match', 'full', 1],
      ['approvalSettled', 'people.match', 'expired'],
    ]);
  });

  it('does not count requests for writers that follow a counted call', async () => {
    const { events, observer } = recording();
    const audit = observeAuditSink(sink, observer, { monotonic: () => 0, countRequests: false });
    await audit.open(record({}));
    expect(events).toEqual([]);
  });
});

describe('observeUpstream', () => {
  it("reports Apollo's status or the failure kind, and nothing for a call never sent", async () => {
    const answers = [
      ok({ status: 200, body: {}, rate: null, durationMs: 40, schemaWarnings: [] }),
      err({ kind: 'timeout', message: '', timeoutMs: 1, durationMs: 1000, sent: true }),
      err({
        kind: 'not_sent',
        reason: 'queue_full',
        message: '',
        retryAfterSeconds: 1,
        window: null,
        waiting: 3,
        durationMs: 0,
      }),
    ];
    const upstream = { call: async () => answers.shift()! } as unknown as Upstream;
    const { events, observer } = recording();
    const observed = observeUpstream(upstream, observer);
    const action = { id: 'people.search' } as ActionSpec;
    for (let i = 0; i < 3; i++) await observed.call(action, {}, { kind: 'apikey', key: 'k' });
    expect(events).toEqual([
      ['upstreamAnswered', 'people.search', 200, 0.04],
      ['upstreamAnswered', 'people.search', 'timeout', 1],
    ]);
  });
});
