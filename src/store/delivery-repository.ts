// Asynchronous enrichment deliveries: what Apollo sends later (phone numbers, waterfall results)
// for one agent's call, awaited under the hash of the secret webhook URL Apollo was given.
//
// Privacy: payloads are personal data (phones, emails). They are kept only for the agent that
// asked, sealed by the vault and bound to their row (personal-data.ts), pruned after Apollo's own
// 30-day retention, and never logged.
import type { Kysely, Selectable } from 'kysely';

import type { DeliveryState, DeliveryStore, DeliveryVia, StoredDelivery } from '../ports/index.js';

import { pruneBatchSize } from './prune.js';
import type { Database, DeliveriesTable } from './db.js';
import { sealedAad } from './personal-data.js';
import type { Sealer } from './sealer.js';

const states: ReadonlySet<string> = new Set<DeliveryState>([
  'pending',
  'delivered',
  'empty',
  'failed',
]);
const vias: ReadonlySet<string> = new Set<DeliveryVia>(['webhook', 'poll']);

/** The largest payload kept (a bulk delivery of 10 people is a few tens of kilobytes). */
export const maxDeliveryPayloadBytes = 1_000_000;

/**
 * Creates the repository. Throws on a store failure, including a payload that does not open
 * (sealed under a key no longer loaded): the callers log and carry on.
 */
export function createDeliveryRepository(
  db: Kysely<Database>,
  deps: { readonly sealer: Sealer },
): DeliveryStore {
  const { sealer } = deps;
  const payloadAad = (receiverHash: string) => sealedAad('deliveries', receiverHash, 'payload');

  async function toDelivery(row: Selectable<DeliveriesTable>): Promise<StoredDelivery> {
    let payload = row.payload;
    // key_id NULL: written before sealing, plaintext until the store's next open seals it.
    if (payload !== null && row.key_id !== null) {
      const opened = await sealer.open(payload, payloadAad(row.receiver_hash));
      if (!opened.ok) {
        throw new Error(`the delivered data of a delivery does not open: ${opened.error.message}`);
      }
      payload = opened.value;
    }
    return fromRow(row, payload);
  }

  return {
    async create(d) {
      if (!/^[0-9a-f]{64}$/.test(d.receiverHash)) {
        throw new Error('a delivery receiver hash must be 64 hex digits');
      }
      await db
        .insertInto('deliveries')
        .values({
          receiver_hash: d.receiverHash,
          agent_id: d.agentId,
          agent_name: d.agentName,
          rule: d.rule,
          action_id: d.actionId,
          call_audit_id: d.callAuditId,
          audit_id: d.auditId,
          surface: d.surface,
          what: d.what,
          request_id: d.requestId,
          state: 'pending',
          via: null,
          payload: null,
          credits: 0,
          detail: null,
          created_at: d.createdAt,
          settled_at: null,
          next_poll_at: d.nextPollAt,
          polls: 0,
          key_id: sealer.currentKeyId,
        })
        .execute();
    },

    async byReceiver(hash) {
      const row = await db
        .selectFrom('deliveries')
        .selectAll()
        .where('receiver_hash', '=', hash)
        .executeTakeFirst();
      return row && (await toDelivery(row));
    },

    async forAgent(agentId, requestId) {
      const row = await db
        .selectFrom('deliveries')
        .selectAll()
        .where('agent_id', '=', agentId)
        .where('request_id', '=', requestId)
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row && (await toDelivery(row));
    },

    async forCall(callAuditId) {
      const row = await db
        .selectFrom('deliveries')
        .selectAll()
        .where('call_audit_id', '=', callAuditId)
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (!row) return undefined;
      // Not opened: the payload is the agent's personal data, not the admin's.
      const { payload: _sealed, ...rest } = fromRow(row, null);
      return rest;
    },

    async settle(hash, s) {
      if (!states.has(s.state) || (s.state as DeliveryState) === 'pending') {
        throw new Error(`cannot settle a delivery as '${s.state}'`);
      }
      if (s.via !== undefined && !vias.has(s.via)) throw new Error(`unknown via '${s.via}'`);
      if (s.payload !== undefined && Buffer.byteLength(s.payload) > maxDeliveryPayloadBytes) {
        throw new Error(`a delivery payload is limited to ${maxDeliveryPayloadBytes} bytes`);
      }
      // Only a pending row changes: a retried webhook (Apollo retries; nothing is signed) or a
      // webhook racing a poll finds it settled and changes nothing. A pending row holds no other
      // sealed value, so after this the whole row is under the current key.
      const row = await db
        .updateTable('deliveries')
        .set({
          state: s.state,
          via: s.via ?? null,
          payload: s.payload === undefined ? null : sealer.seal(s.payload, payloadAad(hash)),
          key_id: sealer.currentKeyId,
          credits: s.credits ?? 0,
          detail: s.detail ?? null,
          settled_at: s.at,
          next_poll_at: null,
        })
        .where('receiver_hash', '=', hash)
        .where('state', '=', 'pending')
        .returningAll()
        .executeTakeFirst();
      return row && (await toDelivery(row));
    },

    async due(now, limit) {
      const rows = await db
        .selectFrom('deliveries')
        .selectAll()
        .where('state', '=', 'pending')
        .where('next_poll_at', '<=', now)
        .orderBy('next_poll_at')
        .limit(Math.max(1, Math.min(limit, 1000)))
        .execute();
      return Promise.all(rows.map(toDelivery));
    },

    async reschedule(hash, nextPollAt) {
      await db
        .updateTable('deliveries')
        .set((eb) => ({ next_poll_at: nextPollAt, polls: eb('polls', '+', 1) }))
        .where('receiver_hash', '=', hash)
        .where('state', '=', 'pending')
        .execute();
    },

    async prune(olderThan) {
      let total = 0;
      for (;;) {
        const batch = await db
          .selectFrom('deliveries')
          .select('receiver_hash')
          .where('created_at', '<', olderThan)
          .limit(pruneBatchSize)
          .execute();
        if (batch.length === 0) return total;
        const result = await db
          .deleteFrom('deliveries')
          .where(
            'receiver_hash',
            'in',
            batch.map((r) => r.receiver_hash),
          )
          .executeTakeFirst();
        total += Number(result.numDeletedRows);
        if (batch.length < pruneBatchSize) return total;
      }
    },
  };
}

function fromRow(row: Selectable<DeliveriesTable>, payload: string | null): StoredDelivery {
  return {
    receiverHash: row.receiver_hash,
    agentId: row.agent_id,
    agentName: row.agent_name,
    rule: row.rule,
    actionId: row.action_id,
    callAuditId: row.call_audit_id,
    auditId: row.audit_id,
    surface: row.surface,
    what: row.what,
    requestId: row.request_id,
    createdAt: Number(row.created_at),
    nextPollAt: row.next_poll_at === null ? 0 : Number(row.next_poll_at),
    state: states.has(row.state) ? (row.state as DeliveryState) : 'failed',
    via: row.via !== null && vias.has(row.via) ? (row.via as DeliveryVia) : null,
    payload,
    credits: Number(row.credits),
    detail: row.detail,
    settledAt: row.settled_at === null ? null : Number(row.settled_at),
    polls: Number(row.polls),
  };
}
