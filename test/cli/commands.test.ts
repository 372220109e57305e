// Pins the CLI contract of design.md: tokens printed once, --json documents for scripts, one clear
// line and a non-zero exit on every failure, explain using the gateway's own decision, streaming export.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeEach, describe, expect, it } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { openStore } from '../../src/store/open-store.js';
import { startGatehouse } from '../../src/app/start.js';
import { loadConfig } from '../../src/config/config.js';
import { createSandbox } from '../../src/sandbox/index.js';
import { createWorld } from '../../src/sandbox/world/index.js';
import { runCliWith } from '../helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'gatehouse-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let env: Record<string, string>;
let n = 0;

beforeEach(() => {
  const dir = join(root, String(++n));
  env = {
    GATEHOUSE_DB: join(dir, '..', `g${n}.db`),
    GATEHOUSE_KEY_FILE: join(root, `k${n}`),
    GATEHOUSE_LOG_LEVEL: 'silent',
  };
});

const run = (args: string[], stdin = '') => runCliWith(env, args, stdin);

describe('gatehouse agent', () => {
  it('prints the token once, stores only its hash, and lists the agent without it', async () => {
    const created = await run([
      'agent',
      'create',
      'outreach-bot',
      '--grant',
      'people=read',
      '--grant',
      'contacts.create=full',
      '--json',
    ]);
    expect(created.code).toBe(0);
    const doc = JSON.parse(created.out) as {
      id: string;
      name: string;
      token: string;
      grants: unknown[];
    };
    expect(doc.name).toBe('outreach-bot');
    expect(doc.token).toMatch(/^gh_agent_[A-Za-z0-9_-]{43}$/);
    expect(doc.grants).toEqual([
      { target: 'contacts.create', level: 'full', approval: false },
      { target: 'people', level: 'read', approval: false },
    ]);
    expect(readFileSync(env.GATEHOUSE_DB!).includes(Buffer.from(doc.token))).toBe(false);

    const listed = await run(['agent', 'list']);
    expect(listed.out).toContain('outreach-bot');
    expect(listed.out).not.toContain(doc.token);
    const shown = await run(['agent', 'show', 'outreach-bot', '--json']);
    expect(JSON.parse(shown.out).token).toBeUndefined();
  });

  it('rotates (old token dead at once) and revokes', async () => {
    const { out } = await run(['agent', 'create', 'bot', '--json']);
    const old = (JSON.parse(out) as { token: string }).token;
    const rotated = JSON.parse((await run(['agent', 'rotate', 'bot', '--json'])).out) as {
      token: string;
    };
    expect(rotated.token).not.toBe(old);
    const store = await openStore(loadConfig({ env }), createLogger({ level: 'silent' }));
    expect(await store.agents.findByToken(old)).toBeUndefined();
    expect((await store.agents.findByToken(rotated.token))?.name).toBe('bot');
    await store.close();
    expect((await run(['agent', 'revoke', 'bot'])).out).toMatch(/no longer works/);
    expect(JSON.parse((await run(['agent', 'show', 'bot', '--json'])).out).status).toBe('revoked');
  });

  it('fails with one clear line and a non-zero exit', async () => {
    const dup = await run(['agent', 'create', 'same']);
    expect(dup.code).toBe(0);
    const again = await run(['agent', 'create', 'same']);
    expect(again.code).not.toBe(0);
    expect(again.err.split('\n')).toHaveLength(1);
    const badGrant = await run(['agent', 'create', 'x', '--grant', 'people=write']);
    expect(badGrant.code).toBe(2);
    expect(badGrant.err).toMatch(/expected target=level/);
    expect((await run(['agent', 'show', 'nobody'])).err).toMatch(/no agent named/);
    expect((await run(['agent', 'create', 'y', '--colour'])).code).toBe(2);
  });
});

