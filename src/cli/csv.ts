// The CSV reader for CLI commands that take spreadsheets (gatehouse enrich), over csv-parse. It
// streams: chunks are parsed as they arrive and records come out one at a time, so a large file is
// never held in memory (and one record may not grow past a bound). Quoted fields may hold commas,
// doubled quotes and line breaks. Records stay arrays of strings: a header cell is never used as an
// object key here, so a column named `__proto__` or `constructor` is only text.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';

import { CsvError as ParseError, parse, type Options } from 'csv-parse';

/** A file that is not readable as CSV; `line` is where the record the reader gave up on begins. */
export class CsvError extends Error {
  override readonly name = 'CsvError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`${message} (line ${line})`);
  }
}

/** One record and the line it starts on (1-based). */
export interface CsvRecord {
  readonly fields: string[];
  readonly line: number;
}

/**
 * The most characters one record may hold. People and company rows are well under a kilobyte; a
 * record this long is a quote left open that would otherwise swallow the rest of the file.
 */
export const maxRecordLength = 1024 * 1024;

const options: Options = {
  bom: true,
  // Spreadsheets write a quote inside an unquoted field as it is ('5" floppy'): keep it as text.
  relax_quotes: true,
  // With relax_quotes alone, text after a closing quote ('"x"y') would be taken as text too; with
  // rtrim the parser refuses it, as it must (such a file is not CSV). rtrim also drops whitespace
  // at the end of an unquoted field and between a closing quote and the next comma.
  rtrim: true,
  // A ragged row is reported by the caller, which knows the header's width.
  relax_column_count: true,
  // A blank line comes through as [''] (see isBlankRecord) so line numbers stay true.
  skip_empty_lines: false,
  // Records end at CRLF, LF or CR, mixed within one file as editors leave them.
  record_delimiter: ['\r\n', '\n', '\r'],
  max_record_size: maxRecordLength,
};

const lineBreaks = /\r\n|\r|\n/g;

/** The message for what csv-parse refused, in words for the person who gave the file. */
function describeParseError(error: ParseError): string {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field is never closed';
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'text after a closing quote (a quote inside a quoted field must be doubled)';
    case 'CSV_MAX_RECORD_SIZE':
      return `a record is longer than ${maxRecordLength / 1024 / 1024} MiB of text (is a quote left open?)`;
    default:
      return error.message;
  }
}

const binary = 'contains binary data (a NUL byte), not text';

/**
 * Parses CSV text arriving in chunks (strings or UTF-8 bytes). A UTF-8 byte-order mark is dropped.
 * Lenient where spreadsheets are (a quote inside an unquoted field is kept as text) and strict where
 * the file cannot be CSV: a NUL byte, text after a closing quote, a quoted field still open at the
 * end, or a record longer than {@link maxRecordLength}. Errors other than these (the file cannot be
 * read) come through as they are.
 */
export async function* parseCsv(
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
): AsyncGenerator<CsvRecord> {
  // NUL never ends a field, so each one lands in a record (or in the error for an unfinished one):
  // records are searched for it only once the bytes are known to hold one.
  let sawNul = false;
  async function* bytes() {
    for await (const chunk of chunks) {
      const data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      if (!sawNul && data.includes(0)) sawNul = true;
      yield data;
    }
  }
  // The line the next record starts on: every line belongs to one record (blank ones included),
  // and a record spans one line more per line break inside its quoted fields. Counted as the
  // parser emits each record (records it emitted wait in `starts` until read), so an error names
  // the line of the record the parser stopped in.
  let line = 1;
  const starts: number[] = [];
  const onRecord = (fields: string[]): string[] => {
    if (sawNul && fields.some((f) => f.includes('\0'))) throw new CsvError(binary, line);
    starts.push(line);
    line += 1;
    for (const field of fields) if (/[\r\n]/.test(field)) line += field.match(lineBreaks)!.length;
    return fields;
  };
  const source = Readable.from(bytes(), { objectMode: false });
  const parser = source.pipe(parse({ ...options, on_record: onRecord }));
  source.once('error', (e) => parser.destroy(e));
  try {
    for await (const fields of parser as AsyncIterable<string[]>) {
      yield { fields, line: starts.shift()! };
    }
  } catch (e) {
    if (e instanceof ParseError) throw new CsvError(sawNul ? binary : describeParseError(e), line);
    throw e;
  } finally {
    source.destroy();
    parser.destroy();
  }
}

/** Streams the records of a CSV file. */
export function readCsvFile(path: string): AsyncGenerator<CsvRecord> {
  return parseCsv(createReadStream(path, { highWaterMark: 64 * 1024 }));
}

/** True for a record from a blank line (skipped by readers of tables). */
export function isBlankRecord(fields: readonly string[]): boolean {
  return fields.length === 1 && fields[0] === '';
}
