// Traces (docs/tracing.md): with an OTLP endpoint set, an agent's REST call is one trace that
// continues the caller's traceparent (the root SERVER span's parent is the caller's span), with the
// pipeline's steps and the Apollo CLIENT span as children, and Apollo receives a traceparent of the
// same trace; the spans carry the action, decision and status but no token, key or parameter; log
// lines name the trace; probes are not traced; an MCP tools/call is traced too. With tracing off no
// span is exported and Apollo receives no traceparent. A real OTLP/HTTP receiver and a real
// sandbox on ports of their own play the collector and Apollo.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { serve, type ServerType } from '@hono/node-server';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { startGatehouse, type StartedGatehouse } from '../../src/app/start.js';
import { loadConfig } from '../../src/config/config.js';
import { openStore } from '../../src/store/open-store.js';
import { createSandbox } from '../../src/sandbox/index.js';
import { createWorld } from '../../src/sandbox/world/index.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-tracing-'));
const apolloKey = 'apollo-master-key-tracing-0123456789';
const email = 'tim.traceable@example.com';

/** What the OTLP receiver was sent: each request's raw body. */
const exported: string[] = [];
/** The traceparent / tracestate of each request the sandbox (Apollo) received. */
const atApollo: Array<{ path: string; traceparent: string | null; tracestate: string | null }> = [];
let receiver: Server;
let receiverUrl: string;
let apollo: ServerType;
let apolloUrl: string;

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Array<{ key: string; value: OtlpValue }>;
}
interface Span extends OtlpSpan {
  attrs: Record<string, string | number | boolean | undefined>;
}
const spanKind = { internal: 1, server: 2, client: 3 };

const valueOf = (v: OtlpValue) =>
  v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.doubleValue ?? v.boolValue));

/** Every exported span, and every resource's attributes. */
function decode() {
  const spans: Span[] = [];
  const resources: Array<Record<string, unknown>> = [];
  for (const body of exported) {
    const parsed = JSON.parse(body) as {
      resourceSpans: Array<{
        resource: { attributes: Array<{ key: string; value: OtlpValue }> };
        scopeSpans: Array<{ spans: OtlpSpan[] }>;
      }>;
    };
    for (const r of parsed.resourceSpans) {
      resources.push(
        Object.fromEntries(r.resource.attributes.map((a) => [a.key, valueOf(a.value)])),
      );
      for (const s of r.scopeSpans.flatMap((x) => x.spans)) {
        spans.push({
          ...s,
          attrs: Object.fromEntries(s.attributes.map((a) => [a.key, valueOf(a.value)])),
        });
      }
    }
  }
  return { spans, resources };
}

async function started(flags: Record<string, unknown>, logs: string[]) {
  return startGatehouse(
    loadConfig({
      flags: {
        db: join(dir, 'g.db'),
        keyFile: join(dir, 'k'),
        port: 0,
        upstreamUrl: apolloUrl,
        replicaId: 'replica-t1',
        ...flags,
      },
    }),
    {
      logger: createLogger({
        level: 'debug',
        destination: { write: (line: string) => void logs.push(line) },
      }),
      createDemoAgent: false,
    },
  );
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') {
        exported.push(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else res.writeHead(404).end();
    });
  });
  await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  const sandbox = createSandbox({ seed: 1, createWorld, masterKeys: [apolloKey] });
  apolloUrl = await new Promise<string>((done) => {
    apollo = serve(
      {
        fetch: (req: Request) => {
          atApollo.push({
            path: new URL(req.url).pathname,
            traceparent: req.headers.get('traceparent'),
            tracestate: req.headers.get('tracestate'),
          });
          return sandbox.app.fetch(req);
        },
        port: 0,
        hostname: '127.0.0.1',
      },
      (info) => done(`http://127.0.0.1:${info.port}`),
    );
  });
  const config = loadConfig({ flags: { db: join(dir, 'g.db'), keyFile: join(dir, 'k') } });
  const store = await openStore(config, createLogger({ level: 'silent' }));
  await store.connection.save({ kind: 'apikey', credential: { key: apolloKey } });
  await store.close();
});
afterAll(async () => {
  await new Promise<void>((done) => receiver?.close(() => done()));
  await new Promise<void>((done) => apollo?.close(() => done()));
  rmSync(dir, { recursive: true, force: true });
});

