// The pacer's outcomes in words, for logs and the upstream error it stands in for: how long a call
// waited and why, and why a call was refused. The agent's words are core/errors' constructors.
import type { Window } from '../catalog/index.js';

import type { Grant, Refusal } from './types.js';

const perWindow: Readonly<Record<Window, string>> = Object.freeze({
  minute: 'per-minute',
  hour: 'per-hour',
  day: 'per-day',
});

/** "1,234": thousands separated, independent of the process locale. */
function group(n: number): string {
  // eslint-disable-next-line security/detect-unsafe-regex -- formats Gatehouse's own numbers, never input
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "350 ms" below a second, else whole seconds: "12 s", "1,234 s". */
function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${group(Math.round(ms / 1000))} s`;
}

/** "waited 12 s for Apollo's per-minute window"; null when the call went at once. */
export function describeWait(grant: Grant): string | null {
  if (grant.waitedMs <= 0) return null;
  return grant.waitedFor
    ? `waited ${seconds(grant.waitedMs)} for Apollo's ${perWindow[grant.waitedFor]} window`
    : `waited ${seconds(grant.waitedMs)} in Gatehouse's queue for this endpoint`;
}

/**
 * A refusal in words for the agent: "rate limited: Apollo's per-hour window for this endpoint is
 * spent; retry in 1,234 s". `endpoint` names the endpoint ("people search").
 */
export function describeRefusal(refusal: Refusal, endpoint = 'this endpoint'): string {
  const retry = `retry in ${group(refusal.retryAfterSeconds)} s`;
  const queued = refusal.ahead > 0 ? ` (${group(refusal.ahead)} calls waiting)` : '';
  const spent = refusal.window
    ? `Apollo's ${perWindow[refusal.window]} window for ${endpoint} is spent`
    : `Apollo asked Gatehouse to wait before calling ${endpoint} again`;
  switch (refusal.reason) {
    case 'queue_full':
      return `rate limited: ${group(refusal.ahead)} calls are already waiting for ${endpoint}; ${retry}`;
    case 'wait_too_long':
      return `rate limited: ${spent}${queued}; ${retry}`;
    case 'cancelled':
      return `cancelled while waiting for ${endpoint}`;
    case 'closed':
      return `Gatehouse is shutting down; ${retry}`;
    case 'shared_unavailable':
      return `rate limited: the rate counters Gatehouse's replicas share (Redis) cannot be reached, so nothing is sent to ${endpoint} that could overrun Apollo's windows; ${retry}`;
  }
}
