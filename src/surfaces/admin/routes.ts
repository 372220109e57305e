// The admin API (/admin/api/*): agents, the access matrix, the audit trail and the approval queue,
// for the console and for automation. Two ways in:
//   - `Authorization: Bearer <GATEHOUSE_ADMIN_TOKEN>` (scripts), compared in constant time;
//     wrong tokens are throttled per address (admin-auth.ts), sharing one count with the login;
//   - a console session: POST /admin/api/session with the token sets an HttpOnly, SameSite=Strict
//     cookie (Secure on HTTPS) and returns a CSRF token that every state-changing request must
//     echo in `X-CSRF-Token`; sessions end after 30 idle minutes or on logout.
// Every body and query is validated with the zod schemas of contracts.ts, where every route is
// described once; the OpenAPI document (/admin/api/openapi.json) and /admin/docs come from there.
// Every answer `satisfies` its route's response type there (refusals: `ProblemResponse`), and
// test/e2e/admin-contract.test.ts parses each route's real answers with the schemas themselves.
import { randomBytes } from 'node:crypto';

import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';

import { faultOf, httpStatusFor, retryAfterFor } from '../../core/index.js';
import type { SessionStore } from '../../ports/index.js';
import { publicPerson } from '../../services/admin/public.js';
import {
  personIdentity,
  roleWords,
  type ConsoleIdentity,
  type ConsolePeople,
} from '../../services/admin/people.js';

import { oauthBindingCookie, oauthCallbackPath } from '../oauth/routes.js';

