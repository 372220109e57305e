// One sandbox per deployment. The first Gatehouse server that runs on the sandbox serves its
// simulator on a loopback port and records where (and the simulator's key, sealed) in the shared
// database. Every other process of the same deployment — a second replica, `gatehouse approvals
// approve`, `gatehouse enrich`, `gatehouse mcp` — calls that one simulator, so they all see the
// same contacts, sequences and credits. A command finding no live server refuses and says how to
// start one, rather than quietly simulating a second world of its own.
import { serve, type ServerType } from '@hono/node-server';

import { authHealth } from '../catalog/index.js';
import type { Logger } from '../ports/index.js';
import type { Sandbox } from '../sandbox/index.js';
import type { StoreServices } from '../store/open-store.js';

/** Where the running server's sandbox is recorded. */
export const sandboxSettingKey = 'sandbox.endpoint';
const keyAad = 'sandbox:endpoint';
const probeTimeoutMs = 2000;

/** A sandbox another process of this deployment serves. */
export interface SharedSandbox {
  readonly url: string;
  readonly key: string;
}

/** Why no shared sandbox can be used. */
export type NoSharedSandbox =
  | { readonly why: 'none' }
  | { readonly why: 'unreachable'; readonly url: string; readonly pid: number | null };

/** The fix a user needs when no server's sandbox answers, in one sentence. */
export function noSandboxMessage(found: NoSharedSandbox): string {
  const fix =
    'start the server on this database first (npm start, or gatehouse start --sandbox) and run this again, or connect Apollo (gatehouse connect apikey)';
  return found.why === 'none'
    ? `Gatehouse runs on its sandbox here, and no Gatehouse server on this database is serving one; a command does not start a sandbox of its own (it would not see the server's data): ${fix}.`
    : `the Gatehouse server that served this database's sandbox (${found.url}${found.pid ? `, process ${found.pid}` : ''}) does not answer; it may have stopped: ${fix}.`;
}

/** The live shared sandbox, or why there is none. */
export async function findSharedSandbox(
  store: Pick<StoreServices, 'settings' | 'vault'>,
): Promise<{ ok: true; value: SharedSandbox } | { ok: false; error: NoSharedSandbox }> {
  const stored = await store.settings.get(sandboxSettingKey);
  if (!stored || typeof stored !== 'object' || Array.isArray(stored)) {
    return { ok: false, error: { why: 'none' } };
  }
  const { url, key, pid } = stored as { url?: unknown; key?: unknown; pid?: unknown };
  if (
    typeof url !== 'string' ||
    typeof key !== 'string' ||
    !/^http:\/\/127\.0\.0\.1:\d+$/.test(url)
  ) {
    return { ok: false, error: { why: 'none' } };
  }
  const unreachable = {
    ok: false as const,
    error: { why: 'unreachable' as const, url, pid: typeof pid === 'number' ? pid : null },
  };
  const opened = store.vault.open(key, keyAad);
  if (!opened.ok) return unreachable;
  try {
    const res = await fetch(`${url}${authHealth.path}`, {
      headers: { 'x-api-key': opened.value },
      signal: AbortSignal.timeout(probeTimeoutMs),
    });
    const body = (await res.json()) as { is_logged_in?: unknown };
    if (res.ok && body.is_logged_in === true)
      return { ok: true, value: { url, key: opened.value } };
  } catch {
    // Not listening (stopped, killed) or not a sandbox: the same answer for the caller.
  }
  return unreachable;
}

/**
 * Serves an embedded sandbox on a loopback port for the rest of the deployment and records it.
 * `close` stops serving and removes the record (unless another server has replaced it).
 */
export async function publishSandbox(
  store: Pick<StoreServices, 'settings' | 'vault'>,
  sandbox: Sandbox,
  logger: Logger,
): Promise<{ readonly url: string; close(): Promise<void> }> {
  const server = await new Promise<{ server: ServerType; port: number }>((resolve, reject) => {
    const s = serve({ fetch: sandbox.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve({ server: s, port: info.port }),
    );
    s.on('error', reject);
  });
  const url = `http://127.0.0.1:${server.port}`;
  const key = sandbox.keys.master[0]!;
  const set = await store.settings.set(sandboxSettingKey, {
    url,
    key: store.vault.seal(key, keyAad),
    pid: process.pid,
    started_at: new Date().toISOString(),
  });
  if (!set.ok) logger.warn({ err: set.error.message }, 'could not record the shared sandbox');
  let closing: Promise<void> | null = null;
  return {
    url,
    close() {
      closing ??= (async () => {
        const current = await store.settings.get(sandboxSettingKey).catch(() => undefined);
        if (current && typeof current === 'object' && (current as { url?: unknown }).url === url) {
          await store.settings.remove(sandboxSettingKey).catch(() => false);
        }
        await new Promise<void>((done) => {
          server.server.close(() => done());
          (
            server.server as unknown as { closeAllConnections?: () => void }
          ).closeAllConnections?.();
        });
      })();
      return closing;
    },
  };
}
