// Runs `gatehouse <args>` in process with a captured CliIO, for CLI tests.
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

/** What a command printed and its exit code. `out` keeps line breaks and drops the last one. */
export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs the CLI with these environment variables and standard input. */
export async function runCliWith(
  env: Record<string, string | undefined>,
  args: string[],
  stdin = '',
): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    out: (t) => void out.push(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => void err.push(t),
    write: async (t) => void out.push(t),
    readStdin: async () => stdin,
    env: env as Record<string, string>,
  };
  const code = await runCli(args, io);
  return { code, out: out.join('').trimEnd(), err: err.join('\n') };
}
