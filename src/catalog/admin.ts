import { z } from 'zod';

import { clauses, defineAction, quoted, searchPagination, searchTarget } from './define.js';
import { paginationSchema, usageWindowSchema, userSchema } from './objects.js';
import { intParam, text } from './params.js';

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
  // Older docs and api-evangelist's conventions: master key only (403 for standard keys).
  masterKeyOnly: true,
  rateClass: 'default',
  credits: { kind: 'none' },
  pagination: searchPagination('users'),
  input: z.object({
    q_keywords: text(200).optional(),
    page: intParam(1, 500, 'page').optional(),
    per_page: intParam(1, 100, 'per_page').optional(),
  }),
  output: z.looseObject({ pagination: paginationSchema, users: z.array(userSchema) }),
  description:
    "List the users (teammates) of the team's Apollo workspace with their ids, names and emails; " +
    'use the ids as owner_id or user_id in writes. Free. Needs a master API key on the Apollo side.',
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
  masterKeyOnly: true,
  rateClass: 'default',
  credits: { kind: 'none' },
  input: z.object({}),
  output: z.record(
    z.string(),
    z.looseObject({ day: usageWindowSchema, hour: usageWindowSchema, minute: usageWindowSchema }),
  ),
  description:
    "Show the team's Apollo API rate limits and how much of each per-minute, per-hour and per-day " +
    'window is used, per endpoint. Free. Keys look like ["api/v1/contacts", "search"].',
  phrase: "viewed the team's API usage and rate limits",
  intent: "view the team's API usage and rate limits",
  target: () => '',
});
