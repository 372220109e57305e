// `gatehouse backup --to <file>`: an online, checked copy of the SQLite database while Gatehouse
// runs; on Postgres, the pg_dump / pg_restore commands to use instead.
import { resolve } from 'node:path';

import {
  backupSqlite,
  BackupRefused,
  isPostgresUrl,
  postgresBackupHelp,
} from '../../store/index.js';
import { CliError, parse, type CliIO } from '../io.js';
import { commandConfig } from '../with-store.js';

const help = `Usage: gatehouse backup --to <file> [--db <path>] [--json]

Copies the SQLite database to <file> while Gatehouse keeps running (SQLite's online backup: one
consistent moment, the write-ahead log included), checks the copy and prints what it holds. The
copy is readable by its owner only and never overwrites a file.

Restore: stop Gatehouse, put the copy in place of the database file (or point GATEHOUSE_DB at it)
and start; the data key (GATEHOUSE_SECRET_KEY or the key file) must be the one the backup was made
with. Keep the data key apart from the backup: one without the other cannot open the Apollo
credential.

On Postgres this prints the pg_dump and pg_restore commands to use.`;

/** `gatehouse backup` */
export async function backupCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parse(
    'backup',
    args,
    {
      to: { type: 'string' },
      db: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    false,
  );
  if (values.help) {
    io.out(help);
    return 0;
  }
  const config = commandConfig(io, { db: values.db });
  if (isPostgresUrl(config.db)) {
    io.err(postgresBackupHelp);
    return 2;
  }
  if (!values.to)
    throw new CliError('Name the copy with --to <file> (see gatehouse backup --help)', 2);
  try {
    const report = await backupSqlite(resolve(config.db), resolve(values.to));
    if (values.json) {
      io.out(JSON.stringify({ ...report, database: resolve(config.db) }));
    } else {
      io.out(
        `Backed up ${resolve(config.db)} to ${report.to}: ${report.agents} agents, ${report.auditRecords} audit records, ${Math.ceil(report.bytes / 1024)} KiB (integrity checked).`,
      );
    }
    return 0;
  } catch (e) {
    if (e instanceof BackupRefused) throw new CliError(e.message, 1);
    throw e;
  }
}
