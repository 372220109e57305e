// People sign in to the console as themselves (issue 16): `gatehouse admin add <email> --role`,
// then email and password over the admin API's login. Viewers read, approvers answer held calls,
// admins change agents and grants; anything beyond a person's role is refused with a sentence,
// changes nothing, and is recorded. Every record a person causes names them, including the held
// call they approved. Literal HTTP against a started Gatehouse, the CLI beside it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { startGatehouse, type StartedGatehouse } from '../../src/app/start.js';
import { getAction } from '../../src/catalog/index.js';
import { loadConfig } from '../../src/config/config.js';
import { runCliWith } from '../helpers/cli.js';
import { e2eDatabase } from '../helpers/e2e-db.js';

// JSON answers read loosely here; test/e2e/admin-contract.test.ts parses them with the schemas.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;

const adminToken = 'admin-token-for-tests-0123456789abcdef';
const passwords = {
  'viewer@example.com': 'viewer password 1',
  'approver@example.com': 'approver password 2',
  'admin@example.com': 'admin password 33',
};
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-people-'));
let g: StartedGatehouse;
let env: Record<string, string>;
let drop: () => Promise<void>;
const cli = (args: string[], stdin = '') => runCliWith(env, args, stdin);

beforeAll(async () => {
  const database = await e2eDatabase(dir);
  drop = database.drop;
  env = {
    GATEHOUSE_DB: database.url,
    GATEHOUSE_KEY_FILE: join(dir, 'k'),
    GATEHOUSE_LOG_LEVEL: 'silent',
    USER: 'olivia',
  };
  g = await startGatehouse(
    loadConfig({
      flags: {
        db: database.url,
        keyFile: join(dir, 'k'),
        port: 0,
        sandbox: true,
        adminToken,
        singleReplica: true,
      },
    }),
    { logger: createLogger({ level: 'silent' }), createDemoAgent: false },
  );
  for (const [email, role] of [
    ['viewer@example.com', 'viewer'],
    ['approver@example.com', 'approver'],
    ['Admin@Example.com', 'admin'],
  ] as const) {
    const added = await cli(
      ['admin', 'add', email, '--role', role],
      `${passwords[email.toLowerCase() as keyof typeof passwords]}\n`,
    );
    expect(added.code, added.err).toBe(0);
  }
}, 120_000);

afterAll(async () => {
  await g?.close();
  await drop?.();
  rmSync(dir, { recursive: true, force: true });
});

