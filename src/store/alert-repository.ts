// Anomaly alerts in the shared database (migration 0008): the alerts themselves (deduplicated by a
// key, acknowledged once), the evaluator's lease and watermark, the addresses agents were seen
// from, and the evaluator's view of the audit table. Replicas share all of it; nothing here is
// per process.
import { sql } from 'kysely';
import type { Kysely, Selectable } from 'kysely';

import type { AlertStore, AuditEvent, StoredAlert } from '../ports/alerts.js';

import { pruneInBatches } from './prune.js';
import { parseJsonArray, stringifyJson } from './codec.js';
import type { AlertsTable, Database } from './db.js';
import { createUlidFactory } from './ids.js';
import type { RandomBytes } from './ids.js';

/** The alert store over the database; see {@link AlertStore}. */
export type AlertRepository = AlertStore;

/** Dependencies of the alert repository. */
export interface AlertRepositoryDeps {
  readonly now: () => number;
  readonly randomBytes?: RandomBytes;
}

/** The longest note an admin may leave when acknowledging an alert. */
export const maxAlertNoteLength = 1000;

const maxMessageLength = 2000;
const maxAuditIds = 100;
const maxKeyLength = 300;
const maxByLength = 200;
const maxIpLength = 100;

/** Creates the alert repository. */
export function createAlertRepository(
  db: Kysely<Database>,
  deps: AlertRepositoryDeps,
): AlertRepository {
  const nextId = createUlidFactory('alr_', deps.randomBytes);

  const get = async (id: string) => {
    const row = await db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toAlert(row);
  };

  const eventColumns = [
    'id',
    'time',
    'agent_id',
    'agent_name',
    'action',
    'decision',
    'rule',
    'credits',
    'completed_at',
  ] as const;

  /** The agents' own records: admins' changes (admin.*) name an agent but are not its calls. */
  const agentsCalls = () =>
    db
      .selectFrom('audit_records')
      .where('agent_id', 'is not', null)
      .where('action', 'not like', sql<string>`'admin.%'`);

  return {
    async raise(a) {
      if (!a.kind || !a.agentId || !a.key || a.key.length > maxKeyLength) {
        throw new Error('an alert needs a kind, an agent and a key of at most 300 characters');
      }
      if (!Number.isSafeInteger(a.time) || a.time < 0)
        throw new Error('alert time must be epoch ms');
      const auditIds = stringifyJson(a.auditIds.slice(0, maxAuditIds));
      if (auditIds === undefined) throw new Error('alert audit ids must be JSON');
      const createdAt = deps.now();
      const row = await db
        .insertInto('alerts')
        .values({
          id: nextId(createdAt),
          kind: a.kind,
          agent_id: a.agentId,
          agent_name: a.agentName,
          time: a.time,
          message: truncate(a.message, maxMessageLength),
          audit_ids: auditIds,
          dedupe_key: a.key,
          created_at: createdAt,
          acknowledged_at: null,
          acknowledged_by: null,
          acknowledged_note: null,
        })
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .returningAll()
        .executeTakeFirst();
      return row ? toAlert(row) : null;
    },

    get,

    async list({ includeAcknowledged = false, since, limit }) {
      let q = db.selectFrom('alerts').selectAll();
      if (!includeAcknowledged) q = q.where('acknowledged_at', 'is', null);
      if (since !== undefined) q = q.where('time', '>=', since);
      const rows = await q
        .orderBy('time', 'desc')
        .orderBy('id', 'desc')
        .limit(Math.max(1, Math.min(Math.trunc(limit) || 1, 1000)))
        .execute();
      return rows.map(toAlert);
    },

    async acknowledge(id, { by, at, note }) {
      if (!by || by.length > maxByLength) {
        throw new Error('who acknowledges must be 1 to 200 characters');
      }
      if (note && note.length > maxAlertNoteLength) {
        throw new Error(`an acknowledgement note is at most ${maxAlertNoteLength} characters`);
      }
      // The guard is in the WHERE clause: of two admins acknowledging at once, one wins and the
      // other is told who did; the first acknowledgement is never overwritten.
      const row = await db
        .updateTable('alerts')
        .set({ acknowledged_at: at, acknowledged_by: by, acknowledged_note: note || null })
        .where('id', '=', id)
        .where('acknowledged_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      if (row) return { status: 'acknowledged', alert: toAlert(row) };
      const current = await get(id);
      return current ? { status: 'already_acknowledged', alert: current } : { status: 'not_found' };
    },

    async prune({ olderThan }) {
      return pruneInBatches(async (limit) => {
        const result = await db
          .deleteFrom('alerts')
          .where('id', 'in', (eb) =>
            eb.selectFrom('alerts').select('id').where('time', '<', olderThan).limit(limit),
          )
          .executeTakeFirst();
        return result.numDeletedRows;
      });
    },

    async noteIp(agentId, ip, at) {
      const address = ip.slice(0, maxIpLength);
      const inserted = await db
        .insertInto('alert_known_ips')
        .values({ agent_id: agentId, ip: address, first_seen_at: at })
        .onConflict((oc) => oc.columns(['agent_id', 'ip']).doNothing())
        .returning('ip')
        .executeTakeFirst();
      if (!inserted) return { added: false, others: 0 };
      const row = await db
        .selectFrom('alert_known_ips')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('agent_id', '=', agentId)
        .where('ip', '<>', address)
        .executeTakeFirstOrThrow();
      return { added: true, others: Number(row.n) };
    },

    async acquireLease(name, holder, now, ttlMs) {
      const until = now + ttlMs;
      const row = await db
        .selectFrom('alert_evaluation')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst();
      if (!row) {
        const created = await db
          .insertInto('alert_evaluation')
          .values({ name, holder, lease_until: until, epoch: 1, watermark: null, updated_at: now })
          .onConflict((oc) => oc.column('name').doNothing())
          .returning(['epoch', 'watermark'])
          .executeTakeFirst();
        // Null: another replica created it first, and holds it now.
        return created ? { epoch: Number(created.epoch), watermark: created.watermark } : null;
      }
      if (row.holder !== holder && row.lease_until > now) return null;
      // Compare-and-set on the row as read: of two replicas taking an expired lease, one wins.
      // lease_until is part of it because a holder renewing its own lease keeps the epoch: a
      // replica that read the row before that renewal must not take the lease over after it.
      const updated = await db
        .updateTable('alert_evaluation')
        .set({
          holder,
          lease_until: until,
          epoch: row.holder === holder ? row.epoch : row.epoch + 1,
          updated_at: now,
        })
        .where('name', '=', name)
        .where('holder', '=', row.holder)
        .where('epoch', '=', row.epoch)
        .where('lease_until', '=', row.lease_until)
        .returning(['epoch', 'watermark'])
        .executeTakeFirst();
      return updated ? { epoch: Number(updated.epoch), watermark: updated.watermark } : null;
    },

    async advance({ name, holder, epoch, watermark, now, ttlMs }) {
      const result = await db
        .updateTable('alert_evaluation')
        .set({ watermark, lease_until: now + ttlMs, updated_at: now })
        .where('name', '=', name)
        .where('holder', '=', holder)
        .where('epoch', '=', epoch)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async releaseLease(name, holder) {
      await db
        .updateTable('alert_evaluation')
        .set({ lease_until: 0 })
        .where('name', '=', name)
        .where('holder', '=', holder)
        .execute();
    },

    async auditEventCount({ after, upTo }) {
      // Only the indexed column is read, so each count walks its index and never the rows.
      const count = (column: 'time' | 'completed_at') =>
        db
          .selectFrom('audit_records')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where(column, '>', after)
          .where(column, '<=', upTo)
          .executeTakeFirstOrThrow();
      const [opened, completed] = await Promise.all([count('time'), count('completed_at')]);
      return Number(opened.n) + Number(completed.n);
    },

    async auditEvents({ after, upTo }) {
      const base = () => agentsCalls().select(eventColumns);
      const [opened, completed] = await Promise.all([
        base()
          .where('time', '>', after)
          .where('time', '<=', upTo)
          .orderBy('time')
          .orderBy('id')
          .execute(),
        base()
          .where('completed_at', '>', after)
          .where('completed_at', '<=', upTo)
          .where('credits', '>', 0)
          .orderBy('completed_at')
          .orderBy('id')
          .execute(),
      ]);
      return { opened: opened.map(toEvent), completed: completed.map(toEvent) };
    },
  };
}

function toAlert(row: Selectable<AlertsTable>): StoredAlert {
  return {
    id: row.id,
    kind: row.kind,
    time: row.time,
    agentId: row.agent_id,
    agentName: row.agent_name,
    message: row.message,
    auditIds: parseJsonArray(row.audit_ids).filter((v): v is string => typeof v === 'string'),
    createdAt: row.created_at,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
    acknowledgedNote: row.acknowledged_note,
  };
}

function toEvent(row: {
  id: string;
  time: number;
  agent_id: string | null;
  agent_name: string | null;
  action: string;
  decision: string;
  rule: string | null;
  credits: number;
  completed_at: number | null;
}): AuditEvent {
  return {
    id: row.id,
    time: row.time,
    agentId: row.agent_id ?? '',
    agentName: row.agent_name,
    action: row.action,
    decision: row.decision,
    rule: row.rule,
    credits: Number(row.credits),
    completedAt: row.completed_at,
  };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
