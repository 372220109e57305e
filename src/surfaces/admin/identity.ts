// Who an admin API request is from and what it may do: the contract's route a request is for (its
// least role, contracts.ts), and the identity a console session stands for. Shared by the admin
// API and the MCP connection consent, which accept the same sessions.
import type { ConsoleSession } from '../../ports/index.js';
import type { ConsoleIdentity, ConsolePeople } from '../../services/admin/people.js';

import { adminRoutes, type AdminRoute } from './contracts.js';

/** The route of the contract a request is for, matched by method and path. */
const routeMatchers = (adminRoutes as readonly AdminRoute[]).map((r) => ({
  route: r,
  // eslint-disable-next-line security/detect-non-literal-regexp -- built from the contract's own paths
  pattern: new RegExp(`^${r.path.replace(/\{\w+\}/g, '[^/]+')}$`),
}));
export function routeFor(method: string, path: string): AdminRoute | undefined {
  const m = method.toLowerCase() === 'head' ? 'get' : method.toLowerCase();
  return routeMatchers.find((r) => r.route.method === m && r.pattern.test(path))?.route;
}

/** The identity a console session stands for; null when its person was removed since. */
export async function sessionIdentity(
  people: ConsolePeople,
  session: ConsoleSession,
): Promise<ConsoleIdentity | null> {
  return session.person === null
    ? { by: 'admin:console', role: 'admin', person: null }
    : people.identify(session.person);
}
