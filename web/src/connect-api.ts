// The Connect page's calls: the consent API of the MCP authorization server (/oauth/interaction/…,
// not part of the admin API) and the agent list it offers. It uses the console's session cookie
// and sends the session's CSRF token with the answer, as every console change does.

/** The connection an app asks for, as the server describes it. */
export interface ConnectRequest {
  readonly uid: string;
  readonly client_id: string;
  readonly client_name: string | null;
  readonly client_uri: string | null;
  readonly redirect_uri: string | null;
  readonly metadata_document: boolean;
  readonly resource: string;
  readonly scope: string;
  readonly expires_at: string;
}

/** An agent the app may act as. */
export interface ConnectAgent {
  readonly id: string;
  readonly name: string;
  readonly revoked_at: string | null;
}

/** A refusal, with the server's own sentence. */
export class ConnectError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(path, { credentials: 'same-origin', ...init });
  const data: unknown = await res.json().catch(() => ({}));
  if (!res.ok) {
    const error = (data as { error?: unknown }).error;
    throw new ConnectError(res.status, typeof error === 'string' ? error : `${res.status}`);
  }
  return data as T;
}

const uidPath = (uid: string) => `/oauth/interaction/${encodeURIComponent(uid)}`;

/** The request, the agents and the session's CSRF token. */
export async function loadConnect(uid: string) {
  const [request, agents, session] = await Promise.all([
    call<ConnectRequest>(`${uidPath(uid)}/details`),
    call<{ agents: ConnectAgent[] }>('/admin/api/agents'),
    call<{ csrf: string | null }>('/admin/api/session'),
  ]);
  return { request, agents: agents.agents, csrf: session.csrf };
}

/** Sends the admin's answer; returns where the browser goes next. */
export async function answerConnect(
  uid: string,
  csrf: string,
  answer: { decision: 'approve'; agent_id: string } | { decision: 'deny' },
): Promise<string> {
  const done = await call<{ redirect_to: string }>(`${uidPath(uid)}/decision`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
    body: JSON.stringify(answer),
  });
  return done.redirect_to;
}

/** The uid of `#/connect/<uid>`, or null on any other page. */
export function connectUidFromHash(hash: string): string | null {
  const m = /^#\/connect\/([A-Za-z0-9_-]{1,64})$/.exec(hash);
  return m?.[1] ?? null;
}
