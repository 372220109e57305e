// Every admin change leaves one audit record naming who made it, whichever way it was made: the
// CLI (`cli:<os user>`), the admin API with the bearer token (`admin:api`) or the console's session
// (`admin:console`). Admin changes are not agents' calls: usage and the overview leave them out.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { startGatehouse, type StartedGatehouse } from '../../src/app/start.js';
import { getAction } from '../../src/catalog/index.js';
import { loadConfig } from '../../src/config/config.js';
import { runCliWith } from '../helpers/cli.js';
import { e2eDatabase } from '../helpers/e2e-db.js';

const adminToken = 'admin-token-for-tests-0123456789abcdef';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean();
});

async function deployment() {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-admin-changes-'));
  const database = await e2eDatabase(dir);
  cleanups.push(async () => {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  const env = {
    GATEHOUSE_DB: database.url,
    GATEHOUSE_KEY_FILE: join(dir, 'k'),
    GATEHOUSE_LOG_LEVEL: 'silent',
    USER: 'alice',
  };
  const cli = (...args: string[]) => runCliWith(env, args);
  const start = async (): Promise<StartedGatehouse> => {
    const config = loadConfig({
      flags: {
        db: database.url,
        keyFile: join(dir, 'k'),
        port: 0,
        sandbox: true,
        adminToken,
        singleReplica: true,
      },
    });
    const g = await startGatehouse(config, {
      logger: createLogger({ level: 'silent' }),
      createDemoAgent: false,
    });
    cleanups.push(() => g.close());
    return g;
  };
  return { cli, start };
}

interface Line {
  action: string;
  surface: string;
  rule: string;
  sentence: string;
  agent: string | null;
  decision: string;
}
const lines = (jsonl: string): Line[] =>
  jsonl
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);

describe('admin changes from the CLI', () => {
  it('each is one audit record: admin.<verb>, surface cli, by cli:<os user>', async () => {
    const { cli } = await deployment();
    const created = await cli('agent', 'create', 'x', '--grant', 'people=read');
    expect(created.code).toBe(0);
    const exported = await cli('audit', 'export', '--format', 'jsonl');
    expect(exported.code).toBe(0);
    const [first, ...rest] = lines(exported.out);
    expect(rest).toEqual([]);
    expect(first).toMatchObject({
      action: 'admin.agent_create',
      surface: 'cli',
      rule: 'cli:alice',
      agent: 'x',
      sentence: 'An admin (cli:alice) created the agent x with people=read.',
    });

    expect((await cli('grant', 'x', 'contacts', 'full', '--approval')).code).toBe(0);
    expect(
      (await cli('agent', 'limits', 'x', '--requests-per-minute', '30', '--redact', 'email')).code,
    ).toBe(0);
    expect((await cli('agent', 'rotate', 'x')).code).toBe(0);
    expect((await cli('agent', 'revoke', 'x')).code).toBe(0);
    const all = lines((await cli('audit', 'export', '--format', 'jsonl')).out);
    expect(all.map((l) => [l.action, l.rule])).toEqual([
      ['admin.agent_create', 'cli:alice'],
      ['admin.grant', 'cli:alice'],
      ['admin.agent_limits', 'cli:alice'],
      ['admin.agent_rotate', 'cli:alice'],
      ['admin.agent_revoke', 'cli:alice'],
    ]);
    expect(all[1]!.sentence).toBe(
      "An admin (cli:alice) set x's grant to contacts=full (with approval).",
    );
    expect(all[2]!.sentence).toBe(
      "An admin (cli:alice) set x's limits: 30 requests a minute, redacting email.",
    );
  });

  it('applies a role template: the grants become exactly its own, each change and the whole audited', async () => {
    const { cli, start } = await deployment();
    expect(
      (await cli('agent', 'create', 'x', '--grant', 'deals=full', '--grant', 'people=full')).code,
    ).toBe(0);
    const applied = await cli('grant', 'x', '--template', 'researcher');
    expect(applied.code, applied.err).toBe(0);
    expect(applied.out).toMatch(/Grants now: .*news=read.*organizations=read.*people=read/);
    const shown = JSON.parse((await cli('agent', 'show', 'x', '--json')).out) as {
      grants: Array<{ target: string; level: string }>;
    };
    expect(shown.grants.map((gr) => `${gr.target}=${gr.level}`).sort()).toEqual([
      'news=read',
      'organizations=read',
      'people=read',
    ]);
    const all = lines((await cli('audit', 'export', '--format', 'jsonl')).out).slice(1);
    expect(all.map((l) => l.action)).toEqual([
      'admin.grant',
      'admin.grant',
      'admin.grant',
      'admin.grant',
      'admin.template',
    ]);
    expect(all[0]!.sentence).toBe("An admin (cli:alice) set x's grant to deals=off.");
    expect(all[4]!.sentence).toBe(
      'An admin (cli:alice) applied the role template Researcher to x: people=read, organizations=read, news=read.',
    );
    const unknown = await cli('grant', 'x', '--template', 'root');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/No role template 'root': choose one of researcher, sdr-assistant/);

    // Over the admin API: the matrix lists the templates, and applying one answers the agent.
    const g = await start();
    const bearer = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
    const matrix = (await (
      await fetch(`${g.url}/admin/api/matrix`, { headers: bearer })
    ).json()) as {
      templates: Array<{ id: string }>;
      agents: Array<{ id: string; name: string }>;
    };
    expect(matrix.templates.map((t) => t.id)).toContain('sdr-assistant');
    const id = matrix.agents.find((a) => a.name === 'x')!.id;
    const post = (body: unknown) =>
      fetch(`${g.url}/admin/api/agents/${id}/template`, {
        method: 'POST',
        headers: bearer,
        body: JSON.stringify(body),
      });
    expect((await post({ template: 'no-access' })).status).toBe(200);
    expect((await post({ template: 'root' })).status).toBe(422);
    expect((await post({ template: 'researcher', extra: true })).status).toBe(400);
    const after = (await (
      await fetch(`${g.url}/admin/api/matrix`, { headers: bearer })
    ).json()) as {
      agents: Array<{ name: string; grants: Record<string, unknown> }>;
    };
    expect(after.agents.find((a) => a.name === 'x')!.grants).toEqual({});
  });

  it('denies one action inside a granted group, audited, and refuses a deny with a level', async () => {
    const { cli, start } = await deployment();
    expect((await cli('agent', 'create', 'x', '--grant', 'people=read')).code).toBe(0);
    const denied = await cli('grant', 'x', 'people.search', 'deny');
    expect(denied.code, denied.err).toBe(0);
    expect(denied.out).toMatch(/people\.search=off \(denied even under its group\)/);
    const explained = await cli('explain', 'x', 'people.search');
    expect(explained.out).toMatch(/denied/i);
    expect((await cli('explain', 'x', 'people.match')).out).toMatch(/allowed/i);
    const [record] = lines((await cli('audit', 'export', '--format', 'jsonl')).out).slice(-1);
    expect(record!.sentence).toBe(
      "An admin (cli:alice) set x's grant to people.search=off (denied even under its group).",
    );
    expect((await cli('grant', 'x', 'people.search', 'deny', '--approval')).code).toBe(2);

    const g = await start();
    const bearer = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
    const put = (body: unknown) =>
      fetch(`${g.url}/admin/api/agents/x/grants`, {
        method: 'PUT',
        headers: bearer,
        body: JSON.stringify(body),
      });
    const bad = await put({ target: 'people.match', level: 'read', deny: true });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toMatch(/deny goes with level off/);
    // Plain off removes the deny: the action inherits the group's read again.
    expect((await put({ target: 'people.search', level: 'off' })).status).toBe(200);
    expect((await cli('explain', 'x', 'people.search')).out).toMatch(/allowed/i);
  });

  it('a refused change leaves no record and says what to fix', async () => {
    const { cli } = await deployment();
    const missing = await cli('agent', 'limits', 'ghost', '--requests-per-minute', '3');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/No agent named or with id 'ghost'/);
    const bad = await cli('agent', 'limits', 'ghost', '--requests-per-minute', '0');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/a whole number of requests, 1 or more/);
    const badField = await cli('agent', 'limits', 'ghost', '--redact', 'email,__proto__[x]');
    expect(badField.code).toBe(2);
    expect(badField.err).toMatch(/'__proto__\[x\]' is not a field name/);
    expect((await cli('agent', 'limits', 'ghost')).err).toMatch(/needs at least one of/);
    expect(lines((await cli('audit', 'export', '--format', 'jsonl')).out)).toEqual([]);
  });
});

