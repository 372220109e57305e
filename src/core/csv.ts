// CSV records as text, for every CSV file Gatehouse writes (the enrich output, the audit export from
// the CLI and the admin API). Pure: it formats strings and does no I/O, so the app and the CLI can
// both use it. Quoting is csv-stringify's (RFC 4180); a cell a spreadsheet would run as a formula is
// neutralised, because both files hold text that came from outside (Apollo's answers, agents' input).
import { stringify, type Options } from 'csv-stringify/sync';

/** What a cell can hold: text, a number (written as it is) or nothing (written as an empty cell). */
export type CsvValue = string | number | null;

const common: Options = {
  // A text starting with = + - @, a tab or a CR (or their full-width forms) gets a leading
  // apostrophe, so Excel, Sheets and Numbers show it instead of running it. Numbers are left alone.
  escape_formulas: true,
  // Quote any line break, not only the record delimiter in use: a lone LF inside a cell of a CRLF
  // file would otherwise start a new row in some readers.
  quoted_match: /[\r\n]/,
};

/**
 * One CSV record with its line end: CRLF by default (RFC 4180), LF where a file has always used it
 * (the audit export). A cell is quoted when it holds a comma, a quote or a line break.
 */
export function csvLine(cells: readonly CsvValue[], lineEnd: '\r\n' | '\n' = '\r\n'): string {
  return stringify([[...cells]], {
    ...common,
    record_delimiter: lineEnd === '\n' ? 'unix' : 'windows',
  });
}

/** One cell as {@link csvLine} writes it, without a line end. */
export function csvCell(value: CsvValue): string {
  return stringify([[value]], { ...common, eof: false });
}
