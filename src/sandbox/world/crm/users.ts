// users.list (SPEC §8.1) and the api_profile user.

import { success, type WorldResult } from '../result.js';
import { userJson } from './json.js';
import { matchesWords, paginate } from './paging.js';
import type { Crm } from './state.js';

/** users.list. Apollo echoes page and per_page as strings here (SPEC §8.1). */
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
