// The entity_progress_job Apollo answers when it runs a bulk write in the background.

import { iso } from '../format.js';
import type { CrmContext } from './state.js';

/**
 * A background job as Apollo documents it for bulk updates: status "pending", the ids it covers.
 * Apollo has no endpoint to poll it; the sandbox has already applied the change when it answers,
 * which is what a client finds once Apollo's job has run.
 */
export function progressJob(
  ctx: CrmContext,
  jobType: string,
  entityIds: readonly string[],
): Record<string, unknown> {
  const now = ctx.now();
  return {
    id: ctx.ids.next(now),
    job_type: jobType,
    status: 'pending',
    entity_ids: [...new Set(entityIds)],
    created_at: iso(now),
    updated_at: iso(now),
  };
}
