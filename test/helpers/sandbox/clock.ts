// Helpers for tests that drive a sandbox: a clock moved by hand, a fetch that records webhook
// deliveries instead of sending them, and a minimal world for transport-only tests.

import { oauthAuthorize, oauthToken } from '../../../src/catalog/index.js';

import type { Sandbox } from '../../../src/sandbox/sandbox.js';
import type { Clock, SandboxWorld, WorldResult } from '../../../src/sandbox/types.js';

/** A clock that only moves when told to. */
export interface ManualClock extends Clock {
  advance(ms: number): void;
  set(ms: number): void;
}

export function manualClock(start = Date.UTC(2026, 0, 5, 9, 0, 0)): ManualClock {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
    set: (ms) => {
      t = ms;
    },
  };
}

/** One request a recording fetch received. */
export interface RecordedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

/** A fetch that records requests and answers with the given statuses in turn (then 200). */
export function recordingFetch(statuses: number[] = []): {
  fetch: typeof fetch;
  requests: RecordedRequest[];
} {
  const requests: RecordedRequest[] = [];
  const queue = [...statuses];
  const fake = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    requests.push({
      url: request.url,
      method: request.method,
      headers: Object.fromEntries(request.headers),
      body: await request.text(),
    });
    return new Response(null, { status: queue.shift() ?? 200 });
  };
  return { fetch: fake as typeof fetch, requests };
}

/** Team and user ids of the stub world. */
export const stubTeam = {
  id: '5f0c2b6e1a2b3c4d5e6f7a80',
  ownerUserId: '5f0c2b6e1a2b3c4d5e6f7a81',
} as const;

/**
 * A world that answers every action with `{ action, input, user }` at no cost, or with `run` when
 * given: enough to test transport behaviour without the simulated data.
 */
export function createStubWorld(
  run?: (actionId: string, input: Record<string, unknown>, userId: string) => WorldResult,
): SandboxWorld {
  const owner = {
    id: stubTeam.ownerUserId,
    team_id: stubTeam.id,
    first_name: 'Olivia',
    last_name: 'Owner',
    name: 'Olivia Owner',
    email: 'olivia@example.com',
  };
  return {
    seed: 1,
    team: stubTeam,
    run: (actionId, input, ctx) =>
      run?.(actionId, input, ctx.userId) ?? {
        ok: true,
        body: { action: actionId, input, user: ctx.userId },
        credits: 0,
      },
    profile: (userId) => (userId === owner.id ? owner : undefined),
    users: () => [owner],
  };
}

/** The token endpoint's success body. */
export interface IssuedTokens {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
  created_at: number;
}

/**
 * Runs the OAuth authorization-code flow against a sandbox (it consents by itself) and returns
 * the tokens for the given space-separated scopes.
 */
export async function issueTokens(
  sandbox: Pick<Sandbox, 'app' | 'oauthClients'>,
  scope: string,
  redirectUri = 'http://localhost:3000/callback',
): Promise<IssuedTokens> {
  const client = sandbox.oauthClients[0];
  if (!client) throw new Error('the sandbox has no OAuth client');
  const query = new URLSearchParams({
    client_id: client.clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope,
    state: 'test',
  });
  const authorized = await sandbox.app.request(`${oauthAuthorize.path}?${query}`);
  const location = authorized.headers.get('location');
  const code = location ? new URL(location).searchParams.get('code') : null;
  if (!code) throw new Error(`authorize did not redirect with a code (${authorized.status})`);
  const res = await sandbox.app.request(oauthToken.path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      client_id: client.clientId,
      client_secret: client.clientSecret,
    }).toString(),
  });
  if (res.status !== 200) throw new Error(`token exchange failed: ${await res.text()}`);
  return (await res.json()) as IssuedTokens;
}
