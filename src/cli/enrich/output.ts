// The enriched CSV, written once every row is finished: the input's rows in input order with the
// appended cells, into a temporary file that is fsynced and then renamed over the output, so the
// output is either complete or absent.
import { open, rename, rm } from 'node:fs/promises';

import { csvLine } from '../../core/csv.js';
import { CsvError } from '../csv.js';
import { CliError } from '../io.js';

import { dataRows, inputError } from './input.js';
import type { Finished } from './outcome.js';

/** Writes `out` from `input` and the finished rows; throws a CliError when it cannot. */
export async function writeOutput(o: {
  readonly input: string;
  readonly out: string;
  readonly header: readonly string[];
  readonly appended: readonly string[];
  readonly results: ReadonlyMap<number, Finished>;
}): Promise<void> {
  const temp = `${o.out}.tmp-${process.pid}`;
  const file = await open(temp, 'w', 0o600).catch((e: Error) => {
    throw new CliError(`cannot write ${o.out}: ${e.message}`);
  });
  try {
    let chunk = csvLine([...o.header, ...o.appended]);
    for await (const row of dataRows(o.input, o.header.length)) {
      const r = o.results.get(row.n);
      if (!r) throw new CliError(`${o.input} changed while it was being enriched; run again`);
      chunk += csvLine([...row.cells, ...r.cells]);
      if (chunk.length >= 64 * 1024) {
        await file.write(chunk);
        chunk = '';
      }
    }
    await file.write(chunk);
    await file.sync();
    await file.close();
    await rename(temp, o.out);
  } catch (e) {
    await file.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw e instanceof CsvError ? inputError(o.input, e) : e;
  }
}
