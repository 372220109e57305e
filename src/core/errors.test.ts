// Pins every error code's constructor, agent-safe message, HTTP status and hidden cause.
import { describe, expect, it } from 'vitest';

import { gatewayError, httpStatusFor, isGatewayError, toPublicError } from './errors.js';
import { errorCodes, type ErrorCode, type GatewayError } from './error-codes.js';

const secret = new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2');

/** One example of every code, built with its constructor. */
const examples: Record<ErrorCode, GatewayError> = {
  unauthenticated: gatewayError.unauthenticated('revoked', secret),
  bad_request: gatewayError.badRequest('method_not_allowed', 'GET is not accepted on /api/v1/x.'),
  unsafe_input: gatewayError.unsafeInput({
    problem: 'forbidden_key',
    path: 'revenue_range.__proto__',
    message: 'The parameter name "__proto__" (at revenue_range.__proto__) is not allowed.',
  }),
  unknown_action: gatewayError.unknownAction({ method: 'post', path: '/api/v1/foo' }),
  invalid_input: gatewayError.invalidInput([{ path: 'per_page', message: 'must be at most 100' }]),
  unknown_parameter: gatewayError.unknownParameter({
    action: 'people.search',
    unknown: [{ name: 'person_title', suggestions: ['person_titles'] }],
  }),
  not_granted: gatewayError.notGranted({
    rule: 'contacts=read',
    reason: 'This agent may read contacts but not create them. Ask an admin for contacts=full.',
  }),
  approval_pending: gatewayError.approvalPending({
    approvalId: 'apr_1',
    rule: 'sequences=full',
    expiresAt: '2026-09-01T10:00:00.000Z',
  }),
  approval_rejected: gatewayError.approvalRejected({ approvalId: 'apr_1', note: 'Not this week.' }),
  approval_expired: gatewayError.approvalExpired({ approvalId: 'apr_1' }),
  agent_rate_limited: gatewayError.agentRateLimited({ perMinute: 3, retryAfterSeconds: 40 }),
  budget_exhausted: gatewayError.budgetExhausted({
    limit: 100,
    spent: 98,
    needed: 9,
    period: 'day',
    retryAfterSeconds: 3 * 3600,
  }),
  rate_limited: gatewayError.rateLimited({ scope: 'agent', retryAfterSeconds: 12 }),
  gatehouse_busy: gatewayError.gatehouseBusy({
    reason: 'wait_too_long',
    retryAfterSeconds: 42,
    window: 'minute',
    waiting: 3,
    endpoint: 'people.search',
  }),
  shared_state_unavailable: gatewayError.sharedStateUnavailable({
    state: 'rate_windows',
    retryAfterSeconds: 5,
    cause: secret,
  }),
  gatehouse_shutting_down: gatewayError.shuttingDown({ retryAfterSeconds: 2 }),
  store_unavailable: gatewayError.storeUnavailable({ retryAfterSeconds: 5, cause: secret }),
  credential_missing: gatewayError.credentialMissing(),
  credential_unreadable: gatewayError.credentialUnreadable(secret),
  upstream_error: gatewayError.upstreamError({
    status: 403,
    errorCode: 'API_INACCESSIBLE',
    apolloMessage: 'api/v1/users/search is not accessible with this api_key',
    body: { error_code: 'API_INACCESSIBLE' },
  }),
  upstream_unreachable: gatewayError.upstreamUnreachable({ timedOut: true, cause: secret }),
  write_outcome_unknown: gatewayError.writeOutcomeUnknown({
    what: 'create a contact',
    timedOut: false,
    upstreamStatus: 200,
    check: 'search your contacts for it first.',
    cause: secret,
  }),
  internal: gatewayError.internal(secret),
};

const statuses: Record<ErrorCode, number> = {
  unauthenticated: 401,
  bad_request: 405,
  unsafe_input: 400,
  unknown_action: 404,
  invalid_input: 422,
  unknown_parameter: 422,
  not_granted: 403,
  approval_pending: 202,
  approval_rejected: 403,
  approval_expired: 410,
  budget_exhausted: 402,
  agent_rate_limited: 429,
  rate_limited: 429,
  gatehouse_busy: 429,
  shared_state_unavailable: 503,
  gatehouse_shutting_down: 503,
  store_unavailable: 503,
  credential_missing: 503,
  credential_unreadable: 503,
  upstream_error: 403,
  upstream_unreachable: 504,
  write_outcome_unknown: 502,
  internal: 500,
};

