// Pins `gatehouse sandbox` flag handling: every bad flag is one clear line and exit 2.
import { describe, expect, it } from 'vitest';

import type { CliIO } from '../io.js';
import { runCli } from '../main.js';

import { readSandboxFlags } from './sandbox.js';

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    readStdin: async () => '',
    env: {},
  };
  const code = await runCli(['sandbox', ...args], io);
  return { code, out, err };
}

describe('gatehouse sandbox flags', () => {
  it.each([
    [['--port', 'abc'], /--port must be a whole number from 0 to 65535/],
    [['--port', '70000'], /--port must be a whole number/],
    [['--plan', 'gold'], /--plan must be one of free, basic, professional, organization/],
    [['--seed', '1.5'], /--seed must be a whole number/],
    [['--scoped-key', 'sk'], /--scoped-key and --scoped-endpoints go together/],
    [['--scoped-key', 'sk', '--scoped-endpoints', 'nowhere'], /unknown endpoint 'nowhere'/],
    [
      ['--master-key', 'k', '--scoped-key', 'k', '--scoped-endpoints', 'people.search'],
      /different/,
    ],
    [['--colour'], /Unknown option '--colour'/],
    [['extra'], /positional/i],
  ])('refuses %j with one line and exit 2', async (args, message) => {
    const { code, out, err } = await run(args);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^gatehouse sandbox: /);
    expect(err[0]).toMatch(message);
  });

  it('prints its help', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    expect(out.join('\n')).toContain('--scoped-endpoints');
  });

  it('resolves scoped endpoints and applies the defaults', () => {
    const settings = readSandboxFlags({
      'master-key': ['mk'],
      'scoped-key': 'sk',
      'scoped-endpoints': 'mixed_people/api_search, contacts.search',
    });
    expect(settings).toEqual({
      port: 8788,
      host: '127.0.0.1',
      plan: 'basic',
      seed: 1,
      masterKeys: ['mk'],
      scopedKeys: [
        { key: 'sk', endpoints: ['api/v1/mixed_people/api_search', 'api/v1/contacts/search'] },
      ],
    });
  });

  it('makes a read-only scoped key when none is given', () => {
    const { scopedKeys } = readSandboxFlags({});
    expect(scopedKeys).toHaveLength(1);
    expect(scopedKeys[0]?.endpoints).toContain('api/v1/mixed_people/api_search');
    expect(scopedKeys[0]?.endpoints).not.toContain('api/v1/contacts/create');
    // Master-key-only endpoints (the phone-call ones) are out of any scoped key's reach.
    expect(scopedKeys[0]?.endpoints).not.toContain('api/v1/phone_calls/search');
    expect(scopedKeys[0]?.endpoints).toContain('api/v1/users/search');
  });
});
