// End-user data at rest: which columns hold prospects' personal data (names, emails, phone
// numbers), how each sealed value is bound to its row, and the batched passes that seal rows
// written before sealing existed and reseal rows after `gatehouse secrets rotate`.
//
// Every such value is a vault value (AES-256-GCM under the same rotatable data key as the Apollo
// credential) whose additional authenticated data names its table, row and column, so a value
// copied into another row or column does not open. Each row records the key that sealed it
// (`key_id`), so a rotation finds the rows still under an older key without opening anything.
// The enrichment cache's identity keys are HMACs (see enrichment-lookup-key.ts).
//
// The passes work in batches of rows read by primary key (never every row at once), each batch
// written in its own short transaction, each row guarded by the values it was read with: a
// concurrent write wins and is not overwritten, an interrupted pass leaves every row either as
// it was or resealed, and running a pass again finishes the job.
import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';

import { ok } from '../core/result.js';
import type { Result } from '../core/result.js';

import type { Database } from './db.js';
import type { DialectName } from './dialect.js';
import { createKeyHasher, lookupKeyKeyId, resealLookupKey } from './enrichment-lookup-key.js';
import type { KeyHasher } from './enrichment-lookup-key.js';
import type { StoreError } from './errors.js';
import type { RandomBytes } from './ids.js';
import type { Sealer } from './sealer.js';

/** The tables that hold end-user data. */
export type PersonalDataTable = 'enrichment_cache' | 'deliveries' | 'approvals';

interface SealedTable {
  readonly table: PersonalDataTable;
  /** The primary key column, part of every sealed value's AAD. */
  readonly key: string;
  /** The columns holding sealed values (NULL stays NULL). */
  readonly columns: readonly string[];
}

const sealedTables: Readonly<Record<PersonalDataTable, SealedTable>> = {
  // `key` is an HMAC of the identity (the identity itself is personal data); `body` the answer.
  enrichment_cache: { table: 'enrichment_cache', key: 'key', columns: ['body'] },
  // Apollo's delivered JSON: phone numbers, emails.
  deliveries: { table: 'deliveries', key: 'receiver_hash', columns: ['payload'] },
  // The held call's exact input (the contact it creates), its target in words (the audit's
  // rendering of the input, which names a contact), the agent's stated reason (free text that may
  // name the prospect) and Apollo's unredacted answer.
  approvals: {
    table: 'approvals',
    key: 'id',
    columns: ['input', 'target', 'reason', 'result_body'],
  },
};

/** The AAD binding one sealed value to its table, row and column. */
export function sealedAad(table: PersonalDataTable, rowKey: string, column: string): string {
  return `${table}:${rowKey}:${column}`;
}

/**
 * The `key_id` of a row whose values were sealed under different keys (an approval's result
 * written by a process already on a newer key than its input). Never a key id (those are 16 hex
 * digits), so a rotation always reseals such a row.
 */
export const mixedKeyId = 'mixed';

/** Rows per table (`settings`: the cache's lookup key, 0 or 1). */
export interface PersonalDataCounts {
  readonly enrichment_cache: number;
  readonly deliveries: number;
  readonly approvals: number;
  readonly settings: number;
}

/** What a pass did: rows (re)sealed, and rows it could not open (left exactly as they were). */
export interface SealingReport {
  readonly sealed: PersonalDataCounts;
  readonly failed: PersonalDataCounts;
  /** The first failure's message, to tell the operator what to restore. */
  readonly firstFailure?: string;
}

/** Sealing passes over every table of end-user data. */
export interface PersonalDataSealing {
  /**
   * Seals the rows written before sealing at rest existed (key_id NULL: plaintext), re-filing
   * cached answers under hashed keys. Cheap when there are none (a partial index), so it runs
   * every time the store opens.
   */
  sealLegacy(): Promise<SealingReport>;
  /**
   * Reseals every row, and the cache's lookup key, not sealed under the current data key
   * (after a rotation), sealing legacy rows on the way. Safe to run again after an interruption.
   */
  reseal(): Promise<SealingReport>;
  /** Rows (and the lookup key) not sealed under the current key: 0 everywhere once resealed. */
  stale(): Promise<PersonalDataCounts>;
}

