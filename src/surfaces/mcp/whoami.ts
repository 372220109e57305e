// The whoami tool: the agent's grants, the tools they open (with each one's rate headroom in
// Apollo's windows), its credit budget and what is left, and the fields redacted from its answers.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

import { effectiveLevels } from '../../core/index.js';
import type { Gateway } from '../../gateway/pipeline.js';

import type { McpCaller } from './session.js';
import { allTools } from './tools.js';

/** What whoami answers, as text (a summary line, then JSON) and as structured content. */
export async function whoami(
  gateway: Gateway,
  caller: McpCaller,
  token: string,
): Promise<CallToolResult> {
  const grants = await gateway.grantsFor(caller.agent.id);
  const current = (await gateway.identify(token)) ?? caller.agent;
  const spent = await gateway.spentCredits(caller.agent.id);
  const left = (limit: number | null | undefined, used: number) =>
    limit === null || limit === undefined
      ? null
      : Math.max(0, Math.round((limit - used) * 100) / 100);
  const budget =
    spent &&
    (typeof current.creditBudgetDay === 'number' || typeof current.creditBudgetMonth === 'number')
      ? {
          per_day: current.creditBudgetDay ?? null,
          spent_today: spent.day,
          left_today: left(current.creditBudgetDay, spent.day),
          per_month: current.creditBudgetMonth ?? null,
          spent_this_month: spent.month,
          left_this_month: left(current.creditBudgetMonth, spent.month),
        }
      : null;
  const levels = effectiveLevels(grants);
  const tools = allTools()
    .filter((t) => t.action && levels[t.action.id as keyof typeof levels]?.callable)
    .map((t) => {
      const level = levels[t.action!.id as keyof typeof levels]!;
      const paced = gateway.headroom(t.action!.id);
      return {
        tool: t.name,
        action: t.action!.id,
        level: level.level,
        rule: level.rule,
        ...(level.requiresApproval ? { requires_approval: true } : {}),
        rate_headroom: paced
          ? {
              minute_left: paced.windows.minute.left,
              hour_left: paced.windows.hour.left,
              day_left: paced.windows.day.left,
              queued: paced.queued,
              expected_wait_ms: Number.isFinite(paced.estimatedWaitMs)
                ? Math.round(paced.estimatedWaitMs)
                : null,
            }
          : null,
      };
    });
  const data = {
    agent: { id: caller.agent.id, name: caller.agent.name },
    grants: grants.map((g) => ({
      target: g.target,
      level: g.level,
      ...(g.requiresApproval ? { requires_approval: true } : {}),
    })),
    tools,
    redacted_fields: caller.agent.redactedFields,
    credit_budget: budget,
    ...(budget
      ? {}
      : {
          credit_budget_note:
            'No Gatehouse credit budget is set for this agent; Apollo credits are limited by the team plan only.',
        }),
    rate_headroom_note:
      "Requests left in Apollo's team-wide windows per tool as Gatehouse paces them (learned from Apollo's answers and usage stats), calls queued, and the expected wait for a new call.",
  };
  const summary = `${caller.agent.name}: may call ${tools.length} Apollo tool${tools.length === 1 ? '' : 's'} (${tools.map((t) => `${t.action} ${t.level}`).join(', ') || 'none'}).`;
  return {
    content: [{ type: 'text', text: `${summary}\n\n${JSON.stringify(data)}` }],
    structuredContent: data,
  };
}
