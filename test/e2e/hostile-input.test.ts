// Hostile parameters through every surface of a listening Gatehouse, as literal requests: keys that
// reach a prototype (__proto__, constructor, prototype, in any case and position) and nesting far
// past the limit, over REST (query string and JSON body), MCP over HTTP, MCP over stdio (the real
// `gatehouse mcp` process), the admin API and the webhook receiver. Each is refused with a clear
// answer and audited where it came from an agent; afterwards Object.prototype is untouched and
// normal calls behave normally (default page size, no reveal the agent did not ask for).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { startGatehouse, type StartedGatehouse } from '../../src/app/start.js';
import { loadConfig } from '../../src/config/config.js';
import type { AuditRecord } from '../../src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-hostile-'));
const adminToken = 'a'.repeat(48);
const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
let g: StartedGatehouse;
let token: string;

beforeAll(async () => {
  const config = loadConfig({
    flags: { db: join(dir, 'g.db'), keyFile: join(dir, 'k'), port: 0, sandbox: true, adminToken },
  });
  g = await startGatehouse(config, {
    logger: createLogger({ level: 'silent' }),
    createDemoAgent: false,
  });
  const created = await g.store.agents.create({
    name: 'prober',
    grants: [
      { target: 'people', level: 'read', requiresApproval: false },
      { target: 'people.reveal', level: 'full', requiresApproval: false },
      { target: 'contacts', level: 'full', requiresApproval: false },
    ],
  });
  if (!created.ok) throw new Error(created.error.message);
  token = created.value.token;
});
afterAll(async () => {
  await g.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A JSON array nested `depth` levels around a string, as text (JSON.stringify would recurse). */
const nested = (depth: number) => `${'['.repeat(depth)}"x"${']'.repeat(depth)}`;

const hostileQueries = [
  '__proto__[per_page]=abc',
  '__proto__[reveal_personal_emails]=true',
  'constructor[prototype][per_page]=abc',
  'constructor[per_page]=abc',
  'prototype[per_page]=abc',
  '__PROTO__[per_page]=abc',
  'person_titles[]=VP&__proto__[]=x',
];
const hostileBodies = [
  '{"__proto__":{"per_page":"abc"}}',
  '{"person_titles":["VP"],"constructor":{"prototype":{"per_page":"abc"}}}',
  '{"prototype":{"per_page":"abc"}}',
  '{"revenue_range":{"__proto__":{"min":1}}}',
  '{"person_titles":[{"Constructor":1}]}',
];
const deepBodies = [
  `{"q_keywords":${nested(5_000)}}`,
  `{"first_name":${nested(10_000)},"last_name":"Lee"}`,
];

async function rest(method: string, path: string, body?: string, auth: string | null = token) {
  const res = await fetch(`${g.url}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(auth ? { 'x-api-key': auth } : {}),
    },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function recordsSince(count: number): Promise<AuditRecord[]> {
  const all = (await g.store.audit.query({ limit: 1000 })).records;
  return all.slice(0, all.length - count);
}

function expectPrototypeUntouched() {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
  const probe = {} as Record<string, unknown>;
  expect([probe.per_page, probe.reveal_personal_emails, probe.min]).toEqual([
    undefined,
    undefined,
    undefined,
  ]);
}

async function expectNormalCallsNormal() {
  // A search without per_page gets Apollo's default page, not a 422 from a polluted default.
  const search = await rest('POST', '/api/v1/mixed_people/api_search', '{}');
  expect(search.status).toBe(200);
  expect((search.body.people as unknown[]).length).toBe(25);
  // A plain match reveals nothing the agent did not ask for.
  const match = await rest(
    'POST',
    '/api/v1/people/match',
    JSON.stringify({ first_name: 'Tim', last_name: 'Zheng', organization_name: 'Apollo' }),
  );
  expect(match.status).toBe(200);
  expect(JSON.stringify(match.body)).not.toMatch(/"personal_emails":\["/);
}

describe('REST', () => {
  it('refuses every prototype key in a query string with 400 UNSAFE_INPUT, audited', async () => {
    const before = (await g.store.audit.query({ limit: 1000 })).records.length;
    for (const q of hostileQueries) {
      const r = await rest('GET', `/api/v1/mixed_people/api_search?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error_code, q).toBe('UNSAFE_INPUT');
      expect(String(r.body.error), q).toMatch(/is not allowed.*Nothing was sent to Apollo/);
      expect(r.body.audit_id, q).toMatch(/^aud_/);
    }
    const records = await recordsSince(before);
    expect(records).toHaveLength(hostileQueries.length);
    for (const r of records) {
      expect(r).toMatchObject({
        agentName: 'prober',
        surface: 'rest',
        decision: 'denied',
        rule: 'unsafe input',
        errorCode: 'unsafe_input',
      });
    }
    expectPrototypeUntouched();
  });

  it('refuses them without a token too, and never pollutes before authentication', async () => {
    for (const q of hostileQueries) {
      const r = await rest('GET', `/api/v1/anything?${q}`, undefined, null);
      expect(r.status, q).toBe(401);
    }
    expectPrototypeUntouched();
    await expectNormalCallsNormal();
  });

  it('refuses prototype keys in JSON bodies, at any depth', async () => {
    for (const body of hostileBodies) {
      const r = await rest('POST', '/api/v1/mixed_people/api_search', body);
      expect(r.status, body).toBe(400);
      expect(r.body.error_code, body).toBe('UNSAFE_INPUT');
    }
    const bulk = await rest(
      'POST',
      '/api/v1/people/bulk_match',
      '{"details":[{"email":"a@b.co"},{"__proto__":{"reveal_personal_emails":true}}]}',
    );
    expect(bulk.body).toMatchObject({ error_code: 'UNSAFE_INPUT', path: 'details.1.__proto__' });
    expectPrototypeUntouched();
  });

  it('refuses nesting thousands of levels deep with 400 and an audit record, not a crash', async () => {
    const before = (await g.store.audit.query({ limit: 1000 })).records.length;
    for (const body of deepBodies) {
      const r = await rest('POST', '/api/v1/contacts', body);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ error_code: 'UNSAFE_INPUT', problem: 'too_deep' });
      expect(String(r.body.error)).toMatch(/nested deeper than 32 levels/);
    }
    const records = await recordsSince(before);
    expect(records.map((r) => [r.action, r.errorCode])).toEqual([
      ['contacts.create', 'unsafe_input'],
      ['contacts.create', 'unsafe_input'],
    ]);
    await expectNormalCallsNormal();
  });
});

