// `gatehouse approvals`: the admin's queue from the command line. A call held by the gateway is
// listed with its agent, action and reason; approve runs it once (from the CLI's own process,
// through the same pipeline); reject refuses it; bad input gets one clear line and exit 2.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { StartedGatehouse } from '../../src/app/start.js';
import { getAction } from '../../src/catalog/index.js';
import { runCliWith } from '../helpers/cli.js';
import { startSandboxServer } from '../helpers/sandbox-server.js';

const root = mkdtempSync(join(tmpdir(), 'gatehouse-approvals-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let env: Record<string, string>;
let n = 0;
beforeEach(() => {
  n += 1;
  env = {
    GATEHOUSE_DB: join(root, `a${n}.db`),
    GATEHOUSE_KEY_FILE: join(root, `k${n}`),
    GATEHOUSE_LOG_LEVEL: 'silent',
    USER: 'bob',
  };
});
const run = (args: string[]) => runCliWith(env, args);

let server: StartedGatehouse | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/**
 * Starts the server on the sandbox (the deployment's one sandbox, which the CLI's approvals run
 * against) and holds `count` contact creations for an agent whose grant requires approval.
 */
async function holdCalls(count: number): Promise<{ ids: string[]; token: string }> {
  server = await startSandboxServer(env);
  const created = await server.store.agents.create({
    name: 'writer',
    grants: [
      { target: 'contacts', level: 'full', requiresApproval: true },
      { target: 'contacts.search', level: 'read', requiresApproval: false },
    ],
  });
  if (!created.ok) throw new Error(created.error.message);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${server.url}${getAction('contacts.create')!.path}`, {
      method: 'POST',
      headers: {
        'x-api-key': created.value.token,
        'content-type': 'application/json',
        'x-gatehouse-reason': `lead ${i} from the webinar`,
      },
      body: JSON.stringify({ first_name: 'Ada', last_name: `Byron${i}` }),
    });
    ids.push(((await res.json()) as { approval_id: string }).approval_id);
  }
  return { ids, token: created.value.token };
}

describe('gatehouse approvals', () => {
  it('lists held calls, approves one (it runs) and rejects another, each once', async () => {
    const {
      ids: [first, second],
      token,
    } = await holdCalls(2);
    const listed = await run(['approvals', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(first);
    expect(listed.out).toMatch(/writer\s+contacts\.create/);
    expect(listed.out).toContain('lead 0 from the webinar');

    const json = JSON.parse((await run(['approvals', 'list', '--json'])).out) as {
      approvals: Array<{ id: string; state: string; params: { last_name: string } }>;
    };
    expect(json.approvals.map((a) => a.id).sort()).toEqual([first, second].sort());
    expect(json.approvals.find((a) => a.id === first)?.params.last_name).toBe('Byron0');

    const approved = await run(['approvals', 'approve', first!, '--note', 'fine', '--json']);
    expect(approved.code).toBe(0);
    expect(JSON.parse(approved.out)).toMatchObject({
      approval: { id: first, state: 'done', note: 'fine' },
      result: { status: 200 },
    });
    const rejected = await run(['approvals', 'reject', second!, '--note', 'duplicate']);
    expect(rejected.code).toBe(0);
    expect(rejected.out).toMatch(/^Rejected apr_/);

    // Each held call's own record says who answered it and what they wrote.
    const exported = (await run(['audit', 'export', '--format', 'jsonl'])).out
      .split('\n')
      .map((l) => JSON.parse(l) as { action: string; decision: string; sentence: string });
    const answered = exported.filter((r) => r.action === 'contacts.create');
    expect(answered.map((r) => r.decision).sort()).toEqual(['approved', 'rejected']);
    expect(answered.find((r) => r.decision === 'approved')!.sentence).toMatch(
      /Approved by cli:bob, who wrote: "fine"\.$/,
    );
    expect(answered.find((r) => r.decision === 'rejected')!.sentence).toMatch(
      /Rejected by cli:bob, who wrote: "duplicate"\.$/,
    );

    const twice = await run(['approvals', 'approve', first!]);
    expect(twice.code).toBe(1);
    expect(twice.err).toMatch(/already answered \(done\); an approval is used once/);
    expect((await run(['approvals', 'list'])).out).toBe('No calls wait for approval.');
    const all = JSON.parse((await run(['approvals', 'list', '--all', '--json'])).out) as {
      approvals: Array<{ state: string }>;
    };
    expect(all.approvals.map((a) => a.state).sort()).toEqual(['done', 'rejected']);

    // The approved call ran against the server's sandbox: the agent finds the contact there.
    const result = await fetch(`${server!.url}/api/v1/gatehouse/approvals/${first}`, {
      headers: { 'x-api-key': token },
    });
    expect(result.status).toBe(200);
    const contactId = ((await result.json()) as { contact: { id: string } }).contact.id;
    const search = await fetch(`${server!.url}${getAction('contacts.search')!.path}`, {
      method: 'POST',
      headers: { 'x-api-key': token, 'content-type': 'application/json' },
      body: JSON.stringify({ q_keywords: 'Byron0' }),
    });
    const found = (await search.json()) as { contacts: Array<{ id: string }> };
    expect(search.status, JSON.stringify(found).slice(0, 300)).toBe(200);
    expect(found.contacts.map((c) => c.id)).toContain(contactId);
  });

  it('in sandbox mode with no server running, refuses and names the fix', async () => {
    const r = await run(['approvals', 'approve', 'apr_whatever']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /no Gatehouse server on this database is serving one; .*start the server on this database first \(npm start, or gatehouse start --sandbox\)/,
    );
  });

  it('refuses bad input with one clear line', async () => {
    server = await startSandboxServer(env);
    const cases: Array<[string[], number, RegExp]> = [
      [['approvals', 'approve'], 2, /usage: gatehouse approvals approve <approval-id>/],
      [['approvals', 'nod', 'x'], 2, /unknown subcommand 'approvals nod'/],
      [['approvals', 'list', '--limit', '0'], 2, /--limit must be a whole number/],
      [['approvals', 'approve', 'apr_nope'], 1, /No held call has the id apr_nope/],
      [['approvals', 'list', '--agent', 'ghost'], 2, /no agent named or with id 'ghost'/],
    ];
    for (const [args, code, message] of cases) {
      const r = await run(args);
      expect({ args, code: r.code }).toEqual({ args, code });
      expect(r.err).toMatch(message);
    }
  });
});
