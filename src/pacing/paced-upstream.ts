// The pacer applied where requests actually leave for Apollo (below auto-batching, so a bulk call
// is paced under bulk_match's windows): wait for room in every window, learn from each answer,
// hold an endpoint after an unexpected 429 and retry reads once, and refuse with a retry-after
// when the wait would be longer than an agent should wait. A refusal is a value of its own kind,
// `not_sent`, never a 429 made up in Apollo's name: Apollo was not called.
import type { z } from 'zod';

import type { ActionSpec } from '../catalog/index.js';
import { err, type Result } from '../core/result.js';
import type {
  Credential,
  Upstream,
  UpstreamCallContext,
  UpstreamError,
  UpstreamSuccess,
} from '../ports/index.js';

import { attr, step } from '../telemetry/index.js';

import { describeRefusal } from './describe.js';
import type { Pacer } from './types.js';

/** Options for {@link createPacedUpstream}. */
export interface PacedUpstreamOptions {
  /** The longest a call waits for Apollo's windows before it is refused (ms). */
  readonly maxWaitMs: number;
}

type Answer = Result<UpstreamSuccess<unknown>, UpstreamError>;

/** Wraps an upstream with the pacer. Buckets are action ids: one per Apollo endpoint. */
export function createPacedUpstream(
  upstream: Upstream,
  pacer: Pacer,
  options: PacedUpstreamOptions,
): Upstream {
  async function once(
    action: ActionSpec,
    input: Record<string, unknown>,
    credential: Credential,
    agentId: string,
  ): Promise<Answer> {
    // The wait for room in Apollo's windows is a step of its own in the call's trace.
    const grant = await step('gatehouse.pace', async (span) => {
      const granted = await pacer.acquire(action.id, agentId, { maxWaitMs: options.maxWaitMs });
      span?.setAttributes({
        [attr.action]: action.id,
        ...(granted.ok
          ? { [attr.waitedMs]: granted.waitedMs }
          : { [attr.notSent]: granted.reason }),
      });
      return granted;
    });
    if (!grant.ok) {
      return err({
        kind: 'not_sent',
        reason: grant.reason,
        message: describeRefusal(grant, action.title.toLowerCase()),
        retryAfterSeconds: grant.retryAfterSeconds,
        window: grant.window,
        waiting: grant.ahead,
        durationMs: 0,
      });
    }
    const answer = await upstream.call(action, input, credential);
    const rate = answer.ok ? answer.value.rate : 'rate' in answer.error ? answer.error.rate : null;
    if (rate) pacer.observe(grant, rate);
    else pacer.answeredWithoutRate?.(grant);
    if (!answer.ok && answer.error.kind === 'rate_limited') {
      pacer.hold(action.id, answer.error.retryAfterSeconds, answer.error.window);
    }
    if (answer.ok && grant.waitedMs > 0) {
      return {
        ok: true,
        value: {
          ...answer.value,
          waitedMs: grant.waitedMs,
          ...(grant.waitedFor ? { waitedFor: grant.waitedFor } : {}),
        },
      };
    }
    return answer;
  }

  return {
    async call<I extends z.ZodType, O extends z.ZodType>(
      action: ActionSpec<I, O>,
      input: Record<string, unknown>,
      credential: Credential,
      context?: UpstreamCallContext,
    ) {
      const agentId = context?.agentId ?? 'gatehouse';
      const first = await once(action as ActionSpec, input, credential, agentId);
      // Apollo answered 429 despite the pacing (another client shares the team's windows): the
      // endpoint is now held until its window resets; a read is safe to send again once.
      const retry =
        !first.ok &&
        first.error.kind === 'rate_limited' &&
        (action.access === 'read' || action.retrySafe(input));
      if (!retry) return first as never;
      const second = await once(action as ActionSpec, input, credential, agentId);
      // A retry the hold keeps back was never sent: the call's answer is Apollo's own 429.
      return (!second.ok && second.error.kind === 'not_sent' ? first : second) as never;
    },
  };
}
