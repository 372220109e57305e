import { z } from 'zod';

import { clauses, defineAction, quoted, searchPagination, searchTarget } from './define.js';
import { paginationSchema, usageWindowSchema, userSchema } from './objects.js';
import { boolParam, intParam, text } from './params.js';

/** List the users of the team's Apollo workspace. */
export const usersList = defineAction({
  id: 'users.list',
  group: 'admin',
  access: 'read',
  effect: 'read',
  title: 'List users',
  method: 'GET',
  altMethods: ['POST'],
  path: '/api/v1/users/search',
  keyScope: 'api/v1/users/search',
  oauthScope: 'users_list',
  // Apollo's reference: a standard key with api/v1/users/search ticked may call it, as may a
  // master key. Older pages and third-party guides say master key only; the reference wins.
  rateClass: 'default',
  credits: { kind: 'none' },
  pagination: searchPagination('users'),
  input: z.object({
    q_keywords: text(200)
      .optional()
      .describe('Words to find users by name, email or title, e.g. "anita".'),
    page: intParam(1, 500, 'page')
      .optional()
      .describe('Page to return, from 1 (default 1); a whole number or digit string, e.g. 4.'),
    per_page: intParam(1, 100, 'per_page')
      .optional()
      .describe('Users per page, 1 to 100, e.g. 10. Apollo echoes page and per_page as strings.'),
  }),
  output: z.looseObject({ pagination: paginationSchema, users: z.array(userSchema) }),
  examples: [{ page: 4, per_page: 10 }, { page: '1', per_page: '3' }, { q_keywords: 'anita' }],
  description:
    "List the users (teammates) of the team's Apollo workspace with their ids, names and emails; " +
    'use the ids as owner_id or user_id in writes. Free. Apollo needs a master key, or a standard ' +
    'key with users/search ticked.',
  phrase: "listed the team's Apollo users",
  intent: "list the team's Apollo users",
  target: (i) =>
    searchTarget(clauses([i.q_keywords ? `for keywords ${quoted(i.q_keywords)}` : undefined]), i),
});

/** API usage and rate limits per endpoint. */
export const usageStats = defineAction({
  id: 'usage.stats',
  group: 'admin',
  access: 'read',
  effect: 'read',
  title: 'View API usage and rate limits',
  method: 'POST',
  path: '/api/v1/usage_stats/api_usage_stats',
  keyScope: 'api/v1/usage_stats/api_usage_stats',
  oauthScope: 'api_usage_stats_read',
  // As for users.list, the reference accepts a standard key with the endpoint ticked.
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({}),
  output: z.record(
    z.string(),
    z.looseObject({ day: usageWindowSchema, hour: usageWindowSchema, minute: usageWindowSchema }),
  ),
  examples: [{}],
  description:
    "Show the team's Apollo API rate limits and how much of each per-minute, per-hour and per-day " +
    'window is used, per endpoint. Free. Keys look like ["api/v1/contacts", "search"].',
  phrase: "viewed the team's API usage and rate limits",
  intent: "view the team's API usage and rate limits",
  target: () => '',
});

const count = z.number().nullable().optional();

/** Who the team's Apollo credential acts as, optionally with its credit balances. */
export const usersProfile = defineAction({
  id: 'users.profile',
  group: 'admin',
  access: 'read',
  effect: 'read',
  title: 'Show the acting Apollo user',
  method: 'GET',
  path: '/api/v1/users/api_profile',
  keyScope: 'api/v1/users/api_profile',
  oauthScope: 'read_user_profile',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({
    include_credit_usage: boolParam
      .optional()
      .describe(
        'Also return the credit allowances and how much of each is used (num_credits_remaining, effective_num_lead_credits…). true or false (or "true"/"false"), default false.',
      ),
  }),
  // Apollo answers the user at the top level, not under a `user` key.
  output: z.looseObject({
    id: z.string(),
    team_id: z.string().nullable().optional(),
    first_name: z.string().nullable().optional(),
    last_name: z.string().nullable().optional(),
    title: z.string().nullable().optional(),
    email: z.string().nullable().optional(),
    num_credits_remaining: count,
    effective_num_lead_credits: count,
    num_lead_credits_used: count,
    effective_num_direct_dial_credits: count,
    num_direct_dial_credits_used: count,
    effective_num_export_credits: count,
    num_export_credits_used: count,
    effective_num_ai_credits: count,
    num_ai_credits_used: count,
    effective_num_power_up_credits: count,
    num_power_up_credits_used: count,
    total_unified_credits_used: count,
  }),
  examples: [{}, { include_credit_usage: true }, { include_credit_usage: 'true' }],
  description:
    "Show the Apollo user the team's credential acts as (id, team id, name, title, email); with " +
    'include_credit_usage, also their credit allowances and use this cycle. Free: costs no credits.',
  phrase: 'looked up the acting Apollo user',
  intent: 'look up the acting Apollo user',
  target: (i) => (i.include_credit_usage === true ? 'with credit usage' : ''),
});

const creditType = z.looseObject({
  limit: z.number(),
  consumed: z.number(),
  left_over: z.number(),
});

/** The team's credit balances for the current cycle. */
export const usageCredits = defineAction({
  id: 'usage.credits',
  group: 'admin',
  access: 'read',
  effect: 'read',
  title: 'View credit balances',
  method: 'POST',
  path: '/api/v1/usage_stats/credit_usage_stats',
  keyScope: 'api/v1/usage_stats/credit_usage_stats',
  oauthScope: 'credit_usage_stats_read',
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({}),
  output: z.looseObject({
    credit_usage_stats: z.record(z.string(), creditType),
    current_credit_cycle: z.looseObject({
      start_date: z.string().nullable(),
      end_date: z.string().nullable(),
    }),
  }),
  examples: [{}],
  description:
    "Show the team's Apollo credit balances for the current billing cycle: for each credit type " +
    '(lead, direct dial, export, AI, …) the limit, the credits consumed and those left over. Free. ' +
    'Check it before credit-spending calls.',
  phrase: "viewed the team's credit balances",
  intent: "view the team's credit balances",
  target: () => '',
});
