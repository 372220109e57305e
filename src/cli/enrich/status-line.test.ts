// Pins where the progress line goes: a terminal gets it redrawn in place and wiped at the end;
// anything else (a pipe, a log file, no stream) gets nothing at all, no control codes either.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { startStatusLine } from './status-line.js';

function fakeStream(isTTY: boolean) {
  const written: string[] = [];
  const stream = {
    isTTY,
    write: (text: string, cb?: () => void) => {
      written.push(text);
      cb?.();
      return true;
    },
  };
  return { stream: stream as unknown as NodeJS.WriteStream, written };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('startStatusLine', () => {
  it('redraws the line on a terminal every interval and wipes it when stopped', () => {
    const { stream, written } = fakeStream(true);
    let n = 0;
    const line = startStatusLine(stream, () => `row ${++n}`, 250);
    expect(written).toEqual([]);
    vi.advanceTimersByTime(500);
    expect(written.filter((t) => t.startsWith('row'))).toEqual(['row 1', 'row 2']);
    expect(written.join('')).toContain('\x1b[2K');
    line.stop();
    const after = written.length;
    expect(written.slice(-1)[0]).toBe('\x1b[2K');
    vi.advanceTimersByTime(1000);
    expect(written.length).toBe(after);
  });

  it('writes nothing when the stream is not a terminal or there is none', () => {
    const { stream, written } = fakeStream(false);
    const render = vi.fn(() => 'progress');
    const piped = startStatusLine(stream, render, 250);
    const none = startStatusLine(null, render, 250);
    vi.advanceTimersByTime(2000);
    piped.clear();
    none.clear();
    piped.stop();
    none.stop();
    expect(written).toEqual([]);
    expect(render).not.toHaveBeenCalled();
  });
});
