// An online backup of a SQLite database: SQLite's backup API (through better-sqlite3) copies the
// database page by page while Gatehouse keeps serving, and the copy is consistent as of one moment,
// WAL included. The copy is owner-only (it holds the sealed Apollo credential, token hashes and the
// audit trail), never overwrites a file, and is checked (integrity_check) before it is reported.
// Postgres has its own tools (pg_dump), which this module only names.
import { existsSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

import SqliteDatabase from 'better-sqlite3';

import { restrictSqliteFiles } from './dialect.js';

/** What a finished backup holds. */
export interface BackupReport {
  readonly to: string;
  readonly bytes: number;
  readonly agents: number;
  readonly auditRecords: number;
}

/** Why a backup was not made, in words for the operator. */
export class BackupRefused extends Error {
  override readonly name = 'BackupRefused';
}

/** The commands that back up and restore a Postgres database (the data key goes separately). */
export const postgresBackupHelp = [
  'Postgres is backed up with its own tools, online:',
  '  pg_dump --format=custom --file=gatehouse.dump "$GATEHOUSE_DB_URL_WITHOUT_OPTIONS"   (add --schema=<name> for a schema other than public)',
  'and restored into an empty database (Gatehouse stopped):',
  '  pg_restore --clean --if-exists --no-owner --dbname="$GATEHOUSE_DB_URL_WITHOUT_OPTIONS" gatehouse.dump',
  'Keep the data key (GATEHOUSE_SECRET_KEY, and any previous keys) apart from the dump: one without the other cannot open the Apollo credential.',
].join('\n');

/** Copies the SQLite database at `from` to the new file `to`, online; throws BackupRefused. */
export async function backupSqlite(from: string, to: string): Promise<BackupReport> {
  if (!existsSync(from)) throw new BackupRefused(`There is no database at ${from}.`);
  if (existsSync(to)) throw new BackupRefused(`${to} exists: a backup never overwrites a file.`);
  if (!existsSync(dirname(to) || '.'))
    throw new BackupRefused(`The folder of ${to} does not exist.`);
  // Written under a temporary name and renamed once checked, so `to` is never a partial copy.
  const partial = join(dirname(to), `.${basename(to)}.partial`);
  rmSync(partial, { force: true });
  restrictSqliteFiles(partial);
  const source = new SqliteDatabase(from, { readonly: true, fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    await source.backup(partial);
  } catch (e) {
    rmSync(partial, { force: true });
    throw new BackupRefused(`The backup failed: ${(e as Error).message}`);
  } finally {
    source.close();
  }
  const copy = new SqliteDatabase(partial, { readonly: true, fileMustExist: true });
  let report: Omit<BackupReport, 'to'>;
  try {
    const check = copy.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new BackupRefused(`The copy failed its integrity check: ${check}`);
    const count = (table: string) =>
      (copy.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    report = {
      bytes:
        (copy.pragma('page_count', { simple: true }) as number) *
        (copy.pragma('page_size', { simple: true }) as number),
      agents: count('agents'),
      auditRecords: count('audit_records'),
    };
  } catch (e) {
    copy.close();
    rmSync(partial, { force: true });
    if (e instanceof BackupRefused) throw e;
    throw new BackupRefused(`The copy is not a Gatehouse database: ${(e as Error).message}`);
  }
  copy.close();
  renameSync(partial, to);
  return { to, ...report };
}
