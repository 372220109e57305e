// Anomaly alerts, evaluated on the audit stream as records are written: an agent with
// read tries a write; N denials in M minutes; a burst far above the agent's own baseline; a token
// used from a new IP; credits spent faster than the budget's pace. Each alert names the audit
// records that triggered it. State is in memory, bounded, and rebuilt from traffic after a restart.
import { getAction } from '../catalog/index.js';
import { utcDay } from '../core/index.js';

/** The kinds of alert. */
export const alertKinds = [
  'write_without_grant',
  'denial_burst',
  'call_burst',
  'new_ip',
  'credit_pace',
] as const;
export type AlertKind = (typeof alertKinds)[number];

/** One alert. */
export interface Alert {
  readonly id: string;
  readonly kind: AlertKind;
  readonly time: number;
  readonly agentId: string;
  readonly agentName: string;
  /** What happened, in one sentence an admin can act on. */
  readonly message: string;
  /** The audit records that triggered it. */
  readonly auditIds: readonly string[];
}

/** What the detector reads from each written audit record. */
export interface ObservedRecord {
  readonly id: string;
  readonly time: number;
  readonly agentId: string | null;
  readonly agentName: string | null;
  readonly action: string;
  readonly decision: string;
  readonly rule: string;
  readonly credits: number | null;
  readonly completed: boolean;
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
  /** Alerts kept (default 500, oldest dropped). */
  readonly keep?: number;
}

interface AgentState {
  /** When the detector first saw the agent: no baseline before ten minutes of history. */
  since: number | null;
  denials: Array<{ time: number; id: string }>;
  /** Calls per second over the last minute, and per minute over the last hour. */
  seconds: Ring;
  minutes: Ring;
  ips: Set<string>;
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

/** The detector: feed it records and uses; read its alerts. */
export interface AlertDetector {
  /** A record as written (open or completed); returns the alerts it raised. */
  observeRecord(
    record: ObservedRecord,
    budget?: { readonly day: number | null; readonly spentToday: number },
  ): Alert[];
  /** An agent's call from an IP; returns an alert for a new address. */
  observeUse(agentId: string, agentName: string, ip: string | null, time: number): Alert[];
  /** Addresses already known for an agent (from the store), so a restart raises nothing. */
  knowIp(agentId: string, ip: string): void;
  list(): readonly Alert[];
}

/** Creates a detector. */
export function createAlertDetector(options: AlertOptions = {}): AlertDetector {
  const denialsNeeded = options.denials ?? 5;
  const denialWindowMs = options.denialWindowMs ?? 5 * 60_000;
  const burstFactor = options.burstFactor ?? 5;
  const burstFloor = options.burstFloor ?? 30;
  const quietMs = options.quietMs ?? 15 * 60_000;
  const keep = options.keep ?? 500;
  const baselineMs = 10 * 60_000;
  const agents = new Map<string, AgentState>();
  const alerts: Alert[] = [];
  let seq = 0;

  const stateOf = (agentId: string): AgentState => {
    let s = agents.get(agentId);
    if (!s) {
      s = {
        since: null,
        denials: [],
        seconds: new Ring(1000),
        minutes: new Ring(60_000),
        ips: new Set(),
        lastAlert: new Map(),
      };
      agents.set(agentId, s);
    }
    return s;
  };

  function raise(
    s: AgentState,
    kind: AlertKind,
    time: number,
    agentId: string,
    agentName: string,
    message: string,
    auditIds: string[],
  ): Alert[] {
    const last = s.lastAlert.get(kind);
    if (last !== undefined && time - last < quietMs) return [];
    s.lastAlert.set(kind, time);
    seq += 1;
    const alert: Alert = {
      id: `alr_${time.toString(36)}_${seq}`,
      kind,
      time,
      agentId,
      agentName,
      message,
      auditIds,
    };
    alerts.push(alert);
    if (alerts.length > keep) alerts.splice(0, alerts.length - keep);
    return [alert];
  }

  return {
    observeRecord(r, budget) {
      if (!r.agentId) return [];
      const name = r.agentName ?? r.agentId;
      const s = stateOf(r.agentId);
      const out: Alert[] = [];
      const action = getAction(r.action);
      // Count each call once: when its record is first written.
      if (!r.completed || r.decision === 'denied') {
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
              r.time,
              r.agentId,
              name,
              `${name} made ${lastMinute} calls in the last minute, far above its usual ${baseline.toFixed(1)} a minute.`,
              [r.id],
            ),
          );
        }
      }
      if (r.decision === 'denied') {
        if (action?.access === 'write' && /=read\b/.test(r.rule)) {
          out.push(
            ...raise(
              s,
              'write_without_grant',
              r.time,
              r.agentId,
              name,
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
              r.time,
              r.agentId,
              name,
              `${name} was denied ${s.denials.length} times in ${Math.round(denialWindowMs / 60_000)} minutes.`,
              s.denials.map((d) => d.id),
            ),
          );
        }
      }
      if (r.completed && (r.credits ?? 0) > 0 && budget?.day) {
        const day = utcDay(r.time);
        const elapsed = Math.max((r.time - day.start) / (day.end - day.start), 1 / 24);
        const projected = budget.spentToday / elapsed;
        if (budget.spentToday >= 0.2 * budget.day && projected > 2 * budget.day) {
          out.push(
            ...raise(
              s,
              'credit_pace',
              r.time,
              r.agentId,
              name,
              `${name} has spent ${budget.spentToday} of its ${budget.day} daily credits by ${new Date(r.time).toISOString().slice(11, 16)} UTC: at this pace it would need ${Math.round(projected)}.`,
              [r.id],
            ),
          );
        }
      }
      return out;
    },

    observeUse(agentId, agentName, ip, time) {
      if (!ip) return [];
      const s = stateOf(agentId);
      if (s.ips.has(ip)) return [];
      const known = s.ips.size > 0;
      s.ips.add(ip);
      if (s.ips.size > 50) s.ips.delete(s.ips.values().next().value!);
      return known
        ? raise(
            s,
            'new_ip',
            time,
            agentId,
            agentName,
            `${agentName}'s token was used from a new address, ${ip}. If that is not expected, rotate the token.`,
            [],
          )
        : [];
    },

    knowIp(agentId, ip) {
      stateOf(agentId).ips.add(ip);
    },

    list: () => [...alerts].reverse(),
  };
}
