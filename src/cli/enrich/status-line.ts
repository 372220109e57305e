// The one progress line a terminal shows while a run goes, redrawn in place. Only on a terminal:
// piped into a file or a log, stderr gets no control codes and no progress, only the summary.
import { clearLine, cursorTo } from 'node:readline';

/** A line being redrawn; `clear` wipes it before other output, `stop` wipes it for good. */
export interface StatusLine {
  clear(): void;
  stop(): void;
}

const none: StatusLine = { clear: () => undefined, stop: () => undefined };

/** Redraws `render()` on `stream` every `everyMs` when it is a terminal (null: never). */
export function startStatusLine(
  stream: NodeJS.WriteStream | null,
  render: () => string,
  everyMs = 250,
): StatusLine {
  if (!stream?.isTTY) return none;
  const wipe = () => {
    cursorTo(stream, 0);
    clearLine(stream, 0);
  };
  const ticker = setInterval(() => {
    wipe();
    stream.write(render());
  }, everyMs);
  // The line is decoration: it must never keep the process alive.
  ticker.unref();
  return {
    clear: wipe,
    stop() {
      clearInterval(ticker);
      wipe();
    },
  };
}
