// Who is signed in, for the pages: a console person with a role, or the admin token (an admin).
// Controls a role may not use are shown disabled with the reason; the admin API refuses them
// anyway (and records the attempt), so this is for clarity, not for safety.
import { createContext, useContext, type ReactNode } from 'react';

import type { AdminResponse } from '../../src/surfaces/admin/contracts';

export type Who = Pick<AdminResponse<'GET /admin/api/session'>, 'person' | 'role'>;
type Role = Who['role'];
const order: readonly Role[] = ['viewer', 'approver', 'admin'];

const WhoContext = createContext<Who>({ person: null, role: 'viewer' });

export function WhoProvider(props: { who: Who; children: ReactNode }) {
  return <WhoContext.Provider value={props.who}>{props.children}</WhoContext.Provider>;
}

/** Who is signed in. */
export const useWho = () => useContext(WhoContext);

/** Whether the signed-in role includes `needed`. */
export function useCan(needed: Role): boolean {
  return order.indexOf(useWho().role) >= order.indexOf(needed);
}

/** A note saying the controls below need a role the signed-in person does not have. */
export function RoleNote(props: { needed: Role; what: string }) {
  const who = useWho();
  if (useCan(props.needed)) return null;
  return (
    <p className="banner role-note" role="note">
      You are signed in as {who.person?.email} with the {who.role} role: {props.what} needs the{' '}
      {props.needed} role, so those controls are disabled. Ask a Gatehouse admin if you need it.
    </p>
  );
}