describe('gatehouse grant and explain', () => {
  it('explains with the same decision the gateway makes, exiting 0 for allowed and 3 otherwise', async () => {
    await run(['agent', 'create', 'bot', '--grant', 'contacts=read']);
    const denied = await run(['explain', 'bot', 'contacts.create']);
    expect(denied.code).toBe(3);
    expect(denied.out).toMatch(/^DENIED: bot → contacts.create \(rule: contacts=read\)/);
    expect((await run(['grant', 'bot', 'contacts.create', 'full', '--approval'])).code).toBe(0);
    const held = JSON.parse((await run(['explain', 'bot', 'contacts.create', '--json'])).out) as {
      decision: string;
      rule: string;
    };
    expect(held).toMatchObject({ decision: 'hold', rule: 'contacts.create=full' });
    await run(['grant', 'bot', 'contacts.create', 'full']);
    expect((await run(['explain', 'bot', 'contacts.create'])).code).toBe(0);
    const reveal = await run([
      'explain',
      'bot',
      'people.match',
      '--params',
      '{"email":"a@b.co","reveal_personal_emails":true}',
    ]);
    expect(reveal.code).toBe(3);
    expect((await run(['explain', 'bot', 'people.match', '--params', 'nope'])).code).toBe(2);
  });
});

describe('gatehouse audit export', () => {
  it('streams CSV and JSONL, filters, and neutralises spreadsheet formulas', async () => {
    const store = await openStore(loadConfig({ env }), createLogger({ level: 'silent' }));
    for (let i = 0; i < 30; i++) {
      await store.audit.open({
        agentId: null,
        agentName: i === 0 ? '=HYPERLINK("x")' : 'bot',
        surface: 'rest',
        action: 'people.search',
        target: `t${i}`,
        decision: i % 3 === 0 ? 'denied' : 'allowed',
        sentence: `sentence ${i}, with a comma`,
        completedAt: Date.now(),
      });
    }
    await store.close();
    const csv = await run(['audit', 'export', '--format', 'csv']);
    const lines = csv.out.trim().split('\n');
    expect(lines[0]).toBe(
      'id,time,agent,surface,action,target,decision,rule,reason,upstream_status,credits,duration_ms,error_code,sentence,request_id',
    );
    expect(lines).toHaveLength(31);
    expect(lines[1]).toContain(`'=HYPERLINK(""x"")`);
    expect(lines[1]).toContain('"sentence 0, with a comma"');
    const jsonl = await run(['audit', 'export', '--format', 'jsonl', '--decision', 'denied']);
    const docs = jsonl.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { decision: string });
    expect(docs).toHaveLength(10);
    expect(docs.every((d) => d.decision === 'denied')).toBe(true);
    expect((await run(['audit', 'export'])).code).toBe(2);
    expect((await run(['audit', 'search', '--since', 'yesterday-ish'])).err).toMatch(
      /cannot read the time/,
    );
  });
});

