// A write whose answer was lost is an unknown outcome, never a plain failure; reads and writes that
// never left keep their ordinary errors.
import { describe, expect, it } from 'vitest';

import { getAction } from '../catalog/index.js';
import { httpStatusFor } from '../core/index.js';
import type { UpstreamError } from '../ports/index.js';

import { explainUpstreamError } from './upstream-errors.js';

const create = getAction('contacts.create');
const update = getAction('contacts.update');
const search = getAction('people.search');
const input = { first_name: 'Ann', last_name: 'Lee' };

const timeout: UpstreamError = {
  kind: 'timeout',
  message: 'Apollo did not answer within 30000 ms',
  timeoutMs: 30_000,
  durationMs: 30_000,
  sent: true,
};
const cut: UpstreamError = {
  kind: 'network',
  message: 'could not reach Apollo: the connection closed before the answer ended',
  durationMs: 12,
  sent: true,
};
const refused: UpstreamError = {
  kind: 'network',
  message: 'could not reach Apollo: ECONNREFUSED',
  durationMs: 1,
  sent: false,
};
const unreadable = (status: number): UpstreamError => ({
  kind: 'malformed_response',
  status,
  message: 'Apollo answered with a body that is not JSON',
  rate: null,
  durationMs: 5,
});

describe('explainUpstreamError for writes', () => {
  it.each([
    ['a timeout', timeout, 504],
    ['a connection cut after sending', cut, 502],
    ['a 200 whose body is cut off', unreadable(200), 502],
  ])('calls %s an unknown outcome, says how to check and not to retry', (_what, e, status) => {
    const error = explainUpstreamError(e, create, input);
    expect(error.code).toBe('write_outcome_unknown');
    expect(httpStatusFor(error)).toBe(status);
    expect(error.message).toMatch(
      /^The outcome is unknown: Gatehouse sent this call \(create a contact\)/,
    );
    expect(error.message).toMatch(
      /may have done it\. Do not simply retry: search the team's contacts/,
    );
    expect(error.message).toMatch(/run_dedupe: true/);
    expect(error.message).not.toMatch(/Try again in a moment/);
  });

  it('says a repeat is safe when the write cannot happen twice', () => {
    const error = explainUpstreamError(cut, update, { contact_id: 'c1', title: 'VP' });
    expect(error.code).toBe('write_outcome_unknown');
    expect(error.message).toMatch(/Repeating this exact call is safe/);
    const deduped = explainUpstreamError(timeout, create, { ...input, run_dedupe: true });
    expect(deduped.message).toMatch(/Repeating this exact call is safe/);
  });

  it('keeps ordinary errors where nothing left or Apollo said it failed', () => {
    expect(explainUpstreamError(refused, create, input).code).toBe('upstream_unreachable');
    expect(explainUpstreamError(unreadable(500), create, input).code).toBe('upstream_error');
    const apollo500: UpstreamError = {
      kind: 'server_error',
      status: 500,
      message: 'Internal Server Error',
      errorCode: null,
      body: null,
      rate: null,
      durationMs: 3,
    };
    expect(explainUpstreamError(apollo500, create, input).code).toBe('upstream_error');
  });

  it('lets reads be retried as before', () => {
    expect(explainUpstreamError(timeout, search, {}).code).toBe('upstream_unreachable');
    expect(explainUpstreamError(cut, search, {}).code).toBe('upstream_unreachable');
    expect(explainUpstreamError(unreadable(200), search, {}).code).toBe('upstream_error');
  });
});

describe("Apollo's out-of-credits answer", () => {
  it("is explained as the team's Apollo account out of credits, not invalid input", () => {
    const e: UpstreamError = {
      kind: 'invalid_request',
      status: 422,
      message: 'You have insufficient credits!',
      errorCode: null,
      body: {
        error: 'You have insufficient credits!',
        error_details: { code: 'BILLING.LIMIT.CREDITS_EXHAUSTED' },
      },
      rate: null,
      durationMs: 4,
    };
    const error = explainUpstreamError(e, getAction('people.match'), {});
    expect(error.code).toBe('upstream_error');
    expect(httpStatusFor(error)).toBe(422);
    expect(error.message).toMatch(
      /^The team's Apollo account is out of credits \(422 BILLING\.LIMIT\.CREDITS_EXHAUSTED\)/,
    );
    expect(error.message).not.toMatch(/Fix the request/);
    const conversations = {
      ...e,
      message: 'Insufficient credits. Please upgrade your plan.',
      body: { error: 'Insufficient credits. Please upgrade your plan.' },
    };
    expect(explainUpstreamError(conversations, getAction('people.match'), {}).message).toMatch(
      /out of credits/,
    );
  });
});

describe("Gatehouse's own refusals (the pacer did not send the call)", () => {
  const notSent = (reason: 'queue_full' | 'wait_too_long' | 'closed' | 'shared_unavailable') =>
    explainUpstreamError(
      {
        kind: 'not_sent',
        reason,
        message: 'not sent',
        retryAfterSeconds: 7,
        window: reason === 'wait_too_long' ? 'minute' : null,
        waiting: 2,
        durationMs: 0,
      },
      search,
      {},
    );

  it('has its own code and status for each reason, never rate_limited', () => {
    expect(
      (['queue_full', 'wait_too_long', 'closed', 'shared_unavailable'] as const).map((r) => {
        const e = notSent(r);
        return [r, e.code, httpStatusFor(e)];
      }),
    ).toEqual([
      ['queue_full', 'gatehouse_busy', 429],
      ['wait_too_long', 'gatehouse_busy', 429],
      ['closed', 'gatehouse_shutting_down', 503],
      ['shared_unavailable', 'shared_state_unavailable', 503],
    ]);
  });

  it('says Gatehouse refused and Apollo refused nothing', () => {
    for (const r of ['queue_full', 'wait_too_long', 'closed', 'shared_unavailable'] as const) {
      const said = notSent(r).message;
      expect(said, r).toMatch(/^Gatehouse /);
      expect(said, r).not.toMatch(/Apollo's .*rate limit .*used up/);
      expect(said, r).toMatch(/Retry in 7 s/);
    }
    expect(notSent('queue_full').message).toMatch(/queue for search people is full \(2 calls/);
  });
});
