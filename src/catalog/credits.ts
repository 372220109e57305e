import type { ActionSpec } from './types.js';

/**
 * The most credits a call can cost, before Apollo answers: budgets are checked against this.
 * For people enrichment, a found person costs 1, a revealed mobile phone 8 more, a personal email
 * (our assumption) 1 more, and the waterfall a vendor-dependent amount we bound per record.
 */
export function estimateCredits(action: ActionSpec, input: Record<string, unknown>): number {
  const rule = action.credits;
  switch (rule.kind) {
    case 'none':
      return 0;
    case 'per_page':
      return rule.perPage;
    case 'per_record': {
      // Bulk organization enrichment may name its companies as `domains` instead of `details`.
      const records = Array.isArray(input.details)
        ? input.details.length
        : Array.isArray(input.domains)
          ? input.domains.length
          : 1;
      let each = rule.perRecord;
      if (input.reveal_phone_number === true) each += rule.mobilePhone ?? 0;
      if (input.reveal_personal_emails === true) each += rule.personalEmail ?? 0;
      if (input.run_waterfall_email === true || input.run_waterfall_phone === true)
        each += rule.waterfall ?? 0;
      return records * each;
    }
    case 'per_insight':
      return rule.perConversation * rule.assumed;
  }
}

/**
 * What a completed call actually cost, from Apollo's answer: `credits_consumed` when Apollo
 * reports it (bulk enrichment; may be fractional), otherwise counted from the records returned.
 */
export function creditsFromResponse(action: ActionSpec, output: unknown): number {
  const rule = action.credits;
  const body = (output && typeof output === 'object' ? output : {}) as Record<string, unknown>;
  switch (rule.kind) {
    case 'none':
      return 0;
    case 'per_page':
      return rule.perPage;
    case 'per_record': {
      if (typeof body.credits_consumed === 'number') return body.credits_consumed;
      const records = Array.isArray(body.matches)
        ? body.matches.filter(Boolean)
        : Array.isArray(body.organizations)
          ? body.organizations.filter(Boolean)
          : body.person
            ? [body.person]
            : body.organization
              ? [body.organization]
              : [];
      let total = 0;
      for (const r of records as Array<Record<string, unknown>>) {
        total += rule.perRecord;
        if (Array.isArray(r.phone_numbers) && r.phone_numbers.length > 0)
          total += rule.mobilePhone ?? 0;
        if (Array.isArray(r.personal_emails) && r.personal_emails.length > 0)
          total += rule.personalEmail ?? 0;
      }
      return total;
    }
    case 'per_insight':
      // One conversation in full: charged only when Apollo generated AI insights for it.
      if (typeof body.id === 'string' && typeof body.state === 'string')
        return hasInsights(body) ? rule.perConversation : 0;
      return rule.perConversation * rule.assumed;
  }
}

/** True when a conversation's answer carries Apollo's AI insights (the part that costs a credit). */
function hasInsights(conversation: Record<string, unknown>): boolean {
  return (
    conversation.state === 'insights_generated' ||
    (conversation.call_summary !== undefined && conversation.call_summary !== null)
  );
}
