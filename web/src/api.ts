// The console's only door to Gatehouse: the admin API, with the session cookie (sent by the
// browser, HttpOnly) and the CSRF token (held in memory, sent on every change). Calls are named by
// the contract's endpoints ('PUT /admin/api/agents/{id}/grants'), so each one's path parameters,
// body and answer have the contract's types; the server's tests check its answers against the
// same schemas.
import type {
  AdminEndpoint,
  AdminQuery,
  AdminRequestBody,
  AdminResponse,
  ProblemResponse,
} from '../../src/surfaces/admin/contracts';

import { queryClient } from './query';
import type { Who } from './session';

let csrf: string | null = null;

/** An admin API refusal, with the API's own sentence. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The `{name}` parameters of a path, each a string. */
type PathParams<P extends string> = P extends `${string}{${infer Name}}${infer Rest}`
  ? { [K in Name]: string } & PathParams<Rest>
  : unknown;

/** What a call to `E` needs: its path parameters, its body, its query, as the contract says. */
export type CallOptions<E extends AdminEndpoint> = (E extends `${string}{${string}}${string}`
  ? { params: PathParams<E> }
  : { params?: never }) &
  ([AdminRequestBody<E>] extends [never] ? { body?: never } : { body: AdminRequestBody<E> }) &
  ([AdminQuery<E>] extends [never] ? { query?: never } : { query?: AdminQuery<E> });

/** The endpoints the console reads (no path parameters, no body). */
export type ReadEndpoint = Extract<AdminEndpoint, `GET ${string}`>;

interface RawOptions {
  readonly params?: Record<string, string>;
  readonly body?: unknown;
  readonly query?: Record<string, string | undefined>;
}

/**
 * Calls an admin endpoint. The answer is typed by the contract, not parsed again here (hence the
 * casts below): the contract test holds every route's real answers to the same schemas.
 */
async function send<E extends AdminEndpoint>(
  endpoint: E,
  options: RawOptions,
): Promise<AdminResponse<E>> {
  const [method, template] = endpoint.split(' ') as [string, string];
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(options.params?.[name] ?? ''),
  );
  const query = new URLSearchParams(
    Object.entries(options.query ?? {}).filter((e): e is [string, string] => Boolean(e[1])),
  ).toString();
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  const res = await fetch(query ? `${path}?${query}` : path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const data: unknown = await res.json().catch(() => ({}));
  if (!res.ok) {
    const refusal = data as Partial<ProblemResponse>;
    throw new ApiError(res.status, refusal.error ?? `${res.status} ${res.statusText}`);
  }
  // A change was made: whatever a page shows may be out of date now.
  if (method !== 'GET') void queryClient.invalidateQueries();
  return data as AdminResponse<E>;
}

/** Calls an admin endpoint with its path parameters, body and query, as the contract types them. */
export function request<E extends AdminEndpoint>(
  endpoint: E,
  ...[options]: object extends CallOptions<E> ? [CallOptions<E>?] : [CallOptions<E>]
): Promise<AdminResponse<E>> {
  // The options' type depends on E; at run time they are these three optional fields.
  const raw: RawOptions = options ?? {};
  return send(endpoint, raw);
}

/** Reads an endpoint the console loads (`useLoad`), with its query. */
export function read<E extends ReadEndpoint>(
  endpoint: E,
  query?: AdminQuery<E>,
): Promise<AdminResponse<E>> {
  return send(endpoint, query ? { query } : {});
}

/** How a person logs in: the admin token, or their email and password. */
export type Credentials = { token: string } | { email: string; password: string };

export const api = {
  /** Logs in; answers who is signed in with which role. */
  async login(credentials: Credentials): Promise<Who> {
    const r = await request('POST /admin/api/session', { body: credentials });
    csrf = r.csrf;
    return { person: r.person, role: r.role };
  },
  /** Resumes a session after a reload (the cookie survives, the CSRF token is asked again). */
  async resume(): Promise<Who | null> {
    try {
      const r = await request('GET /admin/api/session');
      csrf = r.csrf;
      return csrf === null ? null : { person: r.person, role: r.role };
    } catch {
      return null;
    }
  },
  /** The identity provider's name when people can sign in with it (GET /admin/oidc/config). */
  async identityProvider(): Promise<string | null> {
    try {
      const res = await fetch('/admin/oidc/config', { credentials: 'same-origin' });
      const body = (await res.json()) as { enabled?: boolean; name?: string | null };
      return body.enabled && body.name ? body.name : null;
    } catch {
      return null;
    }
  },
  async logout(): Promise<void> {
    await request('DELETE /admin/api/session').catch(() => undefined);
    csrf = null;
  },
};
