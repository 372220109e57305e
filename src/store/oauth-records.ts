// The MCP authorization server's storage (oidc-provider's adapter interface) over oauth_records
// (migration 0011), on SQLite and Postgres alike, so that every replica on one database knows the
// same clients, grants, codes and tokens. Ids are kept only as SHA-256 hashes (a code's or an
// opaque token's id is the secret the client presents), and payloads are sealed with the data key
// under an AAD naming the model and the row, so neither a database reader nor a swapped row learns
// or forges a token. Nothing here logs a payload or an id.
import { createHash } from 'node:crypto';

import type { Kysely } from 'kysely';

import { parseJson, stringifyJson } from './codec.js';
import type { Database } from './db.js';
import type { Sealer } from './sealer.js';

/** A row of oauth_records. */
export interface OAuthRecordsTable {
  model: string;
  id_hash: string;
  payload: string;
  grant_id: string | null;
  uid_hash: string | null;
  consumed_at: number | null;
  expires_at: number | null;
}

type Tables = { oauth_records: OAuthRecordsTable };

/** One stored oidc-provider model instance (its JSON payload), as the adapter moves it. */
export type OAuthPayload = Record<string, unknown>;

/** oidc-provider's adapter interface, for one model (Session, Grant, AccessToken …). */
export interface OAuthModelAdapter {
  upsert(id: string, payload: OAuthPayload, expiresIn?: number): Promise<void>;
  find(id: string): Promise<OAuthPayload | undefined>;
  findByUid(uid: string): Promise<OAuthPayload | undefined>;
  findByUserCode(userCode: string): Promise<OAuthPayload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

/** The stored records: an adapter per model, and pruning of expired rows. */
export interface OAuthRecords {
  adapterFor(model: string): OAuthModelAdapter;
  /** Deletes rows expired before `now` (epoch ms); returns how many. */
  prune(now: number): Promise<number>;
}

const hash = (value: string) => createHash('sha256').update(value).digest('hex');
const aadOf = (model: string, idHash: string) => `oauth_records:${model}:${idHash}`;
/** Expired rows are pruned on a write at most this often (ms). */
const pruneEveryMs = 10 * 60_000;

/** Creates the records over the store's database and sealer. */
export function createOAuthRecords(
  db: Kysely<Database>,
  deps: { readonly sealer: Sealer; readonly now?: () => number },
): OAuthRecords {
  const t = db.withTables<Tables>();
  const now = deps.now ?? Date.now;
  const { sealer } = deps;
  let lastPrune = 0;

  const prune = async (at: number): Promise<number> => {
    const result = await t
      .deleteFrom('oauth_records')
      .where('expires_at', 'is not', null)
      .where('expires_at', '<', at)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  };

  const open = async (
    model: string,
    row: Pick<OAuthRecordsTable, 'id_hash' | 'payload' | 'consumed_at' | 'expires_at'>,
  ): Promise<OAuthPayload | undefined> => {
    if (row.expires_at !== null && Number(row.expires_at) <= now()) return undefined;
    const opened = await sealer.open(row.payload, aadOf(model, row.id_hash));
    // A row sealed under a key no longer loaded reads as absent: the client authorizes again.
    if (!opened.ok) return undefined;
    const payload = parseJson(opened.value);
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return undefined;
    const value = payload as OAuthPayload;
    // oidc-provider wants `consumed` as a truthy epoch-seconds stamp.
    return row.consumed_at === null
      ? value
      : { ...value, consumed: Math.floor(Number(row.consumed_at) / 1000) };
  };

  const adapterFor = (model: string): OAuthModelAdapter => {
    const select = () =>
      t
        .selectFrom('oauth_records')
        .select(['id_hash', 'payload', 'consumed_at', 'expires_at'])
        .where('model', '=', model);
    return {
      async upsert(id, payload, expiresIn) {
        const idHash = hash(id);
        const text = stringifyJson(payload);
        if (text === undefined) throw new Error(`oidc-provider ${model} payload is not JSON`);
        const at = now();
        const values = {
          payload: sealer.seal(text, aadOf(model, idHash)),
          grant_id: typeof payload.grantId === 'string' ? hash(payload.grantId) : null,
          uid_hash: typeof payload.uid === 'string' ? hash(payload.uid) : null,
          expires_at: typeof expiresIn === 'number' ? at + expiresIn * 1000 : null,
        };
        await t
          .insertInto('oauth_records')
          .values({ model, id_hash: idHash, consumed_at: null, ...values })
          .onConflict((oc) => oc.columns(['model', 'id_hash']).doUpdateSet(values))
          .execute();
        if (at - lastPrune > pruneEveryMs) {
          lastPrune = at;
          void prune(at).catch(() => undefined);
        }
      },
      async find(id) {
        const row = await select().where('id_hash', '=', hash(id)).executeTakeFirst();
        return row ? open(model, row) : undefined;
      },
      async findByUid(uid) {
        const row = await select().where('uid_hash', '=', hash(uid)).executeTakeFirst();
        return row ? open(model, row) : undefined;
      },
      // The device flow is off: no user codes are ever issued.
      async findByUserCode() {
        return undefined;
      },
      async consume(id) {
        await t
          .updateTable('oauth_records')
          .set({ consumed_at: now() })
          .where('model', '=', model)
          .where('id_hash', '=', hash(id))
          .execute();
      },
      async destroy(id) {
        await t
          .deleteFrom('oauth_records')
          .where('model', '=', model)
          .where('id_hash', '=', hash(id))
          .execute();
      },
      async revokeByGrantId(grantId) {
        await t
          .deleteFrom('oauth_records')
          .where('model', '=', model)
          .where('grant_id', '=', hash(grantId))
          .execute();
      },
    };
  };

  return { adapterFor, prune };
}