describe('gatewayError constructors', () => {
  it.each(errorCodes)('builds %s with its code and a plain-English message', (code) => {
    const e = examples[code];
    expect(e.code).toBe(code);
    expect(e.message).toMatch(/^[A-Z].+[.!]"?$/);
    expect(e.message).not.toMatch(/undefined|null|\[object/);
    expect(isGatewayError(e)).toBe(true);
  });

  it.each(errorCodes)('maps %s to one HTTP status', (code) => {
    expect(httpStatusFor(examples[code])).toBe(statuses[code]);
  });

  it('says Gatehouse refused, not Apollo, when its own queue, shutdown or shared state did', () => {
    for (const code of [
      'gatehouse_busy',
      'shared_state_unavailable',
      'gatehouse_shutting_down',
    ] as const) {
      const said = examples[code].message;
      expect(said, code).toMatch(/^Gatehouse /);
      expect(said, code).not.toMatch(/Apollo's .*rate limit .*used up/);
    }
    expect(examples.gatehouse_busy.message).toMatch(/per-minute window for people\.search/);
    expect(examples.shared_state_unavailable.message).toMatch(/Redis.*nothing was sent to Apollo/);
    expect(toPublicError(examples.shared_state_unavailable)).not.toHaveProperty('cause');
    expect(examples.gatehouse_shutting_down.message).toMatch(/shutting down.*Retry in 2 s/);
  });

  it('tells a missing, unknown and revoked token apart, each with a next step', () => {
    expect(gatewayError.unauthenticated('missing').message).toMatch(/X-Api-Key.*Bearer/);
    expect(gatewayError.unauthenticated('unknown').message).toMatch(/not recognised/);
    expect(gatewayError.unauthenticated('revoked').message).toMatch(/revoked.*Ask an admin/);
  });

  it('names the unknown action or route', () => {
    expect(gatewayError.unknownAction({ actionId: 'contacts.delete' })).toMatchObject({
      actionId: 'contacts.delete',
      message: expect.stringContaining("'contacts.delete'"),
    });
    expect(examples.unknown_action).toMatchObject({ route: 'POST /api/v1/foo' });
  });

  it('lists input issues with their paths, shortening past five', () => {
    expect(examples.invalid_input.message).toBe(
      'The request is invalid: per_page: must be at most 100. Fix these fields and try again.',
    );
    const many = Array.from({ length: 7 }, (_, i) => ({ path: `f${i}`, message: 'bad' }));
    expect(gatewayError.invalidInput(many).message).toContain('f4: bad; and 2 more');
  });

  it('passes the policy reason through as the not_granted message', () => {
    expect(examples.not_granted).toMatchObject({
      rule: 'contacts=read',
      message: 'This agent may read contacts but not create them. Ask an admin for contacts=full.',
    });
  });

  it('gives a pending call its approval id and says nothing reached Apollo', () => {
    expect(examples.approval_pending.message).toContain('apr_1');
    expect(examples.approval_pending.message).toContain('nothing was sent to Apollo');
    expect(examples.approval_pending).toMatchObject({ expiresAt: '2026-09-01T10:00:00.000Z' });
  });

  it("quotes the admin's note on a rejection and asks for a new call on expiry", () => {
    expect(examples.approval_rejected.message).toContain('"Not this week."');
    expect(examples.approval_expired.message).toMatch(/Make the call again/);
  });

  it('states the budget figures and when it resets', () => {
    expect(examples.budget_exhausted).toMatchObject({
      budget: { limit: 100, spent: 98, needed: 9, period: 'day' },
    });
    expect(examples.budget_exhausted.message).toBe(
      "This agent's daily credit budget is spent: 98 credits of 100 used, and this call may cost 9 credits. It resets in about 3 h; meanwhile use free actions or ask an admin to raise the budget.",
    );
    const monthly = gatewayError.budgetExhausted({
      limit: 10,
      spent: 9.5,
      needed: 1,
      period: 'month',
    });
    expect(monthly.message).toContain('monthly credit budget is spent: 9.5 credits of 10 used');
    expect(monthly.message).toContain('resets at the start of the next month');
  });

  it("separates the agent's own rate limit from Apollo's window", () => {
    expect(examples.rate_limited.message).toBe(
      'This agent has reached its requests-per-minute limit set in Gatehouse. Retry in 12 s.',
    );
    const apollo = gatewayError.rateLimited({
      scope: 'apollo',
      retryAfterSeconds: null,
      window: 'hour',
      upstream: { status: 429, errorCode: null },
    });
    expect(apollo.message).toBe(
      "Apollo's hour rate limit for this endpoint is used up for the team. Retry later.",
    );
    expect(apollo.upstream?.status).toBe(429);
  });

  it('tells the agent to ask an admin to connect Apollo when no credential exists', () => {
    expect(examples.credential_missing.message).toMatch(/gatehouse connect/);
  });

  it("says a 401 or 403 from Apollo is the team's key, not the agent's token or grant", () => {
    expect(examples.upstream_error.message).toContain("not of this agent's grants");
    expect(examples.upstream_error.message).toContain('403 API_INACCESSIBLE');
    const e401 = gatewayError.upstreamError({ status: 401 });
    expect(e401.message).toContain('This is not your token');
    expect(httpStatusFor(e401)).toBe(502);
  });

  it("passes Apollo's 400, 403, 404 and 422 through and turns 401 and server failures into 502", () => {
    const status = (s: number) => httpStatusFor(gatewayError.upstreamError({ status: s }));
    expect([400, 403, 404, 422].map(status)).toEqual([400, 403, 404, 422]);
    expect([401, 500, 503, 302].map(status)).toEqual([502, 502, 502, 502]);
    expect(gatewayError.upstreamError({ status: 422, apolloMessage: 'bad email' }).message).toBe(
      'Apollo rejected the request (422). Apollo said: "bad email". Fix the request and try again.',
    );
  });

  it('answers 504 for a timeout and 502 for a refused connection', () => {
    expect(httpStatusFor(gatewayError.upstreamUnreachable({ timedOut: false }))).toBe(502);
    expect(examples.upstream_unreachable.message).toMatch(/check whether it took effect/);
  });
});

describe('toPublicError', () => {
  it('drops the internal cause and keeps everything else', () => {
    const visible = toPublicError(examples.internal);
    expect(visible).toEqual({ code: 'internal', message: examples.internal.message });
    expect(JSON.stringify(toPublicError(examples.unauthenticated))).not.toContain('hunter2');
    expect(examples.unauthenticated.cause).toBe(secret);
  });
});

describe('isGatewayError', () => {
  it('rejects values without a known code and a message', () => {
    expect(isGatewayError({ code: 'teapot', message: 'x' })).toBe(false);
    expect(isGatewayError({ code: 'internal' })).toBe(false);
    expect(isGatewayError(null)).toBe(false);
    expect(isGatewayError('internal')).toBe(false);
  });
});
