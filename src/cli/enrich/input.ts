// The input file as `gatehouse enrich` reads it: the header, the data rows (blank lines skipped,
// short rows padded, long ones refused) read twice (once to check and count, once to enrich), and
// every way reading it can fail phrased as one line with exit 2.
import { realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';

import { CsvError, isBlankRecord, readCsvFile } from '../csv.js';
import { CliError } from '../io.js';

/** One data row: its number (1 = the first after the header) and its cells. */
export interface DataRow {
  readonly n: number;
  readonly cells: string[];
}

/** The data rows of the input (blank lines skipped), padded to the header's width. */
export async function* dataRows(path: string, width: number): AsyncGenerator<DataRow> {
  let n = 0;
  let header = true;
  for await (const record of readCsvFile(path)) {
    if (isBlankRecord(record.fields)) continue;
    if (header) {
      header = false;
      continue;
    }
    if (record.fields.length > width)
      throw new CsvError(
        `a row has ${record.fields.length} fields but the header has ${width}`,
        record.line,
      );
    n += 1;
    const cells = record.fields;
    while (cells.length < width) cells.push('');
    yield { n, cells };
  }
}

/** Reads the header and counts the rows, checking the whole file parses. */
export async function scanInput(path: string): Promise<{ header: string[]; total: number }> {
  let header: string[] | null = null;
  for await (const record of readCsvFile(path)) {
    if (!isBlankRecord(record.fields)) {
      header = record.fields;
      break;
    }
  }
  if (!header) throw new CliError(`${path} is empty: expected a header row and data rows`, 2);
  let total = 0;
  for await (const row of dataRows(path, header.length)) total = row.n;
  return { header, total };
}

/** A failure to read the input as the one line the command prints (exit 2). */
export function inputError(path: string, e: unknown): CliError {
  if (e instanceof CliError) return e;
  if (e instanceof CsvError)
    return new CliError(`${path} is not a valid CSV file: ${e.message}`, 2);
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new CliError(`cannot read ${path}: no such file`, 2);
  if (code === 'EISDIR') return new CliError(`cannot read ${path}: it is a folder`, 2);
  return new CliError(`cannot read ${path}: ${(e as Error).message}`, 2);
}

/** Whether two paths name one file (the same path, a link to it, or the same inode). */
export async function sameFile(a: string, b: string): Promise<boolean> {
  if (resolve(a) === resolve(b)) return true;
  try {
    if ((await realpath(a)) === (await realpath(b))) return true;
    const [sa, sb] = await Promise.all([stat(a), stat(b)]);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false; // the output does not exist yet
  }
}