describe('admin changes through the admin API', () => {
  it('sets limits (admin:api with the bearer token, admin:console with a session)', async () => {
    const { start, cli } = await deployment();
    const g = await start();
    const bearer = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
    const made = await fetch(`${g.url}/admin/api/agents`, {
      method: 'POST',
      headers: bearer,
      body: JSON.stringify({ name: 'api-bot', grants: [{ target: 'people', level: 'read' }] }),
    });
    expect(made.status).toBe(201);
    const { agent } = (await made.json()) as { agent: { id: string } };
    const put = (body: unknown, headers: Record<string, string> = bearer) =>
      fetch(`${g.url}/admin/api/agents/${agent.id}/limits`, {
        method: 'PUT',
        headers,
        body: JSON.stringify(body),
      });

    const set = await put({ requests_per_minute: 3, redact: ['email', 'phone_numbers'] });
    expect(set.status).toBe(200);
    expect(((await set.json()) as { agent: unknown }).agent).toMatchObject({
      requests_per_minute: 3,
      redacted_fields: ['email', 'phone_numbers'],
    });
    // Bad input: a clear 400 and nothing changed.
    for (const bad of [{}, { requests_per_minute: 0 }, { redact: ['a b'] }, { surprise: 1 }]) {
      const res = await put(bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(((await res.json()) as { error: string }).error.length).toBeGreaterThan(10);
    }
    const unknown = await fetch(`${g.url}/admin/api/agents/agt_nope/limits`, {
      method: 'PUT',
      headers: bearer,
      body: JSON.stringify({ requests_per_minute: 5 }),
    });
    expect(unknown.status).toBe(404);

    // The console's session: a cookie and the CSRF token.
    const login = await fetch(`${g.url}/admin/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: adminToken }),
    });
    const { csrf } = (await login.json()) as { csrf: string };
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const viaConsole = await put(
      { requests_per_minute: null },
      { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
    );
    expect(viaConsole.status).toBe(200);

    const all = lines((await cli('audit', 'export', '--format', 'jsonl')).out);
    expect(all.map((l) => [l.action, l.surface, l.rule])).toEqual([
      ['admin.agent_create', 'admin', 'admin:api'],
      ['admin.agent_limits', 'admin', 'admin:api'],
      ['admin.agent_limits', 'admin', 'admin:console'],
    ]);
    expect(all[2]!.sentence).toBe(
      "An admin (admin:console) set api-bot's limits: no limit on requests a minute.",
    );
  });

  it("usage and the overview count agents' calls, not admin changes", async () => {
    const { start, cli } = await deployment();
    const g = await start();
    const created = await cli('agent', 'create', 'counted', '--grant', 'people=read', '--json');
    const { token } = JSON.parse(created.out) as { token: string };
    await cli('grant', 'counted', 'contacts', 'read');
    const bearer = { authorization: `Bearer ${adminToken}` };
    const overview = async () =>
      (
        (await (await fetch(`${g.url}/admin/api/overview`, { headers: bearer })).json()) as {
          today: { calls: number };
        }
      ).today.calls;
    const usage = async () =>
      (
        (await (await fetch(`${g.url}/admin/api/usage?days=1`, { headers: bearer })).json()) as {
          agents: Array<{ agent: string; calls: number[] }>;
        }
      ).agents;
    expect(await overview()).toBe(0);
    // The agent is listed (its budget is worth seeing), with no call counted for the admin's changes.
    expect(await usage()).toEqual([expect.objectContaining({ agent: 'counted', calls: [0] })]);

    const call = await fetch(`${g.url}${getAction('people.search').path}`, {
      method: 'POST',
      headers: { 'x-api-key': token, 'content-type': 'application/json' },
      body: JSON.stringify({ per_page: 1 }),
    });
    expect(call.status).toBe(200);
    expect(await overview()).toBe(1);
    expect(await usage()).toEqual([expect.objectContaining({ agent: 'counted', calls: [1] })]);
  });
});