describe('gatehouse connect apikey', () => {
  it('says when Apollo is not connected', async () => {
    const none = await run(['connect', 'status']);
    expect(none.code).toBe(3);
    expect(none.out).toMatch(/^Not connected to Apollo/);
  });

  it('verifies the key upstream, detects master versus scoped, and seals it', async () => {
    const sandbox = createSandbox({
      createWorld,
      scopedKeys: [{ key: 'scoped-1', endpoints: ['mixed_people/api_search'] }],
    });
    const server = await sandbox.listen(0, '127.0.0.1');
    env.GATEHOUSE_UPSTREAM_URL = server.url;
    try {
      const master = await run(['connect', 'apikey', '--json'], `${sandbox.keys.master[0]}\n`);
      expect(master.code).toBe(0);
      expect(JSON.parse(master.out)).toMatchObject({ connected: true, key_type: 'master' });
      const scoped = await run(['connect', 'apikey', '--json'], 'scoped-1');
      expect(JSON.parse(scoped.out)).toMatchObject({ key_type: 'scoped' });
      expect(JSON.parse((await run(['connect', 'status', '--json'])).out)).toMatchObject({
        connected: true,
        kind: 'apikey',
        key_type: 'scoped',
      });
      const wrong = await run(['connect', 'apikey'], 'not-a-key');
      expect(wrong.code).toBe(1);
      expect(wrong.err).toMatch(/does not accept this API key/);
      expect((await run(['connect', 'apikey'], '')).code).toBe(2);
      expect(readFileSync(env.GATEHOUSE_DB!).includes(Buffer.from('scoped-1'))).toBe(false);
    } finally {
      await server.close();
      sandbox.close();
    }
  });

  it('records what a scoped key reaches, learns the rest from calls, and explain says so', async () => {
    const sandbox = createSandbox({
      createWorld,
      scopedKeys: [
        { key: 'scoped-2', endpoints: ['mixed_people/api_search', 'api/v1/contacts/search'] },
      ],
    });
    const server = await sandbox.listen(0, '127.0.0.1');
    env.GATEHOUSE_UPSTREAM_URL = server.url;
    try {
      const scoped = await run(['connect', 'apikey', '--json'], 'scoped-2');
      const doc = JSON.parse(scoped.out) as {
        reachable_actions: string[];
        unreachable_actions: string[];
      };
      // The profile answers any key Apollo accepts; the rest needs its endpoint ticked.
      expect(doc.reachable_actions).toEqual(['people.search', 'contacts.search', 'users.profile']);
      expect(doc.unreachable_actions).toEqual(
        expect.arrayContaining(['accounts.search', 'users.list', 'usage.stats']),
      );
      expect(doc.unreachable_actions).not.toContain('people.match');

      await run(['agent', 'create', 'bot', '--grant', 'people=read', '--grant', 'accounts=read']);
      const blocked = await run(['explain', 'bot', 'accounts.search']);
      expect(blocked.code).toBe(3);
      expect(blocked.out).toMatch(/ALLOWED: bot → accounts.search/);
      expect(blocked.out).toMatch(
        /cannot reach accounts.search: it is a scoped key without "api\/v1\/accounts\/search"/,
      );
      const unknown = await run(['explain', 'bot', 'people.match']);
      expect(unknown.code).toBe(0);
      expect(unknown.out).toMatch(/not known until the first call/);

      // A real call through the gateway teaches it: Apollo refuses people.match for this key.
      const g = await startGatehouse(loadConfig({ env, flags: { port: 0 } }), {
        logger: createLogger({ level: 'silent' }),
      });
      const token = JSON.parse((await run(['agent', 'rotate', 'bot', '--json'])).out) as {
        token: string;
      };
      try {
        const res = await fetch(`${g.url}/api/v1/people/match`, {
          method: 'POST',
          headers: { 'x-api-key': token.token, 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'a@b.co' }),
        });
        expect(res.status).toBe(403);
      } finally {
        await g.close();
      }
      const status = await run(['connect', 'status']);
      expect(status.code).toBe(0);
      expect(status.out).toMatch(/^Connected with an API key \(scoped\) as \S+@\S+, 0 days ago\./);
      expect(status.out).toMatch(/the key cannot reach: .*people\.match/);
      const learned = await run(['explain', 'bot', 'people.match', '--json']);
      expect(JSON.parse(learned.out)).toMatchObject({
        decision: 'allow',
        apollo_key_reach: 'unreachable',
      });
      expect(learned.code).toBe(3);
    } finally {
      await server.close();
      sandbox.close();
    }
  });
});

describe('gatehouse agent limits and usage', () => {
  it('sets budgets, refuses bad figures, and shows spend beside what remains', async () => {
    await run(['agent', 'create', 'spender', '--grant', 'people=read']);
    const set = await run([
      'agent',
      'limits',
      'spender',
      '--credits-per-day',
      '50',
      '--credits-per-month',
      '1000',
    ]);
    expect(set.code).toBe(0);
    expect(set.out).toMatch(/'spender' may spend 50 credits a day and 1000 a month/);
    const bad = await run(['agent', 'limits', 'spender', '--credits-per-day', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/expected a number of credits/);

    const store = await openStore(loadConfig({ env }), createLogger({ level: 'silent' }));
    const agent = (await store.agents.get('spender'))!;
    await store.audit.open({
      agentId: agent.id,
      agentName: agent.name,
      surface: 'rest',
      action: 'people.match',
      decision: 'allowed',
      credits: 3,
      sentence: 'spender enriched a person',
    });
    await store.close();

    const usage = await run(['usage', '--json']);
    expect(JSON.parse(usage.out)).toEqual([
      {
        agent: 'spender',
        spent_today: 3,
        budget_day: 50,
        left_today: 47,
        spent_month: 3,
        budget_month: 1000,
        left_month: 997,
      },
    ]);
    expect((await run(['usage'])).out).toMatch(
      /spender\s+3 of 50 \(47 left\)\s+3 of 1000 \(997 left\)/,
    );
    const none = await run(['agent', 'limits', 'spender', '--credits-per-day', 'none']);
    expect(none.out).toMatch(/unlimited credits a day/);
  });
});
