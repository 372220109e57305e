// The progress file next to the output (<out.csv>.progress): a header line saying what the saved
// rows were made from, then one JSON line per finished row, fsynced before the row counts as done,
// so an interrupted or capped run resumes without paying for them again.
import { open, readFile, type FileHandle } from 'node:fs/promises';

import { CliError } from '../io.js';

import type { ColumnMap } from './identity.js';
import type { Finished } from './outcome.js';

/** The progress file's first line: what the saved rows were made from. */
export interface ProgressHeader {
  readonly gatehouse_enrich: 1;
  readonly header: string[];
  readonly columns: ColumnMap;
  readonly reveal: boolean;
  readonly agent: string;
}

/** Reads a progress file: its header and the finished rows (the last entry per row wins). */
export async function loadProgress(
  path: string,
): Promise<{ header: ProgressHeader; rows: Map<number, Finished> } | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CliError(`cannot read the progress file ${path}: ${(e as Error).message}`, 2);
  }
  const lines = text.split('\n');
  let header: ProgressHeader;
  try {
    header = JSON.parse(lines[0] ?? '') as ProgressHeader;
    if (header.gatehouse_enrich !== 1) throw new Error('not a progress file');
  } catch {
    throw new CliError(
      `${path} is not a gatehouse enrich progress file; move or delete it to start over`,
      2,
    );
  }
  const rows = new Map<number, Finished>();
  for (const line of lines.slice(1)) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as Finished;
      if (Number.isInteger(entry.row) && Array.isArray(entry.cells)) rows.set(entry.row, entry);
    } catch {
      // A line cut short by a crash: that row is simply enriched again (the cache makes it free).
    }
  }
  return { header, rows };
}

/** Appends finished rows to the progress file, fsyncing each batch before it resolves. */
export class ProgressLog {
  private pending: Array<{ line: string; done: () => void; fail: (e: unknown) => void }> = [];
  private flushing: Promise<void> | null = null;
  private constructor(private readonly file: FileHandle) {}

  /** Starts a new file with `header`, or (null) appends to the one a resumed run left. */
  static async open(path: string, header: ProgressHeader | null): Promise<ProgressLog> {
    const file = await open(path, header ? 'w' : 'a', 0o600);
    if (header) {
      await file.write(`${JSON.stringify(header)}\n`);
      await file.sync();
    }
    return new ProgressLog(file);
  }

  append(entry: Finished): Promise<void> {
    return new Promise((done, fail) => {
      this.pending.push({ line: `${JSON.stringify(entry)}\n`, done, fail });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0);
      try {
        await this.file.write(batch.map((b) => b.line).join(''));
        await this.file.sync();
        for (const b of batch) b.done();
      } catch (e) {
        for (const b of batch) b.fail(e);
      }
    }
    this.flushing = null;
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.file.close();
  }
}
