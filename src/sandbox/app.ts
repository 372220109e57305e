import { Hono, type Context } from 'hono';

import {
  oauthAuthorize,
  oauthToken,
  rateLimitHeaders,
  usageKey,
  windowWord,
  type Plan,
  type WindowLimits,
} from '../catalog/index.js';

import {
  creditsExhausted,
  creditUsageBody,
  profileCredits,
  type CreditAccount,
} from './credits.js';
import type { Deliveries } from './deliveries.js';
import { faultBody, truncateJson, type FaultInjector } from './faults.js';
import { identifyKey, type KeyHolder, type KeyRing } from './keys.js';
import type { Ledger } from './ledger.js';
import type { OAuthAnswer, OAuthServer, TokenGrant } from './oauth.js';
import { mergeParams, readBody, validateInput } from './params.js';
import type { RateLimiter } from './rate-limiter.js';
import {
  invalidAccessToken,
  invalidApiKey,
  json,
  keyNotAuthorized,
  paidPlanOnly,
  routeNotFound,
  tokenNotAuthorized,
  tokenNotSupported,
  type HeaderMap,
} from './respond.js';
import { canonicalPath, type ApiRoute, type RouteResolver } from './routes.js';
import type { Clock, SandboxWorld } from './types.js';

/** Everything the request pipeline works with; built once by createSandbox. */
export interface AppParts {
  readonly routes: readonly ApiRoute[];
  readonly resolve: RouteResolver;
  readonly world: SandboxWorld;
  readonly keys: KeyRing;
  readonly oauth: OAuthServer;
  readonly plan: Plan;
  readonly limiter: RateLimiter;
  readonly limitsFor: (route: ApiRoute) => WindowLimits;
  readonly ledger: Ledger;
  /** The team's credit balance for the cycle. */
  readonly credits: CreditAccount;
  readonly deliveries: Deliveries;
  readonly faults: FaultInjector;
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
  /** The control namespace (`/__sandbox`), kept apart from Apollo's paths. */
  readonly control: Hono;
}

/** The caller behind an authenticated request. */
type Principal =
  | { kind: 'key'; holder: KeyHolder; userId: string }
  | { kind: 'token'; grant: TokenGrant; userId: string };

// Apollo refuses these to free-plan teams.
// The legacy people search is not available on free plans either (Apollo's retired docs).
const paidPlanActions = new Set([
  'organizations.search',
  'accounts.search',
  'people.search_legacy',
]);

const usageStatsId = 'usage.stats';
const creditUsageId = 'usage.credits';
const profileId = 'users.profile';
// Apollo's reference answers a key without this endpoint ticked with 422, not 403.
const unprocessableScopeActions = new Set(['reports.sync']);

function bearerToken(header: string | undefined): string | undefined {
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return m?.[1];
}

/**
 * Who is calling: an API key in `x-api-key`, or an OAuth access token as
 * `Authorization: Bearer`. An API key sent as a bearer token is refused like a wrong key.
 */
function authenticate(parts: AppParts, c: Context): Principal | Response {
  const apiKey = c.req.header('x-api-key')?.trim();
  const userId = parts.world.team.ownerUserId;
  if (apiKey) {
    const holder = identifyKey(parts.keys, apiKey);
    return holder ? { kind: 'key', holder, userId } : invalidApiKey();
  }
  const token = bearerToken(c.req.header('authorization'));
  if (!token) return invalidApiKey();
  if (identifyKey(parts.keys, token)) return invalidApiKey();
  const check = parts.oauth.verify(token);
  if (!check.ok) return invalidAccessToken(check.reason);
  return { kind: 'token', grant: check.grant, userId: check.grant.userId };
}

