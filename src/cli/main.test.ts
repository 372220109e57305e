// Pins the dispatcher's contract: help, and one clear stderr line with exit 2 for a bad command.
import { describe, expect, it } from 'vitest';

import type { CliIO } from './io.js';
import { runCli, type Command } from './main.js';

function memoryIO() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    readStdin: async () => '',
    env: {},
  };
  return { io, out, err };
}

const echo: Command = {
  name: 'echo',
  summary: 'Prints its arguments.',
  run: async (args, io) => {
    if (args[0] === '--help') {
      io.out('Usage: gatehouse echo [words]');
      return 0;
    }
    if (args[0] === 'boom') throw new Error('it broke\nwith details');
    io.out(args.join(' '));
    return 0;
  },
};

describe('gatehouse', () => {
  it('lists the commands for --help', async () => {
    const { io, out } = memoryIO();
    expect(await runCli(['--help'], io, [echo])).toBe(0);
    expect(out.join('\n')).toContain('echo  Prints its arguments.');
  });

  it('shows a command’s help for help <command>', async () => {
    const { io, out } = memoryIO();
    expect(await runCli(['help', 'echo'], io, [echo])).toBe(0);
    expect(out).toEqual(['Usage: gatehouse echo [words]']);
  });

  it('answers an unknown command with one line on stderr and exit 2', async () => {
    const { io, out, err } = memoryIO();
    expect(await runCli(['launch'], io, [echo])).toBe(2);
    expect(err).toEqual([
      "gatehouse: unknown command 'launch' (run 'gatehouse --help' for the list)",
    ]);
    expect(out).toEqual([]);
  });

  it('answers a missing command with exit 2', async () => {
    const { io, err } = memoryIO();
    expect(await runCli([], io, [echo])).toBe(2);
    expect(err).toHaveLength(1);
  });

  it('turns a failing command into one line and a non-zero exit', async () => {
    const { io, err } = memoryIO();
    expect(await runCli(['echo', 'boom'], io, [echo])).toBe(1);
    expect(err).toEqual(['gatehouse echo: it broke']);
  });

  it('registers the sandbox command', async () => {
    const { io, out } = memoryIO();
    expect(await runCli(['sandbox', '--help'], io)).toBe(0);
    expect(out.join('\n')).toContain('Usage: gatehouse sandbox');
  });
});
