// Held calls: each bound to the exact input the agent sent, moved between states only by atomic
// compare-and-set, so an approval is used once however many admins click at the same moment.
//
// Privacy: the input (the contact a held call creates), its target in words, the agent's reason
// and Apollo's answer are personal data, sealed by the vault and bound to their row and column
// (personal-data.ts).
import { sql } from 'kysely';
import type { Kysely, Selectable, UpdateObject } from 'kysely';
import { approvalStates } from '../core/index.js';

import type { ApprovalState, ApprovalStore, StoredApproval, Surface } from '../ports/index.js';

import { parseJson, stringifyJson } from './codec.js';
import type { ApprovalsTable, Database } from './db.js';
import { mixedKeyId, resealRow, sealedAad } from './personal-data.js';
import type { Sealer } from './sealer.js';

const states: ReadonlySet<string> = new Set(approvalStates);
/** The longest note an admin may leave, and the longest reason an agent may give. */
export const maxApprovalNoteLength = 1000;

type SealedColumn = 'input' | 'target' | 'reason' | 'result_body';

/**
 * Creates the repository. Throws on a store failure or invalid input, and on a sealed value that
 * does not open (sealed under a key no longer loaded, or altered).
 */
export function createApprovalRepository(
  db: Kysely<Database>,
  deps: { readonly sealer: Sealer },
): ApprovalStore {
  const { sealer } = deps;
  const seal = (id: string, column: SealedColumn, text: string) =>
    sealer.seal(text, sealedAad('approvals', id, column));

  async function unseal(
    row: Selectable<ApprovalsTable>,
    column: SealedColumn,
  ): Promise<string | null> {
    const value = row[column];
    // key_id NULL: written before sealing, plaintext until the store's next open seals it.
    if (value === null || row.key_id === null) return value;
    const opened = await sealer.open(value, sealedAad('approvals', row.id, column));
    if (!opened.ok) {
      throw new Error(`approval ${row.id}: its ${column} does not open: ${opened.error.message}`);
    }
    return opened.value;
  }

  async function toApproval(row: Selectable<ApprovalsTable>): Promise<StoredApproval> {
    const [input, target, reason, resultBody] = await Promise.all([
      unseal(row, 'input'),
      unseal(row, 'target'),
      unseal(row, 'reason'),
      unseal(row, 'result_body'),
    ]);
    return fromRow(row, { input: input ?? '', target: target ?? '', reason, resultBody });
  }

  const read = async (id: string) => {
    const row = await db
      .selectFrom('approvals')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && (await toApproval(row));
  };

  /** Seals a row written before sealing; true when it was one (whoever sealed it). */
  async function sealLegacy(id: string): Promise<boolean> {
    const row = await db
      .selectFrom('approvals')
      .selectAll()
      .where('id', '=', id)
      .where('key_id', 'is', null)
      .executeTakeFirst();
    if (!row) return false;
    const sealed = await resealRow(db, sealer, 'approvals', row);
    if (!sealed.ok) throw new Error(`approval ${id} could not be sealed: ${sealed.error.message}`);
    return true;
  }

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
          input: seal(a.id, 'input', input),
          input_hash: a.inputHash,
          target: seal(a.id, 'target', a.target),
          reason: a.reason === null ? null : seal(a.id, 'reason', a.reason),
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
          key_id: sealer.currentKeyId,
        })
        .execute();
    },

    get: read,

    async list(filter) {
      let q = db.selectFrom('approvals').selectAll();
      if (filter.states?.length) q = q.where('state', 'in', [...filter.states]);
      if (filter.agentId) q = q.where('agent_id', '=', filter.agentId);
      if (filter.auditId) q = q.where('audit_id', '=', filter.auditId);
      const rows = await q
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(Math.max(1, Math.min(filter.limit, 1000)))
        .execute();
      return Promise.all(rows.map(toApproval));
    },

    async transition(id, from, to, f) {
      if (!states.has(to)) throw new Error(`unknown approval state '${to}'`);
      if (f.note && f.note.length > maxApprovalNoteLength) {
        throw new Error(`a note is limited to ${maxApprovalNoteLength} characters`);
      }
      const set: UpdateObject<Database, 'approvals'> = { state: to };
      if (to === 'approved' || to === 'rejected' || to === 'expired') {
        set.decided_at = f.at;
        set.decided_by = f.by ?? null;
        set.note = f.note ?? null;
      }
      if (f.resultStatus !== undefined) set.result_status = f.resultStatus;
      const body = f.resultBody === undefined ? undefined : stringifyJson(f.resultBody);
      if (f.resultBody !== undefined && body === undefined) {
        throw new Error('an approval result must be JSON');
      }
      if (body !== undefined) {
        const keyId = sealer.currentKeyId;
        set.result_body = seal(id, 'result_body', body);
        // The row's other values may be under an older key (sealed before a rotation this
        // process has since loaded): then the row is marked mixed, which a rotation reseals.
        set.key_id = sql<string>`case when key_id = ${keyId} then key_id else ${mixedKeyId} end`;
      }
      if (to === 'done' || to === 'failed') set.finished_at = f.at;
      const update = () => {
        let q = db
          .updateTable('approvals')
          .set(set)
          .where('id', '=', id)
          .where('state', 'in', [...from]);
        if (f.unexpiredAt !== undefined) q = q.where('expires_at', '>', f.unexpiredAt);
        // A sealed result never joins the plaintext values of a row written before sealing.
        if (body !== undefined) q = q.where('key_id', 'is not', null);
        // The row as this update left it, in the same statement (SQLite and Postgres RETURNING).
        return q.returningAll().executeTakeFirst();
      };
      let row = await update();
      if (!row && body !== undefined && (await sealLegacy(id))) row = await update();
      return row && (await toApproval(row));
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
      return Promise.all(rows.map(toApproval));
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

/** A row with its sealed columns opened. */
function fromRow(
  row: Selectable<ApprovalsTable>,
  opened: { input: string; target: string; reason: string | null; resultBody: string | null },
): StoredApproval {
  const input = parseJson(opened.input);
  return {
    id: row.id,
    agentId: row.agent_id,
    agentName: row.agent_name,
    surface: row.surface as Surface,
    actionId: row.action_id,
    rule: row.rule,
    input: input && typeof input === 'object' ? (input as Record<string, unknown>) : {},
    inputHash: row.input_hash,
    target: opened.target,
    reason: opened.reason,
    auditId: row.audit_id,
    state: states.has(row.state) ? (row.state as ApprovalState) : 'failed',
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    decidedAt: row.decided_at === null ? null : Number(row.decided_at),
    decidedBy: row.decided_by,
    note: row.note,
    resultStatus: row.result_status === null ? null : Number(row.result_status),
    resultBody: opened.resultBody === null ? null : parseJson(opened.resultBody),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
  };
}
