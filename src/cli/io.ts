import { once } from 'node:events';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** What a command may touch of the outside world; tests pass an in-memory one. */
export interface CliIO {
  out(text: string): void;
  /** Writes text as is and waits while the reader is behind (streaming exports). */
  write?(text: string): Promise<void>;
  err(text: string): void;
  /** All of standard input, as text. */
  readStdin(): Promise<string>;
  readonly env: Record<string, string | undefined>;
}

/** A failure to report as one line on stderr with a non-zero exit. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** The process's own IO. */
export const processIO: CliIO = {
  out: (t) => void process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  write: async (t) => {
    if (!process.stdout.write(t)) await once(process.stdout, 'drain');
  },
  err: (t) => void process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  readStdin: async () => {
    if (process.stdin.isTTY) return '';
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  env: process.env,
};

/** parseArgs with errors phrased for people, naming the command's help. */
export function parse<T extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  args: string[],
  options: T,
  allowPositionals = true,
) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (e) {
    throw new CliError(
      `${(e as Error).message.split('\n')[0]} (see gatehouse ${command} --help)`,
      2,
    );
  }
}

/** Formats rows as an aligned table. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** "3 min ago", "never". */
export function ago(ms: number | null | undefined, now = Date.now()): string {
  if (ms === null || ms === undefined) return 'never';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} days ago`;
}