describe('with an OTLP endpoint', () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const callerSpanId = '00f067aa0ba902b7';
  const logs: string[] = [];
  let g: StartedGatehouse;
  let token: string;
  let rest: { requestId: string | null; auditId: string | null; status: number };
  let denied: { auditId: string | null; status: number };
  let mcp: CallToolResult;

  beforeAll(async () => {
    g = await started({ otlpEndpoint: receiverUrl }, logs);
    const agent = await g.store.agents.create({
      name: 'tracer-bot',
      grants: [{ target: 'people', level: 'read', requiresApproval: false }],
    });
    if (!agent.ok) throw new Error(agent.error.message);
    token = agent.value.token;
    atApollo.length = 0;

    const res = await fetch(`${g.url}/api/v1/people/match`, {
      method: 'POST',
      headers: {
        'x-api-key': token,
        'content-type': 'application/json',
        traceparent: `00-${traceId}-${callerSpanId}-01`,
        tracestate: 'caller=t61rcWkgMzE',
      },
      body: JSON.stringify({ email }),
    });
    await res.text();
    rest = {
      status: res.status,
      requestId: res.headers.get('x-request-id'),
      auditId: res.headers.get('x-gatehouse-audit-id'),
    };
    const refused = await fetch(`${g.url}/api/v1/contacts`, {
      method: 'POST',
      headers: { 'x-api-key': token, 'content-type': 'application/json' },
      body: JSON.stringify({ first_name: 'Ann', email }),
    });
    await refused.text();
    denied = { status: refused.status, auditId: refused.headers.get('x-gatehouse-audit-id') };
    for (const probe of ['/healthz', '/readyz', '/metrics'])
      await (await fetch(`${g.url}${probe}`)).text();

    const transport = new StreamableHTTPClientTransport(new URL(`${g.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    });
    const client = new Client({ name: 'tracing-e2e', version: '1.0.0' });
    await client.connect(transport);
    mcp = (await client.callTool({
      name: 'apollo_mixed_people_api_search',
      arguments: { person_titles: ['VP Sales'], per_page: 2 },
    })) as CallToolResult;
    await client.close();
    // Closing flushes the batch of spans to the receiver before it resolves.
    await g.close();
  });

  it('exports one trace per call continuing the caller, with the steps and Apollo as children', () => {
    expect(rest.status).toBe(200);
    const { spans } = decode();
    const trace = spans.filter((s) => s.traceId === traceId);
    const root = trace.find((s) => s.kind === spanKind.server)!;
    expect(root).toBeDefined();
    expect(root.parentSpanId).toBe(callerSpanId);
    expect(root.name).toBe('POST /api/v1/people/match');
    expect(root.attrs).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/api/v1/people/match',
      'http.response.status_code': 200,
      'gatehouse.request_id': rest.requestId,
    });

    const call = trace.find((s) => s.name === 'gatehouse.call people.match')!;
    expect(call.parentSpanId).toBe(root.spanId);
    expect(call.attrs).toMatchObject({
      'gatehouse.surface': 'rest',
      'gatehouse.action': 'people.match',
      'gatehouse.decision': 'allowed',
      'gatehouse.rule': 'people=read',
      'gatehouse.agent.name': 'tracer-bot',
      'gatehouse.audit_id': rest.auditId,
      'gatehouse.upstream.status': 200,
    });
    expect(typeof call.attrs['gatehouse.credits']).toBe('number');

    // Every span of the trace hangs from the root; the steps hang from the call.
    const ids = new Set(trace.map((s) => s.spanId));
    for (const s of trace) if (s !== root) expect(ids.has(s.parentSpanId!)).toBe(true);
    const steps = trace.filter((s) => s.parentSpanId === call.spanId).map((s) => s.name);
    expect(steps).toEqual(
      expect.arrayContaining([
        'gatehouse.authenticate',
        'gatehouse.validate',
        'gatehouse.decide',
        'gatehouse.budget',
        'gatehouse.credential',
        'gatehouse.audit.open',
        'gatehouse.audit.complete',
      ]),
    );
    expect(trace.some((s) => s.name === 'gatehouse.pace')).toBe(true);
    const client = trace.filter((s) => s.kind === spanKind.client);
    expect(client).toHaveLength(1);
    expect(client[0]!.attrs).toMatchObject({
      'http.request.method': 'POST',
      'server.address': '127.0.0.1',
      'http.response.status_code': 200,
    });
    expect(String(client[0]!.attrs['url.template'])).toMatch(/^\/api\/v1\/people\/(bulk_)?match$/);

    // Apollo was asked with the client span as its parent, and the caller's tracestate.
    const sent = atApollo.filter((a) => a.traceparent?.includes(traceId));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.traceparent).toBe(`00-${traceId}-${client[0]!.spanId}-01`);
    expect(sent[0]!.tracestate).toBe('caller=t61rcWkgMzE');
  });

  it('names the service and the replica, and puts no token, key or parameter in any span', () => {
    const { resources } = decode();
    expect(resources[0]).toMatchObject({
      'service.name': 'gatehouse',
      'service.instance.id': 'replica-t1',
    });
    const payload = exported.join('\n');
    expect(payload).not.toContain(token);
    expect(payload).not.toContain(token.slice(-16));
    expect(payload).not.toContain(apolloKey);
    expect(payload).not.toContain(email);
    expect(payload).not.toContain('tim.traceable');
    expect(payload).not.toContain('VP Sales');
    expect(payload).not.toContain('Ann');
  });

  it('traces a refusal with its decision, and an MCP tools/call under its POST /mcp', () => {
    const { spans } = decode();
    expect(denied.status).toBe(403);
    const refusal = spans.find(
      (s) =>
        s.attrs['gatehouse.audit_id'] === denied.auditId && s.name.startsWith('gatehouse.call'),
    )!;
    expect(refusal.attrs).toMatchObject({
      'gatehouse.action': 'contacts.create',
      'gatehouse.decision': 'denied',
      'gatehouse.error_code': 'not_granted',
    });
    expect(
      spans.some((s) => s.parentSpanId === refusal.spanId && s.name === 'gatehouse.budget'),
    ).toBe(false);

    expect(mcp.isError).toBeFalsy();
    const call = spans.find((s) => s.name === 'gatehouse.call people.search')!;
    expect(call.attrs).toMatchObject({
      'gatehouse.surface': 'mcp',
      'gatehouse.decision': 'allowed',
    });
    const parent = spans.find((s) => s.spanId === call.parentSpanId)!;
    expect(parent).toMatchObject({ kind: spanKind.server, name: 'POST /mcp' });
    expect(spans.some((s) => s.traceId === call.traceId && s.kind === spanKind.client)).toBe(true);
  });

  it('names the trace on the request log line, and neither traces nor logs probes at info', () => {
    const { spans } = decode();
    const lines = logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    const line = lines.find((l) => l.msg === 'request' && l.request_id === rest.requestId)!;
    const root = spans.find((s) => s.traceId === traceId && s.kind === spanKind.server)!;
    expect(line).toMatchObject({ trace_id: traceId, span_id: root.spanId, level: 30 });
    for (const probe of ['/healthz', '/readyz', '/metrics']) {
      const probeLine = lines.find((l) => l.msg === 'request' && l.path === probe)!;
      expect(probeLine.level).toBe(20);
      expect(probeLine.trace_id).toBeUndefined();
      expect(spans.some((s) => s.name.includes(probe))).toBe(false);
    }
  });
});

describe('without an OTLP endpoint', () => {
  it('exports nothing and sends Apollo no traceparent', async () => {
    const before = exported.length;
    atApollo.length = 0;
    const logs: string[] = [];
    const g = await started({}, logs);
    try {
      const agent = await g.store.agents.create({
        name: 'untraced-bot',
        grants: [{ target: 'people', level: 'read', requiresApproval: false }],
      });
      if (!agent.ok) throw new Error(agent.error.message);
      const res = await fetch(`${g.url}/api/v1/mixed_people/api_search`, {
        method: 'POST',
        headers: {
          'x-api-key': agent.value.token,
          'content-type': 'application/json',
          traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        },
        body: JSON.stringify({ per_page: 1 }),
      });
      expect(res.status).toBe(200);
      await res.text();
    } finally {
      await g.close();
    }
    expect(exported.length).toBe(before);
    expect(atApollo.length).toBeGreaterThan(0);
    expect(atApollo.every((a) => a.traceparent === null)).toBe(true);
    expect(logs.join('')).not.toContain('trace_id');
  });
});
