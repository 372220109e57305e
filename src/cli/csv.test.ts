// Pins the CSV reader's promises beyond plain parsing: each record says the line it starts on
// (blank lines and line breaks inside quotes counted), an error names the record it stopped in,
// one record cannot grow without bound, fields stay strings in arrays whatever the header says, and
// a file that cannot be read fails with the file system's own error.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { CsvError, maxRecordLength, parseCsv, readCsvFile } from './csv.js';

async function records(text: string | Uint8Array[]) {
  const out: Array<{ fields: string[]; line: number }> = [];
  for await (const r of parseCsv(typeof text === 'string' ? [text] : text)) out.push(r);
  return out;
}

async function failure(text: string): Promise<CsvError> {
  try {
    await records(text);
  } catch (e) {
    if (e instanceof CsvError) return e;
    throw e;
  }
  throw new Error('expected the reader to refuse the text');
}

const root = mkdtempSync(join(tmpdir(), 'gatehouse-csv-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('parseCsv', () => {
  it('gives each record the line it starts on, across CRLF, LF, CR and quoted line breaks', async () => {
    const text = 'h1,h2\r\n"a\r\nb",1\r\n\r\n"c\nd\re",2\rlast,3';
    expect(await records(text)).toEqual([
      { fields: ['h1', 'h2'], line: 1 },
      { fields: ['a\r\nb', '1'], line: 2 },
      { fields: [''], line: 4 },
      { fields: ['c\nd\re', '2'], line: 5 },
      { fields: ['last', '3'], line: 8 },
    ]);
  });

  it('keeps UTF-8 characters split across chunks', async () => {
    const bytes = Buffer.from('name\nZoë Ångström\n');
    const chunks = [...bytes].map((b) => Uint8Array.of(b));
    expect((await records(chunks)).map((r) => r.fields)).toEqual([['name'], ['Zoë Ångström']]);
  });

  it('names the line of the record it stopped in', async () => {
    const closing = await failure('a,b\n"multi\nline",1\n"x"y,2\n');
    expect(closing.line).toBe(4);
    expect(closing.message).toMatch(/^text after a closing quote/);
    const open = await failure('a,b\nok,1\n"never\nclosed,2\n');
    expect([open.line, open.message]).toEqual([3, 'a quoted field is never closed (line 3)']);
    const nul = await failure('a,b\nok,1\nbad\u0000,2\n');
    expect([nul.line, nul.message]).toEqual([
      3,
      'contains binary data (a NUL byte), not text (line 3)',
    ]);
  });

  it('refuses a record longer than the bound instead of buffering the rest of the file', async () => {
    const e = await failure(`a,b\n"${'x'.repeat(maxRecordLength + 10)}\n1,2\n`);
    expect(e.message).toMatch(/^a record is longer than 1 MiB of text .*\(line 2\)$/);
  });

  it('drops trailing whitespace of unquoted fields and keeps quoted fields exactly', async () => {
    expect((await records('a ,b\t," c " ,plain"quote\n')).map((r) => r.fields)).toEqual([
      ['a', 'b', ' c ', 'plain"quote'],
    ]);
  });

  it('keeps fields as strings in arrays, whatever the header names', async () => {
    const [head, row] = await records('__proto__,constructor,prototype\n1,2,3\n');
    expect(head!.fields).toEqual(['__proto__', 'constructor', 'prototype']);
    expect(Object.getPrototypeOf(row!.fields)).toBe(Array.prototype);
    expect(row!.fields).toEqual(['1', '2', '3']);
  });
});

describe('readCsvFile', () => {
  it('fails with the file system error when the file cannot be read', async () => {
    const read = async () => {
      for await (const r of readCsvFile(join(root, 'missing.csv'))) void r;
    };
    await expect(read()).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
