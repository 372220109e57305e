// Pins the grant vocabulary (groups, action ids, people.reveal; off/read/full) and upsert semantics.
import { describe, expect, it } from 'vitest';

import { createTestClock, describeEachDatabase } from '../../test/store/databases.js';
import { actions, groups } from '../catalog/index.js';
import { createAgentRepository } from './agent-repository.js';
import { createGrantRepository, isGrantTarget, validateGrant } from './grant-repository.js';
import type { GrantLevel } from './grant-repository.js';

describe('grant vocabulary', () => {
  it('knows every group, every catalog action and people.reveal', () => {
    for (const target of [...groups, ...actions.map((a) => a.id), 'people.reveal']) {
      expect(isGrantTarget(target)).toBe(true);
    }
  });

  it.each(['', 'people.delete', 'everything', 'People', 'people.*', 'reveal'])(
    'refuses %j',
    (target) => {
      expect(validateGrant(target, 'read')?.code).toBe('invalid_grant');
    },
  );

  it('refuses levels other than off, read and full', () => {
    expect(validateGrant('people', 'write')?.message).toMatch(/off, read or full/);
  });
});

describeEachDatabase('grant repository', (t) => {
  const setup = async () => {
    const clock = createTestClock();
    const agents = createAgentRepository(t.handle.db, clock);
    const grants = createGrantRepository(t.handle.db, clock);
    const created = await agents.create({ name: 'Granted bot' });
    if (!created.ok) throw new Error(created.error.message);
    return { clock, agents, grants, agentId: created.value.agent.id };
  };

  it('sets group, action and reveal grants and lists them by target', async () => {
    const { grants, agentId, clock } = await setup();
    expect(await grants.set(agentId, 'people', 'read', { by: 'alice' })).toEqual({
      ok: true,
      value: {
        agentId,
        target: 'people',
        level: 'read',
        requiresApproval: false,
        noApproval: false,
        updatedAt: clock.now(),
        updatedBy: 'alice',
      },
    });
    await grants.set(agentId, 'contacts.create', 'full', { requiresApproval: true, by: 'alice' });
    await grants.set(agentId, 'people.reveal', 'full', { by: 'bob' });
    await grants.set(agentId, 'people.bulk_match', 'off', { by: 'bob' });
    const listed = await grants.list(agentId);
    expect(
      listed.map((g) => `${g.target}=${g.level}${g.requiresApproval ? '+approval' : ''}`),
    ).toEqual([
      'contacts.create=full+approval',
      'people=read',
      'people.bulk_match=off',
      'people.reveal=full',
    ]);
  });

  it('replaces the grant on the same target instead of adding a second one', async () => {
    const { grants, agentId, clock } = await setup();
    await grants.set(agentId, 'deals', 'read', { requiresApproval: true, by: 'alice' });
    clock.advance(1000);
    await grants.set(agentId, 'deals', 'full', { by: 'bob' });
    expect(await grants.list(agentId)).toEqual([
      {
        agentId,
        target: 'deals',
        level: 'full',
        requiresApproval: false,
        noApproval: false,
        updatedAt: clock.now(),
        updatedBy: 'bob',
      },
    ]);
  });

  it('refuses unknown targets, unknown levels, unknown and revoked agents', async () => {
    const { grants, agents, agentId } = await setup();
    expect(await grants.set(agentId, 'people.delete', 'full', { by: 'a' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_grant' },
    });
    expect(await grants.set(agentId, 'people', 'write' as GrantLevel, { by: 'a' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_grant' },
    });
    expect(await grants.set('agt_missing', 'people', 'read', { by: 'a' })).toMatchObject({
      ok: false,
      error: { code: 'agent_not_found' },
    });
    await agents.revoke(agentId);
    expect(await grants.set(agentId, 'people', 'read', { by: 'a' })).toMatchObject({
      ok: false,
      error: { code: 'agent_revoked' },
    });
    expect(await grants.list(agentId)).toEqual([]);
  });

  it('keeps a waiver of the default approval, and refuses a grant that both requires and waives it', async () => {
    const { grants, agentId } = await setup();
    const waived = await grants.set(agentId, 'sequences', 'full', { noApproval: true, by: 'a' });
    expect(waived).toMatchObject({
      ok: true,
      value: { noApproval: true, requiresApproval: false },
    });
    expect((await grants.list(agentId))[0]).toMatchObject({
      target: 'sequences',
      noApproval: true,
    });
    const both = await grants.set(agentId, 'emails', 'full', {
      requiresApproval: true,
      noApproval: true,
      by: 'a',
    });
    expect(both).toMatchObject({ ok: false, error: { code: 'invalid_grant' } });
  });

  it('removes a grant and says whether there was one', async () => {
    const { grants, agentId } = await setup();
    await grants.set(agentId, 'tasks', 'full', { by: 'a' });
    expect(await grants.remove(agentId, 'tasks')).toBe(true);
    expect(await grants.remove(agentId, 'tasks')).toBe(false);
    expect(await grants.list(agentId)).toEqual([]);
  });
});
