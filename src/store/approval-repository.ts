// Held calls: each bound to the exact input the agent sent, moved between states only by atomic
// compare-and-set, so an approval is used once however many admins click at the same moment.
import type { Kysely, Selectable } from 'kysely';
import { approvalStates } from '../core/index.js';

import type { ApprovalState, ApprovalStore, StoredApproval, Surface } from '../ports/index.js';

import { parseJson, stringifyJson } from './codec.js';
import type { ApprovalsTable, Database } from './db.js';

const states: ReadonlySet<string> = new Set(approvalStates);
/** The longest note an admin may leave, and the longest reason an agent may give. */
export const maxApprovalNoteLength = 1000;

/** Creates the repository. Throws on a store failure or invalid input. */
export function createApprovalRepository(db: Kysely<Database>): ApprovalStore {
  const read = async (id: string) => {
    const row = await db
      .selectFrom('approvals')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toApproval(row);
  };

  return {
    async create(a) {
      const input = stringifyJson(a.input);
      if (input === undefined) throw new Error('an approval input must be JSON');
      if (a.reason !== null && a.reason.length > maxApprovalNoteLength) {
        throw new Error(`a reason is limited to ${maxApprovalNoteLength} characters`);
      }
      await db
        .insertInto('approvals')
        .values({
          id: a.id,
          agent_id: a.agentId,
          agent_name: a.agentName,
          surface: a.surface,
          action_id: a.actionId,
          rule: a.rule,
          input,
          input_hash: a.inputHash,
          target: a.target,
          reason: a.reason,
          audit_id: a.auditId,
          state: 'pending',
          created_at: a.createdAt,
          expires_at: a.expiresAt,
          decided_at: null,
          decided_by: null,
          note: null,
          result_status: null,
          result_body: null,
          finished_at: null,
        })
        .execute();
    },

    get: read,

    async list(filter) {
      let q = db.selectFrom('approvals').selectAll();
      if (filter.states?.length) q = q.where('state', 'in', [...filter.states]);
      if (filter.agentId) q = q.where('agent_id', '=', filter.agentId);
      const rows = await q
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(Math.max(1, Math.min(filter.limit, 1000)))
        .execute();
      return rows.map(toApproval);
    },

    async transition(id, from, to, f) {
      if (!states.has(to)) throw new Error(`unknown approval state '${to}'`);
      if (f.note && f.note.length > maxApprovalNoteLength) {
        throw new Error(`a note is limited to ${maxApprovalNoteLength} characters`);
      }
      const set: Partial<ApprovalsTable> = { state: to };
      if (to === 'approved' || to === 'rejected' || to === 'expired') {
        set.decided_at = f.at;
        set.decided_by = f.by ?? null;
        set.note = f.note ?? null;
      }
      if (f.resultStatus !== undefined) set.result_status = f.resultStatus;
      if (f.resultBody !== undefined) {
        const body = stringifyJson(f.resultBody);
        if (body === undefined) throw new Error('an approval result must be JSON');
        set.result_body = body;
      }
      if (to === 'done' || to === 'failed') set.finished_at = f.at;
      let q = db
        .updateTable('approvals')
        .set(set)
        .where('id', '=', id)
        .where('state', 'in', [...from]);
      if (f.unexpiredAt !== undefined) q = q.where('expires_at', '>', f.unexpiredAt);
      // The row as this update left it, in the same statement (SQLite and Postgres RETURNING).
      const row = await q.returningAll().executeTakeFirst();
      return row && toApproval(row);
    },

    async expiredPending(now, limit) {
      const rows = await db
        .selectFrom('approvals')
        .selectAll()
        .where('state', '=', 'pending')
        .where('expires_at', '<=', now)
        .orderBy('expires_at')
        .limit(Math.max(1, Math.min(limit, 1000)))
        .execute();
      return rows.map(toApproval);
    },

    async prune(olderThan) {
      const result = await db
        .deleteFrom('approvals')
        .where('created_at', '<', olderThan)
        .where('state', 'not in', ['pending', 'approved'])
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

function toApproval(row: Selectable<ApprovalsTable>): StoredApproval {
  const input = parseJson(row.input);
  return {
    id: row.id,
    agentId: row.agent_id,
    agentName: row.agent_name,
    surface: row.surface as Surface,
    actionId: row.action_id,
    rule: row.rule,
    input: input && typeof input === 'object' ? (input as Record<string, unknown>) : {},
    inputHash: row.input_hash,
    target: row.target,
    reason: row.reason,
    auditId: row.audit_id,
    state: states.has(row.state) ? (row.state as ApprovalState) : 'failed',
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    decidedAt: row.decided_at === null ? null : Number(row.decided_at),
    decidedBy: row.decided_by,
    note: row.note,
    resultStatus: row.result_status === null ? null : Number(row.result_status),
    resultBody: row.result_body === null ? null : parseJson(row.result_body),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
  };
}
