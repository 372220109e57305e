// The console's only door to Gatehouse: the admin API, with the session cookie (sent by the
// browser, HttpOnly) and the CSRF token (held in memory, sent on every change).
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

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const data = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) throw new ApiError(res.status, data.error ?? `${res.status} ${res.statusText}`);
  return data as T;
}

export const api = {
  get: <T>(path: string) => call<T>('GET', path),
  post: <T>(path: string, body: unknown = {}) => call<T>('POST', path, body),
  put: <T>(path: string, body: unknown) => call<T>('PUT', path, body),
  async login(token: string): Promise<void> {
    const r = await call<{ csrf: string }>('POST', '/admin/api/session', { token });
    csrf = r.csrf;
  },
  /** Resumes a session after a reload (the cookie survives, the CSRF token is asked again). */
  async resume(): Promise<boolean> {
    try {
      const r = await call<{ csrf: string | null }>('GET', '/admin/api/session');
      csrf = r.csrf;
      return csrf !== null;
    } catch {
      return false;
    }
  },
  async logout(): Promise<void> {
    await call('DELETE', '/admin/api/session').catch(() => undefined);
    csrf = null;
  },
};
