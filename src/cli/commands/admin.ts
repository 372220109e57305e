import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';

import { publicPerson } from '../../services/admin/public.js';
import { cliActor } from '../../services/admin/changes.js';
import { createConsolePeople, roleWords } from '../../services/admin/people.js';
import { consoleRoles, type ConsoleRole } from '../../store/index.js';
import { ago, CliError, parse, table, type CliIO } from '../io.js';
import { storeOptions, withStore } from '../with-store.js';

const help = `Usage: gatehouse admin add <email> --role viewer|approver|admin [--password-file <path> | --generate-password | --no-password]
       gatehouse admin list [--json]
       gatehouse admin role <email> viewer|approver|admin
       gatehouse admin password <email> [--password-file <path> | --generate-password | --no-password]
       gatehouse admin remove <email>

The people who sign in to the console as themselves, each with a role:
  viewer    ${roleWords.viewer}
  approver  ${roleWords.approver}
  admin     ${roleWords.admin}
A request beyond a person's role is refused and recorded; every record they cause names them.
The admin token (GATEHOUSE_ADMIN_TOKEN) stays for automation and has every role.

The password comes from standard input (one line) or --password-file; --generate-password makes
a strong one and prints it once; --no-password: they sign in only with the identity provider
(GATEHOUSE_OIDC_ISSUER), whose verified email must be this one. Passwords are stored only as scrypt hashes. A role change or a
removal applies to the person's live sessions at once. Every change is audited (admin.person_*)
as cli:<your user name>.

Options: --role  --password-file  --generate-password  --no-password  --db  --json  --help`;

/** `gatehouse admin …` */
export async function adminCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse('admin', args, {
    ...storeOptions,
    role: { type: 'string' },
    'password-file': { type: 'string' },
    'generate-password': { type: 'boolean', default: false },
    'no-password': { type: 'boolean', default: false },
  });
  if (values.help) {
    io.out(help);
    return 0;
  }
  const [sub, email, ...rest] = positionals;
  const by = cliActor(io.env);
  const role = (text: string | undefined, usage: string): ConsoleRole => {
    if (text === undefined) throw new CliError(usage, 2);
    if (!(consoleRoles as readonly string[]).includes(text)) {
      throw new CliError(`a role is one of ${consoleRoles.join(', ')}, not '${text}'`, 2);
    }
    return text as ConsoleRole;
  };
  const password = async (): Promise<{ password: string | null; generated: boolean }> => {
    if (values['no-password']) {
      if (values['password-file'] !== undefined || values['generate-password']) {
        throw new CliError('--no-password means no password: drop the other password option', 2);
      }
      return { password: null, generated: false };
    }
    if (values['generate-password']) {
      if (values['password-file'] !== undefined) {
        throw new CliError('give --password-file or --generate-password, not both', 2);
      }
      return { password: randomBytes(18).toString('base64url'), generated: true };
    }
    const raw =
      values['password-file'] !== undefined
        ? await readFile(values['password-file'], 'utf8').catch((e: Error) => {
            throw new CliError(`cannot read ${values['password-file']}: ${e.message}`);
          })
        : await io.readStdin();
    const line = raw.replace(/\r?\n$/, '');
    if (!line) {
      throw new CliError(
        'no password given: pipe it on standard input, pass --password-file <path>, or --generate-password',
        2,
      );
    }
    if (line.includes('\n')) throw new CliError('the password must be a single line', 2);
    return { password: line, generated: false };
  };
  const done = (r: { ok: true } | { ok: false; error: { message: string } }) => {
    if (!r.ok) throw new CliError(r.error.message);
  };
  const needEmail = (usage: string) => {
    if (!email || rest.length) throw new CliError(usage, 2);
    return email;
  };

  switch (sub) {
    case 'add': {
      const address = needEmail(
        'usage: gatehouse admin add <email> --role viewer|approver|admin [--password-file <path> | --generate-password | --no-password]',
      );
      const r = role(values.role, 'say which role: --role viewer, approver or admin');
      const secret = await password();
      return withStore(io, values, async (store) => {
        const added = await createConsolePeople({ store }).add(
          { email: address, role: r, password: secret.password },
          by,
        );
        done(added);
        if (!added.ok) return 1;
        if (values.json) {
          io.out(
            JSON.stringify({
              email: added.value.email,
              role: added.value.role,
              ...(secret.generated ? { password: secret.password } : {}),
            }),
          );
        } else {
          io.out(`Added ${added.value.email} as ${added.value.role}: they can ${roleWords[r]}.`);
          if (secret.generated) io.out(`Password (shown once): ${secret.password}`);
        }
        return 0;
      });
    }
    case 'role': {
      const address = email;
      if (!address || rest.length !== 1) {
        throw new CliError('usage: gatehouse admin role <email> viewer|approver|admin', 2);
      }
      const r = role(rest[0], 'usage: gatehouse admin role <email> viewer|approver|admin');
      return withStore(io, values, async (store) => {
        const changed = await createConsolePeople({ store }).setRole(address, r, by);
        done(changed);
        if (changed.ok) io.out(`${changed.value.email} is now ${r}: they can ${roleWords[r]}.`);
        return 0;
      });
    }
    case 'password': {
      const address = needEmail(
        'usage: gatehouse admin password <email> [--password-file <path> | --generate-password | --no-password]',
      );
      const secret = await password();
      return withStore(io, values, async (store) => {
        const changed = await createConsolePeople({ store }).setPassword(
          address,
          secret.password,
          by,
        );
        done(changed);
        if (changed.ok) {
          io.out(
            secret.password === null
              ? `${changed.value.email} now signs in only with the identity provider.`
              : `Set a new password for ${changed.value.email}.`,
          );
        }
        if (secret.generated) io.out(`Password (shown once): ${secret.password}`);
        return 0;
      });
    }
    case 'remove': {
      const address = needEmail('usage: gatehouse admin remove <email>');
      return withStore(io, values, async (store) => {
        const removed = await createConsolePeople({ store }).remove(address, by);
        done(removed);
        if (removed.ok) {
          io.out(`Removed ${removed.value.email}; their console sessions have ended.`);
        }
        return 0;
      });
    }
    case undefined:
    case 'list': {
      if (email !== undefined) throw new CliError('usage: gatehouse admin list [--json]', 2);
      return withStore(io, values, async (store) => {
        const people = await store.people.list();
        if (values.json) {
          io.out(
            JSON.stringify({
              people: people.map(publicPerson),
            }),
          );
        } else if (!people.length) {
          io.out('Nobody signs in as themselves yet: gatehouse admin add <email> --role admin.');
        } else {
          io.out(
            table(
              ['EMAIL', 'ROLE', 'ADDED BY', 'ADDED', 'LAST SIGN-IN'],
              people.map((p) => [
                p.email,
                p.role,
                p.createdBy,
                ago(p.createdAt),
                p.lastLoginAt === null ? 'never' : ago(p.lastLoginAt),
              ]),
            ),
          );
        }
        return 0;
      });
    }
    default:
      throw new CliError(`unknown subcommand 'admin ${sub}' (see gatehouse admin --help)`, 2);
  }
}
