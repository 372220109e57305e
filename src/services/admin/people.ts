// The people who sign in to the console as themselves, and what each one's role lets them do.
// Adding, changing and removing a person is an admin change like any other: done here and written
// to the audit trail here, by whoever made it. Signing in checks the password (scrypt, in
// src/auth/password.ts) and names the person in every record they cause afterwards, as
// `admin:<email>`. A request beyond a person's role is refused and recorded (`refused`).
import { hashPassword, verifyPassword } from '../../auth/password.js';
import { passwordProblem } from '../../core/console-people.js';
import { err, ok, type Result } from '../../core/result.js';
import {
  consoleRoles,
  normaliseEmail,
  type ConsolePerson,
  type ConsoleRole,
  type Store,
} from '../../store/index.js';

import { recordAdminChange, type AdminActor, type AdminChangeProblem } from './changes.js';

/** Who a request is from, as the admin API sees it. */
export interface ConsoleIdentity {
  /** Who records name: `admin:<email>` for a person, `admin:console`/`admin:api` for the token. */
  readonly by: `admin:${string}`;
  readonly role: ConsoleRole;
  /** Null: the admin token (automation, or the console logged in with it), which is an admin. */
  readonly person: { readonly email: string; readonly role: ConsoleRole } | null;
}

/** What a role lets a person do, in the words refusals and help use. */
export const roleWords: Record<ConsoleRole, string> = {
  viewer: 'see everything (agents, the matrix, the audit, usage, approvals and alerts)',
  approver: 'see everything, answer held calls and acknowledge alerts',
  admin: 'do anything: agents, grants, limits, the Apollo connection and app connections',
};

export interface ConsolePeople {
  add(
    input: { email: string; role: ConsoleRole; password: string | null },
    by: AdminActor,
  ): Promise<Result<ConsolePerson, AdminChangeProblem>>;
  setRole(
    email: string,
    role: ConsoleRole,
    by: AdminActor,
  ): Promise<Result<ConsolePerson, AdminChangeProblem>>;
  /** A new password, or null to allow sign-in through the identity provider only. */
  setPassword(
    email: string,
    password: string | null,
    by: AdminActor,
  ): Promise<Result<ConsolePerson, AdminChangeProblem>>;
  remove(email: string, by: AdminActor): Promise<Result<ConsolePerson, AdminChangeProblem>>;
  list(): Promise<ConsolePerson[]>;
  /** Whether anyone can sign in as a person. */
  any(): Promise<boolean>;
  /** The person when the password is theirs; null otherwise (the same time either way). */
  signIn(email: string, password: string): Promise<ConsolePerson | null>;
  /** The person an identity provider vouched for by their verified email; null: nobody here. */
  signInVerified(email: string): Promise<ConsolePerson | null>;
  /** The identity of a signed-in person; null when they were removed since. */
  identify(personId: string): Promise<ConsoleIdentity | null>;
  /** Records a request refused for its role: who, what they tried, which role it needs. */
  refused(who: ConsoleIdentity, what: string, needed: ConsoleRole): Promise<void>;
}

/** The identity of a console person. */
export function personIdentity(p: Pick<ConsolePerson, 'email' | 'role'>): ConsoleIdentity {
  return { by: `admin:${p.email}`, role: p.role, person: { email: p.email, role: p.role } };
}

export function createConsolePeople(deps: {
  readonly store: Pick<Store, 'people' | 'audit'>;
  readonly now?: () => number;
}): ConsolePeople {
  const { store } = deps;
  const now = deps.now ?? Date.now;
  const notFound = (email: string): Result<never, AdminChangeProblem> =>
    err({
      code: 'not_found',
      message: `Nobody signs in as ${email.slice(0, 254)} (see gatehouse admin list).`,
    });
  const record = (by: AdminActor, email: string, verb: string, did: string) =>
    recordAdminChange(store.audit, now, by, { agent: null, target: email }, verb, did, {
      person: email,
    });
  const checked = async (password: string | null) => {
    // eslint-disable-next-line security/detect-possible-timing-attacks -- a null check, no secret compared
    if (password === null) return ok(null);
    const problem = passwordProblem(password);
    return problem
      ? err<AdminChangeProblem>({
          code: 'invalid',
          message: `That password cannot be used: ${problem}.`,
        })
      : ok(await hashPassword(password));
  };

  return {
    async add(input, by) {
      if (!consoleRoles.includes(input.role)) {
        return err({ code: 'invalid', message: `A role is one of ${consoleRoles.join(', ')}.` });
      }
      const hash = await checked(input.password);
      if (!hash.ok) return hash;
      const added = await store.people.add({
        email: input.email,
        role: input.role,
        passwordHash: hash.value,
        by,
      });
      if (!added.ok) {
        return err({
          code: added.error.code === 'duplicate_name' ? 'conflict' : 'invalid',
          message: `${added.error.message}.`,
        });
      }
      const p = added.value;
      await record(
        by,
        p.email,
        'person_add',
        `added ${p.email} to the console as ${p.role}${p.hasPassword ? ' with a password' : ', signing in through the identity provider'}`,
      );
      return ok(p);
    },

    async setRole(email, role, by) {
      const before = await store.people.get(email);
      if (!before) return notFound(email);
      const after = await store.people.update(before.id, { role });
      if (!after) return notFound(email);
      await record(
        by,
        after.email,
        'person_role',
        `changed ${after.email}'s role from ${before.role} to ${role}`,
      );
      return ok(after);
    },

    async setPassword(email, password, by) {
      const hash = await checked(password);
      if (!hash.ok) return hash;
      const after = await store.people.update(email, { passwordHash: hash.value });
      if (!after) return notFound(email);
      await record(
        by,
        after.email,
        'person_password',
        password === null
          ? `removed ${after.email}'s password (they sign in through the identity provider only)`
          : `set a new password for ${after.email}`,
      );
      return ok(after);
    },

    async remove(email, by) {
      const removed = await store.people.remove(email);
      if (!removed) return notFound(email);
      await record(
        by,
        removed.email,
        'person_remove',
        `removed ${removed.email} (${removed.role}) from the console; their sessions ended`,
      );
      return ok(removed);
    },

    list: () => store.people.list(),
    any: () => store.people.any(),

    async signIn(email, password) {
      const normal = normaliseEmail(email);
      const found = normal ? await store.people.credentials(normal) : undefined;
      // Always one hash: an unknown email takes as long as a wrong password.
      const right = await verifyPassword(password, found?.passwordHash ?? null);
      if (!found || !right) return null;
      await store.people.signedIn(found.person.id);
      return found.person;
    },

    async signInVerified(email) {
      const normal = normaliseEmail(email);
      const person = normal ? await store.people.get(normal) : undefined;
      if (!person) return null;
      await store.people.signedIn(person.id);
      return person;
    },

    async identify(personId) {
      const p = await store.people.get(personId);
      return p ? personIdentity(p) : null;
    },

    async refused(who, what, needed) {
      const t = now();
      const name = who.person?.email ?? who.by;
      const opened = await store.audit.open({
        time: t,
        agentId: null,
        agentName: null,
        surface: 'admin',
        action: 'admin.refused',
        target: what,
        params: { person: name, role: who.role, needed },
        decision: 'denied',
        rule: `role:${who.role}`,
        reason: `needs the ${needed} role`,
        sentence: `${name} (${who.role}) was refused ${what}: it needs the ${needed} role, so nothing was changed.`,
        credits: 0,
        completedAt: t,
      });
      if (!opened.ok) throw new Error(`refusal not audited: ${opened.error.message}`);
    },
  };
}
