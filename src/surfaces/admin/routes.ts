// The admin API (/admin/api/*): agents, the access matrix, the audit trail and the approval queue,
// for the console and for automation. Two ways in:
//   - `Authorization: Bearer <GATEHOUSE_ADMIN_TOKEN>` (scripts), compared in constant time;
//     wrong tokens are throttled per address (admin-auth.ts), sharing one count with the login;
//   - a console session: POST /admin/api/session with the token sets an HttpOnly, SameSite=Strict
//     cookie (Secure on HTTPS) and returns a CSRF token that every state-changing request must
//     echo in `X-CSRF-Token`; sessions end after 30 idle minutes or on logout.
// Every body and query is validated with zod; every route is described once, in `adminRoutes`,
// from which the OpenAPI document (/admin/api/openapi.json) and /admin/docs are generated.
import { randomBytes } from 'node:crypto';

import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';

import { approvalStates, auditDecisions } from '../../core/index.js';
import type { SessionStore } from '../../ports/index.js';

import { oauthBindingCookie, oauthCallbackPath } from '../oauth/routes.js';

import { sameSecret, type AdminAuth } from './admin-auth.js';
import type { AdminBy, AdminProblem, AdminServices } from './services.js';

/** Options for the admin API. */
export interface AdminOptions {
  readonly services: AdminServices;
  /** The admin token; without one the admin API answers 503 and says how to turn it on. */
  readonly adminToken: string | undefined;
  /** Whether a request arrived over HTTPS (directly or, when trusted, through a proxy). */
  readonly isHttps: (c: Context) => boolean;
  /** The throttled admin-token check (bearer tokens and the console login share its counts). */
  readonly auth: AdminAuth;
  readonly now?: () => number;
  /** Idle time after which a console session ends (default 30 minutes). */
  readonly idleMs?: number;
  /** Where sessions live (default: this process's memory; Redis for replicas). */
  readonly sessions?: SessionStore;
}

const levels = ['off', 'read', 'full'] as const;
const grantBody = z.strictObject({
  target: z.string().min(1).max(100),
  level: z.enum(levels),
  approval: z.boolean().default(false),
  /** Outbound actions under this grant run without the approval they need by default. */
  no_approval: z.boolean().default(false),
});
const createAgentBody = z.strictObject({
  name: z.string().min(1).max(64),
  description: z.string().max(500).optional(),
  grants: z.array(grantBody).max(100).default([]),
});
const budget = z.number().int().min(0).max(10_000_000).nullable();
const limitsBody = z
  .strictObject({
    credits_per_day: budget.optional(),
    credits_per_month: budget.optional(),
    requests_per_minute: z.number().int().min(1).max(100_000).nullable().optional(),
    redact: z
      .array(z.string().regex(/^[A-Za-z0-9_.]{1,100}$/, 'a field name: letters, digits, _ and .'))
      .max(100)
      .optional(),
  })
  .refine((l) => Object.keys(l).length > 0, {
    message:
      'name at least one limit: credits_per_day, credits_per_month, requests_per_minute or redact',
  });
const loginBody = z.strictObject({ token: z.string().min(1).max(512) });
const answerBody = z.strictObject({ note: z.string().max(1000).optional() });
const auditQuery = z.strictObject({
  agent: z.string().max(100).optional(),
  action: z.string().max(200).optional(),
  decision: z.enum(auditDecisions).optional(),
  since: z.coerce.number().int().nonnegative().optional(),
  until: z.coerce.number().int().nonnegative().optional(),
  text: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.string().max(64).optional(),
});
const exportQuery = auditQuery
  .omit({ limit: true, before: true })
  .extend({ format: z.enum(['csv', 'jsonl']) });
const oauthBody = z.strictObject({
  client_id: z.string().min(1).max(200),
  client_secret: z.string().min(1).max(500),
  scopes: z
    .array(
      z
        .string()
        .regex(/^[a-z_]+$/)
        .max(100),
    )
    .max(100)
    .optional(),
});
const usageQuery = z.strictObject({ days: z.coerce.number().int().min(1).max(90).default(14) });
const approvalsQuery = z.strictObject({
  state: z.enum([...approvalStates, 'all']).default('pending'),
});

