// Pins the agent token contract: shown once, only its SHA-256 stored, found by hash with a
// constant-time compare, dead the moment it is rotated or revoked; and the naming rules.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';

import { createTestClock, describeEachDatabase } from '../../test/store/databases.js';
import { createAgentRepository, hashToken, validateAgentName } from './agent-repository.js';
import type { Agent } from './agent-repository.js';
import { createGrantRepository } from './grant-repository.js';

function must<T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

describe('validateAgentName', () => {
  it.each(['a', 'Outreach bot', 'crm-sync_2.0', 'x'.repeat(64)])('accepts %j', (name) => {
    expect(validateAgentName(name)).toBeUndefined();
  });

  it.each(['', ' lead', 'trail ', 'x'.repeat(65), 'slash/bot', 'émile', 'bot\n', 'a;b'])(
    'refuses %j',
    (name) => {
      expect(validateAgentName(name)?.code).toBe('invalid_name');
    },
  );
});

describeEachDatabase('agent repository', (t) => {
  const setup = (options: { touchIntervalMs?: number } = {}) => {
    const clock = createTestClock();
    return { clock, agents: createAgentRepository(t.handle.db, { now: clock.now, ...options }) };
  };

  it('issues a gh_agent_ token of 32 random bytes once, and stores only its SHA-256', async () => {
    const { agents } = setup();
    const { agent, token } = must(
      await agents.create({ name: 'Outreach bot', description: 'SDR' }),
    );
    expect(token).toMatch(/^gh_agent_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.slice('gh_agent_'.length), 'base64url')).toHaveLength(32);
    expect(agent).toMatchObject({ name: 'Outreach bot', description: 'SDR' });
    expect(agent.id).toMatch(/^agt_[0-9a-z]{16}$/);
    expect(agent.tokenPrefix).toBe(token.slice(0, 13));
    expect(JSON.stringify(agent)).not.toContain(token.slice(13));
    expect(JSON.stringify(await agents.list())).not.toContain(hashToken(token));

    const row = await t.handle.db.selectFrom('agents').selectAll().executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(Object.values(row).join('\n')).not.toContain(token.slice(13));
  });

  if (t.dialect === 'sqlite') {
    it('leaves no trace of the token in the raw SQLite files (main, WAL, shared memory)', async () => {
      const { agents } = setup();
      const issued: { token: string }[] = [must(await agents.create({ name: 'Scan bot' }))];
      issued.push(must(await agents.rotate('Scan bot')));
      const path = t.sqlitePath ?? '';
      const files = readdirSync(dirname(path)).map((f) => join(dirname(path), f));
      const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
      for (const { token } of issued) {
        expect(bytes.indexOf(token)).toBe(-1);
        expect(bytes.indexOf(token.slice(13))).toBe(-1);
        expect(bytes.indexOf(Buffer.from(token.slice(9), 'base64url'))).toBe(-1);
      }
      // The scan does see stored values: the current hash is there.
      expect(bytes.indexOf(hashToken(issued[1]?.token ?? ''))).toBeGreaterThan(-1);
    });
  }

  it('finds the agent by its token and by nothing else', async () => {
    const { agents } = setup();
    const { agent, token } = must(await agents.create({ name: 'Finder' }));
    expect((await agents.findByToken(token))?.id).toBe(agent.id);
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    const almost = token.slice(0, -1) + last;
    for (const wrong of [
      almost,
      token.slice(0, -1),
      `${token}A`,
      'gh_agent_',
      '',
      token.toUpperCase(),
    ]) {
      expect(await agents.findByToken(wrong)).toBeUndefined();
    }
    expect(await agents.findByToken(hashToken(token))).toBeUndefined();
  });

  it('stops the old token at once on rotation and resets the token age', async () => {
    const { agents, clock } = setup();
    const first = must(await agents.create({ name: 'Rotor' }));
    clock.advance(86_400_000);
    const second = must(await agents.rotate('rotor'));
    expect(second.token).not.toBe(first.token);
    expect(second.agent.tokenCreatedAt).toBe(clock.now());
    expect(second.agent.createdAt).toBe(first.agent.createdAt);
    expect(second.agent.tokenPrefix).toBe(second.token.slice(0, 13));
    expect(await agents.findByToken(first.token)).toBeUndefined();
    expect((await agents.findByToken(second.token))?.id).toBe(first.agent.id);
    expect((await agents.get(first.agent.id))?.tokenCreatedAt).toBe(clock.now());
  });

  it('stops the token at once on revocation; revoking twice is harmless; a revoked agent cannot rotate', async () => {
    const { agents, clock } = setup();
    const { agent, token } = must(await agents.create({ name: 'Leaver' }));
    clock.advance(5);
    const revoked = must(await agents.revoke(agent.id));
    expect(revoked.revokedAt).toBe(clock.now());
    expect(await agents.findByToken(token)).toBeUndefined();
    clock.advance(5);
    expect(must(await agents.revoke('LEAVER')).revokedAt).toBe(clock.now() - 5);
    expect(await agents.rotate(agent.id)).toMatchObject({
      ok: false,
      error: { code: 'agent_revoked' },
    });
    expect((await agents.get('leaver'))?.revokedAt).toBe(clock.now() - 5);
  });

  it('refuses duplicate names regardless of case, also after revocation', async () => {
    const { agents } = setup();
    must(await agents.create({ name: 'Outreach Bot' }));
    const dup = await agents.create({ name: 'outreach bot' });
    expect(dup).toMatchObject({ ok: false, error: { code: 'duplicate_name' } });
    if (!dup.ok) expect(dup.error.message).toMatch(/already exists/);
    must(await agents.revoke('Outreach Bot'));
    expect(await agents.create({ name: 'OUTREACH BOT' })).toMatchObject({
      ok: false,
      error: { code: 'duplicate_name' },
    });
    expect(await agents.list()).toHaveLength(1);
  });

  it('refuses invalid names and over-long descriptions before touching the database', async () => {
    const { agents } = setup();
    expect(await agents.create({ name: 'no/slash' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_name' },
    });
    expect(await agents.create({ name: 'ok', description: 'x'.repeat(1001) })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(await agents.list()).toEqual([]);
  });

  it('reports unknown agents as agent_not_found', async () => {
    const { agents } = setup();
    expect(await agents.get('nobody')).toBeUndefined();
    for (const result of [
      await agents.rotate('nobody'),
      await agents.revoke('agt_0000000000000000'),
      await agents.setLimits('nobody', { requestsPerMinute: 5 }),
    ]) {
      expect(result).toMatchObject({ ok: false, error: { code: 'agent_not_found' } });
    }
  });

  it('gets by id or case-insensitive name and lists by name', async () => {
    const { agents } = setup();
    const b = must(await agents.create({ name: 'beta' })).agent;
    const a = must(await agents.create({ name: 'Alpha' })).agent;
    expect((await agents.get(b.id))?.name).toBe('beta');
    expect((await agents.get('ALPHA'))?.id).toBe(a.id);
    expect((await agents.list()).map((x: Agent) => x.name)).toEqual(['Alpha', 'beta']);
  });

  it('creates the initial grants with the agent, or nothing at all if one is invalid', async () => {
    const { agents } = setup();
    const created = must(
      await agents.create({
        name: 'Granted',
        grants: [
          { target: 'people', level: 'read' },
          { target: 'contacts.create', level: 'full', requiresApproval: true },
        ],
        by: 'alice',
      }),
    );
    expect(created.grants.map((g) => [g.target, g.level, g.requiresApproval, g.updatedBy])).toEqual(
      [
        ['contacts.create', 'full', true, 'alice'],
        ['people', 'read', false, 'alice'],
      ],
    );
    const grants = createGrantRepository(t.handle.db, { now: Date.now });
    expect(await grants.list(created.agent.id)).toHaveLength(2);

    const bad = await agents.create({
      name: 'Half',
      grants: [{ target: 'people.delete', level: 'full' }],
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_grant' } });
    expect(await agents.get('Half')).toBeUndefined();
  });

  it('records last use cheaply: once per interval per IP, never backwards', async () => {
    const { agents, clock } = setup({ touchIntervalMs: 1000 });
    const { agent } = must(await agents.create({ name: 'Busy' }));
    const t0 = clock.now();
    await agents.touch(agent.id, '10.0.0.1', t0);
    t.queries.length = 0;
    await agents.touch(agent.id, '10.0.0.1', t0 + 500);
    expect(t.queries).toEqual([]);
    await agents.touch(agent.id, '10.0.0.2', t0 + 600);
    expect(await agents.get(agent.id)).toMatchObject({
      lastUsedAt: t0 + 600,
      lastUsedIp: '10.0.0.2',
    });
    await agents.touch(agent.id, '10.0.0.2', t0 + 2000);
    await agents.touch(agent.id, '10.0.0.9', t0 + 1500);
    expect(await agents.get(agent.id)).toMatchObject({
      lastUsedAt: t0 + 2000,
      lastUsedIp: '10.0.0.2',
    });
  });

  it('sets, keeps and clears limits, and refuses nonsense', async () => {
    const { agents } = setup();
    const { agent } = must(await agents.create({ name: 'Limited' }));
    expect(agent).toMatchObject({
      creditBudgetDay: null,
      creditBudgetMonth: null,
      requestsPerMinute: null,
      redactedFields: [],
    });
    const set = must(
      await agents.setLimits('Limited', {
        creditBudgetDay: 50,
        requestsPerMinute: 20,
        redactedFields: ['email', 'phone_numbers', 'email'],
      }),
    );
    expect(set).toMatchObject({
      creditBudgetDay: 50,
      creditBudgetMonth: null,
      requestsPerMinute: 20,
      redactedFields: ['email', 'phone_numbers'],
    });
    must(await agents.setLimits(agent.id, { creditBudgetMonth: 1000, creditBudgetDay: null }));
    expect(await agents.get(agent.id)).toMatchObject({
      creditBudgetDay: null,
      creditBudgetMonth: 1000,
      requestsPerMinute: 20,
      redactedFields: ['email', 'phone_numbers'],
    });
    for (const bad of [
      { creditBudgetDay: -1 },
      { creditBudgetMonth: Number.POSITIVE_INFINITY },
      { requestsPerMinute: 0 },
      { requestsPerMinute: 1.5 },
      { redactedFields: ['ok', ''] },
    ]) {
      expect(await agents.setLimits(agent.id, bad)).toMatchObject({
        ok: false,
        error: { code: 'invalid_input' },
      });
    }
  });

  it('keeps tokens unique per agent even with a predictable random source', async () => {
    let n = 0;
    const clock = createTestClock();
    const agents = createAgentRepository(t.handle.db, {
      now: clock.now,
      randomBytes: (size) => Buffer.alloc(size, ++n),
    });
    const a = must(await agents.create({ name: 'one' }));
    const b = must(await agents.create({ name: 'two' }));
    expect(a.token).not.toBe(b.token);
    const { rows } = await sql<{
      n: number;
    }>`select count(distinct token_hash) as n from agents`.execute(t.handle.db);
    expect(rows[0]?.n).toBe(2);
  });
});