const bearer = { authorization: `Bearer ${adminToken}` };
async function call(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown } = {},
) {
  const res = await fetch(`${g.url}${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as Loose,
  };
}
/** Signs in as a person: the cookie and CSRF headers to send with each request. */
async function signIn(email: string, password: string) {
  const res = await call('POST', '/admin/api/session', { body: { email, password } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  return {
    body: res.body,
    headers: { cookie, 'x-csrf-token': res.body.csrf as string },
  };
}
async function auditOf(action: string) {
  const res = await call('GET', `/admin/api/audit?action=${action}&limit=50`, { headers: bearer });
  return res.body.records as Array<Loose>;
}

describe('console people', () => {
  it('are added by the CLI with a role, listed without their hashes, and audited', async () => {
    const listed = await cli(['admin', 'list', '--json']);
    expect(listed.code).toBe(0);
    const people = (JSON.parse(listed.out) as { people: Array<Record<string, unknown>> }).people;
    expect(people.map((p) => [p.email, p.role, p.created_by])).toEqual([
      ['admin@example.com', 'admin', 'cli:olivia'],
      ['approver@example.com', 'approver', 'cli:olivia'],
      ['viewer@example.com', 'viewer', 'cli:olivia'],
    ]);
    expect(listed.out).not.toMatch(/scrypt|password 1/);
    const added = await auditOf('admin.person_add');
    expect(added.map((r) => r.sentence)).toContain(
      'An admin (cli:olivia) added approver@example.com to the console as approver with a password.',
    );
    // Over the API too, for admins only.
    const api = await call('GET', '/admin/api/people', { headers: bearer });
    expect(api.body.people).toHaveLength(3);
  });

  it('refuses bad input to the CLI and changes nothing', async () => {
    const weak = await cli(['admin', 'add', 'weak@example.com', '--role', 'viewer'], 'short\n');
    expect(weak.code).toBe(1);
    expect(weak.err).toMatch(/at least 12 characters/);
    const role = await cli(
      ['admin', 'add', 'x@example.com', '--role', 'owner'],
      'a good password\n',
    );
    expect(role.code).toBe(2);
    expect(role.err).toMatch(/a role is one of viewer, approver, admin/);
    const email = await cli(
      ['admin', 'add', 'not an email', '--role', 'viewer'],
      'a good password\n',
    );
    expect(email.code).toBe(1);
    expect(email.err).toMatch(/not an email address/);
    const twice = await cli(
      ['admin', 'add', 'VIEWER@example.com', '--role', 'admin'],
      'a good password\n',
    );
    expect(twice.code).toBe(1);
    expect(twice.err).toMatch(/already a console person/);
    const none = await cli(['admin', 'add', 'y@example.com', '--role', 'viewer']);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/no password given/);
    const listed = JSON.parse((await cli(['admin', 'list', '--json'])).out) as {
      people: unknown[];
    };
    expect(listed.people).toHaveLength(3);
  });

  it('sign in with email and password; a wrong one is refused the same way as an unknown email', async () => {
    const wrong = await call('POST', '/admin/api/session', {
      body: { email: 'viewer@example.com', password: 'not the password' },
    });
    const unknown = await call('POST', '/admin/api/session', {
      body: { email: 'nobody@example.com', password: 'not the password' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error).toBe(unknown.body.error);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const hostile = await call('POST', '/admin/api/session', {
      body: { email: 'viewer@example.com', password: 'x', __proto__: { role: 'admin' } },
    });
    expect(hostile.status).toBe(401);
    const both = await call('POST', '/admin/api/session', {
      body: { email: 'viewer@example.com', password: passwords['viewer@example.com'], token: 'x' },
    });
    expect(both.status).toBe(400);
    const shapeless = await call('POST', '/admin/api/session', {
      body: { email: { $ne: 1 }, password: 'x' },
    });
    expect(shapeless.status).toBe(400);
    expect(JSON.stringify(shapeless.body)).toMatch(/send \{\\"token\\"/);

    const viewer = await signIn('VIEWER@example.com', passwords['viewer@example.com']);
    expect(viewer.body.person).toEqual({ email: 'viewer@example.com', role: 'viewer' });
    expect(viewer.body.role).toBe('viewer');
    const session = await call('GET', '/admin/api/session', { headers: viewer.headers });
    expect(session.body).toMatchObject({ person: { email: 'viewer@example.com' }, role: 'viewer' });
    // A viewer sees, and may not change or answer anything.
    expect((await call('GET', '/admin/api/matrix', { headers: viewer.headers })).status).toBe(200);
    expect((await call('GET', '/admin/api/audit', { headers: viewer.headers })).status).toBe(200);
    const create = await call('POST', '/admin/api/agents', {
      headers: viewer.headers,
      body: { name: 'by-viewer' },
    });
    expect(create.status).toBe(403);
    expect(create.body.error_code).toBe('ROLE_REFUSED');
    expect(create.body.error).toMatch(
      /viewer@example\.com with the viewer role.*needs the admin role/,
    );
    expect((await call('GET', '/admin/api/people', { headers: viewer.headers })).status).toBe(403);
    const agents = await call('GET', '/admin/api/agents', { headers: bearer });
    expect(agents.body.agents.map((a: { name: string }) => a.name)).not.toContain('by-viewer');
  });

  it('lets an approver approve a held call but not change a grant, and the records name them', async () => {
    const created = await call('POST', '/admin/api/agents', {
      headers: bearer,
      body: { name: 'scout', grants: [{ target: 'contacts', level: 'full', approval: true }] },
    });
    expect(created.status).toBe(201);
    const token = created.body.token as string;
    const agentId = created.body.agent.id as string;
    const approver = await signIn('approver@example.com', passwords['approver@example.com']);

    // Not a grant: refused, nothing changed, and the refusal is on the record with the person.
    const grant = await call('PUT', `/admin/api/agents/${agentId}/grants`, {
      headers: approver.headers,
      body: { target: 'people', level: 'full' },
    });
    expect(grant.status).toBe(403);
    expect(grant.body.error).toMatch(/approver role.*needs the admin role.*Nothing was changed/);
    const matrix = await call('GET', '/admin/api/matrix', { headers: bearer });
    const scout = matrix.body.agents.find((a: { name: string }) => a.name === 'scout');
    expect(scout.grants.people).toBeUndefined();
    const [refusal] = await auditOf('admin.refused');
    expect(refusal).toMatchObject({
      decision: 'denied',
      rule: 'role:approver',
      surface: 'admin',
    });
    expect(refusal!.sentence).toBe(
      `approver@example.com (approver) was refused PUT /admin/api/agents/${agentId}/grants: it needs the admin role, so nothing was changed.`,
    );

    // A held call: the approver answers it, and the call's record names them.
    const held = await fetch(`${g.url}${getAction('contacts.create')!.path}`, {
      method: 'POST',
      headers: { 'x-api-key': token, 'content-type': 'application/json' },
      body: JSON.stringify({ first_name: 'Ada', last_name: 'Byron' }),
    });
    expect(held.status).toBe(202);
    const { approval_id } = (await held.json()) as { approval_id: string };
    const approved = await call('POST', `/admin/api/approvals/${approval_id}/approve`, {
      headers: approver.headers,
      body: { note: 'looks right' },
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.approval.decided_by).toBe('admin:approver@example.com');
    const records = (
      await call('GET', '/admin/api/audit?action=contacts.create', { headers: bearer })
    ).body.records as Array<Loose>;
    const ran = records.find((r) => r.decision === 'approved');
    expect(ran?.sentence).toMatch(/approver@example\.com/);
    const detail = await call('GET', `/admin/api/audit/${ran!.id}`, { headers: bearer });
    expect(detail.body.approval.decided_by).toBe('admin:approver@example.com');
  });

  it('names an admin person in the records of their changes', async () => {
    const admin = await signIn('admin@example.com', passwords['admin@example.com']);
    const created = await call('POST', '/admin/api/agents', {
      headers: admin.headers,
      body: { name: 'by-admin' },
    });
    expect(created.status).toBe(201);
    const [record] = await auditOf('admin.agent_create');
    expect(record!.rule).toBe('admin:admin@example.com');
    expect(record!.sentence).toMatch(
      /^An admin \(admin:admin@example\.com\) created the agent by-admin/,
    );
  });

  it('applies a role change or a removal to live sessions at once', async () => {
    const viewer = await signIn('viewer@example.com', passwords['viewer@example.com']);
    // The audit stream the viewer reads ends once they are removed (checked with each look).
    const stream = await fetch(`${g.url}/admin/api/audit/stream`, { headers: viewer.headers });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    expect((await cli(['admin', 'role', 'viewer@example.com', 'admin'])).code).toBe(0);
    const promoted = await call('POST', '/admin/api/agents', {
      headers: viewer.headers,
      body: { name: 'by-promoted' },
    });
    expect(promoted.status).toBe(201);
    expect((await cli(['admin', 'role', 'viewer@example.com', 'viewer'])).code).toBe(0);
    const removed = await cli(['admin', 'remove', 'viewer@example.com']);
    expect(removed.code).toBe(0);
    for (;;) if ((await reader.read()).done) break;
    expect((await call('GET', '/admin/api/overview', { headers: viewer.headers })).status).toBe(
      401,
    );
    const again = await call('POST', '/admin/api/session', {
      body: { email: 'viewer@example.com', password: passwords['viewer@example.com'] },
    });
    expect(again.status).toBe(401);
    const sentences = [
      ...(await auditOf('admin.person_role')),
      ...(await auditOf('admin.person_remove')),
    ].map((r) => r.sentence);
    expect(sentences).toEqual(
      expect.arrayContaining([
        "An admin (cli:olivia) changed viewer@example.com's role from viewer to admin.",
        'An admin (cli:olivia) removed viewer@example.com (viewer) from the console; their sessions ended.',
      ]),
    );
  });

  it('says in the OpenAPI document which role each route needs', async () => {
    const doc = await call('GET', '/admin/api/openapi.json', { headers: bearer });
    expect(doc.body.paths['/admin/api/agents/{id}/grants'].put['x-gatehouse-role']).toBe('admin');
    expect(doc.body.paths['/admin/api/approvals/{id}/approve'].post['x-gatehouse-role']).toBe(
      'approver',
    );
    expect(doc.body.paths['/admin/api/audit'].get['x-gatehouse-role']).toBe('viewer');
  });
});