/** Options of {@link createPersonalDataSealing}. */
export interface PersonalDataSealingOptions {
  /** Rows read and written per transaction (default 500). */
  readonly batchSize?: number;
  readonly randomBytes?: RandomBytes;
  readonly now?: () => number;
  /** On SQLite, sealing old rows ends by rewriting the file (see `sealLegacy`). */
  readonly dialect?: DialectName;
}

type Row = Record<string, string | null>;
/** The tables seen column by name, for the one generic pass below. */
type LooseDatabase = Record<PersonalDataTable, Row>;
type Db = Kysely<Database> | Transaction<Database>;

const loose = (db: Db) => db as unknown as Kysely<LooseDatabase>;

const zero: PersonalDataCounts = { enrichment_cache: 0, deliveries: 0, approvals: 0, settings: 0 };

const total = (counts: PersonalDataCounts) => Object.values(counts).reduce((a, b) => a + b, 0);

/** Creates the sealing passes over one database. */
export function createPersonalDataSealing(
  db: Kysely<Database>,
  sealer: Sealer,
  options: PersonalDataSealingOptions = {},
): PersonalDataSealing {
  const batchSize = Math.max(1, options.batchSize ?? 500);
  const hasher = createKeyHasher(db, sealer, options);

  async function run(which: 'legacy' | 'stale'): Promise<SealingReport> {
    const sealed: Record<keyof PersonalDataCounts, number> = { ...zero };
    const failed: Record<keyof PersonalDataCounts, number> = { ...zero };
    let firstFailure: string | undefined;
    const fail = (table: keyof PersonalDataCounts, error: StoreError) => {
      failed[table] += 1;
      firstFailure ??= `${table}: ${error.message}`;
    };
    if (which === 'stale') {
      // First, so the cache opens under the new key as soon as possible.
      const lookup = await resealLookupKey(db, sealer);
      if (lookup.ok) sealed.settings = lookup.value ? 1 : 0;
      else fail('settings', lookup.error);
    }
    const cache = await rekeyLegacyCache(db, sealer, hasher, batchSize);
    sealed.enrichment_cache += cache.sealed;
    if (cache.error) fail('enrichment_cache', cache.error);
    for (const spec of Object.values(sealedTables)) {
      // Legacy cache rows were re-filed above; resealing them in place would keep their
      // plaintext identity as the key.
      const mode = spec.table === 'enrichment_cache' && which === 'legacy' ? null : which;
      if (mode === null) continue;
      const done = await resealTable(db, sealer, spec, mode, batchSize, (e) => fail(spec.table, e));
      sealed[spec.table] += done;
    }
    return { sealed, failed, ...(firstFailure === undefined ? {} : { firstFailure }) };
  }

  return {
    async sealLegacy() {
      const report = await run('legacy');
      if (options.dialect === 'sqlite' && total(report.sealed) > 0) {
        // SQLite leaves overwritten and deleted rows in free pages and in the WAL: rewrite the
        // file and empty the WAL, so the plaintext is gone from the disk too, not just from the
        // tables. Once, on the first open after the upgrade. (Postgres keeps old row versions
        // until a VACUUM FULL, which takes locks an operator should schedule; see the docs.)
        await sql`vacuum`.execute(db);
        await sql`pragma wal_checkpoint(truncate)`.execute(db);
      }
      return report;
    },
    reseal: () => run('stale'),
    async stale() {
      const current = sealer.currentKeyId;
      const counts: Record<keyof PersonalDataCounts, number> = { ...zero };
      for (const { table } of Object.values(sealedTables)) {
        const row = await loose(db)
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where((eb) => eb.or([eb('key_id', 'is', null), eb('key_id', '<>', current)]))
          .executeTakeFirst();
        counts[table] = Number(row?.n ?? 0);
      }
      const lookup = await lookupKeyKeyId(db, sealer);
      counts.settings = lookup !== undefined && lookup !== current ? 1 : 0;
      return counts;
    },
  };
}

/**
 * Seals (key_id NULL: the values are plaintext) or reseals (any other key_id) every sealed column
 * of one row under the current key, in one update guarded by the values it was read with. ok(false)
 * when the row changed meanwhile (a concurrent write, which sealed it); an error when a value does
 * not open (the row is left as it was).
 */