/** One admin route, as the OpenAPI document describes it. */
export interface AdminRoute {
  readonly method: 'get' | 'post' | 'put' | 'delete';
  /** OpenAPI path (`{id}` parameters). */
  readonly path: string;
  readonly summary: string;
  readonly body?: z.ZodType;
  readonly query?: z.ZodType;
  /** True for the one route that needs no admin credential (logging in). */
  readonly open?: boolean;
}

/** Every admin route: the OpenAPI document and /admin/docs are generated from this list. */
export const adminRoutes: readonly AdminRoute[] = [
  {
    method: 'post',
    path: '/admin/api/session',
    summary: 'Log in with the admin token: sets the session cookie, returns the CSRF token.',
    body: loginBody,
    open: true,
  },
  { method: 'get', path: '/admin/api/session', summary: 'The current session and its CSRF token.' },
  { method: 'delete', path: '/admin/api/session', summary: 'Log out.' },
  {
    method: 'get',
    path: '/admin/api/overview',
    summary: "Connection, today's calls, denials and credits, rate headroom, pending approvals.",
  },
  { method: 'get', path: '/admin/api/agents', summary: 'Every agent, with last use and grants.' },
  {
    method: 'post',
    path: '/admin/api/agents',
    summary: 'Create an agent; its token is in this answer only.',
    body: createAgentBody,
  },
  {
    method: 'post',
    path: '/admin/api/agents/{id}/rotate',
    summary: 'Issue a new token (in this answer only); the old one stops at once.',
  },
  {
    method: 'post',
    path: '/admin/api/agents/{id}/revoke',
    summary: 'Revoke the agent; its token stops at once.',
  },
  {
    method: 'get',
    path: '/admin/api/matrix',
    summary: 'The access matrix: agents × groups and actions, with levels and approval flags.',
  },
  {
    method: 'put',
    path: '/admin/api/agents/{id}/grants',
    summary: "Set one grant (level off removes it); applies to the agent's next call.",
    body: grantBody,
  },
  {
    method: 'put',
    path: '/admin/api/agents/{id}/limits',
    summary:
      "Set an agent's limits: credit budgets, requests per minute (null: none) and the fields removed from its answers.",
    body: limitsBody,
  },
  {
    method: 'get',
    path: '/admin/api/audit',
    summary: 'Audit records, newest first, filtered; page with `before`.',
    query: auditQuery,
  },
  {
    method: 'get',
    path: '/admin/api/audit/export',
    summary: 'Every matching audit record as CSV or JSONL (a download, streamed oldest first).',
    query: exportQuery,
  },
  {
    method: 'get',
    path: '/admin/api/usage',
    summary: 'Calls, denials and credits per UTC day per agent.',
    query: usageQuery,
  },
  {
    method: 'post',
    path: '/admin/api/connection/oauth',
    summary:
      "Start connecting Apollo over OAuth: returns Apollo's authorization URL for this browser (the callback is accepted only here).",
    body: oauthBody,
  },
  {
    method: 'get',
    path: '/admin/api/alerts',
    summary: 'Anomaly alerts, newest first, each with the audit records that triggered it.',
  },
  {
    method: 'get',
    path: '/admin/api/approvals',
    summary: 'Held calls (pending by default).',
    query: approvalsQuery,
  },
  {
    method: 'post',
    path: '/admin/api/approvals/{id}/approve',
    summary: 'Approve a held call: it runs once, exactly as the agent made it.',
    body: answerBody,
  },
  {
    method: 'post',
    path: '/admin/api/approvals/{id}/reject',
    summary: 'Reject a held call; the note is shown to the agent.',
    body: answerBody,
  },
];

