// Slots: a grant counts one call in every window instance (opening those it is the first of), and
// a call that never reached Apollo gives its slot back without letting our window end before
// Apollo's can.
import { windows, type Window } from '../catalog/index.js';

import type { Bucket, Instance, PacerState, Reservation } from './state.js';
import type { Grant } from './types.js';
import { live, openInstance } from './windows.js';

/** How long grants are remembered beyond the margin: answers to older calls correct only limits. */
const recentHorizonMs = 120_000;

/** Counts one call in every window, opening the instances it is the first of. */
export function reserve(
  s: PacerState,
  b: Bucket,
  agentId: string,
  now: number,
  waited: { arrivedAt: number; position: number; waitedFor: Window | null } | null,
): Grant {
  const grant: Grant = Object.freeze({
    ok: true as const,
    bucket: b.name,
    agentId,
    grantedAt: now,
    waitedMs: waited ? now - waited.arrivedAt : 0,
    position: waited?.position ?? 0,
    waitedFor: waited?.waitedFor ?? null,
  });
  const instances: Partial<Record<Window, Instance>> = {};
  const record: Reservation = { bucket: b, at: now, live: true, confirmed: false, instances };
  for (const w of windows) {
    let inst = live(b, w, now);
    if (!inst) {
      inst = openInstance(s, w, now, record);
      b.inst[w] = inst;
    }
    inst.sent += 1;
    inst.byAgent?.set(agentId, (inst.byAgent.get(agentId) ?? 0) + 1);
    instances[w] = inst;
  }
  s.reservations.set(grant, record);
  const horizon = now - recentHorizonMs - 2 * s.margin;
  while (b.recentHead < b.recent.length && b.recent[b.recentHead]!.at < horizon) {
    b.recentHead += 1;
    b.recentSince = horizon;
  }
  if (b.recentHead > 1_024 && b.recentHead * 2 > b.recent.length) {
    b.recent = b.recent.slice(b.recentHead);
    b.recentHead = 0;
  }
  b.recent.push(record);
  return grant;
}

/**
 * Uncounts a grant whose call never reached Apollo; returns its bucket, or null when the grant was
 * given back already or Apollo answered it. The caller serves the queue afterwards.
 */
export function giveBack(s: PacerState, grant: Grant): Bucket | null {
  const r = s.reservations.get(grant);
  if (!r?.live || r.confirmed) return null;
  r.live = false;
  const b = r.bucket;
  const now = s.clock.now();
  for (const w of windows) {
    const inst: Instance | undefined = r.instances[w];
    if (!inst || b.inst[w] !== inst || now >= inst.resetAt || inst.held) continue;
    const mine = inst.byAgent?.get(grant.agentId);
    if (inst.byAgent && mine !== undefined) {
      if (mine <= 1) inst.byAgent.delete(grant.agentId);
      else inst.byAgent.set(grant.agentId, mine - 1);
    }
    if (r.at >= inst.syncedBefore) inst.sent = Math.max(0, inst.sent - 1);
    if (inst.sent === 0) {
      // Apollo saw nothing of this instance: its next call opens a new window, as ours will.
      delete b.inst[w];
      continue;
    }
    if (inst.anchor === r) inst.anchor = null;
    if (inst.anchor === null) {
      // Apollo's window opened with the earliest member that reached it: one it answered, or
      // else one granted before now. Ours must not end before Apollo's can.
      const bound = Math.min(inst.confirmedAt, now);
      inst.resetAt = Math.max(inst.resetAt, bound + s.lengths[w] + s.margin);
    }
  }
  return b;
}
