// Pins the CSV writer every export uses: RFC 4180 quoting, the chosen line end, and text a
// spreadsheet would run as a formula neutralised while numbers and empty cells are written as is.
import { describe, expect, it } from 'vitest';

import { csvCell, csvLine } from './csv.js';

describe('csvLine', () => {
  it('quotes commas, quotes and every kind of line break, and ends with CRLF by default', () => {
    expect(csvLine(['a', 'b,c', 'd"e', 'f\ng', 'h\ri', ''])).toBe(
      'a,"b,c","d""e","f\ng","h\ri",\r\n',
    );
  });

  it('ends with LF when asked (the audit export) and still quotes a CR LF inside a cell', () => {
    expect(csvLine(['x', 'two\r\nlines'], '\n')).toBe('x,"two\r\nlines"\n');
  });

  it('writes numbers as they are and null as an empty cell', () => {
    expect(csvLine([-3, 2.5, null, 0])).toBe('-3,2.5,,0\r\n');
  });

  it('neutralises text that a spreadsheet would run, including full-width forms', () => {
    expect(['=1+2', '+44', '-x', '@SUM(A1)', '\tcmd', '\uFF1D1', 'a=b'].map(csvCell)).toEqual([
      "'=1+2",
      "'+44",
      "'-x",
      "'@SUM(A1)",
      "'\tcmd",
      "'\uFF1D1",
      'a=b',
    ]);
    expect(csvCell('=HYPERLINK("x", "y")')).toBe(`"'=HYPERLINK(""x"", ""y"")"`);
    expect(csvCell('\rr')).toBe(`"'\rr"`);
  });

  it('writes an empty text and null as nothing', () => {
    expect(csvCell('')).toBe('');
    expect(csvCell(null)).toBe('');
    expect(csvLine([''])).toBe('\r\n');
  });
});