import { sameSecret, type AdminAuth } from './admin-auth.js';
import { auditStream } from './audit-stream.js';
import { adminDocsPage } from './docs-page.js';
import { openSession, routeFor, sessionCookieName, sessionIdentity } from './identity.js';
import { adminOpenApi } from './openapi.js';
import {
  alertsQuery,
  answerBody,
  approvalsQuery,
  auditQuery,
  createAgentBody,
  exportQuery,
  grantBody,
  limitsBody,
  loginBody,
  oauthBody,
  requiredRole,
  roleAllows,
  streamQuery,
  templateBody,
  usageQuery,
  type AdminResponse,
  type ProblemResponse,
} from './contracts.js';
import { memorySessions } from './memory-sessions.js';
import type { AdminBy, AdminProblem, AdminServices } from '../../services/admin/types.js';

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
  /** The people who sign in as themselves; with any of them the admin API is on without a token. */
  readonly people: ConsolePeople;
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
  // A fault thrown below (Gatehouse's database did not answer) is answered with its own status,
  // code and Retry-After, as REST and MCP answer it; anything else stays an unhandled error.
  app.onError((e, c) => {
    const error = faultOf(e);
    if (!error) throw e;
    const retry = retryAfterFor(error);
    return c.json(
      { error: error.message, error_code: error.code.toUpperCase() } satisfies ProblemResponse,
      httpStatusFor(error) as ContentfulStatusCode,
      retry === null ? {} : { 'retry-after': String(retry) },
    );
  });
  const cookieName = (c: Context) => sessionCookieName(options.isHttps(c));

  const problem = (c: Context, p: AdminProblem) =>
    c.json({ error: p.message } satisfies ProblemResponse, p.status);
  const invalid = (c: Context, error: z.ZodError) =>
    c.json(
      {
        error: 'Invalid input: nothing was changed.',
        issues: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      } satisfies ProblemResponse,
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
          } satisfies ProblemResponse,
          400,
        ),
      };
    }
    const parsed = schema.safeParse(raw);
    return parsed.success
      ? { ok: true, value: parsed.data }
      : { ok: false, response: invalid(c, parsed.error) };
  }

  async function liveSession(
    c: Context,
  ): Promise<{ id: string; csrf: string; identity: ConsoleIdentity } | null> {
    const id = getCookie(c, cookieName(c));
    if (!id || id.length > 100) return null;
    const session = await sessions.touch(id, idleMs);
    const identity = session && (await sessionIdentity(options.people, session));
    if (!session || !identity) return null;
    return { id, csrf: session.csrf, identity };
  }

  // Without an admin token and with nobody to sign in, the admin API says how to turn it on. Once
  // someone can sign in it stays on (people are only ever removed by the CLI, beside the store).
  let peopleExist = false;
  const enabled = async () =>
    Boolean(options.adminToken) || peopleExist || (peopleExist = await options.people.any());
  app.use('/admin/api/*', async (c, next) => {
    if (!(await enabled())) {
      return c.json(
        {
          error:
            'The admin API is off: set GATEHOUSE_ADMIN_TOKEN (32 or more characters) and restart Gatehouse, or add a console person with gatehouse admin add <email> --role admin.',
        } satisfies ProblemResponse,
        503,
      );
    }
    c.header('cache-control', 'no-store');
    return next();
  });

  app.get('/admin/api/openapi.json', (c) =>
    c.json(adminOpenApi() satisfies AdminResponse<'GET /admin/api/openapi.json'>),
  );

  app.post('/admin/api/session', async (c) => {
    const parsed = await body(c, loginBody);
    if (!parsed.ok) return parsed.response;
    const login = parsed.value;
    let identity: ConsoleIdentity;
    let person: string | null = null;
    if ('token' in login) {
      const refused = await options.auth.verify(c, login.token, 'admin:console');
      if (refused) return refused;
      identity = { by: 'admin:console', role: 'admin', person: null };
    } else {
      const signed = await options.auth.signIn(c, () =>
        options.people.signIn(login.email, login.password),
      );
      if (!signed.ok) return signed.response;
      identity = personIdentity(signed.value);
      person = signed.value.id;
    }
    const csrf = await openSession(c, { sessions, idleMs, isHttps: options.isHttps }, person);
    return c.json({
      csrf,
      idle_timeout_seconds: Math.floor(idleMs / 1000),
      person: identity.person,
      role: identity.role,
    } satisfies AdminResponse<'POST /admin/api/session'>);
  });

  // Everything else needs the bearer token or a live session (and CSRF for changes), and a role
  // that includes the route's (contracts.ts: viewers read, approvers answer, admins change).
  const guard: MiddlewareHandler = async (c, next) => {
    let identity: ConsoleIdentity;
    const bearer = bearerToken(c.req.header('authorization'));
    if (bearer !== undefined) {
      const refused = await options.auth.verify(c, bearer, 'admin:api');
      if (refused) return refused;
      identity = { by: 'admin:api', role: 'admin', person: null };
    } else {
      const live = await liveSession(c);
      if (!live) {
        return c.json(
          {
            error: 'Log in first (POST /admin/api/session) or send Authorization: Bearer.',
          } satisfies ProblemResponse,
          401,
        );
      }
      const method = c.req.method.toUpperCase();
      if (method !== 'GET' && method !== 'HEAD') {
        const sent = c.req.header('x-csrf-token') ?? '';
        if (!sameSecret(sent, live.csrf)) {
          return c.json(
            {
              error: 'Missing or wrong X-CSRF-Token: reload the console and try again.',
            } satisfies ProblemResponse,
            403,
          );
        }
      }
      identity = live.identity;
    }
    const route = routeFor(c.req.method, new URL(c.req.url).pathname);
    const needed = route ? requiredRole(route) : 'viewer';
    if (!roleAllows(identity.role, needed)) {
      const what = `${c.req.method.toUpperCase()} ${new URL(c.req.url).pathname}`;
      await options.people.refused(identity, what, needed);
      return c.json(
        {
          error: `You are signed in as ${identity.person?.email ?? 'the admin token'} with the ${identity.role} role, which may ${roleWords[identity.role]}. ${route?.summary ?? 'This'} needs the ${needed} role: ask a Gatehouse admin (gatehouse admin role <email> ${needed}). Nothing was changed.`,
          error_code: 'ROLE_REFUSED',
        } satisfies ProblemResponse,
        403,
      );
    }
    c.set('identity' as never, identity as never);
    return next();
  };
  app.use('/admin/api/*', guard);
  const who = (c: Context) => c.get('identity' as never) as ConsoleIdentity;
  const by = (c: Context): AdminBy => who(c).by;

  app.get('/admin/api/session', async (c) => {
    const live = await liveSession(c);
    const identity = who(c);
    return c.json({
      csrf: live?.csrf ?? null,
      person: identity.person,
      role: identity.role,
    } satisfies AdminResponse<'GET /admin/api/session'>);
  });
  app.delete('/admin/api/session', async (c) => {
    const live = await liveSession(c);
    if (live) await sessions.remove(live.id);
    deleteCookie(c, cookieName(c), { path: '/', secure: options.isHttps(c) });
    return c.json({ ok: true } satisfies AdminResponse<'DELETE /admin/api/session'>);
  });
  app.get('/admin/api/people', async (c) =>
    c.json({
      people: (await options.people.list()).map(publicPerson),
    } satisfies AdminResponse<'GET /admin/api/people'>),
  );

  app.get('/admin/api/overview', async (c) =>
    c.json((await services.overview()) satisfies AdminResponse<'GET /admin/api/overview'>),
  );
  app.get('/admin/api/agents', async (c) =>
    c.json({ agents: await services.agents() } satisfies AdminResponse<'GET /admin/api/agents'>),
  );
  app.post('/admin/api/agents', async (c) => {
    const parsed = await body(c, createAgentBody);
    if (!parsed.ok) return parsed.response;
    const created = await services.createAgent(parsed.value, by(c));
    return created.ok
      ? c.json(created.value satisfies AdminResponse<'POST /admin/api/agents'>, 201)
      : problem(c, created.error);
  });
  app.post('/admin/api/agents/:id/rotate', async (c) => {
    const done = await services.rotateAgent(c.req.param('id'), by(c));
    return done.ok
      ? c.json(done.value satisfies AdminResponse<'POST /admin/api/agents/{id}/rotate'>)
      : problem(c, done.error);
  });
  app.post('/admin/api/agents/:id/revoke', async (c) => {
    const done = await services.revokeAgent(c.req.param('id'), by(c));
    return done.ok
      ? c.json(done.value satisfies AdminResponse<'POST /admin/api/agents/{id}/revoke'>)
      : problem(c, done.error);
  });
  app.get('/admin/api/matrix', async (c) =>
    c.json((await services.matrix()) satisfies AdminResponse<'GET /admin/api/matrix'>),
  );
  app.put('/admin/api/agents/:id/grants', async (c) => {
    const parsed = await body(c, grantBody);
    if (!parsed.ok) return parsed.response;
    const done = await services.setGrant(c.req.param('id'), parsed.value, by(c));
    return done.ok
      ? c.json(done.value satisfies AdminResponse<'PUT /admin/api/agents/{id}/grants'>)
      : problem(c, done.error);
  });
  app.post('/admin/api/agents/:id/template', async (c) => {
    const parsed = await body(c, templateBody);
    if (!parsed.ok) return parsed.response;
    const done = await services.applyTemplate(c.req.param('id'), parsed.value.template, by(c));
    return done.ok
      ? c.json(done.value satisfies AdminResponse<'POST /admin/api/agents/{id}/template'>)
      : problem(c, done.error);
  });
  app.put('/admin/api/agents/:id/limits', async (c) => {
    const parsed = await body(c, limitsBody);
    if (!parsed.ok) return parsed.response;
    const done = await services.setLimits(c.req.param('id'), parsed.value, by(c));
    return done.ok
      ? c.json(done.value satisfies AdminResponse<'PUT /admin/api/agents/{id}/limits'>)
      : problem(c, done.error);
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
    return c.json(
      (await services.usage(parsed.data.days)) satisfies AdminResponse<'GET /admin/api/usage'>,
    );
  });
  app.get('/admin/api/audit', async (c) => {
    const parsed = auditQuery.safeParse(c.req.query());
    if (!parsed.success) return invalid(c, parsed.error);
    return c.json(
      (await services.audit(parsed.data)) satisfies AdminResponse<'GET /admin/api/audit'>,
    );
  });
  app.get('/admin/api/audit/stream', (c) => {
    const parsed = streamQuery.safeParse(c.req.query());
    if (!parsed.success) return invalid(c, parsed.error);
    // A console session is looked at again while the stream runs: logging out, being removed or
    // idling out ends it. (A bearer token stays valid until Gatehouse restarts without it.)
    const viaSession = bearerToken(c.req.header('authorization')) === undefined;
    return auditStream(c, (q) => services.audit(q), parsed.data, {
      now,
      idleMs,
      stillAllowed: async () => !viaSession || (await liveSession(c)) !== null,
    });
  });
  const auditIdPattern = /^aud_[0-9A-Za-z]{26}$/;
  app.get('/admin/api/audit/:id', async (c) => {
    const id = c.req.param('id');
    // Export is its own route (above); an id is aud_ and a ULID.
    if (!auditIdPattern.test(id)) {
      return problem(c, {
        status: 422,
        message: 'An audit record id is aud_ followed by 26 letters and digits.',
      });
    }
    const found = await services.auditRecord(id);
    return found.ok
      ? c.json(found.value satisfies AdminResponse<'GET /admin/api/audit/{id}'>)
      : problem(c, found.error);
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
    } satisfies AdminResponse<'POST /admin/api/connection/oauth'>);
  });
  app.get('/admin/api/alerts', async (c) => {
    const parsed = alertsQuery.safeParse(c.req.query());
    if (!parsed.success) return invalid(c, parsed.error);
    return c.json({
      alerts: await services.alerts(parsed.data.all === 'true'),
    } satisfies AdminResponse<'GET /admin/api/alerts'>);
  });
  app.post('/admin/api/alerts/:id/acknowledge', async (c) => {
    const parsed = await body(c, answerBody);
    if (!parsed.ok) return parsed.response;
    const done = await services.acknowledgeAlert(
      c.req.param('id'),
      parsed.value.note ?? null,
      by(c),
    );
    return done.ok
      ? c.json(done.value satisfies AdminResponse<'POST /admin/api/alerts/{id}/acknowledge'>)
      : problem(c, done.error);
  });
  app.get('/admin/api/approvals', async (c) => {
    const parsed = approvalsQuery.safeParse(c.req.query());
    if (!parsed.success) return invalid(c, parsed.error);
    const state = parsed.data.state;
    return c.json({
      approvals: await services.approvals(state === 'all' ? null : [state]),
    } satisfies AdminResponse<'GET /admin/api/approvals'>);
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
      return done.ok
        ? c.json(
            done.value satisfies AdminResponse<`POST /admin/api/approvals/{id}/${typeof verb}`>,
          )
        : problem(c, done.error);
    });
  }
  app.all('/admin/api/*', (c) =>
    c.json(
      {
        error: `Nothing at ${c.req.method} ${new URL(c.req.url).pathname}; see /admin/docs.`,
      } satisfies ProblemResponse,
      404,
    ),
  );

  app.get('/admin/docs', (c) => c.html(adminDocsPage()));
  return app;
}
