import { getAction } from '../../catalog/index.js';
import type { ActionSpec, Window } from '../../catalog/index.js';
import { errorCodes } from '../error-codes.js';
import { formatCredits, formatDuration } from '../format.js';

/** The fields `describe` reads; an `AuditRecord` is one, and so is a record still being built. */
/** The rules of refusals of a token that once belonged to an agent. */
export const retiredTokenRules = Object.freeze({
  revoked: 'revoked token',
  rotated: 'rotated token',
} as const);

export interface DescribeInput {
  readonly agentId?: string | null;
  readonly agentName?: string | null;
  /** The action id, or what the caller named when the action is unknown. */
  readonly action: string;
  /** Used when the target cannot be rendered from `params` (unknown action, no params). */
  readonly target?: string;
  /** Masked params (`maskInput`): `describe` renders them as they are. */
  readonly params?: unknown;
  readonly decision: 'allowed' | 'denied' | 'pending' | 'approved' | 'rejected' | 'expired';
  readonly rule: string;
  readonly reason?: string | null;
  readonly upstreamStatus?: number | null;
  readonly upstreamErrorCode?: string | null;
  readonly credits?: number | null;
  readonly durationMs?: number | null;
  /** A Gatehouse error code; an unknown code next to an Apollo status is read as Apollo's code. */
  readonly errorCode?: string | null;
  /** Defaults to true once an upstream status, error or cache hit is present. */
  readonly completed?: boolean;
  readonly waitedMs?: number;
  readonly waitedFor?: Window;
  readonly cacheHit?: boolean;
  readonly savedCredits?: number;
}

/**
 * The reason on a record completed after its process ended with the call in flight (see
 * jobs/abandoned-records.ts): its outcome is unknown.
 */
export const stoppedBeforeAnswer = 'Gatehouse stopped before Apollo answered';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The catalog's rendering of a target, or `fallback`. The audit must be written on every path,
 * so a target function that throws on odd (e.g. invalid) input must not take the record with it.
 */
export function targetOf(
  action: ActionSpec | undefined,
  params: unknown,
  fallback: string,
): string {
  if (!action || !isRecord(params)) return fallback;
  try {
    const target = action.target(params);
    // A bulk write says how many records it touches, in the audit and in the approval request.
    const count = action.recordCount?.(params);
    return count === undefined ? target : `${target} (${count} record${count === 1 ? '' : 's'})`;
  } catch {
    return fallback;
  }
}

// eslint-disable-next-line security/detect-unsafe-regex -- each repetition starts with the literal ' + ', so matching is linear
const grantRule = /^[a-z_.]+=(off|read|full)( \+ [a-z_.]+=(off|read|full))*$/;

/** "by contacts=read" for a grant, "(unauthenticated)" for anything else. */
const ruleText = (rule: string) => (grantRule.test(rule) ? `by ${rule}` : `(${rule})`);

