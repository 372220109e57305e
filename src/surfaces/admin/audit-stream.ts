// GET /admin/api/audit/stream: server-sent events saying when the records an audit filter matches
// changed, so the console re-reads its page instead of polling. The trail is the database's,
// shared by every replica: looking at it once a second sees records written anywhere, and an event
// goes out only when what the filters match changed (a new record, an outcome arriving).
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { z } from 'zod';

import type { AdminAuditPage, AdminAuditQuery } from '../../services/admin/types.js';

import type { auditStreamEvent } from './contracts.js';

/** How often the trail is looked at, and how long a quiet stream waits before a comment. */
export const streamTiming = { everyMs: 1000, keepAliveMs: 15_000 } as const;

/**
 * The stream for `filters`. It ends after `idleMs` (the console reconnects, re-authenticated), or
 * within a second of the caller no longer being allowed to read (logged out, removed, idle).
 */
export function auditStream(
  c: Context,
  audit: (q: AdminAuditQuery) => Promise<AdminAuditPage>,
  filters: Omit<AdminAuditQuery, 'limit' | 'before'>,
  options: {
    now: () => number;
    idleMs: number;
    /** Whether the caller may still read the trail (checked every time the trail is read). */
    stillAllowed: () => Promise<boolean>;
  },
): Response {
  const { now } = options;
  return streamSSE(c, async (stream) => {
    let last: string | null = null;
    let quietSince = now();
    const ends = now() + options.idleMs;
    while (!stream.aborted && !stream.closed && now() < ends) {
      if (!(await options.stillAllowed())) break;
      const page = await audit({ ...filters, limit: 50 });
      const signature = page.records
        .map((r) => `${r.id}:${r.decision}:${r.upstream_status}:${r.credits}:${r.error_code}`)
        .join(',');
      if (signature !== last) {
        last = signature;
        quietSince = now();
        const event = { newest: page.records[0]?.id ?? null } satisfies z.infer<
          typeof auditStreamEvent
        >;
        await stream.writeSSE({ event: 'audit', data: JSON.stringify(event) });
      } else if (now() - quietSince >= streamTiming.keepAliveMs) {
        quietSince = now();
        await stream.write(': still here\n\n');
      }
      await stream.sleep(streamTiming.everyMs);
    }
  });
}