/** A minimal MCP-over-HTTP client that sends messages exactly as written. */
async function mcpHttp() {
  let session = '';
  const post = async (message: unknown) => {
    const res = await fetch(`${g.url}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...(session ? { 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' } : {}),
      },
      body: typeof message === 'string' ? message : JSON.stringify(message),
    });
    session ||= res.headers.get('mcp-session-id') ?? '';
    const text = await res.text();
    const data = text
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => l.slice(6));
    const json = data[0] ?? text;
    return (json ? JSON.parse(json) : {}) as Record<string, unknown>;
  };
  await post({
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'raw', version: '1' },
    },
  });
  await post({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return post;
}

const search = 'apollo_mixed_people_api_search';
const call = (id: number, args: string, name = search) =>
  `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"${name}","arguments":${args}}}`;

describe('MCP over HTTP', () => {
  it('answers prototype keys and deep nesting with an audited isError result', async () => {
    const post = await mcpHttp();
    const before = (await g.store.audit.query({ limit: 1000 })).records.length;
    const hostile = [...hostileBodies, ...deepBodies];
    for (const [i, args] of hostile.entries()) {
      const answer = await post(call(i + 1, args));
      const result = answer.result as { isError: boolean; content: { text: string }[] };
      expect(result.isError, args.slice(0, 60)).toBe(true);
      expect(result.content[0]!.text).toMatch(/Nothing was sent to Apollo\. \(audit aud_/);
    }
    const records = await recordsSince(before);
    expect(records).toHaveLength(hostile.length);
    expect(new Set(records.map((r) => `${r.surface} ${r.action} ${r.errorCode}`))).toEqual(
      new Set(['mcp people.search unsafe_input']),
    );
    // Gatehouse's own tools are guarded the same way.
    const whoami = await post(call(50, '{"__proto__":{"x":1}}', 'whoami'));
    expect((whoami.result as { isError: boolean }).isError).toBe(true);
    expectPrototypeUntouched();
    // The session still serves a normal call.
    const ok = await post(call(60, '{"per_page":3}'));
    const people = (ok.result as { structuredContent: { people: unknown[] } }).structuredContent;
    expect(people.people).toHaveLength(3);
  });

  it('answers malformed tools/call params with -32602 naming the field, audited', async () => {
    const post = await mcpHttp();
    const before = (await g.store.audit.query({ limit: 1000 })).records.length;
    const cases: Array<[string, RegExp]> = [
      ['{"name":"whoami","arguments":"not an object"}', /params\.arguments/],
      ['{"name":"whoami","arguments":[1,2]}', /params\.arguments/],
      ['{"arguments":{}}', /params\.name/],
      ['{"name":42}', /params\.name/],
    ];
    for (const [i, [params, field]] of cases.entries()) {
      const answer = await post(
        `{"jsonrpc":"2.0","id":${i + 1},"method":"tools/call","params":${params}}`,
      );
      const error = answer.error as { code: number; message: string };
      expect(error.code, params).toBe(-32602);
      expect(error.message, params).toMatch(/^Invalid tools\/call params: /);
      expect(error.message, params).toMatch(field);
      expect(error.message.length, params).toBeLessThan(400);
      expect(error.message).toMatch(/\(audit aud_/);
    }
    const records = await recordsSince(before);
    expect(records.map((r) => [r.surface, r.action, r.decision, r.rule])).toEqual(
      cases.map(() => ['mcp', 'tools/call', 'denied', 'malformed request']),
    );
    expect(records.every((r) => r.agentName === 'prober')).toBe(true);
  });
});

describe('MCP over stdio (gatehouse mcp)', () => {
  it('refuses hostile and malformed calls, audited, and keeps serving', async () => {
    const tokenFile = join(dir, 'agent.token');
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/helpers/cli-entry.ts', 'mcp', '--token-file', tokenFile],
      {
        env: {
          ...process.env,
          GATEHOUSE_DB: join(dir, 'g.db'),
          GATEHOUSE_KEY_FILE: join(dir, 'k'),
          GATEHOUSE_LOG_LEVEL: 'warn',
          GATEHOUSE_SANDBOX: 'true',
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const send = async (text: string) => {
      child.stdin!.write(`${text}\n`);
      const { value } = await lines.next();
      return JSON.parse(String(value)) as Record<string, unknown>;
    };
    try {
      await send(
        '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}',
      );
      child.stdin!.write('{"jsonrpc":"2.0","method":"notifications/initialized"}\n');
      for (const [i, args] of [...hostileBodies, ...deepBodies].entries()) {
        const answer = await send(call(i + 1, args));
        expect((answer.result as { isError: boolean }).isError, args.slice(0, 60)).toBe(true);
      }
      const malformed = await send(
        '{"jsonrpc":"2.0","id":90,"method":"tools/call","params":{"name":"whoami","arguments":"x"}}',
      );
      expect(malformed.error).toMatchObject({ code: -32602 });
      const ok = await send(call(91, '{"per_page":2}'));
      const result = ok.result as { isError?: boolean; structuredContent: { people: unknown[] } };
      expect(result.isError).toBeUndefined();
      expect(result.structuredContent.people).toHaveLength(2);
    } finally {
      child.stdin!.end();
      await new Promise((r) => child.once('exit', r));
    }
    const stdio = (await g.store.audit.query({ limit: 1000 })).records.filter(
      (r) =>
        r.surface === 'mcp' && (r.errorCode === 'unsafe_input' || r.rule === 'malformed request'),
    );
    // Both MCP transports record as surface mcp: the HTTP tests above left 7 hostile calls, one
    // hostile whoami and 4 malformed requests; this process adds 7 hostile and one malformed.
    const hostile = hostileBodies.length + deepBodies.length;
    expect(stdio.length).toBe(hostile + 1 + 4 + (hostile + 1));
  }, 60_000);
});

describe('admin API and webhook receiver', () => {
  it('refuse prototype keys in their bodies without polluting anything', async () => {
    const agents = await fetch(`${g.url}/admin/api/agents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: '{"name":"x-bot","__proto__":{"isAdmin":true}}',
    });
    expect(agents.status).toBe(400);
    const grants = await fetch(`${g.url}/admin/api/agents/x/grants`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: `{"grants":${nested(5_000)}}`,
    });
    expect(grants.status).toBeGreaterThanOrEqual(400);
    expect(grants.status).toBeLessThan(500);
    const hook = await fetch(`${g.url}/webhooks/apollo/${'b'.repeat(43)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"__proto__":{"per_page":"abc"},"request_id":1}',
    });
    expect(hook.status).toBe(404);
    expectPrototypeUntouched();
    await expectNormalCallsNormal();
  });
});

describe('credentials in the URL', () => {
  const spellings = [
    'API_KEY=x',
    'Api-Key=x',
    'apiKey=x',
    'access_token[]=x',
    'ACCESS_TOKEN[0]=x',
    'auth[token]=x',
    'x-api-key=x',
    '%61pi_key=x',
    'TOKEN=x',
  ];

  it('are refused on every REST path and over MCP, whatever the case or brackets', async () => {
    const paths = [
      '/api/v1/mixed_people/api_search',
      '/v1/mixed_people/api_search',
      '/api/v1/webhook_result/123',
      '/api/v1/gatehouse/approvals/apr_x',
    ];
    for (const q of spellings) {
      for (const path of paths) {
        const res = await fetch(`${g.url}${path}?${q}`, { headers: { 'x-api-key': token } });
        expect(res.status, `${path}?${q}`).toBe(400);
        expect(((await res.json()) as { error_code: string }).error_code).toBe('CREDENTIAL_IN_URL');
      }
      const mcp = await fetch(`${g.url}/mcp?${q}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
      });
      expect(mcp.status, `/mcp?${q}`).toBe(400);
      expect(await mcp.text()).toMatch(/Do not put credentials in the URL/);
    }
  });

  it('leaves parameters that only look alike alone', async () => {
    const res = await fetch(
      `${g.url}/api/v1/mixed_people/api_search?q_keywords=token&person_titles[]=Key%20Account&per_page=2`,
      { headers: { 'x-api-key': token } },
    );
    expect(res.status).toBe(200);
  });
});
