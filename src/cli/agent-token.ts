// How commands that act as an agent (mcp, enrich) get its token: from a file or
// GATEHOUSE_AGENT_TOKEN, never from argv, where process lists and shell history keep it.
import { readFile } from 'node:fs/promises';

import { CliError } from './io.js';

/** Refuses `--token` on the command line before anything else is parsed (so it is never echoed). */
export function refuseTokenOnArgv(args: readonly string[], exitCode?: number): void {
  if (args.some((a) => a === '--token' || a.startsWith('--token='))) {
    throw new CliError(
      'Do not pass the agent token on the command line: other users can read it in the process list. Use --token-file <path> or GATEHOUSE_AGENT_TOKEN.',
      exitCode,
    );
  }
}

/** The token from `--token-file`, else GATEHOUSE_AGENT_TOKEN; undefined when neither is given. */
export async function readAgentToken(
  tokenFile: unknown,
  env: Readonly<Record<string, string | undefined>>,
  exitCode?: number,
): Promise<string | undefined> {
  if (typeof tokenFile !== 'string') return env.GATEHOUSE_AGENT_TOKEN?.trim() || undefined;
  try {
    return (await readFile(tokenFile, 'utf8')).trim() || undefined;
  } catch (e) {
    throw new CliError(
      `cannot read the token file ${tokenFile}: ${(e as Error).message}`,
      exitCode,
    );
  }
}