/** The OpenAPI 3.1 document of the admin API, generated from `adminRoutes` and their schemas. */
export function adminOpenApi(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of adminRoutes) {
    const params = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const query = r.query
      ? Object.entries(
          (z.toJSONSchema(r.query, { io: 'input' }) as { properties?: Record<string, unknown> })
            .properties ?? {},
        ).map(([name, schema]) => ({ name, in: 'query', required: false, schema }))
      : [];
    paths[r.path] ??= {};
    paths[r.path]![r.method] = {
      summary: r.summary,
      ...(params.length + query.length ? { parameters: [...params, ...query] } : {}),
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: z.toJSONSchema(r.body, { io: 'input' }) } },
            },
          }
        : {}),
      ...(r.open ? { security: [] } : {}),
      responses: {
        '200': { description: 'OK (JSON)' },
        '400': { description: 'Invalid input, with the issues' },
        '401': { description: 'No or wrong admin credential' },
        '403': { description: 'Missing or wrong CSRF token (console sessions)' },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Gatehouse admin API',
      version: '0.1.0',
      description:
        'Agents, grants, the audit trail and the approval queue. Authenticate with `Authorization: Bearer <admin token>`, or log in (POST /admin/api/session) and send the session cookie plus `X-CSRF-Token` on every state-changing request.',
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        session: { type: 'apiKey', in: 'cookie', name: 'gh_session' },
      },
    },
    security: [{ bearer: [] }, { session: [] }],
    paths,
  };
}

/** Sessions in this process's memory, at most `max` (the least recently used goes first). */
export function memorySessions(now: () => number = Date.now, max = 100): SessionStore {
  const map = new Map<string, { csrf: string; expiresAt: number }>();
  return {
    async create(id, csrf, idleMs) {
      if (map.size >= max) map.delete(map.keys().next().value!);
      map.set(id, { csrf, expiresAt: now() + idleMs });
    },
    async touch(id, idleMs) {
      const s = map.get(id);
      if (!s) return null;
      map.delete(id);
      if (now() >= s.expiresAt) return null;
      map.set(id, { csrf: s.csrf, expiresAt: now() + idleMs });
      return s.csrf;
    },
    async remove(id) {
      map.delete(id);
    },
  };
}

