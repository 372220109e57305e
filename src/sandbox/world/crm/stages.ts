// contacts.stages, accounts.stages and deals.stages: the team's stages
// as Apollo lists them. The stages are the ones the CRM uses, so every id listed here is one the
// create, update and bulk stage actions accept.

import { success, type WorldResult } from '../result.js';
import type { CrmContext, StageRecord } from './state.js';

// Apollo's categories for its default stages; a stage the sandbox does not know is in progress.
const contactCategories: Record<string, string> = {
  Cold: 'in_progress',
  Approaching: 'in_progress',
  Replied: 'in_progress',
  Interested: 'succeeded',
  'Not Interested': 'failed',
  Unresponsive: 'failed',
  'Do Not Contact': 'failed',
  'Bad Data': 'failed',
  'Changed Job': 'failed',
};

// Account stages: an open stage has no category in Apollo's example (null).
const accountCategories: Record<string, string | null> = {
  Cold: null,
  Approaching: null,
  'Active Opportunity': 'succeeded',
  'Current Customer': 'succeeded',
  'Churned Customer': 'failed',
  'Do Not Prospect': 'failed',
};

// Stages that Apollo's defaults leave out of lead generation.
const excludedForLeadgen = new Set(['Active Opportunity', 'Current Customer', 'Do Not Prospect']);

/** contacts.stages. */
export function listContactStages(ctx: CrmContext): WorldResult {
  return success({
    contact_stages: ctx.crm.contactStages.map((s) => ({
      id: s.id,
      team_id: ctx.crm.team.id,
      display_name: s.name,
      name: s.name,
      display_order: s.order,
      ignore_trigger_override: null,
      category: contactCategories[s.name] ?? 'in_progress',
      is_meeting_set: s.name === 'Interested',
    })),
  });
}

/** accounts.stages. */
export function listAccountStages(ctx: CrmContext): WorldResult {
  return success({
    account_stages: ctx.crm.accountStages.map((s) => ({
      id: s.id,
      team_id: ctx.crm.team.id,
      display_name: s.name,
      name: s.name,
      display_order: s.order,
      default_exclude_for_leadgen: excludedForLeadgen.has(s.name),
      category: accountCategories[s.name] ?? null,
      is_meeting_set: false,
    })),
  });
}

/** Apollo's forecast category and stage type for a deal stage. */
function dealStageKind(s: StageRecord): { forecast: string; type: string } {
  if (s.isClosed)
    return s.isWon
      ? { forecast: 'Closed', type: 'Closed/Won' }
      : { forecast: 'Omitted', type: 'Closed/Lost' };
  const p = s.probability ?? 0;
  return { forecast: p >= 75 ? 'Committed' : p >= 50 ? 'Best Case' : 'Pipeline', type: 'Open' };
}

/** deals.stages: every pipeline's stages in one list (the sandbox team has one pipeline). */
export function listDealStages(ctx: CrmContext): WorldResult {
  return success({
    opportunity_stages: ctx.crm.opportunityStages.map((s) => {
      const kind = dealStageKind(s);
      return {
        id: s.id,
        team_id: ctx.crm.team.id,
        name: s.name,
        display_order: s.order,
        forecast_category_cd: kind.forecast,
        is_won: s.isWon ?? false,
        is_closed: s.isClosed ?? false,
        probability: s.probability ?? 0,
        description: null,
        salesforce_id: null,
        is_meeting_set: s.name === 'Meeting Booked',
        opportunity_pipeline_id: ctx.crm.pipelineId,
        is_editable: true,
        type: kind.type,
      };
    }),
  });
}