/** The first sentence of a reason: the why, without the advice meant for the agent. */
function firstSentence(text: string): string {
  const m = /^[\s\S]*?[.!?](?=\s+[A-Z]|\s*$)/.exec(text.trim());
  const s = m ? m[0] : text.trim();
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

const windowWords: Record<Window, string> = { minute: 'per-minute', hour: 'hourly', day: 'daily' };

function waitWords(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  return s < 90 ? `${s} s` : `${Math.round(s / 60)} min`;
}

const spent = (credits: number | null | undefined) =>
  credits ? `${formatCredits(credits)} spent` : 'no credits spent';

/** What an Apollo error status means, and whose problem it is. */
function apolloMeaning(status: number, code: string | null): string {
  if (status === 422 && code === 'BILLING.LIMIT.CREDITS_EXHAUSTED')
    return "the team's Apollo account is out of credits";
  if (status === 401) return "Apollo refused the team's credential (not this agent's token)";
  if (status === 403)
    return "the team's Apollo key cannot reach this endpoint (not this agent's grant)";
  if (status === 404) return 'Apollo found no such record';
  if (status === 400 || status === 422) return 'Apollo rejected the request as invalid';
  if (status === 429) return "Apollo's rate limit was reached";
  if (status >= 500) return 'Apollo failed on its side';
  return 'the call did not succeed';
}

/** Why a call allowed by policy never got an answer from Apollo. */
function failureWords(code: string | null | undefined, durationMs: number | null | undefined) {
  switch (code) {
    case 'upstream_unreachable':
      return `Apollo could not be reached${durationMs ? ` (gave up after ${formatDuration(durationMs)})` : ''}`;
    case 'credential_missing':
      return 'no Apollo credential is connected';
    case 'unsafe_input':
      return 'its parameters had a shape no parameters may have';
    // Records written before Gatehouse's own refusals had codes of their own.
    case 'rate_limited':
      return "Apollo's rate windows had no room left";
    case 'gatehouse_busy':
      return "Gatehouse kept it back to stay within Apollo's rate windows (its queue was full or the wait too long), so Apollo was never called";
    case 'shared_state_unavailable':
      return 'Gatehouse could not reach the state its replicas share (Redis) and refused it, so Apollo was never called';
    case 'gatehouse_shutting_down':
      return 'Gatehouse was shutting down and refused it, so Apollo was never called';
    case 'budget_exhausted':
      return "the agent's credit budget ran out";
    case 'internal':
      return 'Gatehouse failed internally';
    default:
      return `the call failed (${code ?? 'no answer'})`;
  }
}

/**
 * The plain-English sentence for an audit record, from the catalog's phrase, intent and target on
 * the masked params: "Outreach bot searched the people database for titles 'VP Sales' (page 1, 25
 * per page): allowed by people=read. Apollo answered 200 in 181 ms; no credits spent."
 */
export function describe(r: DescribeInput): string {
  // Who approved a held call, and their note, follow the call's own sentence whole.
  if (r.decision === 'approved' && r.reason?.startsWith('Approved by ')) {
    return `${describe({ ...r, reason: null })} ${r.reason}`;
  }
  const named = r.agentName || (r.agentId ? `Agent ${r.agentId}` : '');
  // A token that stopped working names the agent it belonged to, so an admin sees who kept trying.
  const who =
    r.rule === retiredTokenRules.revoked && named
      ? `A revoked token of ${named}`
      : r.rule === retiredTokenRules.rotated && named
        ? `A replaced (rotated) token of ${named}`
        : named || 'An unknown token';
  const action = getAction(r.action);
  const target = targetOf(action, r.params, r.target || (action ? '' : r.action));
  const did = [action?.phrase ?? 'called', target].filter(Boolean).join(' ');
  const attempt = [action?.intent ?? 'call', target].filter(Boolean).join(' ');
  const reason = r.reason ? ` ${firstSentence(r.reason)}` : '';

  switch (r.decision) {
    case 'denied':
      return `${who} tried to ${attempt}: denied ${ruleText(r.rule)}.${reason}`;
    case 'pending':
      return `${who} asked to ${attempt}: held for approval under ${r.rule}.`;
    case 'rejected':
      return r.reason?.startsWith('Rejected by ')
        ? `${who} asked to ${attempt}: held under ${r.rule} and rejected. ${r.reason}`
        : `${who} asked to ${attempt}: held under ${r.rule} and rejected by an admin.${reason}`;
    case 'expired':
      return `${who} asked to ${attempt}: held under ${r.rule}; nobody answered in time, so it expired.`;
    case 'allowed':
    case 'approved':
      break;
  }

  const granted = r.decision === 'allowed' ? `allowed by ${r.rule}` : `approved under ${r.rule}`;
  const status = r.upstreamStatus ?? null;
  const completed = r.completed ?? (status !== null || Boolean(r.errorCode) || r.cacheHit === true);
  if (!completed) return `${who} asked to ${attempt}: ${granted}; waiting for Apollo.`;

  if (r.cacheHit) {
    const saved = r.savedCredits
      ? `served from cache, saved ${formatCredits(r.savedCredits)}`
      : 'served from cache; no credits spent';
    return `${who} ${did}: ${granted}; ${saved}.`;
  }

  // The process ended (killed, crashed) with the call in flight: whether it reached Apollo, and
  // what it did there, is unknown.
  if (r.errorCode === 'write_outcome_unknown' && r.reason === stoppedBeforeAnswer) {
    return `${who} tried to ${attempt}: ${granted}, but the outcome is unknown: ${stoppedBeforeAnswer} (the process ended with the call in flight), so it may have taken effect; any credits it cost are not counted here.`;
  }

  // Sent, but no answer says what Apollo did: never recorded as a plain failure.
  if (r.errorCode === 'write_outcome_unknown') {
    const lost =
      status !== null
        ? `Apollo's answer (${status}) was cut off or unreadable`
        : `Apollo's answer was lost${r.durationMs ? ` (none after ${formatDuration(r.durationMs)})` : ''}`;
    return `${who} tried to ${attempt}: ${granted}, but the outcome is unknown: ${lost}, so it may have taken effect; ${spent(r.credits)}.`;
  }

  if (status === null)
    return `${who} tried to ${attempt}: ${granted}, but ${failureWords(r.errorCode, r.durationMs)}; ${spent(r.credits)}.`;

  const time =
    r.durationMs !== null && r.durationMs !== undefined
      ? ` in ${formatDuration(r.durationMs)}`
      : '';
  const waited =
    r.waitedMs && r.waitedMs > 0
      ? ` after waiting ${waitWords(r.waitedMs)} for Apollo's ${r.waitedFor ? `${windowWords[r.waitedFor]} ` : 'rate '}window`
      : '';
  if (status < 400)
    return `${who} ${did}: ${granted}. Apollo answered ${status}${time}${waited}; ${spent(r.credits)}.`;

  // Older callers put Apollo's code in errorCode; anything that is not a Gatehouse code is Apollo's.
  const apolloCode =
    r.upstreamErrorCode ??
    (r.errorCode && !(errorCodes as readonly string[]).includes(r.errorCode) ? r.errorCode : null);
  return `${who} tried to ${attempt}: ${granted}. Apollo answered ${status}${apolloCode ? ` ${apolloCode}` : ''}${time}${waited}: ${apolloMeaning(status, apolloCode)}; ${spent(r.credits)}.`;
}
