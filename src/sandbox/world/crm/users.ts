// users.list and the api_profile user.

import { success, type WorldResult } from '../result.js';
import type { CrmContext } from './state.js';
import { userJson } from './json.js';
import { matchesWords, paginate } from './paging.js';
import type { Crm } from './state.js';

/** users.list. Apollo echoes page and per_page as strings here. */
export function listUsers(
  crm: Crm,
  input: { q_keywords?: string; page?: number; per_page?: number },
): WorldResult {
  const rows = [...crm.users.values()].filter(
    (u) =>
      !input.q_keywords ||
      matchesWords(input.q_keywords, [u.firstName, u.lastName, u.email, u.title]),
  );
  const { rows: page, pagination } = paginate(rows, input.page, input.per_page);
  return success({
    pagination: {
      ...pagination,
      page: String(pagination.page),
      per_page: String(pagination.per_page),
    },
    users: page.map((u) => userJson(crm, u)),
  });
}

/**
 * users.profile: the user unwrapped at the top level (Apollo's reference; there is no `user`
 * key). An unknown user cannot happen with a valid credential; 422 guards it anyway.
 */
export function profileOf(ctx: CrmContext, userId: string): WorldResult {
  const u = ctx.crm.users.get(userId);
  return u
    ? success(userJson(ctx.crm, u))
    : { ok: false, status: 422, body: { error: 'User not found' } };
}