/** Key scope and OAuth scope checks. */
function authorize(principal: Principal, route: ApiRoute): Response | null {
  if (principal.kind === 'token') {
    // An action without an OAuth scope is one Apollo serves to master keys only (email stats).
    if (route.kind === 'action' && route.oauthScope === null) {
      return tokenNotSupported(route.keyScope ?? route.path);
    }
    return route.oauthScope !== null && !principal.grant.scopes.has(route.oauthScope)
      ? tokenNotAuthorized(route.keyScope ?? route.path, route.oauthScope)
      : null;
  }
  if (principal.holder.kind === 'master' || route.keyScope === null) return null;
  // Identity answers every valid key: Apollo documents no failure but the 401 for it.
  if (route.kind === 'profile') return null;
  return route.masterKeyOnly || !principal.holder.scopes.has(route.keyScope)
    ? keyNotAuthorized(route.keyScope, unprocessableScopeActions.has(route.id) ? 422 : 403)
    : null;
}

function withHeaders(response: Response, headers: HeaderMap): Response {
  for (const [k, v] of Object.entries(headers)) response.headers.set(k, v);
  return response;
}

function tooManyRequests(
  route: ApiRoute,
  refused: { window: keyof typeof windowWord; limit: number; retryAfterSeconds: number },
  headers: HeaderMap,
): Response {
  const scope = route.keyScope ?? route.path.replace(/^\//, '');
  return json(
    429,
    {
      message: `The maximum number of api calls allowed for ${scope} is ${refused.limit} times per ${windowWord[refused.window]}. Please upgrade your plan from https://app.apollo.io/#/settings/plans/upgrade.`,
    },
    { ...headers, [rateLimitHeaders.retryAfter]: String(refused.retryAfterSeconds) },
  );
}

/** usage_stats/api_usage_stats: every endpoint's windows, keyed as Apollo keys them. */
function usageBody(parts: AppParts): Record<string, unknown> {
  const now = parts.clock.now();
  const out: Record<string, unknown> = {};
  for (const route of parts.routes) {
    if (route.keyScope === null) continue;
    const u = parts.limiter.usage(route.id, parts.limitsFor(route), now);
    out[usageKey({ keyScope: route.keyScope })] = { day: u.day, hour: u.hour, minute: u.minute };
  }
  return out;
}

/** Runs a matched route for an authorized caller: parse, validate, act, answer. */
async function serve(
  parts: AppParts,
  c: Context,
  route: ApiRoute,
  pathParams: Record<string, string>,
  principal: Principal,
): Promise<Response> {
  if (route.kind === 'health') return json(200, { healthy: true, is_logged_in: true });

  if (route.kind === 'profile' && !route.action) {
    const user = parts.world.profile(principal.userId);
    // Clients disagree on whether the user is wrapped: answer both ways.
    return user ? json(200, { ...user, user }) : json(404, { error: 'User not found' });
  }

  if (route.kind === 'webhook_result') {
    const found = parts.deliveries.lookup(pathParams.request_id ?? '');
    // Apollo's error bodies here carry only the error code (and the retry hint when pending).
    switch (found.kind) {
      case 'invalid':
        return json(400, { error_code: 'invalid_request_id' });
      case 'unknown':
        return json(404, { error_code: 'request_id_unknown' });
      case 'expired':
        return json(410, { error_code: 'request_id_expired' });
      case 'pending':
        return json(404, {
          error_code: 'result_pending',
          retry_after_seconds: found.retryAfterSeconds,
        });
      case 'ready':
        return json(200, found.envelope);
    }
  }

  const action = route.action;
  if (!action) throw new Error(`route ${route.id} has no action`);
  const body = await readBody(c.req.raw);
  if (!body.ok) return body.response;
  const url = new URL(c.req.url);
  const input = validateInput(action, mergeParams(url.searchParams, body.value, pathParams));
  if (!input.ok) return input.response;
  if (action.id === usageStatsId) return json(200, usageBody(parts));
  if (action.id === creditUsageId) return json(200, creditUsageBody(parts.credits));
  if (action.id === profileId) {
    // The acting user unwrapped (Apollo's reference), with the ledger's balances when asked.
    const user = parts.world.profile(principal.userId);
    if (!user) return json(422, { error: 'User not found' });
    const credits = input.value.include_credit_usage === true ? profileCredits(parts.credits) : {};
    return json(200, { ...user, ...credits });
  }
  if (action.credits.kind !== 'none' && parts.credits.exhausted()) return creditsExhausted();

  const result = parts.world.run(action.id, input.value, { userId: principal.userId });
  if (!result.ok) return json(result.status, result.body);
  parts.ledger.charge(action.id, result.credits);
  if (result.async?.length) parts.deliveries.schedule(action.id, result.async);
  return json(200, result.body);
}

/** Applies the configured faults around a call that has passed auth and the rate check. */
async function withFaults(
  parts: AppParts,
  route: ApiRoute,
  produce: () => Promise<Response>,
): Promise<Response> {
  const decision = parts.faults.decide(route.id);
  if (decision.latencyMs > 0) await parts.sleep(decision.latencyMs);
  const { outcome } = decision;
  if (outcome.kind === 'status' || outcome.kind === 'error') {
    return json(outcome.status, faultBody(outcome.status));
  }
  const response = await produce();
  if (outcome.kind !== 'malformed' || response.status !== 200) return response;
  // The work was done (and charged); only the answer is lost on the way, as in a dropped
  // connection: a client cannot tell whether a write happened.
  const text = await response.text();
  return new Response(truncateJson(text), { status: 200, headers: response.headers });
}

async function handleApi(parts: AppParts, c: Context): Promise<Response> {
  const rawPath = new URL(c.req.url).pathname;
  const match = parts.resolve(c.req.method, rawPath);
  if (!match.ok) return routeNotFound(c.req.method.toUpperCase(), rawPath);
  const { route, params } = match;

  const principal = authenticate(parts, c);
  if (principal instanceof Response) {
    // The health check answers everyone; is_logged_in tells a bad credential.
    return route.kind === 'health' ? json(200, { healthy: true, is_logged_in: false }) : principal;
  }
  const denied = authorize(principal, route);
  if (denied) return denied;
  if (parts.plan === 'free' && paidPlanActions.has(route.id)) return paidPlanOnly();

  // Parsing and validation come after the rate check, so 400/422 answers count against the
  // window as any other call Apollo received (an assumption: the docs are silent).
  const limits = parts.limitsFor(route);
  const taken = parts.limiter.take(route.id, limits, parts.clock.now());
  if (!taken.ok) return tooManyRequests(route, taken, taken.headers);

  const response = await withFaults(parts, route, () => serve(parts, c, route, params, principal));
  return withHeaders(response, taken.headers);
}

function answerOAuth(answer: OAuthAnswer): Response {
  if (answer.kind === 'redirect') {
    return new Response(null, { status: 302, headers: { location: answer.location } });
  }
  return json(answer.status, answer.body, answer.headers);
}

async function handleToken(c: Context): Promise<Record<string, unknown> | Response> {
  const body = await readBody(c.req.raw);
  if (!body.ok) {
    return json(400, {
      error: 'invalid_request',
      error_description: 'The body could not be read.',
    });
  }
  return body.value;
}

/** The sandbox's HTTP app: Apollo's API, its OAuth endpoints, and the control namespace. */
export function createSandboxApp(parts: AppParts): Hono {
  const app = new Hono();

  app.route('/__sandbox', parts.control);

  app.all('*', async (c) => {
    const path = canonicalPath(new URL(c.req.url).pathname);
    const method = c.req.method.toUpperCase();
    if (path === oauthAuthorize.path && method === oauthAuthorize.method) {
      return answerOAuth(parts.oauth.authorize(new URL(c.req.url).searchParams));
    }
    if (path === oauthToken.path && method === oauthToken.method) {
      const params = await handleToken(c);
      if (params instanceof Response) return params;
      return answerOAuth(parts.oauth.token(params, c.req.header('authorization')));
    }
    return handleApi(parts, c);
  });

  app.onError((err) =>
    json(500, {
      error: `Internal sandbox error: ${err instanceof Error ? err.message : String(err)}`,
    }),
  );
  return app;
}
