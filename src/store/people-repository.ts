// People who sign in to the console (table console_people, migration 0012). The repository stores
// and finds them; hashing passwords is the caller's (src/auth/password.ts), so a password never
// reaches this file.
import type { Kysely, Selectable } from 'kysely';

import { consoleRoles, normaliseEmail, type ConsoleRole } from '../core/console-people.js';
import { ok } from '../core/result.js';
import type { Result } from '../core/result.js';
import type { ConsolePeopleTable, Database } from './db.js';
import { isUniqueViolation, storeError } from './errors.js';
import type { StoreError } from './errors.js';
import { createRandomId } from './ids.js';
import type { RandomBytes } from './ids.js';

export { consoleRoles, normaliseEmail, type ConsoleRole };

/** A console person; the password hash stays in the store except for {@link PeopleRepository.credentials}. */
export interface ConsolePerson {
  readonly id: string;
  readonly email: string;
  readonly role: ConsoleRole;
  /** Whether they can sign in with a password (otherwise only through the identity provider). */
  readonly hasPassword: boolean;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly lastLoginAt: number | null;
}

export interface PeopleRepository {
  add(input: {
    email: string;
    role: ConsoleRole;
    passwordHash: string | null;
    by: string;
  }): Promise<Result<ConsolePerson, StoreError>>;
  /** By id or email (any case). */
  get(idOrEmail: string): Promise<ConsolePerson | undefined>;
  /** The person and their password hash, for signing in; undefined when there is none. */
  credentials(
    email: string,
  ): Promise<{ person: ConsolePerson; passwordHash: string | null } | undefined>;
  list(): Promise<ConsolePerson[]>;
  /** Whether anyone can sign in (the admin API is on when someone can, even without a token). */
  any(): Promise<boolean>;
  update(
    idOrEmail: string,
    change: { role?: ConsoleRole; passwordHash?: string | null },
  ): Promise<ConsolePerson | undefined>;
  signedIn(id: string): Promise<void>;
  remove(idOrEmail: string): Promise<ConsolePerson | undefined>;
}

const toPerson = (row: Selectable<ConsolePeopleTable>): ConsolePerson => ({
  id: row.id,
  email: row.email,
  role: (consoleRoles as readonly string[]).includes(row.role)
    ? (row.role as ConsoleRole)
    : 'viewer',
  hasPassword: row.password_hash !== null,
  createdAt: Number(row.created_at),
  createdBy: row.created_by,
  lastLoginAt: row.last_login_at === null ? null : Number(row.last_login_at),
});

/** Creates the people repository. */
export function createPeopleRepository(
  db: Kysely<Database>,
  deps: { now?: () => number; randomBytes?: RandomBytes } = {},
): PeopleRepository {
  const now = deps.now ?? Date.now;
  const find = (idOrEmail: string) => {
    const email = idOrEmail.trim().toLowerCase();
    return db
      .selectFrom('console_people')
      .selectAll()
      .where((w) => w.or([w('id', '=', idOrEmail), w('email', '=', email)]))
      .executeTakeFirst();
  };
  return {
    async add(input) {
      const email = normaliseEmail(input.email);
      if (!email)
        return storeError(
          'invalid_input',
          `'${input.email.slice(0, 100)}' is not an email address`,
        );
      const t = now();
      const row = {
        id: createRandomId('per_', deps.randomBytes),
        email,
        role: input.role,
        password_hash: input.passwordHash,
        created_at: t,
        created_by: input.by,
        updated_at: t,
        last_login_at: null,
      };
      try {
        await db.insertInto('console_people').values(row).execute();
      } catch (e) {
        if (isUniqueViolation(e))
          return storeError('duplicate_name', `${email} is already a console person`);
        throw e;
      }
      return ok(toPerson(row));
    },
    async get(idOrEmail) {
      const row = await find(idOrEmail);
      return row && toPerson(row);
    },
    async credentials(email) {
      const row = await find(email);
      return row && { person: toPerson(row), passwordHash: row.password_hash };
    },
    async list() {
      const rows = await db.selectFrom('console_people').selectAll().orderBy('email').execute();
      return rows.map(toPerson);
    },
    async any() {
      const row = await db.selectFrom('console_people').select('id').limit(1).executeTakeFirst();
      return row !== undefined;
    },
    async update(idOrEmail, change) {
      const row = await find(idOrEmail);
      if (!row) return undefined;
      await db
        .updateTable('console_people')
        .set({
          ...(change.role ? { role: change.role } : {}),
          ...(change.passwordHash !== undefined ? { password_hash: change.passwordHash } : {}),
          updated_at: now(),
        })
        .where('id', '=', row.id)
        .execute();
      return toPerson((await find(row.id))!);
    },
    async signedIn(id) {
      await db
        .updateTable('console_people')
        .set({ last_login_at: now() })
        .where('id', '=', id)
        .execute();
    },
    async remove(idOrEmail) {
      const row = await find(idOrEmail);
      if (!row) return undefined;
      await db.deleteFrom('console_people').where('id', '=', row.id).execute();
      return toPerson(row);
    },
  };
}
