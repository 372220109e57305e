// `gatehouse approvals`: the admin's queue from the command line. A call held by the gateway is
// listed with its agent, action and reason; approve runs it once (from the CLI's own process,
// through the same pipeline); reject refuses it; bad input gets one clear line and exit 2.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeEach, describe, expect, it } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { openGateway } from '../../src/app/start.js';
import { getAction } from '../../src/catalog/index.js';
import { loadConfig } from '../../src/config/config.js';
import { runCliWith } from '../helpers/cli.js';

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

/** Holds `count` contact creations for an agent whose contacts grant requires approval. */
async function holdCalls(count: number): Promise<string[]> {
  const g = await openGateway(loadConfig({ env }), createLogger({ level: 'silent' }));
  try {
    const created = await g.store.agents.create({
      name: 'writer',
      grants: [{ target: 'contacts', level: 'full', requiresApproval: true }],
    });
    if (!created.ok) throw new Error(created.error.message);
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const res = await g.app.app.request(getAction('contacts.create')!.path, {
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
    return ids;
  } finally {
    await g.close();
  }
}

describe('gatehouse approvals', () => {
  it('lists held calls, approves one (it runs) and rejects another, each once', async () => {
    const [first, second] = await holdCalls(2);
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
  });

  it('refuses bad input with one clear line', async () => {
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