export async function resealRow(
  db: Db,
  sealer: Sealer,
  table: PersonalDataTable,
  row: Readonly<Record<string, unknown>>,
): Promise<Result<boolean, StoreError>> {
  const spec = sealedTables[table];
  const text = (column: string) => {
    const value = row[column];
    return typeof value === 'string' ? value : null;
  };
  const rowKey = text(spec.key);
  if (rowKey === null) return ok(false);
  const set: Row = { key_id: sealer.currentKeyId };
  for (const column of spec.columns) {
    const value = text(column);
    const aad = sealedAad(table, rowKey, column);
    if (value === null) {
      set[column] = null;
    } else if (text('key_id') === null) {
      set[column] = sealer.seal(value, aad);
    } else {
      const resealed = await sealer.reseal(value, aad);
      if (!resealed.ok) return resealed;
      set[column] = resealed.value;
    }
  }
  let update = loose(db).updateTable(table).set(set).where(spec.key, '=', rowKey);
  for (const column of ['key_id', ...spec.columns]) {
    const was = text(column);
    update = was === null ? update.where(column, 'is', null) : update.where(column, '=', was);
  }
  const result = await update.executeTakeFirst();
  return ok(result.numUpdatedRows > 0n);
}

/** One table, in primary-key order from a cursor, `batchSize` rows per transaction. */
async function resealTable(
  db: Kysely<Database>,
  sealer: Sealer,
  spec: SealedTable,
  which: 'legacy' | 'stale',
  batchSize: number,
  fail: (error: StoreError) => void,
): Promise<number> {
  const current = sealer.currentKeyId;
  let cursor: string | null = null;
  let count = 0;
  for (;;) {
    let query = loose(db)
      .selectFrom(spec.table)
      .select([spec.key, 'key_id', ...spec.columns])
      .orderBy(spec.key)
      .limit(batchSize);
    query =
      which === 'legacy'
        ? query.where('key_id', 'is', null)
        : spec.table === 'enrichment_cache'
          ? query.where('key_id', '<>', current)
          : query.where((eb) => eb.or([eb('key_id', 'is', null), eb('key_id', '<>', current)]));
    if (cursor !== null) query = query.where(spec.key, '>', cursor);
    const rows = (await query.execute()) as Row[];
    if (rows.length === 0) return count;
    await db.transaction().execute(async (trx) => {
      for (const row of rows) {
        const done = await resealRow(trx, sealer, spec.table, row);
        if (!done.ok) fail(done.error);
        else if (done.value) count += 1;
      }
    });
    cursor = rows[rows.length - 1]![spec.key] ?? null;
    if (rows.length < batchSize) return count;
  }
}

/**
 * Re-files cached answers written before sealing: each row moves from its plaintext identity to
 * the identity's HMAC with its body sealed, in batches, each batch one transaction (insert the new
 * rows, delete the old). A row already filed under the hash (written since) is newer and wins.
 */
async function rekeyLegacyCache(
  db: Kysely<Database>,
  sealer: Sealer,
  hasher: () => Promise<KeyHasher>,
  batchSize: number,
): Promise<{ sealed: number; error?: StoreError }> {
  let cursor: string | null = null;
  let count = 0;
  for (;;) {
    let query = db
      .selectFrom('enrichment_cache')
      .selectAll()
      .where('key_id', 'is', null)
      .orderBy('key')
      .limit(batchSize);
    if (cursor !== null) query = query.where('key', '>', cursor);
    const rows = await query.execute();
    if (rows.length === 0) return { sealed: count };
    let hash: KeyHasher;
    try {
      hash = await hasher();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { sealed: count, error: { code: 'vault_open_failed', message } };
    }
    const keyId = sealer.currentKeyId;
    const moved = rows.map((row) => {
      const key = hash(row.key);
      const body = sealer.seal(row.body, sealedAad('enrichment_cache', key, 'body'));
      return { ...row, key, body, key_id: keyId };
    });
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('enrichment_cache')
        .values(moved)
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
      const deleted = await trx
        .deleteFrom('enrichment_cache')
        .where(
          'key',
          'in',
          rows.map((r) => r.key),
        )
        .where('key_id', 'is', null)
        .executeTakeFirst();
      count += Number(deleted.numDeletedRows);
    });
    cursor = rows[rows.length - 1]!.key;
    if (rows.length < batchSize) return { sealed: count };
  }
}
