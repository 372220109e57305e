// The anomaly rules, pure: fed the audit records in time order (by the evaluator, which reads them
// from the shared audit table), they say which alerts to raise. An agent with read tries a write;
// N denials in M minutes; a burst far above the agent's own baseline; credits spent faster than
// the budget's pace; and the sentence for a token used from a new address. Each alert names the
// audit records that triggered it and carries a key (kind, agent, quiet window) under which the
// store keeps it once, whichever replica raises it. State is in memory and bounded; after a
// restart or a change of evaluator it is rebuilt by replaying the recent records.
import { getAction } from '../catalog/index.js';
import { utcDay } from '../core/index.js';
import type { AuditEvent, NewAlert } from '../ports/alerts.js';

/** The kinds of alert. */
export const alertKinds = [
  'write_without_grant',
  'denial_burst',
  'call_burst',
  'new_ip',
  'credit_pace',
] as const;
export type AlertKind = (typeof alertKinds)[number];

/** An alert the detector raised, ready to store. */
export interface DetectedAlert extends NewAlert {
  readonly kind: AlertKind;
}

/** Thresholds; the defaults are deliberately quiet. */
export interface AlertOptions {
  /** Denials by one agent within `denialWindowMs` that raise an alert (default 5 in 5 minutes). */
  readonly denials?: number;
  readonly denialWindowMs?: number;
  /** Calls in one minute above this many times the agent's hourly per-minute average (default 5). */
  readonly burstFactor?: number;
  /** ...and at least this many calls in that minute (default 30). */
  readonly burstFloor?: number;
  /** Minimum time between two alerts of one kind for one agent (default 15 minutes). */
  readonly quietMs?: number;
}

/** An agent's daily credit budget and what it has spent today, for the credit-pace rule. */
export interface BudgetState {
  readonly day: number | null;
  readonly spentToday: number;
}

/** How far back an evaluator replays records to rebuild the detector's state. */
export const detectorMemoryMs = 15 * 60_000;

interface AgentState {
  /** When the detector first saw the agent: no baseline before ten minutes of history. */
  since: number | null;
  denials: Array<{ time: number; id: string }>;
  /** Calls per second over the last minute, and per minute over the last hour. */
  seconds: Ring;
  minutes: Ring;
  lastAlert: Map<AlertKind, number>;
}

/**
 * Counts per time slot in a fixed ring (60 slots): adding and summing cost the same however busy
 * the agent is, so the detector stays off the cost of a call.
 */
class Ring {
  private readonly counts = new Float64Array(60);
  private readonly stamps = new Float64Array(60).fill(-1);
  constructor(private readonly slotMs: number) {}

  add(time: number): void {
    const slot = Math.floor(time / this.slotMs);
    const i = slot % 60;
    if (this.stamps[i] !== slot) {
      this.stamps[i] = slot;
      this.counts[i] = 0;
    }
    this.counts[i]! += 1;
  }

  /** Calls in the 60 slots up to `time`, and the start of the oldest slot that has any. */
  window(time: number): { total: number; oldest: number } {
    const now = Math.floor(time / this.slotMs);
    let total = 0;
    let oldest = now;
    for (let i = 0; i < 60; i++) {
      const stamp = this.stamps[i]!;
      if (stamp > now - 60 && stamp <= now && this.counts[i]! > 0) {
        total += this.counts[i]!;
        if (stamp < oldest) oldest = stamp;
      }
    }
    return { total, oldest: oldest * this.slotMs };
  }
}

/** The detector: feed it records as they were opened and completed, in time order. */
export interface AlertDetector {
  /** A record as first written (a call counted once; denials are written complete). */
  opened(record: AuditEvent): DetectedAlert[];
  /** A record's completion: what it spent, against the agent's daily budget. */
  completed(record: AuditEvent, budget?: BudgetState): DetectedAlert[];
  /** Says that an alert of `kind` was raised for an agent at `time` (by this or another process). */
  noteRaised(kind: string, agentId: string, time: number): void;
}

/** The key an alert is stored under: one alert of a kind per agent per quiet window. */
export function alertKey(kind: AlertKind, agentId: string, time: number, quietMs: number): string {
  return `${kind}:${agentId}:${Math.floor(time / quietMs)}`;
}

/** The alert for a token used from an address none of the replicas had seen it use. */
export function newAddressAlert(
  agent: { readonly id: string; readonly name: string },
  ip: string,
  time: number,
  quietMs = defaultQuietMs,
): DetectedAlert {
  return {
    kind: 'new_ip',
    time,
    agentId: agent.id,
    agentName: agent.name,
    message: `${agent.name}'s token was used from a new address, ${ip}. If that is not expected, rotate the token.`,
    auditIds: [],
    key: alertKey('new_ip', agent.id, time, quietMs),
  };
}

