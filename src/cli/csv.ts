// A small RFC 4180 CSV reader and writer for CLI commands that take spreadsheets (gatehouse enrich).
// The reader streams: it decodes chunks as they arrive and yields one record at a time, so a large
// file is never held in memory. Quoted fields may hold commas, doubled quotes and line breaks.
import { createReadStream } from 'node:fs';

/** A file that is not readable as CSV; `line` is where the reader gave up (1-based). */
export class CsvError extends Error {
  override readonly name = 'CsvError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`${message} (line ${line})`);
  }
}

/** One record and the line it starts on. */
export interface CsvRecord {
  readonly fields: string[];
  readonly line: number;
}

/**
 * Parses CSV text arriving in chunks (strings or UTF-8 bytes). Records end at CRLF, LF or CR; a
 * UTF-8 byte-order mark is dropped. Lenient where spreadsheets are (a quote inside an unquoted
 * field is kept as text) and strict where the file cannot be CSV: a NUL byte, text after a closing
 * quote, or a quoted field still open at the end.
 */
export async function* parseCsv(
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
): AsyncGenerator<CsvRecord> {
  const decoder = new TextDecoder('utf-8');
  // States: at the start of a field, in an unquoted field, in a quoted one, just after a quote
  // inside a quoted field (either a doubled quote or the closing one).
  let state = 'start' as 'start' | 'plain' | 'quoted' | 'quote';
  let field = '';
  let fields: string[] = [];
  let line = 1;
  let recordLine = 1;
  let first = true;
  let lastWasCr = false;
  const out: CsvRecord[] = [];

  const endField = () => {
    fields.push(field);
    field = '';
  };
  const endRecord = () => {
    endField();
    out.push({ fields, line: recordLine });
    fields = [];
    state = 'start';
  };

  const feed = (text: string) => {
    let i = 0;
    if (first && text.length > 0) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) i = 1;
    }
    for (; i < text.length; i++) {
      const c = text[i]!;
      if (c === '\0') throw new CsvError('contains binary data (a NUL byte), not text', line);
      // A CR LF pair ends one record: the LF after a CR that ended a record is skipped.
      if (lastWasCr) {
        lastWasCr = false;
        if (c === '\n' && state === 'start' && fields.length === 0 && field === '') continue;
      }
      switch (state) {
        case 'start':
        case 'plain':
          if (c === ',') {
            endField();
            state = 'start';
          } else if (c === '\n' || c === '\r') {
            endRecord();
            line += 1;
            recordLine = line;
            lastWasCr = c === '\r';
          } else if (c === '"' && state === 'start') {
            state = 'quoted';
          } else {
            field += c;
            state = 'plain';
          }
          break;
        case 'quoted':
          if (c === '"') state = 'quote';
          else {
            if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line += 1;
            field += c;
          }
          break;
        case 'quote':
          if (c === '"') {
            field += '"';
            state = 'quoted';
          } else if (c === ',') {
            endField();
            state = 'start';
          } else if (c === '\n' || c === '\r') {
            endRecord();
            line += 1;
            recordLine = line;
            lastWasCr = c === '\r';
          } else {
            throw new CsvError(
              `unexpected ${JSON.stringify(c)} after a closing quote (a quote inside a quoted field must be doubled)`,
              line,
            );
          }
          break;
      }
    }
  };

  for await (const chunk of chunks) {
    feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    yield* out.splice(0);
  }
  feed(decoder.decode());
  if (state === 'quoted') throw new CsvError('a quoted field is never closed', recordLine);
  // The last record needs no line break after it.
  if (state !== 'start' || field !== '' || fields.length > 0) endRecord();
  yield* out.splice(0);
}

/** Streams the records of a CSV file. */
export function readCsvFile(path: string): AsyncGenerator<CsvRecord> {
  return parseCsv(createReadStream(path, { highWaterMark: 64 * 1024 }));
}

/** True for a record from a blank line (skipped by readers of tables). */
export function isBlankRecord(fields: readonly string[]): boolean {
  return fields.length === 1 && fields[0] === '';
}

/**
 * One CSV cell (the enrich output and the audit export): a text a spreadsheet would run as a
 * formula (starting with = + - @, a tab or a CR) gets a leading apostrophe; numbers are written as
 * they are and null as nothing; then it is quoted when it holds a comma, a quote or a line break.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  const s = typeof value === 'string' && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV record with its CRLF line end (RFC 4180). */
export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