/** The token of an `Authorization: Bearer <token>` header; undefined when there is none. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1] : undefined;
}

/** The admin API routes. */
export function createAdminRoutes(options: AdminOptions): Hono {
  const { services } = options;
  const now = options.now ?? Date.now;
  const idleMs = options.idleMs ?? 30 * 60_000;
  const sessions = options.sessions ?? memorySessions(now);
  const app = new Hono();
  const cookieName = (c: Context) => (options.isHttps(c) ? '__Host-gh_session' : 'gh_session');

  const problem = (c: Context, p: AdminProblem) => c.json({ error: p.message }, p.status);
  const invalid = (c: Context, error: z.ZodError) =>
    c.json(
      {
        error: 'Invalid input: nothing was changed.',
        issues: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      },
      400,
    );

  async function readJson(c: Context): Promise<unknown> {
    const text = await c.req.text();
    if (text.length > 64_000) return Symbol.for('too-large');
    if (!text.trim()) return {};
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return Symbol.for('bad-json');
    }
  }

  /** Parses a JSON body with `schema`, or answers the refusal. */
  async function body<T extends z.ZodType>(
    c: Context,
    schema: T,
  ): Promise<{ ok: true; value: z.output<T> } | { ok: false; response: Response }> {
    const raw = await readJson(c);
    if (typeof raw === 'symbol') {
      return {
        ok: false,
        response: c.json(
          {
            error:
              raw === Symbol.for('too-large')
                ? 'The request body is too large.'
                : 'The request body is not valid JSON.',
          },
          400,
        ),
      };
    }
    const parsed = schema.safeParse(raw);
    return parsed.success
      ? { ok: true, value: parsed.data }
      : { ok: false, response: invalid(c, parsed.error) };
  }

  async function liveSession(c: Context): Promise<{ id: string; csrf: string } | null> {
    const id = getCookie(c, cookieName(c));
    if (!id || id.length > 100) return null;
    const csrf = await sessions.touch(id, idleMs);
    return csrf === null ? null : { id, csrf };
  }

  // No admin token configured: the whole admin API says how to turn it on.
  app.use('/admin/api/*', async (c, next) => {
    if (!options.adminToken) {
      return c.json(
        {
          error:
            'The admin API is off: set GATEHOUSE_ADMIN_TOKEN (32 or more characters) and restart Gatehouse.',
        },
        503,
      );
    }
    c.header('cache-control', 'no-store');
    return next();
  });

  app.get('/admin/api/openapi.json', (c) => c.json(adminOpenApi()));

  app.post('/admin/api/session', async (c) => {
    const parsed = await body(c, loginBody);
    if (!parsed.ok) return parsed.response;
    const refused = await options.auth.verify(c, parsed.value.token, 'admin:console');
    if (refused) return refused;
    const id = randomBytes(32).toString('base64url');
    const csrf = randomBytes(32).toString('base64url');
    await sessions.create(id, csrf, idleMs);
    setCookie(c, cookieName(c), id, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: options.isHttps(c),
      path: '/',
      maxAge: Math.floor(idleMs / 1000),
    });
    return c.json({ csrf, idle_timeout_seconds: Math.floor(idleMs / 1000) });
  });

  // Everything else needs the bearer token or a live session (and CSRF for changes).
  const guard: MiddlewareHandler = async (c, next) => {
    const bearer = bearerToken(c.req.header('authorization'));
    if (bearer !== undefined) {
      const refused = await options.auth.verify(c, bearer, 'admin:api');
      if (refused) return refused;
      c.set('by' as never, 'admin:api' as never);
      return next();
    }
    const live = await liveSession(c);
    if (!live) {
      return c.json(
        { error: 'Log in first (POST /admin/api/session) or send Authorization: Bearer.' },
        401,
      );
    }
    const method = c.req.method.toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') {
      const sent = c.req.header('x-csrf-token') ?? '';
      if (!sameSecret(sent, live.csrf)) {
        return c.json(
          { error: 'Missing or wrong X-CSRF-Token: reload the console and try again.' },
          403,
        );
      }
    }
    c.set('by' as never, 'admin:console' as never);
    return next();
  };
  app.use('/admin/api/*', guard);
  const by = (c: Context): AdminBy =>
    c.get('by' as never) === 'admin:console' ? 'admin:console' : 'admin:api';

  app.get('/admin/api/session', async (c) => {
    const live = await liveSession(c);
    return c.json(live ? { csrf: live.csrf } : { csrf: null });
  });
  app.delete('/admin/api/session', async (c) => {
    const live = await liveSession(c);
    if (live) await sessions.remove(live.id);
    deleteCookie(c, cookieName(c), { path: '/', secure: options.isHttps(c) });
    return c.json({ ok: true });
  });

  app.get('/admin/api/overview', async (c) => c.json(await services.overview()));
  app.get('/admin/api/agents', async (c) => c.json({ agents: await services.agents() }));
  app.post('/admin/api/agents', async (c) => {
    const parsed = await body(c, createAgentBody);
    if (!parsed.ok) return parsed.response;
    const created = await services.createAgent(parsed.value, by(c));
    return created.ok ? c.json(created.value, 201) : problem(c, created.error);
  });
  app.post('/admin/api/agents/:id/rotate', async (c) => {
    const done = await services.rotateAgent(c.req.param('id'), by(c));
    return done.ok ? c.json(done.value) : problem(c, done.error);
  });
  app.post('/admin/api/agents/:id/revoke', async (c) => {
    const done = await services.revokeAgent(c.req.param('id'), by(c));
    return done.ok ? c.json(done.value) : problem(c, done.error);
  });
  app.get('/admin/api/matrix', async (c) => c.json(await services.matrix()));
  app.put('/admin/api/agents/:id/grants', async (c) => {
    const parsed = await body(c, grantBody);
    if (!parsed.ok) return parsed.response;
    const done = await services.setGrant(c.req.param('id'), parsed.value, by(c));
    return done.ok ? c.json(done.value) : problem(c, done.error);
  });
  app.put('/admin/api/agents/:id/limits', async (c) => {
    const parsed = await body(c, limitsBody);
    if (!parsed.ok) return parsed.response;
    const done = await services.setLimits(c.req.param('id'), parsed.value, by(c));
    return done.ok ? c.json(done.value) : problem(c, done.error);
  });
  app.get('/admin/api/audit/export', (c) => {
    const parsed = exportQuery.safeParse(c.req.query());
    if (!parsed.success) return invalid(c, parsed.error);
    const { format, ...filters } = parsed.data;
    const lines = services.exportAudit(format, filters)[Symbol.asyncIterator]();
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await lines.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      async cancel() {
        await lines.return?.();
      },
    });
    return new Response(stream, {
      headers: {
        'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
        'content-disposition': `attachment; filename="gatehouse-audit.${format}"`,
        'cache-control': 'no-store',
      },
    });
  });
  app.get('/admin/api/usage', async (c) => {
    const parsed = usageQuery.safeParse(c.req.query());
    if (!parsed.success) return invalid(c, parsed.error);
    return c.json(await services.usage(parsed.data.days));
  });
  app.get('/admin/api/audit', async (c) => {
    const parsed = auditQuery.safeParse(c.req.query());
    if (!parsed.success) return invalid(c, parsed.error);
    return c.json(await services.audit(parsed.data));
  });
  app.post('/admin/api/connection/oauth', async (c) => {
    const parsed = await body(c, oauthBody);
    if (!parsed.ok) return parsed.response;
    const binding = randomBytes(32).toString('base64url');
    const started = await services.startOAuth(
      {
        clientId: parsed.value.client_id,
        clientSecret: parsed.value.client_secret,
        scopes: parsed.value.scopes ?? null,
      },
      binding,
    );
    if (!started.ok) return problem(c, started.error);
    setCookie(c, oauthBindingCookie, binding, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: options.isHttps(c),
      path: oauthCallbackPath,
      maxAge: Math.max(1, Math.floor((started.value.expiresAt - now()) / 1000)),
    });
    return c.json({
      url: started.value.url,
      expires_at: new Date(started.value.expiresAt).toISOString(),
    });
  });
  app.get('/admin/api/alerts', async (c) => c.json({ alerts: await services.alerts() }));
  app.get('/admin/api/approvals', async (c) => {
    const parsed = approvalsQuery.safeParse(c.req.query());
    if (!parsed.success) return invalid(c, parsed.error);
    const state = parsed.data.state;
    return c.json({ approvals: await services.approvals(state === 'all' ? null : [state]) });
  });
  for (const verb of ['approve', 'reject'] as const) {
    app.post(`/admin/api/approvals/:id/${verb}`, async (c) => {
      const parsed = await body(c, answerBody);
      if (!parsed.ok) return parsed.response;
      const done = await services.answerApproval(
        c.req.param('id'),
        verb === 'approve',
        parsed.value.note ?? null,
        by(c),
      );
      return done.ok ? c.json(done.value) : problem(c, done.error);
    });
  }
  app.all('/admin/api/*', (c) =>
    c.json(
      { error: `Nothing at ${c.req.method} ${new URL(c.req.url).pathname}; see /admin/docs.` },
      404,
    ),
  );

  // Browsable documentation, generated from the same route list.
  app.get('/admin/docs', (c) => {
    const rows = adminRoutes
      .map(
        (r) =>
          `<tr><td><code>${r.method.toUpperCase()}</code></td><td><code>${escapeHtml(r.path)}</code></td><td>${escapeHtml(r.summary)}</td></tr>`,
      )
      .join('\n');
    return c.html(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Gatehouse admin API</title></head><body><h1>Gatehouse admin API</h1><p>Authenticate with <code>Authorization: Bearer &lt;admin token&gt;</code>, or log in and send <code>X-CSRF-Token</code> with every change. Machine-readable: <a href="/admin/api/openapi.json">openapi.json</a>.</p><table><thead><tr><th>Method</th><th>Path</th><th>What it does</th></tr></thead><tbody>${rows}</tbody></table></body></html>`,
    );
  });
  return app;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