const defaultQuietMs = 15 * 60_000;

/** Creates a detector. */
export function createAlertDetector(options: AlertOptions = {}): AlertDetector {
  const denialsNeeded = options.denials ?? 5;
  const denialWindowMs = options.denialWindowMs ?? 5 * 60_000;
  const burstFactor = options.burstFactor ?? 5;
  const burstFloor = options.burstFloor ?? 30;
  const quietMs = options.quietMs ?? defaultQuietMs;
  if (!(quietMs > 0)) throw new Error('quietMs must be positive');
  const baselineMs = 10 * 60_000;
  const agents = new Map<string, AgentState>();

  const stateOf = (agentId: string): AgentState => {
    let s = agents.get(agentId);
    if (!s) {
      s = {
        since: null,
        denials: [],
        seconds: new Ring(1000),
        minutes: new Ring(60_000),
        lastAlert: new Map(),
      };
      agents.set(agentId, s);
    }
    return s;
  };

  function raise(
    s: AgentState,
    kind: AlertKind,
    r: AuditEvent,
    message: string,
    auditIds: string[],
  ): DetectedAlert[] {
    const last = s.lastAlert.get(kind);
    if (last !== undefined && r.time - last < quietMs) return [];
    s.lastAlert.set(kind, r.time);
    return [
      {
        kind,
        time: r.time,
        agentId: r.agentId,
        agentName: r.agentName ?? r.agentId,
        message,
        auditIds,
        key: alertKey(kind, r.agentId, r.time, quietMs),
      },
    ];
  }

  return {
    opened(r) {
      if (!r.agentId) return [];
      const name = r.agentName ?? r.agentId;
      const s = stateOf(r.agentId);
      const out: DetectedAlert[] = [];
      s.since ??= r.time;
      s.seconds.add(r.time);
      s.minutes.add(r.time);
      const lastMinute = s.seconds.window(r.time).total;
      const hour = s.minutes.window(r.time);
      const earlier = Math.max(0, hour.total - lastMinute);
      const spanMinutes = Math.max(1, (r.time - 60_000 - hour.oldest) / 60_000);
      const baseline = earlier / spanMinutes;
      const known = r.time - s.since >= baselineMs;
      if (known && lastMinute >= burstFloor && lastMinute > burstFactor * Math.max(baseline, 1)) {
        out.push(
          ...raise(
            s,
            'call_burst',
            r,
            `${name} made ${lastMinute} calls in the last minute, far above its usual ${baseline.toFixed(1)} a minute.`,
            [r.id],
          ),
        );
      }
      if (r.decision !== 'denied') return out;
      const action = getAction(r.action);
      if (action?.access === 'write' && /=read\b/.test(r.rule ?? '')) {
        out.push(
          ...raise(
            s,
            'write_without_grant',
            r,
            `${name} may only read but tried to ${action.intent} (${r.rule}).`,
            [r.id],
          ),
        );
      }
      s.denials.push({ time: r.time, id: r.id });
      s.denials = s.denials.filter((d) => d.time > r.time - denialWindowMs);
      if (s.denials.length >= denialsNeeded) {
        out.push(
          ...raise(
            s,
            'denial_burst',
            r,
            `${name} was denied ${s.denials.length} times in ${Math.round(denialWindowMs / 60_000)} minutes.`,
            s.denials.map((d) => d.id),
          ),
        );
      }
      return out;
    },

    completed(r, budget) {
      if (!r.agentId || r.credits <= 0 || !budget?.day) return [];
      const name = r.agentName ?? r.agentId;
      const time = r.completedAt ?? r.time;
      const day = utcDay(time);
      const elapsed = Math.max((time - day.start) / (day.end - day.start), 1 / 24);
      const projected = budget.spentToday / elapsed;
      if (budget.spentToday < 0.2 * budget.day || projected <= 2 * budget.day) return [];
      return raise(
        stateOf(r.agentId),
        'credit_pace',
        { ...r, time },
        `${name} has spent ${budget.spentToday} of its ${budget.day} daily credits by ${new Date(time).toISOString().slice(11, 16)} UTC: at this pace it would need ${Math.round(projected)}.`,
        [r.id],
      );
    },

    noteRaised(kind, agentId, time) {
      if (!(alertKinds as readonly string[]).includes(kind)) return;
      const s = stateOf(agentId);
      const last = s.lastAlert.get(kind as AlertKind);
      if (last === undefined || time > last) s.lastAlert.set(kind as AlertKind, time);
    },
  };
}
