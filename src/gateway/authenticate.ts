// The first steps: who is calling, and may it call this often. A token that does not authenticate
// is refused; when it once belonged to an agent (revoked, or replaced by a rotation) the refusal
// names that agent, so an admin sees which agent kept trying.
import { gatewayError, retiredTokenRules, type GatewayError } from '../core/index.js';
import { err, ok, type Result } from '../core/result.js';
import type { AgentDirectory, AgentIdentity, AgentRateLimiter, Logger } from '../ports/index.js';

import type { RecordedAgent } from './recorder.js';

/** Why a caller was turned away, and whom the record names. */
export interface Turned {
  readonly error: GatewayError;
  readonly agent: RecordedAgent;
  readonly rule: string;
}

/** Step 1: the agent behind the token (and its use noted), or the refusal to record. */
export async function authenticate(
  agents: AgentDirectory,
  req: { readonly token: string | null; readonly ip: string | null },
  now: number,
): Promise<Result<AgentIdentity, Turned>> {
  if (!req.token) {
    return err({
      error: gatewayError.unauthenticated('missing'),
      agent: null,
      rule: 'unauthenticated',
    });
  }
  const agent = await agents.authenticate(req.token);
  if (agent) {
    agents.noteUse(agent.id, req.ip, now);
    return ok(agent);
  }
  const retired = agents.retired ? await agents.retired(req.token) : null;
  if (!retired) {
    return err({
      error: gatewayError.unauthenticated('unknown'),
      agent: null,
      rule: 'unauthenticated',
    });
  }
  return err({
    error: gatewayError.unauthenticated(retired.why),
    agent: { id: retired.agentId, name: retired.agentName },
    rule: retiredTokenRules[retired.why],
  });
}

/**
 * Step 1b: the agent's own requests-per-minute limit, counted across replicas when the limiter's
 * counts are shared. A limiter that fails lets the call through (logged): Apollo's windows are
 * still guarded by the pacer, and the agent's limit is the admin's throttle, not a safety bound.
 */
export async function withinAgentRate(
  limiter: AgentRateLimiter | undefined,
  agent: AgentIdentity,
  logger: Logger,
): Promise<Turned | null> {
  const perMinute = agent.requestsPerMinute;
  if (!limiter || perMinute === null || perMinute === undefined) return null;
  try {
    const taken = await limiter.take(agent.id, perMinute);
    if (taken.ok) return null;
    return {
      error: gatewayError.agentRateLimited({
        perMinute,
        retryAfterSeconds: Math.max(1, Math.ceil(taken.retryAfterMs / 1000)),
      }),
      agent,
      rule: `requests per minute (${perMinute})`,
    };
  } catch (e) {
    logger.warn(
      { err: e, agentId: agent.id },
      'agent rate limiter failed: the call is let through',
    );
    return null;
  }
}
